import { ConfigError } from '../config/errors.js';
import { validateCommonQueueSort, validateExpanded } from '../config/multipoint.js';
import type { SchedulerConfiguration } from '../config/types.js';
import { CycleState } from '../cycle-state/cycle-state.js';
import { PodInfo } from '../model/pod-info.js';
import type { Node, Pod } from '../model/types.js';
import { Snapshot } from '../node-info/snapshot.js';
import { ActionType, type ClusterEvent, type ClusterEventWithHint } from '../plugins/events.js';
import type { EnqueueExtensions, QueuedPodInfo } from '../plugins/extension-points.js';
import type { Registry } from '../registry/registry.js';
import { FitError, fitErrorMessage } from '../runtime/fit-error.js';
import { Framework } from '../runtime/framework.js';
import type { FrameworkMetrics } from '../runtime/metrics.js';
import type { ScheduleResult } from '../runtime/schedule-one.js';
import { WaitingPods } from '../runtime/waiting-pods.js';
import { Code, Status } from '../status/status.js';
import type { ClusterStore, StoreEvent, Unsubscribe } from '../store/cluster-store.js';
import { SchedulerCache } from './cache.js';
import { type Clock, systemClock } from './clock.js';
import { nodeUpdateActions, podSpecChanged, podUpdateActions } from './event-classification.js';
import { podKey, type QueuedPod, SchedulingQueue } from './queue.js';

/** What the scheduler reports as it works (the demo and tests listen). */
export type SchedulerEvent =
  | { type: 'scheduled'; pod: Pod; nodeName: string; result: ScheduleResult; profile: string }
  | { type: 'bound'; pod: Pod; nodeName: string; profile: string }
  | { type: 'unschedulable'; pod: Pod; message: string; plugins: string[]; profile: string }
  | { type: 'error'; pod: Pod; error: Error; profile: string }
  | { type: 'bindingFailed'; pod: Pod; nodeName: string; status: Status; profile: string }
  | { type: 'reconfigured'; profiles: string[] };

/** How a scheduler is built. */
export interface SchedulerOptions {
  store: ClusterStore;
  registry: Registry;
  configuration: SchedulerConfiguration;
  clock?: Clock;
  /** Random source for tie-breaks (seed it for reproducible placement). */
  random?: () => number;
  metrics?: FrameworkMetrics;
  onEvent?: (event: SchedulerEvent) => void;
  /** Bound on async plugin calls (see FrameworkOptions.asyncPluginTimeoutMs). */
  asyncPluginTimeoutMs?: number;
}

/**
 * The scheduler: watches the store, queues pending pods, runs one scheduling cycle at a time and many binding
 * cycles concurrently. Pods are routed to a profile by `spec.schedulerName`; pods for other schedulers are left
 * alone. {@link Scheduler.applyConfiguration} swaps in new frameworks while running cycles finish on the old.
 */
export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  private frameworks = new Map<string, Framework>();
  private configuration: SchedulerConfiguration;
  private readonly snapshot = new Snapshot();
  private readonly clock: Clock;
  private readonly waitingPods: WaitingPods;
  private readonly eventsByPlugin = new Map<string, readonly ClusterEventWithHint[]>();
  private unwatch: Unsubscribe | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private bindingsInFlight = 0;
  /** Binding cycles parked at Permit: they wait for other pods or a timeout, not for work. */
  private bindingsWaitingOnPermit = 0;
  private idleWaiters: (() => void)[] = [];
  private pendingEventWork: Promise<void> = Promise.resolve();

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    this.waitingPods = new WaitingPods({
      setTimeout: (fn, ms) => this.clock.setTimeout(fn, ms),
      clearTimeout: (handle) => this.clock.clearTimeout(handle),
    });
    this.configuration = options.configuration;
    this.frameworks = this.buildFrameworks(options.configuration);
    this.queue = new SchedulingQueue({
      clock: this.clock,
      less: (a, b) => this.less(a, b),
      preEnqueue: (pod) => this.frameworks.get(pod.spec.schedulerName ?? 'default-scheduler')?.runPreEnqueuePlugins(pod) ?? null,
      eventsByPlugin: this.eventsByPlugin,
      podInitialBackoffMs: options.configuration.podInitialBackoffSeconds * 1000,
      podMaxBackoffMs: options.configuration.podMaxBackoffSeconds * 1000,
    });
    this.queue.onActivate = () => this.notifyIdleWaiters();
  }

  /** The frameworks by scheduler name. */
  profiles(): ReadonlyMap<string, Framework> {
    return this.frameworks;
  }

  /** The configuration in force. */
  get currentConfiguration(): SchedulerConfiguration {
    return this.configuration;
  }

  /** Starts watching the store (replaying what it holds) and scheduling. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unwatch = this.options.store.watch((events) => this.onStoreEvents(events), { replay: true });
    this.loop = this.runLoop();
  }

  /** Stops scheduling; binding cycles in flight finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.unwatch?.();
    this.queue.close();
    await this.loop;
  }

  /**
   * Applies a new configuration: builds new frameworks first (an invalid configuration throws and the old one
   * keeps running), then swaps them in. Cycles already running finish with the frameworks they started with.
   */
  async applyConfiguration(configuration: SchedulerConfiguration): Promise<void> {
    const frameworks = this.buildFrameworks(configuration);
    this.frameworks = frameworks;
    this.configuration = configuration;
    this.options.onEvent?.({ type: 'reconfigured', profiles: [...frameworks.keys()] });
    await this.queue.moveAllToActiveOrBackoff();
  }

  /**
   * Resolves once nothing is left to do right now: the event pipeline is drained, activeQ is empty, no
   * pod is in a cycle and no binding is in flight (pods may remain unschedulable or backing off).
   */
  async waitForIdle(): Promise<void> {
    for (;;) {
      await this.pendingEventWork;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.isIdle()) {
        await this.pendingEventWork;
        if (this.isIdle()) return;
      }
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  /** Runs `run` and reports its duration to the metrics recorder under `point`. */
  private async timed<T>(point: string, run: () => T | PromiseLike<T>): Promise<T> {
    const metrics = this.options.metrics;
    if (!metrics) return run();
    const started = performance.now();
    try {
      return await run();
    } finally {
      metrics.observePoint(point, performance.now() - started);
    }
  }

  private isIdle(): boolean {
    const { active, inFlight } = this.queue.stats();
    const busyBindings = this.bindingsInFlight - this.bindingsWaitingOnPermit;
    return active === 0 && busyBindings === 0 && inFlight <= this.bindingsWaitingOnPermit;
  }

  /** Runs one scheduling cycle for the next active pod, if any; returns whether a pod was processed. */
  async scheduleOne(): Promise<boolean> {
    const queued = this.queue.tryPop();
    if (!queued) return false;
    await this.schedulingCycle(queued);
    return true;
  }

  private buildFrameworks(configuration: SchedulerConfiguration): Map<string, Framework> {
    const frameworks = new Map<string, Framework>();
    const events = new Map<string, readonly ClusterEventWithHint[]>();
    const file = configuration.sourcePath;
    configuration.profiles.forEach((profile, profileIndex) => {
      const framework = new Framework({
        profile,
        registry: this.options.registry,
        objects: this.options.store,
        binder: this.options.store,
        podDeleter: this.options.store,
        objectWriter: this.options.store,
        percentageOfNodesToScore: configuration.percentageOfNodesToScore,
        parallelism: configuration.parallelism,
        ...(this.options.random ? { random: this.options.random } : {}),
        ...(this.options.metrics ? { metrics: this.options.metrics } : {}),
        waitingPods: this.waitingPods,
        ...(this.options.asyncPluginTimeoutMs !== undefined ? { asyncPluginTimeoutMs: this.options.asyncPluginTimeoutMs } : {}),
        profileIndex,
        ...(file ? { sourceFile: file } : {}),
      });
      try {
        validateExpanded(framework.expanded, `profiles[${profileIndex}].plugins`);
      } catch (error) {
        throw error instanceof ConfigError && file ? new ConfigError(error.issues, file) : error;
      }
      for (const plugin of framework.plugins.values()) {
        const ext = plugin as Partial<EnqueueExtensions>;
        if (typeof ext.eventsToRegister === 'function') events.set(plugin.name, ext.eventsToRegister());
      }
      frameworks.set(profile.schedulerName, framework);
    });
    try {
      validateCommonQueueSort([...frameworks.values()].map((f, i) => ({ expanded: f.expanded, pluginConfig: configuration.profiles[i]!.pluginConfig })));
    } catch (error) {
      throw error instanceof ConfigError && file ? new ConfigError(error.issues, file) : error;
    }
    this.eventsByPlugin.clear();
    for (const [name, list] of events) this.eventsByPlugin.set(name, list);
    return frameworks;
  }

  private less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const first = this.frameworks.values().next().value as Framework | undefined;
    const plugin = first?.queueSortPlugin;
    return plugin ? plugin.less(a, b) : a.timestamp < b.timestamp;
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      const queued = await this.queue.pop();
      if (!queued) return;
      await this.pendingEventWork;
      await this.schedulingCycle(queued);
      this.notifyIdleWaiters();
    }
  }

  private async schedulingCycle(queued: QueuedPod): Promise<void> {
    const pod = queued.podInfo.pod;
    const key = podKey(pod);
    const framework = this.frameworks.get(pod.spec.schedulerName ?? 'default-scheduler');
    const current = this.options.store.getPod(pod.metadata.namespace ?? 'default', pod.metadata.name);
    if (!framework || !current || current.spec.nodeName || (current.metadata.uid && current.metadata.uid !== pod.metadata.uid)) {
      this.queue.done(key);
      return;
    }
    this.cache.updateSnapshot(this.snapshot);
    const state = new CycleState();
    let result: ScheduleResult;
    try {
      result = await this.findPlacement(framework, pod, state);
    } catch (error) {
      await this.handleFailure(framework, queued, state, error);
      return;
    }
    const nodeName = result.suggestedHost;
    const assumed: Pod = { ...pod, spec: { ...pod.spec, nodeName } };
    this.cache.assumePod(assumed, nodeName);
    const reserve = await this.timed('reserve', () => framework.runReservePluginsReserve(state, assumed, nodeName));
    if (reserve) {
      await this.abortBinding(framework, queued, state, assumed, nodeName, reserve);
      return;
    }
    const permit = await this.timed('permit', () => framework.runPermitPlugins(state, assumed, nodeName));
    if (permit && permit.code !== Code.Wait) {
      await this.abortBinding(framework, queued, state, assumed, nodeName, permit);
      return;
    }
    this.options.onEvent?.({ type: 'scheduled', pod, nodeName, result, profile: framework.profileName });
    this.bindingsInFlight++;
    void this.bindingCycle(framework, queued, state, assumed, nodeName, permit !== null).finally(() => {
      this.bindingsInFlight--;
      this.notifyIdleWaiters();
    });
  }

  /** Tries the nominated node first (set by preemption), then the whole cluster. */
  private async findPlacement(framework: Framework, pod: Pod, state: CycleState): Promise<ScheduleResult> {
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) {
      const nodeInfo = this.snapshot.get(nominated);
      if (nodeInfo) {
        const pre = await framework.runPreFilterPlugins(state, pod, this.snapshot.list());
        if (!pre.status && (!pre.result?.nodeNames || pre.result.nodeNames.has(nominated))) {
          framework.setSnapshot(this.snapshot);
          const status = await framework.runFilterPlugins(state, pod, nodeInfo);
          if (!status) return { suggestedHost: nominated, evaluatedNodes: 1, feasibleNodes: 1, nodeScores: [], state };
        }
      }
      state = new CycleState();
    }
    return framework.schedulePod(pod, this.snapshot, state);
  }

  private async bindingCycle(framework: Framework, queued: QueuedPod, state: CycleState, pod: Pod, nodeName: string, waiting: boolean): Promise<void> {
    if (waiting) {
      this.bindingsWaitingOnPermit++;
      this.notifyIdleWaiters();
      const permit = await framework.waitOnPermit(pod).finally(() => this.bindingsWaitingOnPermit--);
      if (permit) return this.abortBinding(framework, queued, state, pod, nodeName, permit);
    }
    const preBind = await this.timed('preBind', () => framework.runPreBindPlugins(state, pod, nodeName));
    if (preBind) return this.abortBinding(framework, queued, state, pod, nodeName, preBind);
    const bind = await this.timed('bind', () => framework.runBindPlugins(state, pod, nodeName));
    if (bind) {
      const status = bind.code === Code.Skip ? Status.error(new Error('no bind plugin bound the pod')) : bind;
      return this.abortBinding(framework, queued, state, pod, nodeName, status);
    }
    await framework.runPostBindPlugins(state, pod, nodeName);
    this.queue.done(podKey(pod));
    this.options.onEvent?.({ type: 'bound', pod, nodeName, profile: framework.profileName });
  }

  /** Any failure after assume: Unreserve in reverse order, forget the pod, requeue it (unless it is gone). */
  private async abortBinding(framework: Framework, queued: QueuedPod, state: CycleState, pod: Pod, nodeName: string, status: Status): Promise<void> {
    await framework.runReservePluginsUnreserve(state, pod, nodeName);
    this.cache.forgetPod(pod);
    this.options.onEvent?.({ type: 'bindingFailed', pod, nodeName, status, profile: framework.profileName });
    const plugins = status.isRejected() && status.plugin ? new Set([status.plugin]) : new Set<string>();
    await this.requeueIfPending(queued, plugins, `${status.plugin ? `${status.plugin}: ` : ''}${status.message()}`, status.isRejected() ? 'Unschedulable' : 'SchedulerError');
  }

  private async handleFailure(framework: Framework, queued: QueuedPod, state: CycleState, error: unknown): Promise<void> {
    const pod = queued.podInfo.pod;
    if (error instanceof FitError) {
      let message = error.message;
      if (framework.hasPlugins('postFilter')) {
        const post = await this.timed('postFilter', () => framework.runPostFilterPlugins(state, pod, error.diagnosis.nodeToStatus));
        if (post.status.code === Code.Success && post.result?.nominatedNodeName) {
          await this.nominate(pod, post.result.nominatedNodeName);
        } else if (post.status.code === Code.Error) {
          this.options.onEvent?.({ type: 'error', pod, error: post.status.asError(), profile: framework.profileName });
        } else if (post.status.message()) {
          error.diagnosis.postFilterMessage = post.status.message();
          message = fitErrorMessage(error.numAllNodes, error.diagnosis);
        }
      }
      const plugins = error.diagnosis.unschedulablePlugins;
      this.options.onEvent?.({ type: 'unschedulable', pod, message, plugins: [...plugins], profile: framework.profileName });
      await this.requeueIfPending(queued, plugins, message, 'Unschedulable');
      return;
    }
    const failure = error instanceof Error ? error : new Error(String(error));
    this.options.onEvent?.({ type: 'error', pod, error: failure, profile: framework.profileName });
    await this.requeueIfPending(queued, new Set(), failure.message, 'SchedulerError');
  }

  private async nominate(pod: Pod, nodeName: string): Promise<void> {
    const namespace = pod.metadata.namespace ?? 'default';
    if (!this.options.store.getPod(namespace, pod.metadata.name)) return;
    await this.options.store.updatePodStatus(namespace, pod.metadata.name, { nominatedNodeName: nodeName });
  }

  private async requeueIfPending(queued: QueuedPod, plugins: ReadonlySet<string>, message: string, reason: string): Promise<void> {
    const pod = queued.podInfo.pod;
    const namespace = pod.metadata.namespace ?? 'default';
    const current = this.options.store.getPod(namespace, pod.metadata.name);
    if (!current || current.spec.nodeName || (current.metadata.uid && pod.metadata.uid && current.metadata.uid !== pod.metadata.uid)) {
      this.queue.done(podKey(pod));
      return;
    }
    // The queue keeps the newest object: status updates (e.g. a nomination) must not be lost.
    this.queue.requeue({ ...queued, podInfo: current === pod ? queued.podInfo : PodInfo.of(current) }, plugins);
    await this.options.store
      .updatePodStatus(namespace, pod.metadata.name, {
        conditions: [{ type: 'PodScheduled', status: 'False', reason, message }],
      })
      .catch(() => undefined);
  }

  private onStoreEvents(events: readonly StoreEvent[]): void {
    this.pendingEventWork = this.pendingEventWork.then(() => this.applyStoreEvents(events)).catch(() => undefined);
  }

  private async applyStoreEvents(events: readonly StoreEvent[]): Promise<void> {
    for (const event of events) {
      if (event.kind === 'Node') await this.onNodeEvent(event.type, event.object, event.oldObject);
      else if (event.kind === 'Pod') await this.onPodEvent(event.type, event.object, event.oldObject);
      else {
        // Hints read the objects: kube passes (nil, new) for an add, (old, nil) for a delete.
        const [oldObject, newObject] = event.type === 'add' ? [undefined, event.object] : event.type === 'delete' ? [event.object, undefined] : [event.oldObject, event.object];
        await this.queue.onEvent({ resource: event.kind === 'Controller' ? '*' : event.kind, actionType: actionOf(event.type) }, oldObject, newObject);
      }
    }
    this.notifyIdleWaiters();
  }

  private async onNodeEvent(type: 'add' | 'update' | 'delete', node: Node, old: Node | undefined): Promise<void> {
    if (type === 'delete') {
      this.cache.removeNode(node.metadata.name);
      await this.queue.onEvent({ resource: 'Node', actionType: ActionType.Delete, label: 'NodeDelete' }, node, undefined);
      return;
    }
    this.cache.addNode(node);
    if (type === 'add') {
      await this.queue.onEvent({ resource: 'Node', actionType: ActionType.Add, label: 'NodeAdd' }, undefined, node);
      return;
    }
    const actions = old ? nodeUpdateActions(old, node) : ActionType.UpdateOther;
    if ((actions as number) !== 0) await this.queue.onEvent({ resource: 'Node', actionType: actions, label: 'NodeUpdate' }, old, node);
  }

  private async onPodEvent(type: 'add' | 'update' | 'delete', pod: Pod, old: Pod | undefined): Promise<void> {
    const assigned = Boolean(pod.spec.nodeName);
    if (type === 'delete') {
      if (assigned || this.cache.nodeOf(pod)) {
        this.cache.removePod(pod);
        await this.queue.onEvent({ resource: 'AssignedPod', actionType: ActionType.Delete, label: 'AssignedPodDelete' }, pod, undefined);
      }
      this.queue.delete(pod);
      this.waitingPods.get(pod.metadata.uid ?? '')?.reject('', 'pod deleted');
      return;
    }
    if (assigned) {
      const wasAssigned = Boolean(old?.spec.nodeName);
      if (!wasAssigned) this.queue.delete(pod);
      this.cache.addPod(pod);
      if (!wasAssigned) {
        await this.queue.onEvent({ resource: 'AssignedPod', actionType: ActionType.Add, label: 'AssignedPodAdd' }, undefined, pod);
      } else if (old) {
        const actions = podUpdateActions(old, pod);
        if ((actions as number) !== 0) await this.queue.onEvent({ resource: 'AssignedPod', actionType: actions, label: 'AssignedPodUpdate' }, old, pod);
      }
      return;
    }
    if (!this.frameworks.has(pod.spec.schedulerName ?? 'default-scheduler')) return;
    if (pod.metadata.deletionTimestamp) return;
    if (type === 'add' || !old) {
      await this.queue.add(pod);
      return;
    }
    // Status-only writes (our own PodScheduled condition) must not requeue the pod.
    if (podSpecChanged(old, pod)) await this.queue.update(pod);
  }

  private notifyIdleWaiters(): void {
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }
}

function actionOf(type: 'add' | 'update' | 'delete'): ActionType {
  return type === 'add' ? ActionType.Add : type === 'delete' ? ActionType.Delete : ActionType.UpdateOther;
}

export type { ClusterEvent };
