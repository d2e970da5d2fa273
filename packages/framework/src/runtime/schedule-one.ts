/**
 * The scheduling algorithm of one pod on one framework, kube's `schedule_one.go` (its dispatch of each extension
 * point is the framework's, framework.ts): schedulePod finds the nodes that fit (PreFilter, then Filter from a
 * round-robin start until enough are found), prioritizes them (PreScore, Score) and selects the host.
 */
import type { CycleState } from '../cycle-state/cycle-state.js';
import { objectKey, type Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import type { NodeInfoLister } from '../node-info/snapshot.js';
import type { FilterPlugin, MaybePromise, PluginStatus } from '../plugins/extension-points.js';
import { Code, Status } from '../status/status.js';
import { CycleScratch, type ScratchLease } from './cycle-scratch.js';
import { ExtenderCalls, type ExtenderVerdict } from './extender-calls.js';
import { FitError } from './fit-error.js';
import type { Framework } from './framework.js';
import { isThenable } from './maybe-promise.js';
import type { FrameworkMetrics } from './metrics.js';
import { type Diagnosis, newDiagnosis } from './node-to-status.js';
import { goList } from './plugin-calls.js';
import { numFeasibleNodesToFind as numFeasibleNodesToFindFor } from './sampling.js';
import { type NodePluginScores, pickTop, ScoreTable } from './score-table.js';

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
  /** What each extender called in the cycle did (absent without extenders). */
  extenderVerdicts?: ExtenderVerdict[];
}

/** How a framework's algorithm picks: the node sampling, the tie-break source, the latency recorder. */
export interface SchedulingAlgorithmOptions {
  /** percentageOfNodesToScore (the profile's, else the global one); 0 or undefined: adaptive. */
  percentageOfNodesToScore: number | undefined;
  /** Random source in [0, 1) for tie-breaks. */
  random: () => number;
  metrics: FrameworkMetrics | undefined;
  /** The configured extenders (none when absent). */
  extenders?: ExtenderCalls;
}

/**
 * schedulePod and what it calls, for one framework: it keeps the state kube's scheduler keeps between cycles (the
 * round-robin start of Filter) and the scratch buffers the cycles reuse.
 */
export class SchedulingAlgorithm {
  private readonly filters: readonly FilterPlugin[];
  private readonly percentageOfNodesToScore: number | undefined;
  private readonly random: () => number;
  private readonly metrics: FrameworkMetrics | undefined;
  private readonly extenders: ExtenderCalls;
  /** Where the next cycle's Filter starts (kube's nextStartNodeIndex), so that load spreads across nodes. */
  private nextStartNodeIndex = 0;
  /** Whether the profile scores nodes (without scoring, Filter looks for one feasible node). */
  private readonly scoring: boolean;
  /** schedulePod's feasible list and score numbers, reused (see CycleScratch). */
  private readonly scratch = new CycleScratch();

  constructor(
    private readonly framework: Framework,
    options: SchedulingAlgorithmOptions,
  ) {
    this.filters = framework.pluginsAt('filter');
    this.scoring = framework.hasPlugins('score');
    this.percentageOfNodesToScore = options.percentageOfNodesToScore;
    this.random = options.random;
    this.metrics = options.metrics;
    this.extenders = options.extenders ?? new ExtenderCalls();
  }

  /**
   * Finds the best node for `pod` on `snapshot` (kube's schedulePod): PreFilter, Filter until enough feasible
   * nodes are found, PreScore and Score unless only one node fits, then a uniformly random pick among the top
   * totals. Throws {@link FitError} when no node fits, or an Error for plugin errors.
   */
  async schedulePod(pod: Pod, snapshot: NodeInfoLister, state: CycleState): Promise<ScheduleResult> {
    this.framework.setSnapshot(snapshot);
    const allNodes = snapshot.list();
    if (allNodes.length === 0) throw new Error('no nodes available to schedule pods');
    const scratch = this.scratch.acquire();
    // Extender calls still in flight when the cycle ends (a failure elsewhere) are cancelled.
    const cycle = this.extenders.any ? new CycleExtenders() : undefined;
    try {
      const started = this.metrics ? performance.now() : 0;
      // The statuses of nodes rejected out of order are worked out only if the pod fits nowhere (then they are read).
      const found = await this.findFeasibleNodes(state, pod, allNodes, false, scratch?.feasible, cycle);
      if (this.metrics) this.metrics.observePoint('filter', performance.now() - started, { profile: this.framework.profileName, status: found.feasible.length > 0 ? 'Success' : 'Unschedulable' });
      if (found.feasible.length === 0) {
        throw new FitError(pod, allNodes.length, found.diagnosis);
      }
      const evaluatedNodes = found.feasible.length + found.diagnosis.nodeToStatus.size + found.unsettled;
      if (found.feasible.length === 1) {
        return { suggestedHost: found.feasible[0]!.name, evaluatedNodes, feasibleNodes: 1, nodeScores: [], state, ...cycle?.result() };
      }
      const scoreStarted = this.metrics ? performance.now() : 0;
      const table = await this.prioritize(state, pod, found.feasible, scratch, cycle);
      if (this.metrics) this.metrics.observePoint('score', performance.now() - scoreStarted, { profile: this.framework.profileName, status: 'Success' });
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
        ...cycle?.result(),
      };
    } finally {
      scratch?.release();
      cycle?.end();
    }
  }

  /** PreFilter then Filter; returns feasible nodes and the diagnosis of the others. */
  async findNodesThatFitPod(state: CycleState, pod: Pod, allNodes: readonly NodeInfo[]) {
    const { feasible, diagnosis, preFilterResult } = await this.findFeasibleNodes(state, pod, allNodes, true);
    return { feasible, diagnosis, preFilterResult };
  }

  /**
   * {@link SchedulingAlgorithm.findNodesThatFitPod}; with `completeDiagnosis` false, the nodes rejected out of order (see
   * {@link SchedulingAlgorithm.findNodesThatPassFilters}) get their statuses only when no node fits, and `unsettled`
   * counts the rejected nodes left out of the diagnosis.
   */
  private async findFeasibleNodes(
    state: CycleState,
    pod: Pod,
    allNodes: readonly NodeInfo[],
    completeDiagnosis: boolean,
    feasibleInto?: NodeInfo[],
    cycle?: CycleExtenders,
  ) {
    const diagnosis = newDiagnosis();
    const pre = await this.framework.runPreFilterPlugins(state, pod, allNodes);
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
    const passed = await this.findNodesThatPassFilters(state, pod, nodes, allNodes.length, diagnosis, feasibleInto);
    const rejectedOutOfOrder = passed.rejectedOutOfOrder;
    let feasible = passed.feasible;
    if (this.extenders.any && feasible.length > 0) {
      feasible = await this.extenders.filter(pod, feasible, diagnosis, cycle?.signal, cycle?.verdicts);
    }
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
   * ({@link SchedulingAlgorithm.settleRejections}). kube runs the chain in order on every node; the feasible nodes, the
   * nodes evaluated and the round-robin start come out the same.
   */
  private async findNodesThatPassFilters(
    state: CycleState,
    pod: Pod,
    nodes: readonly NodeInfo[],
    clusterSize: number,
    diagnosis: Diagnosis,
    feasibleInto?: NodeInfo[],
  ): Promise<{ feasible: NodeInfo[]; rejectedOutOfOrder: RejectedOutOfOrder | undefined }> {
    const numAllNodes = nodes.length;
    if (numAllNodes === 0) return { feasible: [], rejectedOutOfOrder: undefined };
    const numNodesToFind = this.numFeasibleNodesToFind(numAllNodes);
    const start = this.nextStartNodeIndex % numAllNodes;
    // kube's findNodesThatFitPod moves the start on by the nodes processed, modulo the whole cluster (not the
    // PreFilterResult's nodes).
    const advance = (processed: number): void => {
      this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % clusterSize;
    };
    if (this.filters.length === 0) {
      const feasible: NodeInfo[] = [];
      for (let i = 0; i < numNodesToFind; i++) feasible.push(nodes[(start + i) % numAllNodes]!);
      advance(numNodesToFind);
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
        // kube cancels the search when it finds one feasible node more than it needs (and drops that one), so
        // the rejected nodes after the last kept one are still evaluated and recorded.
        if (feasibleCount >= numNodesToFind) {
          stopped = true;
          return;
        }
        if (feasibleByIndex === undefined) feasible[inOrder++] = nodeInfo;
        else feasibleByIndex[i] = nodeInfo;
        feasibleCount++;
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
      const status = this.framework.runActiveFilters(active, state, pod, nodeInfo, skip);
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
          const status = this.framework.runActiveFilters(active, state, pod, nodeInfo);
          const settled = (s: Status | null): void => {
            record(index, nodeInfo, s);
            if (stopped) controller.abort(stopReason);
          };
          if (status !== null && isThenable(status)) return status.then(settled);
          settled(status);
          return undefined;
        };
        await this.framework.parallelizer.until(rest, checkNode, { signal: controller.signal });
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
    advance(feasibleCount + rejectedCount);
    return { feasible, rejectedOutOfOrder };
  }

  /**
   * The first Filter's verdict on a node when only `index` is asked: null when it passes, its rejection (naming
   * it), or undefined when the answer cannot stand in for the chain's (a promise, an error, a throw).
   */
  private probeFilter(index: number, state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | null | undefined {
    const plugin = this.filters[index]!;
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
    const plugins = this.filters;
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
      const verdict = this.framework.runActiveFilters(rejected.active, state, pod, nodeInfo);
      // A Filter is a pure function of its inputs; should one change its mind, the rejection seen stands.
      const status = (verdict !== null && !(verdict instanceof Status) ? await verdict : verdict) ?? rejected.statuses[k]!;
      if (status.code === Code.Error) throw status.asError();
      diagnosis.nodeToStatus.add(nodeInfo.name, status);
      if (status.plugin) diagnosis.unschedulablePlugins.add(status.plugin);
    }
  }

  /** kube's numFeasibleNodesToFind for this profile: see {@link numFeasibleNodesToFindFor}. */
  numFeasibleNodesToFind(numAllNodes: number): number {
    return numFeasibleNodesToFindFor(this.percentageOfNodesToScore, numAllNodes, this.scoring);
  }

  /** Where the next cycle's Filter starts. */
  get nextStartIndex(): number {
    return this.nextStartNodeIndex;
  }

  /** Per Filter plugin, whether it runs this cycle (false when its PreFilter returned Skip); null: all run. */
  private activeFilters(skip: ReadonlySet<string>): readonly boolean[] | null {
    if (skip.size === 0) return null;
    return this.filters.map((plugin) => !skip.has(plugin.name));
  }

  /** PreScore + Score; with no score plugin every node scores 1 (kube). */
  async prioritizeNodes(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Promise<NodePluginScores[]> {
    return (await this.prioritize(state, pod, nodes)).nodePluginScores();
  }

  /**
   * {@link SchedulingAlgorithm.prioritizeNodes} as a score table (in `scratch` when given), the extenders' scores
   * added (they are asked while the Score plugins run); throws on a PreScore or Score error.
   */
  private async prioritize(state: CycleState, pod: Pod, nodes: readonly NodeInfo[], scratch?: ScratchLease, cycle?: CycleExtenders): Promise<ScoreTable> {
    if (!this.framework.hasPlugins('score') && !this.extenders.any) return ScoreTable.constant(nodes, 1);
    const asked = this.extenders.any ? this.extenders.prioritize(pod, nodes, cycle?.signal, cycle?.verdicts) : undefined;
    // Should a plugin fail first, the extenders' answer is not awaited; it must not surface as an unhandled rejection.
    asked?.catch(() => undefined);
    const pre = await this.framework.runPreScorePlugins(state, pod, nodes);
    if (pre) throw pre.asError();
    const { table, status } = await this.framework.scoreNodes(state, pod, nodes, scratch);
    if (status) throw status.asError();
    if (asked) table.addExtenderScores(await asked);
    return table;
  }

  /** Picks uniformly at random among the nodes with the highest total (one random number per pick; see pickTop). */
  selectHost(scores: readonly NodePluginScores[]): string {
    // A Float64Array like the score table's, so that pickTop sees one kind of array.
    const totals = Float64Array.from(scores, (entry) => entry.totalScore);
    return scores[pickTop(totals, 0, totals.length, this.random)]!.name;
  }
}

/** Nodes Filter rejected through a probe, with the probe's rejection; their statuses in chain order come later. */
interface RejectedOutOfOrder {
  /** The cycle's active Filter plugins (see `activeFilters`). */
  readonly active: readonly boolean[] | null;
  readonly nodes: NodeInfo[];
  readonly statuses: Status[];
}

/** The extender calls of one cycle: their cancellation when the cycle ends, and their verdicts for explanations. */
class CycleExtenders {
  private readonly controller = new AbortController();
  readonly verdicts: ExtenderVerdict[] = [];

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  result(): { extenderVerdicts: ExtenderVerdict[] } {
    return { extenderVerdicts: this.verdicts };
  }

  end(): void {
    this.controller.abort(cycleEnded);
  }
}

/** The abort reason of extender calls still running when their cycle ended. */
const cycleEnded = new Error('the scheduling cycle ended');

/** The abort reason of a Filter run that found enough nodes (a shared value: abort() would build a DOMException). */
const stopReason = new Error('enough feasible nodes');

/** Why a result's scores cannot be read any more. */
const scoresReadTooLate =
  'ScheduleResult.nodeScores read after the framework scored another pod: read them (or copy them) before the next cycle of the same framework';
