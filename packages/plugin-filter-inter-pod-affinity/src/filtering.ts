import {
  type Labels,
  type Node,
  type NodeInfo,
  type Pod,
  type PodInfo,
  type StateData,
  Status,
  termMatches,
} from '@schedkit/framework';
import { type IncomingTerm, incomingTermMatches, matchesAllIncomingTerms } from './incoming-terms.js';
import { labelValue, TopologyPairCounts } from './topology-counts.js';

/** kube's reason when an existing pod's required anti-affinity selects the incoming pod in the node's domain. */
export const ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";
/** kube's reason when the node's domains hold no pod matching the incoming pod's required affinity. */
export const ErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
/** kube's reason when the node's domain holds a pod matching the incoming pod's required anti-affinity. */
export const ErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";

/** The incoming pod's required terms, resolved for this cycle. */
export interface IncomingRequiredTerms {
  readonly affinity: readonly IncomingTerm[];
  readonly antiAffinity: readonly IncomingTerm[];
}

/** Per topology pair, how many existing pods match the incoming pod's required affinity and anti-affinity. */
export interface IncomingCounts {
  /** Pods matching ALL affinity terms, counted once per term whose topology key their node has. */
  readonly affinity: TopologyPairCounts;
  /** Pods matching each anti-affinity term, counted per term. */
  readonly antiAffinity: TopologyPairCounts;
}

/**
 * Counts the existing pods the incoming pod's required terms select. A replacement (e.g. one backed by counts a
 * cache keeps up to date) must give the same numbers as {@link countIncomingTermMatches}.
 */
export type IncomingTermCounter = (terms: IncomingRequiredTerms, nodes: readonly NodeInfo[]) => IncomingCounts;

/**
 * What PreFilter computes once per cycle for Filter (kube's `preFilterState`). AddPod/RemovePod update the
 * counts in place; {@link PreFilterState.clone} copies them so preemption can simulate on a copy.
 */
export class PreFilterState implements StateData {
  constructor(
    /** The incoming pod. */
    readonly pod: Pod,
    /** Its required terms with namespaceSelectors resolved. */
    readonly terms: IncomingRequiredTerms,
    /** Labels of the incoming pod's namespace, matched by existing pods' namespaceSelectors. */
    readonly namespaceLabels: Labels | undefined,
    /** Per pair: existing pods whose required anti-affinity terms select the incoming pod. */
    readonly existingAntiAffinityCounts: TopologyPairCounts,
    /** Per pair: existing pods matching all of the incoming pod's required affinity terms. */
    readonly affinityCounts: TopologyPairCounts,
    /** Per pair: existing pods matching each of the incoming pod's required anti-affinity terms. */
    readonly antiAffinityCounts: TopologyPairCounts,
    /** Whether the incoming pod matches all of its own affinity terms (the first pod of a group may then land anywhere). */
    readonly matchesOwnAffinity: boolean,
  ) {}

  clone(): PreFilterState {
    return new PreFilterState(
      this.pod,
      this.terms,
      this.namespaceLabels,
      this.existingAntiAffinityCounts.clone(),
      this.affinityCounts.clone(),
      this.antiAffinityCounts.clone(),
      this.matchesOwnAffinity,
    );
  }
}

/**
 * Counts, per topology pair, the existing pods whose required anti-affinity terms select `pod`. Only nodes with
 * such pods are walked (kube's `HavePodsWithRequiredAntiAffinityList`).
 */
export function countExistingAntiAffinity(pod: Pod, namespaceLabels: Labels | undefined, nodes: readonly NodeInfo[]): TopologyPairCounts {
  const counts = new TopologyPairCounts();
  for (let n = 0; n < nodes.length; n++) {
    const nodeInfo = nodes[n]!;
    const labels = nodeInfo.node?.metadata.labels;
    if (labels === undefined) continue;
    const pods = nodeInfo.podsWithRequiredAntiAffinity;
    for (let p = 0; p < pods.length; p++) {
      const terms = pods[p]!.requiredAntiAffinityTerms;
      for (let t = 0; t < terms.length; t++) {
        const term = terms[t]!;
        if (termMatches(term, pod, namespaceLabels)) counts.addForNode(labels, term.topologyKey, 1);
      }
    }
  }
  return counts;
}

/**
 * Counts the existing pods on `nodes` that the incoming pod's required terms select (kube's
 * `getIncomingAffinityAntiAffinityCounts`). Work per node: a node lacking every term's topology label is not
 * walked; on the others each pod is matched once and the node's matches are added per term in one step.
 */
export const countIncomingTermMatches: IncomingTermCounter = (terms, nodes) => {
  const affinity = new TopologyPairCounts();
  const antiAffinity = new TopologyPairCounts();
  const affinityTerms = terms.affinity;
  const antiTerms = terms.antiAffinity;
  if (affinityTerms.length === 0 && antiTerms.length === 0) return { affinity, antiAffinity };
  const antiOnNode: boolean[] = new Array<boolean>(antiTerms.length).fill(false);
  const antiMatches: number[] = new Array<number>(antiTerms.length).fill(0);
  for (let n = 0; n < nodes.length; n++) {
    const nodeInfo = nodes[n]!;
    const labels = nodeInfo.node?.metadata.labels;
    if (labels === undefined) continue;
    let countAffinity = false;
    for (let t = 0; t < affinityTerms.length; t++) {
      if (labelValue(labels, affinityTerms[t]!.topologyKey) !== undefined) {
        countAffinity = true;
        break;
      }
    }
    let countAnti = false;
    for (let t = 0; t < antiTerms.length; t++) {
      antiOnNode[t] = labelValue(labels, antiTerms[t]!.topologyKey) !== undefined;
      antiMatches[t] = 0;
      if (antiOnNode[t]) countAnti = true;
    }
    if (!countAffinity && !countAnti) continue;

    let matchingAll = 0;
    const pods = nodeInfo.pods;
    for (let p = 0; p < pods.length; p++) {
      const existing = pods[p]!.pod;
      if (countAffinity && matchesAllIncomingTerms(affinityTerms, existing)) matchingAll += 1;
      if (countAnti) {
        for (let t = 0; t < antiTerms.length; t++) {
          if (antiOnNode[t] && incomingTermMatches(antiTerms[t]!, existing)) antiMatches[t]! += 1;
        }
      }
    }
    if (matchingAll > 0) {
      for (let t = 0; t < affinityTerms.length; t++) affinity.addForNode(labels, affinityTerms[t]!.topologyKey, matchingAll);
    }
    for (let t = 0; t < antiTerms.length; t++) {
      const matches = antiMatches[t]!;
      if (matches > 0) antiAffinity.addForNode(labels, antiTerms[t]!.topologyKey, matches);
    }
  }
  return { affinity, antiAffinity };
};

/**
 * The node satisfies the incoming pod's required affinity when it has every term's topology label and each of
 * those domains holds a pod matching all terms; or, when no pod in the cluster matches the terms and the pod
 * matches them itself (the first pod of a group), when it merely has every topology label.
 */
export function satisfiesPodAffinity(state: PreFilterState, labels: Labels | undefined): boolean {
  const terms = state.terms.affinity;
  let podsExist = true;
  for (let t = 0; t < terms.length; t++) {
    const key = terms[t]!.topologyKey;
    const value = labelValue(labels, key);
    if (value === undefined) return false;
    if (state.affinityCounts.get(key, value) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  return state.affinityCounts.size === 0 && state.matchesOwnAffinity;
}

/** The node satisfies the incoming pod's required anti-affinity when no term's domain holds a matching pod. */
export function satisfiesPodAntiAffinity(state: PreFilterState, labels: Labels | undefined): boolean {
  const counts = state.antiAffinityCounts;
  if (counts.size === 0) return true;
  const terms = state.terms.antiAffinity;
  for (let t = 0; t < terms.length; t++) {
    const key = terms[t]!.topologyKey;
    const value = labelValue(labels, key);
    if (value !== undefined && counts.get(key, value) > 0) return false;
  }
  return true;
}

/** The node satisfies existing pods' anti-affinity when none of its topology pairs is claimed by one. */
export function satisfiesExistingPodsAntiAffinity(state: PreFilterState, labels: Labels | undefined): boolean {
  const counts = state.existingAntiAffinityCounts;
  return counts.size === 0 || !counts.anyPositiveOnNode(labels);
}

/** kube's Filter verdict for one node: affinity, then the pod's anti-affinity, then existing pods' anti-affinity. */
export function filterNode(state: PreFilterState, node: Node): Status | null {
  const labels = node.metadata.labels;
  if (!satisfiesPodAffinity(state, labels)) return Status.unresolvable(ErrReasonAffinityRulesNotMatch);
  if (!satisfiesPodAntiAffinity(state, labels)) return Status.unschedulable(ErrReasonAntiAffinityRulesNotMatch);
  if (!satisfiesExistingPodsAntiAffinity(state, labels)) return Status.unschedulable(ErrReasonExistingAntiAffinityRulesNotMatch);
  return null;
}

/**
 * Updates the counts as if `changed` were added to (`delta` 1) or removed from (`delta` -1) `node` (kube's
 * `updateWithPod`, behind AddPod/RemovePod).
 */
export function updateWithPod(state: PreFilterState, changed: PodInfo, node: Node | undefined, delta: 1 | -1): void {
  if (node === undefined) return;
  const labels = node.metadata.labels;
  const existingTerms = changed.requiredAntiAffinityTerms;
  for (let t = 0; t < existingTerms.length; t++) {
    const term = existingTerms[t]!;
    if (termMatches(term, state.pod, state.namespaceLabels)) state.existingAntiAffinityCounts.addForNode(labels, term.topologyKey, delta);
  }
  const affinityTerms = state.terms.affinity;
  if (matchesAllIncomingTerms(affinityTerms, changed.pod)) {
    for (let t = 0; t < affinityTerms.length; t++) state.affinityCounts.addForNode(labels, affinityTerms[t]!.topologyKey, delta);
  }
  const antiTerms = state.terms.antiAffinity;
  for (let t = 0; t < antiTerms.length; t++) {
    const term = antiTerms[t]!;
    if (incomingTermMatches(term, changed.pod)) state.antiAffinityCounts.addForNode(labels, term.topologyKey, delta);
  }
}
