import { Parallelizer } from '@schedkit/parallelizer';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { type ConfigIssue, ConfigError } from '../config/errors.js';
import { checkKnownPlugins } from '../config/known-plugins.js';
import { type ExpandedPlugins, expandPlugins } from '../config/multipoint.js';
import type { ProfileConfig } from '../config/types.js';
import { CycleState } from '../cycle-state/cycle-state.js';
import type { PodInfo } from '../model/pod-info.js';
import { objectKey, type Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import type { NodeInfoLister } from '../node-info/snapshot.js';
import {
  type BindPlugin,
  type ExtensionPoint,
  ExtensionPoints,
  implementsPoint,
  MaxNodeScore,
  MinNodeScore,
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
  type ScorePlugin,
} from '../plugins/extension-points.js';
import type { Handle, WaitingPod } from '../plugins/handle.js';
import type { Registry } from '../registry/registry.js';
import { Code, Status } from '../status/status.js';
import type { Binder, PodDeleter } from '../store/binder.js';
import type { ObjectLister } from '../store/object-lister.js';
import { StaticObjectLister } from '../store/object-lister.js';
import { FitError } from './fit-error.js';
import { isThenable, settle } from './maybe-promise.js';
import type { FrameworkMetrics } from './metrics.js';
import { type Diagnosis, newDiagnosis } from './node-to-status.js';
import { numFeasibleNodesToFind as numFeasibleNodesToFindFor } from './sampling.js';
import { WaitingPods } from './waiting-pods.js';

/** One score plugin's result on one node. */
export interface PluginScore {
  name: string;
  /** The final score: normalized, times the weight. */
  score: number;
  /** The score before NormalizeScore and the weight. */
  raw: number;
}

/** A feasible node's scores (kube's NodePluginScores). */
export interface NodePluginScores {
  name: string;
  scores: PluginScore[];
  totalScore: number;
}

/** Everything a caller may want to show about a successful placement. */
export interface ScheduleResult {
  /** The chosen node. */
  suggestedHost: string;
  /** Nodes Filter ran on (feasible + rejected). */
  evaluatedNodes: number;
  /** Nodes that passed Filter. */
  feasibleNodes: number;
  /**
   * Scores of every feasible node (empty when scoring was skipped because one node fit). Built on first read from
   * the framework's reused score buffer: read it (or copy it) before the same framework schedules another pod;
   * a later first read throws instead of returning another pod's scores.
   */
  nodeScores: NodePluginScores[];
  /** The cycle state, for the binding cycle. */
  state: CycleState;
}

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
}

type PointPlugins = { [P in ExtensionPoint]: PluginForPoint[P][] };

/**
 * The framework runtime of one profile: it holds the plugins in configured order and runs each extension
 * point. Built from a profile and a registry; immutable afterwards (reconfiguration builds a new one, and
 * cycles running on this one finish with it).
 */
export class Framework implements Handle {
  readonly profileName: string;
  readonly objects: ObjectLister;
  readonly parallelizer: Parallelizer;
  readonly binder: Binder;
  readonly podDeleter: PodDeleter;
  /** Every plugin instance by name. */
  readonly plugins = new Map<string, Plugin>();
  /** The profile's plugins per point after multiPoint expansion. */
  readonly expanded: ExpandedPlugins;
  /** Score weight by plugin name. */
  readonly scoreWeights = new Map<string, number>();
  private readonly points: PointPlugins;
  private readonly percentageOfNodesToScore: number | undefined;
  readonly random: () => number;
  private readonly metrics: FrameworkMetrics | undefined;
  private readonly waiting: WaitingPods;
  private readonly asyncTimeoutMs: number;
  private readonly guardFn: Guard;
  private currentSnapshot: NodeInfoLister | undefined;
  /** Where the next cycle's Filter starts (kube's nextStartNodeIndex), so that load spreads across nodes. */
  private nextStartNodeIndex = 0;
  /** NormalizeScore's list, kept between cycles (undefined while a cycle uses it). */
  private normalizeScratch: NodeScore[] | undefined = [];
  /** schedulePod's feasible list and score numbers, reused (see CycleScratch). */
  private readonly scratch = new CycleScratch();

  constructor(options: FrameworkOptions) {
    const { profile, registry } = options;
    this.profileName = profile.schedulerName;
    this.objects = options.objects ?? new StaticObjectLister();
    this.parallelizer = new Parallelizer(options.parallelism ?? 16);
    this.binder = options.binder ?? noBinder;
    this.podDeleter = options.podDeleter ?? noDeleter;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore ?? options.percentageOfNodesToScore;
    this.random = options.random ?? Math.random;
    this.metrics = options.metrics;
    this.waiting = options.waitingPods ?? new WaitingPods();
    this.asyncTimeoutMs = options.asyncPluginTimeoutMs ?? DefaultAsyncPluginTimeoutMs;
    this.guardFn = (value, point, plugin) => this.guard(value, point, plugin);

    const index = options.profileIndex ?? 0;
    const unknown = checkKnownPlugins(profile, (name) => registry.has(name), index);
    if (unknown.length > 0) throw new ConfigError(unknown, options.sourceFile);
    const profileContainer = (options.container ?? rootContainer).createChildContainer();
    const argsByName = new Map(profile.pluginConfig.map((entry) => [entry.name, entry.args]));
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
          if (outcome.code === Code.UnschedulableAndUnresolvable) return { result: null, status: outcome, pluginsWithNodes };
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
   * scores, final scores and totals. On failure the table holds what kube's would have recorded before it.
   */
  private async scoreNodes(state: CycleState, pod: Pod, nodes: readonly NodeInfo[], scratch?: ScratchLease): Promise<{ table: ScoreTable; status: Status | null }> {
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

  // ---- The scheduling algorithm -------------------------------------------------------------------------

  /**
   * Finds the best node for `pod` on `snapshot` (kube's schedulePod): PreFilter, Filter until enough feasible
   * nodes are found, PreScore and Score unless only one node fits, then a uniformly random pick among the top
   * totals. Throws {@link FitError} when no node fits, or an Error for plugin errors.
   */
  async schedulePod(pod: Pod, snapshot: NodeInfoLister, state: CycleState = new CycleState()): Promise<ScheduleResult> {
    this.setSnapshot(snapshot);
    const allNodes = snapshot.list();
    if (allNodes.length === 0) throw new Error('no nodes available to schedule pods');
    const scratch = this.scratch.acquire();
    try {
      const started = this.metrics ? performance.now() : 0;
      // The statuses of nodes rejected out of order are worked out only if the pod fits nowhere (then they are read).
      const found = await this.findFeasibleNodes(state, pod, allNodes, false, scratch?.feasible);
      if (this.metrics) this.metrics.observePoint('filter', performance.now() - started, { profile: this.profileName, status: found.feasible.length > 0 ? 'Success' : 'Unschedulable' });
      if (found.feasible.length === 0) {
        throw new FitError(pod, allNodes.length, found.diagnosis);
      }
      const evaluatedNodes = found.feasible.length + found.diagnosis.nodeToStatus.size + found.unsettled;
      if (found.feasible.length === 1) {
        return { suggestedHost: found.feasible[0]!.name, evaluatedNodes, feasibleNodes: 1, nodeScores: [], state };
      }
      const scoreStarted = this.metrics ? performance.now() : 0;
      const table = await this.prioritize(state, pod, found.feasible, scratch);
      if (this.metrics) this.metrics.observePoint('score', performance.now() - scoreStarted, { profile: this.profileName, status: 'Success' });
      const suggestedHost = found.feasible[table.best(this.random)]!.name;
      const feasibleNodes = found.feasible.length;
      let nodeScores: NodePluginScores[] | undefined;
      // The per-node score records are built only for a caller that reads them, from the scratch while it still
      // holds this cycle's nodes and scores.
      return {
        suggestedHost,
        evaluatedNodes,
        feasibleNodes,
        get nodeScores() {
          if (nodeScores === undefined) {
            if (table.lease?.revoked) throw new Error(`${scoresReadTooLate} (pod ${objectKey(pod.metadata)})`);
            nodeScores = table.nodePluginScores();
          }
          return nodeScores;
        },
        state,
      };
    } finally {
      scratch?.release();
    }
  }

  /** PreFilter then Filter; returns feasible nodes and the diagnosis of the others. */
  async findNodesThatFitPod(state: CycleState, pod: Pod, allNodes: readonly NodeInfo[]) {
    const { feasible, diagnosis, preFilterResult } = await this.findFeasibleNodes(state, pod, allNodes, true);
    return { feasible, diagnosis, preFilterResult };
  }

  /**
   * {@link Framework.findNodesThatFitPod}; with `completeDiagnosis` false, the nodes rejected out of order (see
   * {@link Framework.findNodesThatPassFilters}) get their statuses only when no node fits, and `unsettled`
   * counts the rejected nodes left out of the diagnosis.
   */
  private async findFeasibleNodes(state: CycleState, pod: Pod, allNodes: readonly NodeInfo[], completeDiagnosis: boolean, feasibleInto?: NodeInfo[]) {
    const diagnosis = newDiagnosis();
    const pre = await this.runPreFilterPlugins(state, pod, allNodes);
    for (const name of pre.pluginsWithNodes) diagnosis.unschedulablePlugins.add(name);
    if (pre.status && pre.status.code !== Code.Success) {
      if (!pre.status.isRejected()) throw pre.status.asError();
      diagnosis.nodeToStatus.absentStatus = pre.status;
      diagnosis.preFilterMessage = pre.status.message();
      if (pre.status.plugin) diagnosis.unschedulablePlugins.add(pre.status.plugin);
      return { feasible: [] as NodeInfo[], diagnosis, preFilterResult: pre.result, unsettled: 0 };
    }
    let nodes = allNodes;
    if (pre.result && pre.result.nodeNames !== null) {
      const narrowed: NodeInfo[] = [];
      const wanted = pre.result.nodeNames;
      for (const info of allNodes) if (wanted.has(info.name)) narrowed.push(info);
      nodes = narrowed;
      const plugins = [...diagnosis.unschedulablePlugins].sort();
      diagnosis.nodeToStatus.absentStatus = Status.unresolvable(`node(s) didn't satisfy plugin(s) ${goList(plugins)}`);
    }
    const { feasible, rejectedOutOfOrder } = await this.findNodesThatPassFilters(state, pod, nodes, diagnosis, feasibleInto);
    let unsettled = rejectedOutOfOrder?.nodes.length ?? 0;
    if (rejectedOutOfOrder !== undefined && (completeDiagnosis || feasible.length === 0)) {
      await this.settleRejections(state, pod, rejectedOutOfOrder, diagnosis);
      unsettled = 0;
    }
    return { feasible, diagnosis, preFilterResult: pre.result, unsettled };
  }

  /**
   * Filter over `nodes` from the round-robin start until enough feasible nodes are found.
   *
   * Which nodes pass does not depend on the order the Filter plugins run in, only the status a rejected node
   * reports does (the first plugin in configuration order that rejects it). So, while every Filter answers
   * synchronously, the plugin that rejected the last node is tried first on the next one: when it rejects again
   * (a full zone under topology spreading, say, rejects runs of nodes) the node is out after one call instead of
   * the whole chain, and its status in configuration order is worked out later, only if somebody needs it
   * ({@link Framework.settleRejections}). kube runs the chain in order on every node; the feasible nodes, the
   * nodes evaluated and the round-robin start come out the same.
   */
  private async findNodesThatPassFilters(
    state: CycleState,
    pod: Pod,
    nodes: readonly NodeInfo[],
    diagnosis: Diagnosis,
    feasibleInto?: NodeInfo[],
  ): Promise<{ feasible: NodeInfo[]; rejectedOutOfOrder: RejectedOutOfOrder | undefined }> {
    const numAllNodes = nodes.length;
    if (numAllNodes === 0) return { feasible: [], rejectedOutOfOrder: undefined };
    const numNodesToFind = numFeasibleNodesToFindFor(this.percentageOfNodesToScore, numAllNodes);
    const start = this.nextStartNodeIndex % numAllNodes;
    if (this.points.filter.length === 0) {
      const feasible: NodeInfo[] = [];
      for (let i = 0; i < numNodesToFind; i++) feasible.push(nodes[(start + i) % numAllNodes]!);
      this.nextStartNodeIndex = (start + numNodesToFind) % numAllNodes;
      return { feasible, rejectedOutOfOrder: undefined };
    }
    const active = this.activeFilters(state.skipFilterPlugins);
    // Until the first async answer nodes are recorded in index order straight into `feasible`; after it,
    // answers arrive in any order and are placed by index, then appended.
    // Written by index and cut to length at the end, so a reused list keeps its capacity.
    const feasible: NodeInfo[] = feasibleInto ?? new Array(Math.min(numNodesToFind, numAllNodes));
    let inOrder = 0;
    let feasibleByIndex: (NodeInfo | undefined)[] | undefined;
    let feasibleCount = 0;
    let rejectedCount = 0;
    let failure: Status | null = null;
    let stopped = false;
    let lastRejector: string | undefined;
    const record = (i: number, nodeInfo: NodeInfo, status: Status | null): void => {
      if (status === null) {
        if (feasibleCount >= numNodesToFind) {
          stopped = true;
          return;
        }
        if (feasibleByIndex === undefined) feasible[inOrder++] = nodeInfo;
        else feasibleByIndex[i] = nodeInfo;
        feasibleCount++;
        if (feasibleCount >= numNodesToFind) stopped = true;
        return;
      }
      if (status.code === Code.Error) {
        failure ??= status;
        stopped = true;
        return;
      }
      rejectedCount++;
      diagnosis.nodeToStatus.add(nodeInfo.name, status);
      // Rejections come in runs from the same plugin: the set is touched only when the plugin changes.
      if (status.plugin && status.plugin !== lastRejector) {
        lastRejector = status.plugin;
        diagnosis.unschedulablePlugins.add(status.plugin);
      }
    };
    // Fast path: a plain loop for as long as every Filter answers synchronously (no promise, no abort signal).
    let i = 0;
    let pending: PromiseLike<Status | null> | undefined;
    // The Filter tried first (the one that rejected the last node), -1 for none; probing stops for the cycle
    // once a probe answers anything but pass or reject.
    let probe = -1;
    let probing = true;
    let rejectedOutOfOrder: RejectedOutOfOrder | undefined;
    for (; i < numAllNodes && !stopped; i++) {
      let at = start + i;
      if (at >= numAllNodes) at -= numAllNodes;
      const nodeInfo = nodes[at]!;
      let skip = -1;
      if (probe >= 0) {
        const verdict = this.probeFilter(probe, state, pod, nodeInfo);
        if (verdict === null) skip = probe;
        else if (verdict === undefined) {
          probing = false;
          probe = -1;
        } else {
          rejectedOutOfOrder ??= { active, nodes: [], statuses: [] };
          rejectedOutOfOrder.nodes.push(nodeInfo);
          rejectedOutOfOrder.statuses.push(verdict);
          rejectedCount++;
          continue;
        }
      }
      const status = this.runActiveFilters(active, state, pod, nodeInfo, skip);
      // A verdict is null or a Status; anything else is the promise of a Filter that went async.
      if (status !== null && !(status instanceof Status)) {
        pending = status;
        break;
      }
      if (status !== null && probing && status.plugin !== lastRejector && status.isRejected()) probe = this.filterIndex(status.plugin);
      record(i, nodeInfo, status);
    }
    if (pending !== undefined) {
      // A Filter answered with a promise: wait for that node, then run the remaining nodes on the parallelizer.
      const first = i;
      feasibleByIndex = [];
      const firstNode = nodes[(start + first) % numAllNodes]!;
      record(first, firstNode, await pending);
      const rest = numAllNodes - first - 1;
      if (!stopped && rest > 0) {
        const controller = new AbortController();
        const checkNode = (j: number): MaybePromise<void> => {
          if (stopped) {
            controller.abort(stopReason);
            return undefined;
          }
          const index = first + 1 + j;
          const nodeInfo = nodes[(start + index) % numAllNodes]!;
          const status = this.runActiveFilters(active, state, pod, nodeInfo);
          const settled = (s: Status | null): void => {
            record(index, nodeInfo, s);
            if (stopped) controller.abort(stopReason);
          };
          if (status !== null && isThenable(status)) return status.then(settled);
          settled(status);
          return undefined;
        };
        await this.parallelizer.until(rest, checkNode, { signal: controller.signal });
      }
    }
    if (failure) throw (failure as Status).asError();
    feasible.length = inOrder;
    if (feasibleByIndex !== undefined) {
      for (let k = 0; k < feasibleByIndex.length; k++) {
        const info = feasibleByIndex[k];
        if (info) feasible.push(info);
      }
    }
    this.nextStartNodeIndex = (start + feasibleCount + rejectedCount) % numAllNodes;
    return { feasible, rejectedOutOfOrder };
  }

  /**
   * The first Filter's verdict on a node when only `index` is asked: null when it passes, its rejection (naming
   * it), or undefined when the answer cannot stand in for the chain's (a promise, an error, a throw).
   */
  private probeFilter(index: number, state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | null | undefined {
    const plugin = this.points.filter[index]!;
    let status: MaybePromise<PluginStatus>;
    try {
      status = plugin.filter(state, pod, nodeInfo);
    } catch {
      return undefined; // the chain runs again and reports the throw in order
    }
    if (status === null || status === undefined) return null;
    if (isThenable(status)) {
      // The chain asks again; this answer is dropped, and must not surface as an unhandled rejection.
      status.then(undefined, () => undefined);
      return undefined;
    }
    if (status.code === Code.Success) return null;
    return status.isRejected() ? status.withPlugin(plugin.name) : undefined;
  }

  /** The index of the Filter plugin named `name`, -1 when none. */
  private filterIndex(name: string | undefined): number {
    const plugins = this.points.filter;
    for (let i = 0; i < plugins.length; i++) if (plugins[i]!.name === name) return i;
    return -1;
  }

  /**
   * Gives the nodes rejected out of order the status the chain in configuration order reports (kube's), adding
   * them to the diagnosis. A chain that now errors fails the cycle, as it would have on that node.
   */
  private async settleRejections(state: CycleState, pod: Pod, rejected: RejectedOutOfOrder, diagnosis: Diagnosis): Promise<void> {
    for (let k = 0; k < rejected.nodes.length; k++) {
      const nodeInfo = rejected.nodes[k]!;
      const verdict = this.runActiveFilters(rejected.active, state, pod, nodeInfo);
      // A Filter is a pure function of its inputs; should one change its mind, the rejection seen stands.
      const status = (verdict !== null && !(verdict instanceof Status) ? await verdict : verdict) ?? rejected.statuses[k]!;
      if (status.code === Code.Error) throw status.asError();
      diagnosis.nodeToStatus.add(nodeInfo.name, status);
      if (status.plugin) diagnosis.unschedulablePlugins.add(status.plugin);
    }
  }

  /** Per Filter plugin, whether it runs this cycle (false when its PreFilter returned Skip); null: all run. */
  private activeFilters(skip: ReadonlySet<string>): readonly boolean[] | null {
    if (skip.size === 0) return null;
    return this.points.filter.map((plugin) => !skip.has(plugin.name));
  }

  /**
   * {@link Framework.runFilterPlugins} with the skipped plugins worked out once per cycle; `skip` is a plugin
   * already asked (and passed) for this node.
   */
  private runActiveFilters(active: readonly boolean[] | null, state: CycleState, pod: Pod, nodeInfo: NodeInfo, skip = -1): MaybePromise<Status | null> {
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

  /** PreScore + Score; with no score plugin every node scores 1 (kube). */
  async prioritizeNodes(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Promise<NodePluginScores[]> {
    return (await this.prioritize(state, pod, nodes)).nodePluginScores();
  }

  /** {@link Framework.prioritizeNodes} as a score table (in `scratch` when given); throws on a PreScore or Score error. */
  private async prioritize(state: CycleState, pod: Pod, nodes: readonly NodeInfo[], scratch?: ScratchLease): Promise<ScoreTable> {
    if (this.points.score.length === 0) return ScoreTable.constant(nodes, 1);
    const pre = await this.runPreScorePlugins(state, pod, nodes);
    if (pre) throw pre.asError();
    const { table, status } = await this.scoreNodes(state, pod, nodes, scratch);
    if (status) throw status.asError();
    return table;
  }

  /** Picks uniformly at random among the nodes with the highest total (one random number per pick; see pickTop). */
  selectHost(scores: readonly NodePluginScores[]): string {
    // A Float64Array like the score table's, so that pickTop sees one kind of array.
    const totals = Float64Array.from(scores, (entry) => entry.totalScore);
    return scores[pickTop(totals, 0, totals.length, this.random)]!.name;
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

/**
 * The index (from 0) of a node with the highest of the `count` totals at `totals[offset...]`, uniformly at random
 * among the ties, like kube's reservoir sampling but with one random number per pick instead of one per tie
 * (thousands of nodes can tie). A source that always answers 0 picks the last tie, as the reservoir does.
 */
function pickTop(totals: ArrayLike<number>, offset: number, count: number, random: () => number): number {
  if (count === 0) throw new Error('empty priority list');
  let top = totals[offset]!;
  let ties = 0;
  for (let i = 0; i < count; i++) {
    const total = totals[offset + i]!;
    if (total > top) {
      top = total;
      ties = 1;
    } else if (total === top) ties++;
  }
  let pick = ties - 1 - Math.min(ties - 1, Math.floor(random() * ties));
  for (let i = 0; i < count; i++) if (totals[offset + i] === top && pick-- === 0) return i;
  throw new Error('unreachable: no node with the top total');
}

/** Why a result's scores cannot be read any more. */
const scoresReadTooLate =
  'ScheduleResult.nodeScores read after the framework scored another pod: read them (or copy them) before the next cycle of the same framework';

/** A cycle's hold on its framework's {@link CycleScratch}, from Filter until the host is picked. */
class ScratchLease {
  released = false;
  /** A later cycle took the scratch: what this one left there is gone. */
  revoked = false;

  constructor(private readonly scratch: CycleScratch) {}

  /** The list to collect the feasible nodes in (it still holds the last cycle's: overwrite, then set the length). */
  get feasible(): NodeInfo[] {
    return this.scratch.feasible;
  }

  /** `length` zeroed numbers for the score table. */
  scores(length: number): Float64Array {
    return this.scratch.scores(length);
  }

  release(): void {
    this.released = true;
  }
}

/**
 * What schedulePod allocates afresh otherwise every cycle, kept per framework: the feasible-node list and the score
 * table's numbers. Both outlived the young generation's collections and went to old space to die there (V8
 * pretenures such allocation sites), or, for a Float64Array, waited as backing stores outside the heap: on 5,000
 * nodes tens of MB at a time. A cycle holds the scratch until it has picked its host (a concurrent cycle meanwhile
 * gets fresh ones); the next cycle revokes the previous lease, and that result's lazily built score records then
 * refuse to read rather than read another pod's.
 */
class CycleScratch {
  readonly feasible: NodeInfo[] = [];
  private data = new Float64Array(0);
  private current: ScratchLease | undefined;

  /** A lease on the scratch, or undefined while another cycle holds it. */
  acquire(): ScratchLease | undefined {
    const previous = this.current;
    if (previous !== undefined && !previous.released) return undefined;
    if (previous !== undefined) previous.revoked = true;
    const lease = new ScratchLease(this);
    this.current = lease;
    return lease;
  }

  scores(length: number): Float64Array {
    if (this.data.length < length) this.data = new Float64Array(Math.max(length, this.data.length * 2));
    else this.data.fill(0, 0, length);
    return this.data.length === length ? this.data : this.data.subarray(0, length);
  }
}

/** Nodes Filter rejected through a probe, with the probe's rejection; their statuses in chain order come later. */
interface RejectedOutOfOrder {
  /** The cycle's active Filter plugins (see `activeFilters`). */
  readonly active: readonly boolean[] | null;
  readonly nodes: NodeInfo[];
  readonly statuses: Status[];
}

type Guard = <T>(value: PromiseLike<T> | T, point: string, pluginName: string) => Promise<T>;

/**
 * The scores of one cycle: per plugin the raw scores and the final (normalized) ones, and the weighted totals.
 * They share one typed array (a single allocation per cycle, kept off the JS heap): the raw scores of plugin p
 * at `p * nodes`, then the final scores of each plugin that normalizes, then the totals.
 * {@link ScoreTable.nodePluginScores} gives kube's per-node records.
 */
class ScoreTable {
  private readonly data: Float64Array;
  /** Per plugin, where its final scores start (its raw scores' offset when it does not normalize). */
  private readonly finalOffset: number[];
  private readonly totalsOffset: number;
  /** Plugins whose weighted scores are summed into the totals; then, of the next plugin, the first `partialNodes` nodes. */
  private summedPlugins = 0;
  private partialNodes = 0;

  constructor(
    readonly nodes: readonly NodeInfo[],
    readonly plugins: readonly ScorePlugin[],
    readonly weights: readonly number[],
    scratch?: ScratchLease,
  ) {
    const count = nodes.length;
    this.finalOffset = [];
    let next = plugins.length * count;
    for (let p = 0; p < plugins.length; p++) {
      if (plugins[p]!.normalizeScore) {
        this.finalOffset.push(next);
        next += count;
      } else {
        this.finalOffset.push(p * count);
      }
    }
    this.totalsOffset = next;
    this.data = scratch ? scratch.scores(next + count) : new Float64Array(next + count);
    this.lease = scratch;
  }

  /** Set when the table lives in a framework's {@link CycleScratch}. */
  readonly lease: ScratchLease | undefined;

  /** A table without plugins where every node totals `total` (kube's answer when no Score plugin is enabled). */
  static constant(nodes: readonly NodeInfo[], total: number): ScoreTable {
    const table = new ScoreTable(nodes, [], []);
    table.data.fill(total);
    return table;
  }

  setRaw(plugin: number, node: number, score: number): void {
    this.data[plugin * this.nodes.length + node] = score;
  }

  raw(plugin: number, node: number): number {
    return this.data[plugin * this.nodes.length + node]!;
  }

  setFinal(plugin: number, node: number, score: number): void {
    this.data[this.finalOffset[plugin]! + node] = score;
  }

  final(plugin: number, node: number): number {
    return this.data[this.finalOffset[plugin]! + node]!;
  }

  total(node: number): number {
    return this.data[this.totalsOffset + node]!;
  }

  /**
   * Checks every final score (an integer in [MinNodeScore, MaxNodeScore]) plugin by plugin and sums the weighted
   * ones; returns the Error status of the first invalid score, with the totals summed up to it.
   */
  sum(): Status | null {
    const data = this.data;
    const count = this.nodes.length;
    const totals = this.totalsOffset;
    for (let p = 0; p < this.plugins.length; p++) {
      const weight = this.weights[p]!;
      const base = this.finalOffset[p]!;
      for (let i = 0; i < count; i++) {
        const score = data[base + i]!;
        if (!Number.isInteger(score) || score > MaxNodeScore || score < MinNodeScore) {
          this.summedPlugins = p;
          this.partialNodes = i;
          const name = this.plugins[p]!.name;
          return Status.error(
            new Error(`plugin "${name}" returns an invalid score ${score}, it should in the range of [${MinNodeScore}, ${MaxNodeScore}] after normalizing`),
          ).withPlugin(name);
        }
        data[totals + i]! += score * weight;
      }
    }
    this.summedPlugins = this.plugins.length;
    return null;
  }

  /** The index {@link Framework.selectHost} would pick: uniformly among the highest totals. */
  best(random: () => number): number {
    return pickTop(this.data, this.totalsOffset, this.nodes.length, random);
  }

  /** kube's per-node records: each plugin's weighted and raw score and the total, as far as {@link ScoreTable.sum} got. */
  nodePluginScores(): NodePluginScores[] {
    const count = this.nodes.length;
    const out: NodePluginScores[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = { name: this.nodes[i]!.name, scores: [], totalScore: this.total(i) };
    const lastPlugin = Math.min(this.plugins.length, this.summedPlugins + (this.partialNodes > 0 ? 1 : 0));
    for (let p = 0; p < lastPlugin; p++) {
      const name = this.plugins[p]!.name;
      const weight = this.weights[p]!;
      const lastNode = p < this.summedPlugins ? count : this.partialNodes;
      for (let i = 0; i < lastNode; i++) out[i]!.scores.push({ name, score: this.final(p, i) * weight, raw: this.raw(p, i) });
    }
    return out;
  }
}

/** `list` (reused when given) filled with one {name, score} per node: the raw scores of plugin `plugin`. */
function nodeScoreList(list: NodeScore[] | undefined, table: ScoreTable, plugin: number): NodeScore[] {
  const out = list ?? [];
  const nodes = table.nodes;
  const count = nodes.length;
  if (out.length > count) out.length = count;
  for (let i = 0; i < count; i++) {
    const score = table.raw(plugin, i);
    // The framework owns these objects; plugins see `name` as read-only.
    const entry = out[i] as { name: string; score: number } | undefined;
    if (entry === undefined) out.push({ name: nodes[i]!.name, score });
    else {
      entry.name = nodes[i]!.name;
      entry.score = score;
    }
  }
  return out;
}

/** The abort reason of a Filter run that found enough nodes (a shared value: abort() would build a DOMException). */
const stopReason = new Error('enough feasible nodes');

/** kube's maxTimeout for Permit waits (15 minutes). */
export const MaxPermitTimeoutMs = 15 * 60 * 1000;

const noDeleter: PodDeleter = {
  deletePod: () => Promise.reject(new Error('no pod deleter configured: pass one (e.g. the cluster store) to the framework')),
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

function filterFailure(plugin: Plugin, status: Status): Status {
  if (status.isRejected()) return status.withPlugin(plugin.name);
  return wrapError(`running "${plugin.name}" filter plugin`, plugin.name, status);
}

/** An Error status for a plugin that threw or rejected its promise. */
function pluginError(point: string, pluginName: string, error: unknown): Status {
  const message = error instanceof Error ? error.message : String(error);
  return new Status(Code.Error, [`running ${point} plugin "${pluginName}": ${message}`], error).withPlugin(pluginName);
}

function wrapError(context: string, pluginName: string, status: Status): Status {
  return new Status(Code.Error, [`${context}: ${status.message()}`], status.cause ?? status).withPlugin(pluginName);
}

/** Go's `%v` of a string slice: `[a b c]`. */
function goList(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}

/**
 * Runs `call` for each plugin in order, stopping at the first status `check` maps to non-null. Stays
 * synchronous until a plugin returns a promise; throws become Error statuses.
 */
function runSequence<P extends Plugin>(
  point: string,
  guard: Guard,
  plugins: readonly P[],
  call: (plugin: P) => MaybePromise<PluginStatus>,
  check: (plugin: P, status: Status) => Status | null,
): MaybePromise<Status | null> {
  for (let i = 0; i < plugins.length; i++) {
    const plugin = plugins[i]!;
    let value: MaybePromise<PluginStatus>;
    try {
      value = call(plugin);
    } catch (error) {
      return pluginError(point, plugin.name, error);
    }
    if (isThenable(value)) return continueAsync(point, plugins, i, value, call, check, guard);
    if (value != null) {
      const stop = check(plugin, value);
      if (stop) return stop;
    }
  }
  return null;
}

async function continueAsync<P extends Plugin>(
  point: string,
  plugins: readonly P[],
  index: number,
  pending: PromiseLike<PluginStatus>,
  call: (plugin: P) => MaybePromise<PluginStatus>,
  check: (plugin: P, status: Status) => Status | null,
  guard: Guard,
): Promise<Status | null> {
  for (let i = index; i < plugins.length; i++) {
    const plugin = plugins[i]!;
    let value: PluginStatus;
    try {
      value = await guard(i === index ? pending : call(plugin), point, plugin.name);
    } catch (error) {
      return pluginError(point, plugin.name, error);
    }
    if (value != null) {
      const stop = check(plugin, value);
      if (stop) return stop;
    }
  }
  return null;
}
