import { ConfigError } from '../config/errors.js';
import { validateCommonQueueSort, validateExpanded } from '../config/multipoint.js';
import type { SchedulerConfiguration } from '../config/types.js';
import { CycleState } from '../cycle-state/cycle-state.js';
import { buildExtenders } from '../extender/extenders.js';
import { PodInfo } from '../model/pod-info.js';
import type { Node, Pod } from '../model/types.js';
import { Snapshot } from '../node-info/snapshot.js';
import { ActionType, type ClusterEvent, type ClusterEventWithHint } from '../plugins/events.js';
import type { EnqueueExtensions, QueuedPodInfo } from '../plugins/extension-points.js';
import type { Registry } from '../registry/registry.js';
import { FitError } from '../runtime/fit-error.js';
import { Framework } from '../runtime/framework.js';
import { newDiagnosis } from '../runtime/node-to-status.js';
import type { FrameworkMetrics } from '../runtime/metrics.js';
import type { ScheduleResult } from '../runtime/schedule-one.js';
import { WaitingPods } from '../runtime/waiting-pods.js';
import { Code, codeName, Status } from '../status/status.js';
import type { ClusterStore, StoreEvent, Unsubscribe } from '../store/cluster-store.js';
import { SchedulerCache } from './cache.js';
import { type Clock, systemClock } from './clock.js';
import { nodeUpdateActions, podSpecChanged, podUpdateActions } from './event-classification.js';
import { Nominator } from './nominator.js';
import { podKey, type QueuedPod, SchedulingQueue } from './queue.js';

/** What the scheduler reports as it works (the demo and tests listen). */
export type SchedulerEvent =
  | { type: 'scheduled'; pod: Pod; nodeName: string; result: ScheduleResult; profile: string }
  | { type: 'bound'; pod: Pod; nodeName: string; profile: string }
  | { type: 'unschedulable'; pod: Pod; message: string; plugins: string[]; profile: string }
  | { type: 'error'; pod: Pod; error: Error; profile: string }
  | { type: 'bindingFailed'; pod: Pod; nodeName: string; status: Status; profile: string }
  | { type: 'reconfigured'; profiles: string[] }
  /** Something failed outside any one pod's cycle (a throwing QueueSort, a store event that could not be applied); the scheduler goes on. */
  | { type: 'internalError'; error: Error };

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
  /** Pods nominated to nodes by preemption; Filter keeps their room for them. */
  readonly nominator = new Nominator();
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
  /** Pending pods whose schedulerName no profile serves: kept (by key) until a reload brings their profile. */
  private readonly withoutProfile = new Map<string, Pod>();
  private sortErrorReported = false;

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
      preEnqueue: (pod) => this.frameworks.get(schedulerNameOf(pod))?.runPreEnqueuePlugins(pod) ?? null,
      eventsByPlugin: this.eventsByPlugin,
      podInitialBackoffMs: options.configuration.podInitialBackoffSeconds * 1000,
      podMaxBackoffMs: options.configuration.podMaxBackoffSeconds * 1000,
      clusterGeneration: () => this.cache.generation,
      onPreEnqueueError: (pod, status) => this.onPreEnqueueError(pod, status),
      onError: (error) => this.onSortError(error),
      ...(options.metrics?.observeIncoming ? { onIncoming: options.metrics.observeIncoming.bind(options.metrics) } : {}),
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

  /**
   * Pending pods no profile schedules, counted by their `spec.schedulerName`. They are kept, not dropped: a
   * reload that adds their profile queues them.
   */
  podsWithoutProfile(): ReadonlyMap<string, number> {
    const counts = new Map<string, number>();
    for (const pod of this.withoutProfile.values()) {
      const name = schedulerNameOf(pod);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return counts;
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
    this.sortErrorReported = false;
    this.options.onEvent?.({ type: 'reconfigured', profiles: [...frameworks.keys()] });
    // Pods kept for a missing profile join the queue once their profile exists.
    for (const [key, pod] of [...this.withoutProfile]) {
      if (!frameworks.has(schedulerNameOf(pod))) continue;
      this.withoutProfile.delete(key);
      await this.queue.add(pod);
    }
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
  private async timed<T>(point: string, profile: string, run: () => T | PromiseLike<T>): Promise<T> {
    const metrics = this.options.metrics;
    if (!metrics) return run();
    const started = performance.now();
    let status = 'Error';
    try {
      const result = await run();
      status = outcomeOf(result);
      return result;
    } finally {
      metrics.observePoint(point, performance.now() - started, { profile, status });
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
    const extenders = buildExtenders(configuration.extenders ?? [], file);
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
        nominatedPods: this.nominator,
        ...(this.options.asyncPluginTimeoutMs !== undefined ? { asyncPluginTimeoutMs: this.options.asyncPluginTimeoutMs } : {}),
        profileIndex,
        ...(file ? { sourceFile: file } : {}),
        extenders,
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

  /** A throwing QueueSort is reported once per configuration; the queue orders those pods by arrival. */
  private onSortError(error: unknown): void {
    if (this.sortErrorReported) return;
    this.sortErrorReported = true;
    this.reportInternal(new Error(`QueueSort failed, pods are ordered by arrival instead: ${messageOf(error)}`, { cause: error }));
  }

  private reportInternal(error: Error): void {
    this.options.onEvent?.({ type: 'internalError', error });
  }

  /** PreEnqueue failed with an error: the pod stays pending with a PodScheduled=False condition saying why. */
  private onPreEnqueueError(pod: Pod, status: Status): void {
    const framework = this.frameworks.get(schedulerNameOf(pod));
    this.options.onEvent?.({ type: 'error', pod, error: status.asError(), profile: framework?.profileName ?? schedulerNameOf(pod) });
    void this.writeCondition(pod, 'SchedulerError', status.message());
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      const queued = await this.queue.pop();
      if (!queued) return;
      await this.pendingEventWork;
      await this.guardedCycle(queued);
      this.notifyIdleWaiters();
    }
  }

  /** A scheduling cycle that cannot take the loop down: an unexpected failure is an error for that pod, retried. */
  private async guardedCycle(queued: QueuedPod): Promise<void> {
    try {
      await this.schedulingCycle(queued);
    } catch (error) {
      const pod = queued.podInfo.pod;
      const failure = error instanceof Error ? error : new Error(String(error));
      this.options.onEvent?.({ type: 'error', pod, error: failure, profile: schedulerNameOf(pod) });
      await this.requeueIfPending(queued, new Set(), failure.message, 'SchedulerError').catch((again: unknown) => {
        this.queue.done(podKey(pod));
        this.reportInternal(again instanceof Error ? again : new Error(String(again)));
      });
    }
  }

  private async schedulingCycle(queued: QueuedPod): Promise<void> {
    const pod = queued.podInfo.pod;
    const key = podKey(pod);
    const current = this.options.store.getPod(pod.metadata.namespace ?? 'default', pod.metadata.name);
    if (!current || current.spec.nodeName || (current.metadata.uid && current.metadata.uid !== pod.metadata.uid) || this.cache.nodeOf(pod) !== undefined) {
      this.queue.done(key);
      return;
    }
    const framework = this.frameworks.get(schedulerNameOf(pod));
    if (!framework) {
      // Its profile went away in a reload: keep the pod until one brings it back.
      this.queue.done(key);
      this.withoutProfile.set(key, current);
      return;
    }
    const attemptStarted = performance.now();
    this.cache.updateSnapshot(this.snapshot);
    const state = new CycleState();
    let result: ScheduleResult;
    try {
      result = await this.findPlacement(framework, pod, state);
    } catch (error) {
      const result = await this.handleFailure(framework, queued, state, error);
      this.options.metrics?.observeAttempt?.({ result, profile: framework.profileName, ms: performance.now() - attemptStarted, pod });
      return;
    }
    const nodeName = result.suggestedHost;
    const assumed: Pod = { ...pod, spec: { ...pod.spec, nodeName } };
    if (this.cache.nodeOf(pod) !== undefined) {
      // Another writer bound the pod while Filter and Score ran: the store's binding stands.
      this.queue.done(key);
      return;
    }
    this.cache.assumePod(assumed, nodeName);
    // The assumed pod holds its room in the cache now; as nominated it would count twice (kube does the same).
    this.nominator.remove(pod);
    const reserve = await this.timed('reserve', framework.profileName, () => framework.runReservePluginsReserve(state, assumed, nodeName));
    if (reserve) {
      await this.abortBinding(framework, queued, state, assumed, nodeName, reserve);
      return;
    }
    const permit = await this.timed('permit', framework.profileName, () => framework.runPermitPlugins(state, assumed, nodeName));
    if (permit && permit.code !== Code.Wait) {
      await this.abortBinding(framework, queued, state, assumed, nodeName, permit);
      return;
    }
    this.options.metrics?.observeAttempt?.({ result: 'scheduled', profile: framework.profileName, ms: performance.now() - attemptStarted, pod, nodeName });
    this.options.onEvent?.({ type: 'scheduled', pod, nodeName, result, profile: framework.profileName });
    this.bindingsInFlight++;
    void this.bindingCycle(framework, queued, state, assumed, nodeName, permit !== null)
      .catch((error: unknown) => this.bindingCycleFailed(framework, queued, state, assumed, nodeName, error))
      .catch((error: unknown) => {
        this.queue.done(key);
        this.reportInternal(error instanceof Error ? error : new Error(String(error)));
      })
      .finally(() => {
        this.bindingsInFlight--;
        this.notifyIdleWaiters();
      });
  }

  /** A binding cycle threw (a plugin runner, the store): the same as a failed Bind, so the pod is never stranded. */
  private async bindingCycleFailed(framework: Framework, queued: QueuedPod, state: CycleState, pod: Pod, nodeName: string, error: unknown): Promise<void> {
    await this.abortBinding(framework, queued, state, pod, nodeName, Status.error(error instanceof Error ? error : new Error(String(error))));
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
          if (!status && (await framework.passesFilterExtenders(pod, nodeInfo, newDiagnosis()))) return { suggestedHost: nominated, evaluatedNodes: 1, feasibleNodes: 1, nodeScores: [], state };
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
    const preBind = await this.timed('preBind', framework.profileName, () => framework.runPreBindPlugins(state, pod, nodeName));
    if (preBind) return this.abortBinding(framework, queued, state, pod, nodeName, preBind);
    const stale = this.staleBinding(queued.podInfo.pod, nodeName);
    if (stale) return this.abortBinding(framework, queued, state, pod, nodeName, stale);
    const bind = await this.timed('bind', framework.profileName, async () => {
      const byExtender = await framework.runBindExtenders(pod, nodeName);
      return byExtender !== undefined ? byExtender : framework.runBindPlugins(state, pod, nodeName);
    });
    if (bind) {
      const status = bind.code === Code.Skip ? Status.error(new Error('no bind plugin bound the pod')) : bind;
      return this.abortBinding(framework, queued, state, pod, nodeName, status);
    }
    await framework.runPostBindPlugins(state, pod, nodeName);
    this.options.metrics?.observePodScheduled?.({
      profile: framework.profileName,
      attempts: queued.attempts,
      sinceFirstQueuedMs: this.clock.now() - queued.initialAttemptTimestamp,
    });
    this.queue.done(podKey(pod));
    this.options.onEvent?.({ type: 'bound', pod, nodeName, profile: framework.profileName });
  }

  /**
   * Why binding `pod` (as its cycle saw it) to `nodeName` must not be tried, as the store shows it now: the node is gone, or the pod
   * is gone, replaced or changed since its cycle began (an updated pod is scheduled again by its new spec).
   */
  private staleBinding(pod: Pod, nodeName: string): Status | null {
    if (!this.options.store.getNode(nodeName)) return Status.error(new Error(`node "${nodeName}" was deleted before the binding`));
    const current = this.options.store.getPod(pod.metadata.namespace ?? 'default', pod.metadata.name);
    if (!current || current.spec.nodeName || (current.metadata.uid && pod.metadata.uid && current.metadata.uid !== pod.metadata.uid)) return null;
    // Status writes (conditions, a nomination) keep the spec and metadata objects: the common case costs nothing.
    if (current.spec === pod.spec && current.metadata === pod.metadata) return null;
    if (podSpecChanged(pod, current)) {
      return Status.error(new Error('the pod changed during its scheduling cycle: it is scheduled again by its new spec'));
    }
    return null;
  }

  /**
   * Any failure after assume: Unreserve in reverse order, then settle with the store, which is the truth. A pod
   * the store shows bound (the write committed though its caller saw an error, or another writer bound it) is
   * bound: the cache takes the store's copy and the pod leaves the queue. Otherwise the assumed pod is forgotten
   * and requeued (unless it is gone).
   */
  private async abortBinding(framework: Framework, queued: QueuedPod, state: CycleState, pod: Pod, nodeName: string, status: Status): Promise<void> {
    await framework.runReservePluginsUnreserve(state, pod, nodeName);
    const current = this.options.store.getPod(pod.metadata.namespace ?? 'default', pod.metadata.name);
    if (current?.spec.nodeName && (!current.metadata.uid || !pod.metadata.uid || current.metadata.uid === pod.metadata.uid)) {
      this.cache.addPod(current);
      this.queue.done(podKey(pod));
      if (current.spec.nodeName === nodeName) this.options.onEvent?.({ type: 'bound', pod, nodeName, profile: framework.profileName });
      return;
    }
    this.cache.forgetPod(pod);
    this.options.onEvent?.({ type: 'bindingFailed', pod, nodeName, status, profile: framework.profileName });
    const plugins = status.isRejected() && status.plugin ? new Set([status.plugin]) : new Set<string>();
    await this.requeueIfPending(queued, plugins, `${status.plugin ? `${status.plugin}: ` : ''}${status.message()}`, status.isRejected() ? 'Unschedulable' : 'SchedulerError');
  }

  /** Reports the failure, requeues the pod, and returns how the attempt ended. */
  private async handleFailure(framework: Framework, queued: QueuedPod, state: CycleState, error: unknown): Promise<'unschedulable' | 'error'> {
    const pod = queued.podInfo.pod;
    if (error instanceof FitError) {
      let message = error.message;
      if (framework.hasPlugins('postFilter')) {
        const post = await this.timed('postFilter', framework.profileName, () => framework.runPostFilterPlugins(state, pod, error.diagnosis.nodeToStatus));
        this.options.metrics?.observePreemption?.(framework.profileName, post.status.code === Code.Success && Boolean(post.result?.nominatedNodeName));
        if (post.status.code === Code.Success && post.result?.nominatedNodeName) {
          await this.nominate(pod, post.result.nominatedNodeName);
        } else if (post.status.code === Code.Error) {
          this.options.onEvent?.({ type: 'error', pod, error: post.status.asError(), profile: framework.profileName });
        } else {
          // Preemption found no room, not even on the node it once nominated: the nomination goes (kube clears it).
          if (pod.status?.nominatedNodeName) await this.nominate(pod, '');
          if (post.status.message()) {
            error.diagnosis.postFilterMessage = post.status.message();
            // The FitError's message plus the PostFilter part (fitErrorMessage's tail): the per-node reasons of
            // a full cluster are not counted twice.
            message = `${error.message} ${error.diagnosis.postFilterMessage}.`;
          }
        }
      }
      const plugins = error.diagnosis.unschedulablePlugins;
      this.options.onEvent?.({ type: 'unschedulable', pod, message, plugins: [...plugins], profile: framework.profileName });
      await this.requeueIfPending(queued, plugins, message, 'Unschedulable');
      return 'unschedulable';
    }
    const failure = error instanceof Error ? error : new Error(String(error));
    this.options.onEvent?.({ type: 'error', pod, error: failure, profile: framework.profileName });
    await this.requeueIfPending(queued, new Set(), failure.message, 'SchedulerError');
    return 'error';
  }

  /** Nominates the pod to `nodeName` (empty: clears its nomination), in the nominator and in the store. */
  private async nominate(pod: Pod, nodeName: string): Promise<void> {
    const namespace = pod.metadata.namespace ?? 'default';
    if (!this.options.store.getPod(namespace, pod.metadata.name)) return;
    this.nominator.nominate(pod, nodeName);
    await this.options.store.updatePodStatus(namespace, pod.metadata.name, { nominatedNodeName: nodeName || undefined });
  }

  private async requeueIfPending(queued: QueuedPod, plugins: ReadonlySet<string>, message: string, reason: string): Promise<void> {
    const pod = queued.podInfo.pod;
    const namespace = pod.metadata.namespace ?? 'default';
    const current = this.options.store.getPod(namespace, pod.metadata.name);
    if (!current || current.spec.nodeName || (current.metadata.uid && pod.metadata.uid && current.metadata.uid !== pod.metadata.uid)) {
      this.queue.done(podKey(pod));
      return;
    }
    // A pod that failed after its nomination was dropped at assume keeps its claim on the nominated node.
    if (current.status?.nominatedNodeName) this.nominator.nominate(current, current.status.nominatedNodeName);
    // The queue keeps the newest object: status updates (e.g. a nomination) must not be lost.
    this.queue.requeue({ ...queued, podInfo: current === pod ? queued.podInfo : PodInfo.of(current) }, plugins);
    await this.writeCondition(current, reason, message);
  }

  /** Writes PodScheduled=False with `reason` and `message`; a pod deleted meanwhile has nothing to write. */
  private async writeCondition(pod: Pod, reason: string, message: string): Promise<void> {
    try {
      await this.options.store.updatePodStatus(pod.metadata.namespace ?? 'default', pod.metadata.name, {
        conditions: [{ type: 'PodScheduled', status: 'False', reason, message }],
      });
    } catch {
      // The pod is gone: its condition does not matter any more.
    }
  }

  private onStoreEvents(events: readonly StoreEvent[]): void {
    this.pendingEventWork = this.pendingEventWork
      .then(() => this.applyStoreEvents(events))
      .catch((error: unknown) => this.reportInternal(new Error(`applying store events: ${messageOf(error)}`, { cause: error })));
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
      // Pods held at Permit on the deleted node cannot bind there: they go back to the queue.
      this.waitingPods.forEach((waiting) => {
        if (waiting.nodeName === node.metadata.name) waiting.reject('', `node "${node.metadata.name}" was deleted`);
      });
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
      this.withoutProfile.delete(podKey(pod));
      this.nominator.remove(pod);
      this.waitingPods.get(pod.metadata.uid ?? '')?.reject('', 'pod deleted');
      return;
    }
    if (assigned) {
      const wasAssigned = Boolean(old?.spec.nodeName);
      if (!wasAssigned) {
        this.queue.delete(pod);
        this.withoutProfile.delete(podKey(pod));
        this.nominator.remove(pod);
        // Bound by another writer while held at Permit here: the store's binding stands, ours is abandoned.
        const waiting = this.waitingPods.get(pod.metadata.uid ?? '');
        if (waiting && waiting.nodeName !== pod.spec.nodeName) waiting.reject('', `pod was bound to node "${pod.spec.nodeName}" by another writer`);
      }
      this.cache.addPod(pod);
      if (!wasAssigned) {
        await this.queue.onEvent({ resource: 'AssignedPod', actionType: ActionType.Add, label: 'AssignedPodAdd' }, undefined, pod);
      } else if (old) {
        const actions = podUpdateActions(old, pod);
        if ((actions as number) !== 0) await this.queue.onEvent({ resource: 'AssignedPod', actionType: actions, label: 'AssignedPodUpdate' }, old, pod);
      }
      return;
    }
    if (pod.metadata.deletionTimestamp) return;
    // A nomination written by another scheduler instance (or before a restart) counts as ours does.
    if (pod.status?.nominatedNodeName !== old?.status?.nominatedNodeName && !this.cache.isAssumed(pod)) this.nominator.nominate(pod, pod.status?.nominatedNodeName);
    if (!this.frameworks.has(schedulerNameOf(pod))) {
      // No profile schedules it (now): keep it, counted, for a reload that brings one.
      this.withoutProfile.set(podKey(pod), pod);
      return;
    }
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

function schedulerNameOf(pod: Pod): string {
  return pod.spec.schedulerName ?? 'default-scheduler';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** kube's status label of an extension point's result: a Status's code name, Success for none. */
function outcomeOf(result: unknown): string {
  if (result instanceof Status) return codeName(result.code);
  const status = (result as { status?: unknown } | null)?.status;
  return status instanceof Status ? codeName(status.code) : 'Success';
}

function actionOf(type: 'add' | 'update' | 'delete'): ActionType {
  return type === 'add' ? ActionType.Add : type === 'delete' ? ActionType.Delete : ActionType.UpdateOther;
}

export type { ClusterEvent };
