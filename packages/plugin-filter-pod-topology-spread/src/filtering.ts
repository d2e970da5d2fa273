import type { Node, NodeInfo, Pod, StateData } from '@schedkit/framework';
import { podNamespace, Status } from '@schedkit/framework';
import { hasAllTopologyKeys, NodeInclusion, type SpreadConstraint } from './constraints.js';
import type { MatchingPodCounter } from './counting.js';
import { CriticalPaths } from './critical-paths.js';
import { countDomains } from './domain-counts.js';
import { RequiredNodeAffinity } from './node-inclusion.js';

/** Filter reason when placing the pod on the node would exceed a constraint's maxSkew. */
export const ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
/** Filter reason when the node lacks a constraint's topology key. */
export const ErrReasonNodeLabelNotMatch = `${ErrReasonConstraintsNotMatch} (missing required label)`;


/**
 * What PreFilter computes for the hard constraints and Filter reads: per constraint, the matching-pod count of
 * every eligible domain and the two least-loaded domains. Cloneable so that preemption can simulate pod
 * removals on a copy.
 */
export class PreFilterState implements StateData {
  constructor(
    /** The pod's hard constraints (DoNotSchedule). */
    readonly constraints: readonly SpreadConstraint[],
    /** Per constraint: topology value -> matching pods in that domain, for every eligible domain. */
    readonly domainCounts: Map<string, number>[],
    /** Per constraint: the least-loaded domains. */
    readonly criticalPaths: CriticalPaths[],
    /** Per constraint: 1 when the incoming pod matches the constraint's selector itself, else 0. */
    readonly selfMatch: readonly number[],
  ) {}

  /** The global minimum of constraint `index`, 0 while fewer domains than minDomains exist. */
  minMatchNum(index: number): number {
    const constraint = this.constraints[index]!;
    if (this.domainCounts[index]!.size < constraint.minDomains) return 0;
    return this.criticalPaths[index]!.minMatchNum;
  }

  clone(): PreFilterState {
    return new PreFilterState(
      this.constraints,
      this.domainCounts.map((counts) => new Map(counts)),
      this.criticalPaths.map((paths) => paths.clone()),
      this.selfMatch,
    );
  }
}

/**
 * Counts, in one pass over `nodes`, the pods matching each hard constraint per domain (kube's
 * `calPreFilterState`). A node forms domains only when it has every constraint's topology key and passes the
 * constraint's node inclusion policies; a domain with no matching pod still counts as a domain.
 */
export function computePreFilterState(
  pod: Pod,
  constraints: readonly SpreadConstraint[],
  nodes: readonly NodeInfo[],
  countPods: MatchingPodCounter,
): PreFilterState {
  return preFilterStateOf(pod, constraints, countDomains(pod, constraints, nodes, countPods));
}

/** The PreFilter state of `pod` from its constraints' domain counts (as {@link countDomains} returns them). */
export function preFilterStateOf(pod: Pod, constraints: readonly SpreadConstraint[], domainCounts: Map<string, number>[]): PreFilterState {
  const podLabels = pod.metadata.labels;
  return new PreFilterState(
    constraints,
    domainCounts,
    domainCounts.map((counts) => CriticalPaths.of(counts)),
    constraints.map((c) => (c.selector.matches(podLabels) ? 1 : 0)),
  );
}

// Filter's verdicts, shared: the framework only ever sets their plugin, which is always PodTopologySpread.
const missingLabel = Status.unresolvable(ErrReasonNodeLabelNotMatch).withPlugin('PodTopologySpread');
const skewTooLarge = Status.unschedulable(ErrReasonConstraintsNotMatch).withPlugin('PodTopologySpread');

/**
 * Filter for one node: the node must carry every topology key (else UnschedulableAndUnresolvable), and for
 * each constraint `matching pods in the node's domain + self match - global minimum` must not exceed maxSkew
 * (else Unschedulable). Constraints are checked in order; the first failure decides.
 */
export function filterNode(state: PreFilterState, node: Node): Status | null {
  const constraints = state.constraints;
  const labels = node.metadata.labels;
  for (let i = 0; i < constraints.length; i++) {
    const constraint = constraints[i]!;
    if (labels === undefined || !Object.hasOwn(labels, constraint.topologyKey)) return missingLabel;
    const matchNum = state.domainCounts[i]!.get(labels[constraint.topologyKey]!) ?? 0;
    const skew = matchNum + state.selfMatch[i]! - state.minMatchNum(i);
    if (skew > constraint.maxSkew) return skewTooLarge;
  }
  return null;
}

/**
 * Updates the state as if `changedPod` were added (`delta` 1) to or removed (`delta` -1) from `node` (kube's
 * `updateWithPod`, behind AddPod/RemovePod). Only pods in the incoming pod's namespace that a constraint
 * selects, on nodes that form domains for that constraint, change counts.
 */
export function updateWithPod(state: PreFilterState, changedPod: Pod, incomingPod: Pod, node: Node | undefined, delta: 1 | -1): void {
  if (!node || podNamespace(changedPod) !== podNamespace(incomingPod)) return;
  const constraints = state.constraints;
  const labels = node.metadata.labels;
  if (!hasAllTopologyKeys(labels, constraints)) return;
  const inclusion = new NodeInclusion(incomingPod, RequiredNodeAffinity.of(incomingPod));
  const podLabels = changedPod.metadata.labels;
  for (let i = 0; i < constraints.length; i++) {
    const constraint = constraints[i]!;
    if (!constraint.selector.matches(podLabels)) continue;
    if (!inclusion.includes(constraint, node)) continue;
    const value = labels![constraint.topologyKey]!;
    const counts = state.domainCounts[i]!;
    const num = (counts.get(value) ?? 0) + delta;
    counts.set(value, num);
    state.criticalPaths[i]!.update(value, num);
  }
}
