import {
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  inject,
  injectable,
  type NodeInfo,
  type NodeInfoLister,
  type NodeScore,
  type Pod,
  type PreFilterExtensions,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  StateKey,
  stateNotFound,
  Status,
  Tokens,
  type TopologySpreadConstraint,
} from '@schedkit/framework';
import { type PodTopologySpreadArgs, systemDefaultConstraints } from './args.js';
import { constraintsFor, type DefaultConstraintSource } from './constraints.js';
import { countMatchingPods, type MatchingPodCounter } from './counting.js';
import { topologySpreadEvents } from './events.js';
import { DomainCountCache } from './domain-counts.js';
import { filterNode, PreFilterState, preFilterStateOf, updateWithPod } from './filtering.js';
import { computePreScoreState, normalizeScores, PreScoreState, scoreNode } from './scoring.js';

/** The plugin's name in configurations. */
export const PodTopologySpreadName = 'PodTopologySpread';

const preFilterStateKey = new StateKey<PreFilterState>('PodTopologySpread/preFilter');
const preScoreStateKey = new StateKey<PreScoreState>('PodTopologySpread/preScore');

/** A pod as the PreFilter extensions receive it (a PodInfo). */
interface PodHolder {
  readonly pod: Pod;
}

/**
 * kube-scheduler's PodTopologySpread: spreads pods over topology domains.
 *
 * - PreFilter/Filter enforce the `DoNotSchedule` constraints: placing the pod on a node must not make its
 *   domain exceed the least loaded eligible domain by more than maxSkew (with minDomains, fewer eligible
 *   domains than required make the minimum 0). PreFilter skips pods without hard constraints.
 * - PreScore/Score/NormalizeScore rank nodes by the `ScheduleAnyway` constraints (or the default constraints
 *   for pods that declare none): fewer matching pods in the node's domains score higher. PreScore skips pods
 *   without soft constraints.
 */
@injectable()
export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = PodTopologySpreadName;
  private readonly defaults: DefaultConstraintSource;
  /** System defaulting: nodes missing the zone label may still be scored by the hostname default. */
  private readonly systemDefaulted: boolean;
  private readonly extensions: PreFilterExtensions;

  constructor(
    @inject(Tokens.Handle) private readonly handle: Handle,
    @inject(Tokens.Args) args: PodTopologySpreadArgs | undefined,
  ) {
    this.systemDefaulted = (args?.defaultingType ?? 'System') === 'System';
    const constraints: readonly TopologySpreadConstraint[] = this.systemDefaulted ? systemDefaultConstraints : (args?.defaultConstraints ?? []);
    this.defaults = { constraints, objects: handle.objects };
    this.extensions = {
      addPod: (state, podToSchedule, podToAdd, nodeInfo) => this.updateState(state, podToSchedule, podToAdd, nodeInfo, 1),
      removePod: (state, podToSchedule, podToRemove, nodeInfo) => this.updateState(state, podToSchedule, podToRemove, nodeInfo, -1),
    };
  }

  /** How the plugin counts matching pods on a node (a cache-backed counter may replace the scan). */
  protected readonly countPods: MatchingPodCounter = countMatchingPods;

  /** Domain counts kept between cycles, recounting only the nodes that changed (created on first use). */
  private domainCounts: DomainCountCache | undefined;

  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status | null {
    const constraints = constraintsFor(pod, 'DoNotSchedule', this.defaults);
    if (constraints.length === 0) return Status.skip;
    this.domainCounts ??= new DomainCountCache(this.countPods);
    const counts = this.domainCounts.counts(pod, constraints, nodes, this.currentSnapshot());
    state.write(preFilterStateKey, preFilterStateOf(pod, constraints, counts));
    return null;
  }

  /** The cycle's snapshot, or undefined when the plugin runs outside a cycle (then nothing is kept). */
  private currentSnapshot(): NodeInfoLister | undefined {
    try {
      return this.handle.snapshot();
    } catch {
      return undefined;
    }
  }

  preFilterExtensions(): PreFilterExtensions {
    return this.extensions;
  }

  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status | null {
    const preFilter = state.read(preFilterStateKey);
    if (preFilter === undefined) return stateNotFound(preFilterStateKey);
    const node = nodeInfo.node;
    if (!node) return Status.error(new Error('node not found'));
    return filterNode(preFilter, node);
  }

  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status | null {
    const allNodes = this.handle.snapshot().list();
    if (allNodes.length === 0) return Status.skip;
    const constraints = constraintsFor(pod, 'ScheduleAnyway', this.defaults);
    if (constraints.length === 0) return Status.skip;
    // Pods with their own constraints, and configured defaults, need every topology key on a node; the
    // system defaults let nodes without a zone label still spread by hostname.
    const requireAllTopologies = (pod.spec.topologySpreadConstraints?.length ?? 0) > 0 || !this.systemDefaulted;
    state.write(preScoreStateKey, computePreScoreState(pod, constraints, nodes, allNodes, requireAllTopologies, this.countPods));
    return null;
  }

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number | Status {
    const preScore = state.read(preScoreStateKey);
    if (preScore === undefined) return stateNotFound(preScoreStateKey);
    return scoreNode(preScore, nodeInfo);
  }

  normalizeScore(state: CycleState, _pod: Pod, scores: NodeScore[]): Status | null {
    const preScore = state.read(preScoreStateKey);
    if (preScore === undefined) return stateNotFound(preScoreStateKey);
    normalizeScores(preScore, scores);
    return null;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return topologySpreadEvents(this.defaults);
  }

  private updateState(state: CycleState, podToSchedule: Pod, changed: PodHolder, nodeInfo: NodeInfo, delta: 1 | -1): Status | null {
    const preFilter = state.read(preFilterStateKey);
    if (preFilter === undefined) return stateNotFound(preFilterStateKey);
    updateWithPod(preFilter, changed.pod, podToSchedule, nodeInfo.node, delta);
    return null;
  }
}
