import { Parallelizer } from '@schedkit/parallelizer';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { type ConfigIssue, ConfigError } from '../config/errors.js';
import { missingMethodHint } from '../registry/authoring-errors.js';
import { checkKnownPlugins, withoutUnimplementedPlugins } from '../config/known-plugins.js';
import { type ExpandedPlugins, expandPlugins } from '../config/multipoint.js';
import type { ProfileConfig } from '../config/types.js';
import { CycleState } from '../cycle-state/cycle-state.js';
import { ExtenderSet } from '../extender/extenders.js';
import type { PodInfo } from '../model/pod-info.js';
import type { Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import type { NodeInfoLister } from '../node-info/snapshot.js';
import {
  type BindPlugin,
  type ExtensionPoint,
  ExtensionPoints,
  implementsPoint,
  type MaybePromise,
  type NodeScore,
  type NodeToStatus,
  type PermitPlugin,
  type Plugin,
  type PluginForPoint,
  type PluginStatus,
  type PostBindPlugin,
  type PostFilterPlugin,
  type PostFilterResult,
  type PreBindPlugin,
  type PreEnqueuePlugin,
  type PreFilterPlugin,
  PreFilterResult,
  type QueuedPodInfo,
  type QueueSortPlugin,
  type ReservePlugin,
} from '../plugins/extension-points.js';
import type { Handle, WaitingPod } from '../plugins/handle.js';
import type { Registry } from '../registry/registry.js';
import { Code, Status } from '../status/status.js';
import type { Binder, ObjectWriter, PodDeleter } from '../store/binder.js';
import type { ObjectLister } from '../store/object-lister.js';
import { StaticObjectLister } from '../store/object-lister.js';
import type { ScratchLease } from './cycle-scratch.js';
import { ExtenderCalls, type PreemptionCandidate } from './extender-calls.js';
import type { FitError } from './fit-error.js';
import { isThenable, settle } from './maybe-promise.js';
import type { FrameworkMetrics } from './metrics.js';
import { type NominatedPods, withNominatedPods } from './nominated-pods.js';
import type { Diagnosis } from './node-to-status.js';
import { filterFailure, type Guard, goList, pluginError, runSequence, wrapError } from './plugin-calls.js';
import { type ScheduleResult, SchedulingAlgorithm } from './schedule-one.js';
import { type NodePluginScores, nodeScoreList, ScoreTable } from './score-table.js';
import { WaitingPods } from './waiting-pods.js';

/** How the framework was built. */
export interface FrameworkOptions {
  profile: ProfileConfig;
  registry: Registry;
  /** Services, controllers, namespaces. Defaults to none. */
  objects?: ObjectLister;
  /** Where DefaultBinder writes bindings. */
  binder?: Binder;
  /** Where preemption deletes victims. */
  podDeleter?: PodDeleter;
  /** Where plugins write other objects (VolumeBinding's bindings of claims and volumes). */
  objectWriter?: ObjectWriter;
  /** Global percentageOfNodesToScore (the profile's own value wins). 0 or unset: adaptive. */
  percentageOfNodesToScore?: number;
  /** Concurrency for Filter and Score (kube's parallelism, default 16). */
  parallelism?: number;
  /** Random source in [0, 1) for tie-breaks; inject a seeded one for reproducible runs. */
  random?: () => number;
  /** Optional latency recorder. */
  metrics?: FrameworkMetrics;
  /** Parent DI container; the framework creates a child per profile (defaults to a fresh root child). */
  container?: DependencyContainer;
  /** Waiting pods registry shared by the profile's plugins. */
  waitingPods?: WaitingPods;
  /** The profile's position in the configuration, for error paths. */
  profileIndex?: number;
  /** The configuration file, for error messages. */
  sourceFile?: string;
  /**
   * A plugin call that returns a promise and has not settled after this many ms becomes an Error status naming
   * the plugin (default 30,000; 0 disables). Synchronous plugins are never timed.
   */
  asyncPluginTimeoutMs?: number;
  /**
   * The configuration's extenders (shared by its profiles; see `buildExtenders`). Their ignoredByScheduler
   * resources become NodeResourcesFit's `ignoredResources`, as in kube.
   */
  extenders?: ExtenderSet;
  /** Pods nominated to nodes by preemption: Filter counts them for pods of lower or equal priority (kube's PodNominator). */
  nominatedPods?: NominatedPods;
}

type PointPlugins = { [P in ExtensionPoint]: PluginForPoint[P][] };

/**
 * The framework runtime of one profile: it holds the plugins in configured order and runs each extension
 * point (kube's runtime/framework.go); the algorithm that drives the points for one pod, schedulePod, is in
 * schedule-one.ts. Built from a profile and a registry; immutable afterwards (reconfiguration builds a new one,
 * and cycles running on this one finish with it).
 */
export class Framework implements Handle {
  readonly profileName: string;
  readonly objects: ObjectLister;
  readonly parallelizer: Parallelizer;
  readonly binder: Binder;
  readonly podDeleter: PodDeleter;
  readonly objectWriter: ObjectWriter;
  /** Every plugin instance by name. */
  readonly plugins = new Map<string, Plugin>();
  /** The profile's plugins per point after multiPoint expansion. */
  readonly expanded: ExpandedPlugins;
  /** Score weight by plugin name. */
  readonly scoreWeights = new Map<string, number>();
  private readonly points: PointPlugins;
  readonly random: () => number;
  private readonly waiting: WaitingPods;
  private readonly asyncTimeoutMs: number;
  private readonly guardFn: Guard;
  private readonly nominatedPods: NominatedPods | undefined;
  private currentSnapshot: NodeInfoLister | undefined;
  /** NormalizeScore's list, kept between cycles (undefined while a cycle uses it). */
  private normalizeScratch: NodeScore[] | undefined = [];
  /** schedulePod and the functions it calls (schedule-one.ts). */
  private readonly algorithm: SchedulingAlgorithm;
  /** The extenders, called where kube calls them (extender-calls.ts). */
  readonly extenders: ExtenderCalls;

  constructor(options: FrameworkOptions) {
    const { registry } = options;
    // kube plugins schedkit lacks are left out (the loader warns about them), unless a package registered them.
    const profile = withoutUnimplementedPlugins(options.profile, (name) => registry.has(name));
    this.profileName = profile.schedulerName;
    this.objects = options.objects ?? new StaticObjectLister();
    this.parallelizer = new Parallelizer(options.parallelism ?? 16);
    this.binder = options.binder ?? noBinder;
    this.podDeleter = options.podDeleter ?? noDeleter;
    this.objectWriter = options.objectWriter ?? noWriter;
    this.random = options.random ?? Math.random;
    this.waiting = options.waitingPods ?? new WaitingPods();
    this.asyncTimeoutMs = options.asyncPluginTimeoutMs ?? DefaultAsyncPluginTimeoutMs;
    this.guardFn = (value, point, plugin) => this.guard(value, point, plugin);
    this.nominatedPods = options.nominatedPods;

    const index = options.profileIndex ?? 0;
    const unknown = checkKnownPlugins(profile, registry, index);
    if (unknown.length > 0) throw new ConfigError(unknown, options.sourceFile);
    const profileContainer = (options.container ?? rootContainer).createChildContainer();
    const extenders = options.extenders ?? ExtenderSet.none;
    this.extenders = new ExtenderCalls(extenders, options.metrics);
    const argsByName = new Map(extenders.applyIgnoredResources(profile.pluginConfig).map((entry) => [entry.name, entry.args]));
    const argIssues: ConfigIssue[] = [];
    for (const name of referencedPlugins(profile)) {
      const entryIndex = profile.pluginConfig.findIndex((entry) => entry.name === name);
      const where = entryIndex >= 0 ? `profiles[${index}].pluginConfig[${entryIndex}].args` : `profiles[${index}].pluginConfig[${name}].args`;
      let args: unknown;
      try {
        args = registry.parseArgs(name, argsByName.get(name), where);
      } catch (error) {
        argIssues.push({ path: '', message: (error as Error).message });
        continue;
      }
      this.plugins.set(name, registry.instantiate(name, args, this, profileContainer));
    }
    if (argIssues.length > 0) throw new ConfigError(argIssues, options.sourceFile);
    const expanded = expandPlugins(
      profile.plugins,
      (name, point) => {
        const plugin = this.plugins.get(name);
        return plugin !== undefined && implementsPoint(plugin, point);
      },
      `profiles[${index}].plugins`,
      (name, point) => missingMethodHint(this.plugins.get(name) ?? {}, point),
    );
    this.expanded = expanded;
    const points = {} as Record<ExtensionPoint, Plugin[]>;
    for (const point of ExtensionPoints) {
      points[point] = [];
      for (const ref of expanded[point]) {
        const plugin = this.plugins.get(ref.name);
        if (!plugin || !implementsPoint(plugin, point)) {
          throw new ConfigError(
            [{ path: `profiles[${index}].plugins.${point}`, message: `plugin "${ref.name}" does not implement the ${point} extension point` }],
            options.sourceFile,
          );
        }
        points[point].push(plugin);
        if (point === 'score') this.scoreWeights.set(ref.name, ref.weight > 0 ? ref.weight : 1);
      }
    }
    this.points = points as unknown as PointPlugins;
    this.algorithm = new SchedulingAlgorithm(this, {
      percentageOfNodesToScore: profile.percentageOfNodesToScore ?? options.percentageOfNodesToScore,
      random: this.random,
      metrics: options.metrics,
      extenders: this.extenders,
    });
  }

  /** Bounds an async plugin call by the framework's timeout; the rejection names the point and plugin. */
  private guard<T>(value: PromiseLike<T> | T, point: string, pluginName: string): Promise<T> {
    const ms = this.asyncTimeoutMs;
    if (ms <= 0 || !isThenable(value)) return Promise.resolve(value);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${point} plugin "${pluginName}" timed out after ${ms} ms`)), ms);
      timer.unref?.();
      value.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** The plugins enabled at `point`, in order. */
  pluginsAt<P extends ExtensionPoint>(point: P): readonly PluginForPoint[P][] {
    return this.points[point];
  }

  // ---- Handle -------------------------------------------------------------------------------------------

  snapshot(): NodeInfoLister {
    if (!this.currentSnapshot) throw new Error('no snapshot: the framework is not inside a scheduling cycle');
    return this.currentSnapshot;
  }

  /** Sets the snapshot the next cycle reads (the scheduler calls it before each cycle). */
  setSnapshot(snapshot: NodeInfoLister): void {
    this.currentSnapshot = snapshot;
  }

  getWaitingPod(uid: string): WaitingPod | undefined {
    return this.waiting.get(uid);
  }

  iterateOverWaitingPods(fn: (pod: WaitingPod) => void): void {
    this.waiting.forEach(fn);
  }

  processPreemptionWithExtenders(pod: Pod, candidates: readonly PreemptionCandidate[]): Promise<PreemptionCandidate[] | Status> {
    return this.extenders.preempt(pod, candidates, this.snapshot());
  }

  rejectWaitingPod(uid: string): boolean {
    const pod = this.waiting.get(uid);
    if (!pod) return false;
    pod.reject('', 'removed');
    return true;
  }

  /** The waiting-pod registry (the scheduler's binding cycle uses it). */
  get waitingPods(): WaitingPods {
    return this.waiting;
  }

  // ---- PreEnqueue / QueueSort ---------------------------------------------------------------------------

  /** Runs PreEnqueue plugins; the first non-success status stops the pod from entering the active queue. */
  runPreEnqueuePlugins(pod: Pod): MaybePromise<Status | null> {
    return runSequence('PreEnqueue', this.guardFn, this.points.preEnqueue, (plugin: PreEnqueuePlugin) => plugin.preEnqueue(pod), (plugin, status) => {
      if (status.code === Code.Success) return null;
      return status.withPlugin(plugin.name);
    });
  }

  /** The QueueSort plugin's order. */
  queueSortLess(): (a: QueuedPodInfo, b: QueuedPodInfo) => boolean {
    const plugin = this.points.queueSort[0];
    if (!plugin) throw new Error(`profile "${this.profileName}" has no queueSort plugin`);
    return (a, b) => plugin.less(a, b);
  }

  // ---- PreFilter / Filter -------------------------------------------------------------------------------

  /**
   * Runs PreFilter plugins in order. Returns the merged PreFilterResult (null: all nodes) and a status:
   * rejections stop at UnschedulableAndUnresolvable; Unschedulable lets the others run; Skip marks the plugin's
   * Filter as skipped; an error wins at once.
   */
  async runPreFilterPlugins(
    state: CycleState,
    pod: Pod,
    nodes: readonly NodeInfo[],
  ): Promise<{ result: PreFilterResult | null; status: Status | null; pluginsWithNodes: string[] }> {
    const skip = new Set<string>();
    let result: PreFilterResult | null = null;
    let returnStatus: Status | null = null;
    const pluginsWithNodes: string[] = [];
    for (const plugin of this.points.preFilter) {
      let outcome: PreFilterResult | PluginStatus;
      try {
        const value = plugin.preFilter(state, pod, nodes);
        outcome = isThenable(value) ? await this.guard(value, 'PreFilter', plugin.name) : value;
      } catch (error) {
        return { result: null, status: pluginError('PreFilter', plugin.name, error), pluginsWithNodes };
      }
      if (outcome instanceof Status) {
        if (outcome.code === Code.Skip) {
          skip.add(plugin.name);
          continue;
        }
        if (outcome.code !== Code.Success) {
          outcome.withPlugin(plugin.name);
          if (outcome.code === Code.UnschedulableAndUnresolvable) {
            // The cycle ends here; the plugins that skipped before the rejection stay readable for diagnosis.
            state.skipFilterPlugins = skip;
            return { result: null, status: outcome, pluginsWithNodes };
          }
          if (outcome.code === Code.Unschedulable) {
            returnStatus = outcome;
            continue;
          }
          return { result: null, status: wrapError(`running PreFilter plugin "${plugin.name}"`, plugin.name, outcome), pluginsWithNodes };
        }
        continue;
      }
      if (outcome instanceof PreFilterResult) {
        if (!outcome.allNodes()) pluginsWithNodes.push(plugin.name);
        result = result ? result.merge(outcome) : outcome;
        if (result.nodeNames !== null && result.nodeNames.size === 0) {
          const message =
            pluginsWithNodes.length === 1
              ? `node(s) didn't satisfy plugin ${pluginsWithNodes[0]}`
              : `node(s) didn't satisfy plugin(s) ${goList(pluginsWithNodes)} simultaneously`;
          state.skipFilterPlugins = skip;
          return { result, status: Status.unresolvable(message), pluginsWithNodes };
        }
      }
    }
    state.skipFilterPlugins = skip;
    return { result, status: returnStatus, pluginsWithNodes };
  }

  /**
   * Runs every Filter plugin on one node, stopping at the first rejection (kube's RunFilterPlugins). Plugins
   * skipped by PreFilter are not called. Sync when every plugin is sync.
   */
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybePromise<Status | null> {
    const nominated = this.nominatedPods?.forNode(nodeInfo.name);
    if (nominated !== undefined && nominated.length > 0) return this.withNominated(nominated, state, pod, nodeInfo, (s, n) => this.runFilterPluginsOn(s, pod, n));
    return this.runFilterPluginsOn(state, pod, nodeInfo);
  }

  /**
   * kube's RunFilterPluginsWithNominatedPods: when pods of at least `pod`'s priority are nominated to the node,
   * the Filters run once with them added and, if that passes, once without (a nominated pod may be what an
   * affinity needs, and it is not there yet).
   */
  private withNominated(
    nominated: readonly PodInfo[],
    state: CycleState,
    pod: Pod,
    nodeInfo: NodeInfo,
    run: (state: CycleState, nodeInfo: NodeInfo) => MaybePromise<Status | null>,
  ): MaybePromise<Status | null> {
    const added = withNominatedPods(nominated, state, pod, nodeInfo, (s, p, info, n) => this.runPreFilterExtensionAddPod(s, p, info, n));
    const first = (outcome: Awaited<typeof added>): MaybePromise<Status | null> => {
      if (outcome === undefined) return run(state, nodeInfo);
      if (outcome instanceof Status) return outcome;
      const verdict = run(outcome.state, outcome.nodeInfo);
      if (isThenable(verdict)) return Promise.resolve(verdict).then((v) => (v === null ? run(state, nodeInfo) : v));
      return verdict === null ? run(state, nodeInfo) : verdict;
    };
    return isThenable(added) ? Promise.resolve(added).then(first) : first(added);
  }

  private runFilterPluginsOn(state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybePromise<Status | null> {
    const plugins = this.points.filter;
    const skip = state.skipFilterPlugins;
    for (let i = 0; i < plugins.length; i++) {
      const plugin = plugins[i]!;
      if (skip.size > 0 && skip.has(plugin.name)) continue;
      let status: MaybePromise<PluginStatus>;
      try {
        status = plugin.filter(state, pod, nodeInfo);
      } catch (error) {
        return pluginError('Filter', plugin.name, error);
      }
      if (isThenable(status)) return this.continueFilterAsync(state, pod, nodeInfo, i, status);
      if (status != null && status.code !== Code.Success) return filterFailure(plugin, status);
    }
    return null;
  }

  private async continueFilterAsync(
    state: CycleState,
    pod: Pod,
    nodeInfo: NodeInfo,
    index: number,
    pending: PromiseLike<PluginStatus>,
  ): Promise<Status | null> {
    const plugins = this.points.filter;
    const skip = state.skipFilterPlugins;
    for (let i = index; i < plugins.length; i++) {
      const plugin = plugins[i]!;
      if (i > index && skip.has(plugin.name)) continue;
      let status: PluginStatus;
      try {
        status = await this.guard(i === index ? pending : plugin.filter(state, pod, nodeInfo), 'Filter', plugin.name);
      } catch (error) {
        return pluginError('Filter', plugin.name, error);
      }
      if (status != null && status.code !== Code.Success) return filterFailure(plugin, status);
    }
    return null;
  }

  /**
   * {@link Framework.runFilterPlugins} with the skipped plugins worked out once per cycle (`active`, see
   * `SchedulingAlgorithm.activeFilters`); `skip` is a plugin already asked (and passed) for this node.
   * @internal For the scheduling algorithm (schedule-one.ts).
   */
  runActiveFilters(active: readonly boolean[] | null, state: CycleState, pod: Pod, nodeInfo: NodeInfo, skip = -1): MaybePromise<Status | null> {
    const nominated = this.nominatedPods?.forNode(nodeInfo.name);
    // With nominated pods the probed plugin runs again: it passed without them, which says nothing about with them.
    if (nominated !== undefined && nominated.length > 0) return this.withNominated(nominated, state, pod, nodeInfo, (s, n) => this.runActiveFiltersOn(active, s, pod, n, -1));
    return this.runActiveFiltersOn(active, state, pod, nodeInfo, skip);
  }

  private runActiveFiltersOn(active: readonly boolean[] | null, state: CycleState, pod: Pod, nodeInfo: NodeInfo, skip: number): MaybePromise<Status | null> {
    const plugins = this.points.filter;
    for (let i = 0; i < plugins.length; i++) {
      if ((active !== null && !active[i]) || i === skip) continue;
      const plugin = plugins[i]!;
      let status: MaybePromise<PluginStatus>;
      try {
        status = plugin.filter(state, pod, nodeInfo);
      } catch (error) {
        return pluginError('Filter', plugin.name, error);
      }
      if (status === null || status === undefined) continue;
      if (isThenable(status)) return this.continueFilterAsync(state, pod, nodeInfo, i, status);
      if (status.code !== Code.Success) return filterFailure(plugin, status);
    }
    return null;
  }

  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: Pod, podToAdd: PodInfo, nodeInfo: NodeInfo): MaybePromise<PluginStatus> {
    return this.runPreFilterExtension(state, (ext) => ext.addPod(state, podToSchedule, podToAdd, nodeInfo), 'AddPod');
  }

  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: Pod, podToRemove: PodInfo, nodeInfo: NodeInfo): MaybePromise<PluginStatus> {
    return this.runPreFilterExtension(state, (ext) => ext.removePod(state, podToSchedule, podToRemove, nodeInfo), 'RemovePod');
  }

  private runPreFilterExtension(
    state: CycleState,
    call: (ext: NonNullable<ReturnType<NonNullable<PreFilterPlugin['preFilterExtensions']>>>) => MaybePromise<PluginStatus>,
    what: string,
  ): MaybePromise<PluginStatus> {
    const plugins = this.points.preFilter.filter((p) => !state.skipFilterPlugins.has(p.name));
    return runSequence(
      `PreFilterExtension ${what}`,
      this.guardFn,
      plugins,
      (plugin) => {
        const ext = plugin.preFilterExtensions?.();
        return ext ? call(ext) : null;
      },
      (plugin, status) =>
        status.code === Code.Success ? null : wrapError(`running ${what} for plugin "${plugin.name}"`, plugin.name, status),
    );
  }

  // ---- PostFilter ---------------------------------------------------------------------------------------

  /** Runs PostFilter plugins until one succeeds (kube stops at the first Success or error). */
  async runPostFilterPlugins(
    state: CycleState,
    pod: Pod,
    statuses: NodeToStatus,
  ): Promise<{ result?: PostFilterResult; status: Status }> {
    const reasons: string[] = [];
    let rejectorPlugin: string | undefined;
    for (const plugin of this.points.postFilter as PostFilterPlugin[]) {
      let outcome: { result?: PostFilterResult; status: PluginStatus };
      try {
        outcome = await this.guard(plugin.postFilter(state, pod, statuses), 'PostFilter', plugin.name);
      } catch (error) {
        return { status: pluginError('PostFilter', plugin.name, error) };
      }
      const status = outcome.status;
      if (status == null || status.code === Code.Success) {
        return { ...(outcome.result ? { result: outcome.result } : {}), status: new Status(Code.Success).withPlugin(plugin.name) };
      }
      if (status.code === Code.UnschedulableAndUnresolvable) return { status: status.withPlugin(plugin.name) };
      if (status.code !== Code.Unschedulable) return { status: wrapError(`running PostFilter plugin "${plugin.name}"`, plugin.name, status) };
      reasons.push(...status.reasons);
      rejectorPlugin ??= plugin.name;
    }
    const combined = new Status(Code.Unschedulable, reasons);
    if (rejectorPlugin) combined.withPlugin(rejectorPlugin);
    return { status: combined };
  }

  // ---- PreScore / Score ---------------------------------------------------------------------------------

  /** Runs PreScore plugins; Skip marks the plugin's Score as skipped for this pod. */
  async runPreScorePlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Promise<Status | null> {
    const skip = new Set<string>();
    for (const plugin of this.points.preScore) {
      let status: PluginStatus;
      try {
        const value = plugin.preScore(state, pod, nodes);
        status = isThenable(value) ? await this.guard(value, 'PreScore', plugin.name) : value;
      } catch (error) {
        return pluginError('PreScore', plugin.name, error);
      }
      if (status == null || status.code === Code.Success) continue;
      if (status.code === Code.Skip) {
        skip.add(plugin.name);
        continue;
      }
      return wrapError(`running PreScore plugin "${plugin.name}"`, plugin.name, status);
    }
    state.skipScorePlugins = skip;
    return null;
  }

  /**
   * Scores every node with every non-skipped Score plugin, normalizes per plugin, applies weights and
   * totals. A final score outside [0, 100] is an Error naming the plugin.
   */
  async runScorePlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Promise<{ scores: NodePluginScores[]; status: Status | null }> {
    const { table, status } = await this.scoreNodes(state, pod, nodes);
    return { scores: table.nodePluginScores(), status };
  }

  /**
   * The work of {@link Framework.runScorePlugins}, kept in typed arrays (no object per node and plugin): raw
   * scores, final scores and totals (in `scratch` when given). On failure the table holds what kube's would have
   * recorded before it.
   * @internal For the scheduling algorithm (schedule-one.ts).
   */
  async scoreNodes(state: CycleState, pod: Pod, nodes: readonly NodeInfo[], scratch?: ScratchLease): Promise<{ table: ScoreTable; status: Status | null }> {
    const skip = state.skipScorePlugins;
    const plugins = skip.size === 0 ? this.points.score : this.points.score.filter((p) => !skip.has(p.name));
    const count = nodes.length;
    const weights = plugins.map((plugin) => this.scoreWeights.get(plugin.name) ?? 1);
    const table = new ScoreTable(nodes, plugins, weights, scratch);
    if (plugins.length === 0) return { table, status: null };
    let failure: Status | null = null;
    const recordAsync = (p: number, index: number, outcome: { ok: true; value: number | Status } | { ok: false; error: unknown }): void => {
      const plugin = plugins[p]!;
      if (!outcome.ok) failure ??= pluginError('Score', plugin.name, outcome.error);
      else if (typeof outcome.value === 'number') table.setRaw(p, index, outcome.value);
      else if (outcome.value.code !== Code.Success) failure ??= wrapError(`running Score plugin "${plugin.name}"`, plugin.name, outcome.value);
    };
    const scoreNode = (index: number): MaybePromise<void> => {
      const nodeInfo = nodes[index]!;
      let pending: Promise<void> | undefined;
      for (let p = 0; p < plugins.length; p++) {
        const plugin = plugins[p]!;
        let value: MaybePromise<number | Status>;
        try {
          value = plugin.score(state, pod, nodeInfo);
        } catch (error) {
          failure ??= pluginError('Score', plugin.name, error);
          continue;
        }
        if (typeof value === 'number') {
          table.setRaw(p, index, value);
        } else if (isThenable(value)) {
          const settled = settle(this.guard(value, 'Score', plugin.name)).then((outcome) => recordAsync(p, index, outcome));
          pending = pending ? pending.then(() => settled) : settled;
        } else if (value.code !== Code.Success) {
          failure ??= wrapError(`running Score plugin "${plugin.name}"`, plugin.name, value);
        }
      }
      return pending;
    };
    await this.parallelizer.until(count, scoreNode);
    if (failure) return { table, status: failure };

    // NormalizeScore gets kube's list of {name, score}; the objects are reused from cycle to cycle.
    let scores = this.normalizeScratch;
    this.normalizeScratch = undefined;
    try {
      for (let p = 0; p < plugins.length; p++) {
        const plugin = plugins[p]!;
        if (!plugin.normalizeScore) continue;
        scores = nodeScoreList(scores, table, p);
        let status: PluginStatus;
        try {
          const value = plugin.normalizeScore(state, pod, scores);
          status = isThenable(value) ? await this.guard(value, 'NormalizeScore', plugin.name) : value;
        } catch (error) {
          return { table, status: pluginError('NormalizeScore', plugin.name, error) };
        }
        if (status != null && status.code !== Code.Success) {
          return { table, status: wrapError(`running Normalize on Score plugins "${plugin.name}"`, plugin.name, status) };
        }
        for (let i = 0; i < count; i++) table.setFinal(p, i, scores[i]!.score);
      }
    } finally {
      if (scores !== undefined) this.normalizeScratch = scores;
    }
    return { table, status: table.sum() };
  }

  // ---- The scheduling algorithm (schedule-one.ts) ------------------------------------------------------

  /**
   * Finds the best node for `pod` on `snapshot` (kube's schedulePod): PreFilter, Filter until enough feasible
   * nodes are found, PreScore and Score unless only one node fits, then a uniformly random pick among the top
   * totals. Throws {@link FitError} when no node fits, or an Error for plugin errors.
   */
  schedulePod(pod: Pod, snapshot: NodeInfoLister, state: CycleState = new CycleState()): Promise<ScheduleResult> {
    return this.algorithm.schedulePod(pod, snapshot, state);
  }

  /** PreFilter then Filter; returns feasible nodes and the diagnosis of the others. */
  findNodesThatFitPod(
    state: CycleState,
    pod: Pod,
    allNodes: readonly NodeInfo[],
  ): Promise<{ feasible: NodeInfo[]; diagnosis: Diagnosis; preFilterResult: PreFilterResult | null }> {
    return this.algorithm.findNodesThatFitPod(state, pod, allNodes);
  }

  /**
   * How many feasible nodes Filter looks for on a cluster of `numAllNodes` before it stops (kube's
   * numFeasibleNodesToFind with this profile's percentageOfNodesToScore; 1 when the profile has no score plugin).
   */
  numFeasibleNodesToFind(numAllNodes: number): number {
    return this.algorithm.numFeasibleNodesToFind(numAllNodes);
  }

  /** The node index (in the snapshot's order) the next cycle's Filter starts at (kube's nextStartNodeIndex). */
  get nextStartNodeIndex(): number {
    return this.algorithm.nextStartIndex;
  }

  /** PreScore + Score; with no score plugin every node scores 1 (kube). */
  prioritizeNodes(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Promise<NodePluginScores[]> {
    return this.algorithm.prioritizeNodes(state, pod, nodes);
  }

  /** Picks uniformly at random among the nodes with the highest total (one random number per pick; see pickTop). */
  selectHost(scores: readonly NodePluginScores[]): string {
    return this.algorithm.selectHost(scores);
  }

  // ---- Binding cycle points -----------------------------------------------------------------------------

  /** Runs Reserve in order; on the first failure the caller must run Unreserve. */
  runReservePluginsReserve(state: CycleState, pod: Pod, nodeName: string): MaybePromise<Status | null> {
    return runSequence('Reserve', this.guardFn, this.points.reserve as ReservePlugin[], (p) => p.reserve(state, pod, nodeName), (plugin, status) =>
      status.code === Code.Success ? null : wrapError(`running Reserve plugin "${plugin.name}"`, plugin.name, status),
    );
  }

  /** Runs Unreserve in reverse order; errors are swallowed (Unreserve must not fail) but reported. */
  async runReservePluginsUnreserve(state: CycleState, pod: Pod, nodeName: string): Promise<unknown[]> {
    const errors: unknown[] = [];
    const plugins = this.points.reserve as ReservePlugin[];
    for (let i = plugins.length - 1; i >= 0; i--) {
      try {
        await this.guard(plugins[i]!.unreserve(state, pod, nodeName), 'Unreserve', plugins[i]!.name);
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }

  /**
   * Runs Permit plugins. Returns null (allowed), a rejecting/error status, or a Wait status after registering
   * the pod as waiting with the shortest requested timeout per plugin.
   */
  async runPermitPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<Status | null> {
    const waitFor = new Map<string, number>();
    for (const plugin of this.points.permit as PermitPlugin[]) {
      let verdict: { status: PluginStatus; timeoutMs?: number };
      try {
        verdict = await this.guard(plugin.permit(state, pod, nodeName), 'Permit', plugin.name);
      } catch (error) {
        return pluginError('Permit', plugin.name, error);
      }
      const status = verdict.status;
      if (status == null || status.code === Code.Success) continue;
      if (status.isRejected()) return status.withPlugin(plugin.name);
      if (status.code === Code.Wait) {
        waitFor.set(plugin.name, Math.max(0, verdict.timeoutMs ?? MaxPermitTimeoutMs));
        continue;
      }
      return wrapError(`running Permit plugin "${plugin.name}"`, plugin.name, status);
    }
    if (waitFor.size > 0) {
      this.waiting.add(pod, nodeName, waitFor);
      return Status.of(Code.Wait, 'one or more plugins prevented scheduling of the pod');
    }
    return null;
  }

  /** Waits for a pod held at Permit to be allowed (null) or rejected (status). */
  waitOnPermit(pod: Pod): Promise<Status | null> {
    return this.waiting.wait(pod.metadata.uid ?? '');
  }

  /** Runs PreBind in order. */
  runPreBindPlugins(state: CycleState, pod: Pod, nodeName: string): MaybePromise<Status | null> {
    return runSequence('PreBind', this.guardFn, this.points.preBind as PreBindPlugin[], (p) => p.preBind(state, pod, nodeName), (plugin, status) =>
      status.code === Code.Success ? null : wrapError(`running PreBind plugin "${plugin.name}"`, plugin.name, status),
    );
  }

  /**
   * Lets the first interested binder extender bind the pod (kube's extendersBinding, which runs before the Bind
   * plugins): undefined when no extender bound it, null when one did, an Error status when it failed.
   */
  runBindExtenders(pod: Pod, nodeName: string): Promise<Status | null | undefined> {
    return this.extenders.bind(pod, nodeName);
  }

  /**
   * Whether the filter extenders keep `nodeInfo` for `pod` (kube's check of a nominated node). A failing
   * extender answers false: as in kube, the pod is then tried on every node.
   */
  async passesFilterExtenders(pod: Pod, nodeInfo: NodeInfo, diagnosis: Diagnosis): Promise<boolean> {
    if (!this.extenders.any) return true;
    try {
      return (await this.extenders.filter(pod, [nodeInfo], diagnosis)).length > 0;
    } catch {
      return false;
    }
  }

  /** Runs Bind plugins until one does not Skip. */
  async runBindPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<Status | null> {
    const plugins = this.points.bind as BindPlugin[];
    if (plugins.length === 0) return Status.of(Code.Skip);
    for (const plugin of plugins) {
      let status: PluginStatus;
      try {
        status = await this.guard(plugin.bind(state, pod, nodeName), 'Bind', plugin.name);
      } catch (error) {
        return pluginError('Bind', plugin.name, error);
      }
      if (status != null && status.code === Code.Skip) continue;
      if (status == null || status.code === Code.Success) return null;
      return wrapError(`running Bind plugin "${plugin.name}"`, plugin.name, status);
    }
    return Status.of(Code.Skip);
  }

  /** Runs PostBind plugins; their errors are ignored (the pod is bound). */
  async runPostBindPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<void> {
    for (const plugin of this.points.postBind as PostBindPlugin[]) {
      try {
        await this.guard(plugin.postBind(state, pod, nodeName), 'PostBind', plugin.name);
      } catch {
        // PostBind is informational: a failure there cannot undo the binding.
      }
    }
  }

  /** True when some plugin is enabled at `point`. */
  hasPlugins(point: ExtensionPoint): boolean {
    return this.points[point].length > 0;
  }

  /** The names of the plugins at each point, for listings and explanations. */
  describe(): Record<ExtensionPoint, { name: string; weight?: number }[]> {
    const out = {} as Record<ExtensionPoint, { name: string; weight?: number }[]>;
    for (const point of ExtensionPoints) {
      out[point] = this.points[point].map((p) => (point === 'score' ? { name: p.name, weight: this.scoreWeights.get(p.name) ?? 1 } : { name: p.name }));
    }
    return out;
  }

  /** The QueueSort plugin. */
  get queueSortPlugin(): QueueSortPlugin | undefined {
    return this.points.queueSort[0];
  }
}

/** How long an async plugin call may take before it becomes an Error status. */
export const DefaultAsyncPluginTimeoutMs = 30_000;

/** kube's maxTimeout for Permit waits (15 minutes). */
export const MaxPermitTimeoutMs = 15 * 60 * 1000;

const noDeleter: PodDeleter = {
  deletePod: () => Promise.reject(new Error('no pod deleter configured: pass one (e.g. the cluster store) to the framework')),
};

const noWriter: ObjectWriter = {
  update: () => Promise.reject(new Error('no object writer configured: pass one (e.g. the cluster store) to the framework')),
};

const noBinder: Binder = {
  bind: () => Promise.reject(new Error('no binder configured: pass a Binder (e.g. the cluster store) to the framework')),
};

function referencedPlugins(profile: ProfileConfig): string[] {
  const names = new Set<string>();
  for (const set of Object.values(profile.plugins)) {
    for (const ref of set?.enabled ?? []) if (ref.name !== '*') names.add(ref.name);
  }
  return [...names];
}
