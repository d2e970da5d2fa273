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
import { CopyOnWriteCounts } from './copy-on-write-counts.js';
import { labelValue, type ReadonlyTopologyPairCounts, TopologyPairCounts } from './topology-counts.js';

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
  readonly affinity: ReadonlyTopologyPairCounts;
  /** Pods matching each anti-affinity term, counted per term. */
  readonly antiAffinity: ReadonlyTopologyPairCounts;
}

/**
 * Counts the existing pods the incoming pod's required terms select. A replacement (e.g. one backed by counts a
 * cache keeps up to date) must give the same numbers as {@link countIncomingTermMatches}.
 */
export type IncomingTermCounter = (terms: IncomingRequiredTerms, nodes: readonly NodeInfo[]) => IncomingCounts;

/**
 * What PreFilter computes once per cycle for Filter (kube's `preFilterState`). The counts it is given are shared
 * (they may be the plugin's running totals) and never written: AddPod/RemovePod write to a copy taken on their
 * first change, and {@link PreFilterState.clone} shares until one side writes. The shared totals move with the
 * plugin's next PreFilter, so a state answers for its own cycle only (as the snapshot's NodeInfos do).
 */
export class PreFilterState implements StateData {
  private readonly existing: CopyOnWriteCounts;
  private readonly affinity: CopyOnWriteCounts;
  private readonly antiAffinity: CopyOnWriteCounts;

  constructor(
    /** The incoming pod. */
    readonly pod: Pod,
    /** Its required terms with namespaceSelectors resolved. */
    readonly terms: IncomingRequiredTerms,
    /** Labels of the incoming pod's namespace, matched by existing pods' namespaceSelectors. */
    readonly namespaceLabels: Labels | undefined,
    existingAntiAffinityCounts: ReadonlyTopologyPairCounts,
    affinityCounts: ReadonlyTopologyPairCounts,
    antiAffinityCounts: ReadonlyTopologyPairCounts,
    /** Whether the incoming pod matches all of its own affinity terms (the first pod of a group may then land anywhere). */
    readonly matchesOwnAffinity: boolean,
  ) {
    this.existing = new CopyOnWriteCounts(existingAntiAffinityCounts);
    this.affinity = new CopyOnWriteCounts(affinityCounts);
    this.antiAffinity = new CopyOnWriteCounts(antiAffinityCounts);
  }

  /** Per pair: existing pods whose required anti-affinity terms select the incoming pod. */
  get existingAntiAffinityCounts(): ReadonlyTopologyPairCounts {
    return this.existing.read;
  }

  /** Per pair: existing pods matching all of the incoming pod's required affinity terms. */
  get affinityCounts(): ReadonlyTopologyPairCounts {
    return this.affinity.read;
  }

  /** Per pair: existing pods matching each of the incoming pod's required anti-affinity terms. */
  get antiAffinityCounts(): ReadonlyTopologyPairCounts {
    return this.antiAffinity.read;
  }

  /** {@link existingAntiAffinityCounts}, made this state's own for writing. */
  writableExistingAntiAffinityCounts(): TopologyPairCounts {
    return this.existing.write();
  }

  /** {@link affinityCounts}, made this state's own for writing. */
  writableAffinityCounts(): TopologyPairCounts {
    return this.affinity.write();
  }

  /** {@link antiAffinityCounts}, made this state's own for writing. */
  writableAntiAffinityCounts(): TopologyPairCounts {
    return this.antiAffinity.write();
  }

  /** A copy sharing the counts until either side writes (cheap: preemption clones once per candidate node). */
  clone(): PreFilterState {
    return new PreFilterState(
      this.pod,
      this.terms,
      this.namespaceLabels,
      this.existing.share(),
      this.affinity.share(),
      this.antiAffinity.share(),
      this.matchesOwnAffinity,
    );
  }
}

/** A count one node adds to one topology pair. */
export interface PairAddition {
  readonly key: string;
  readonly value: string;
  readonly count: number;
}

/** Adds `additions` to `counts` in order (`sign` -1: takes them away). */
export function applyAdditions(counts: TopologyPairCounts, additions: readonly PairAddition[] | null, sign: 1 | -1 = 1): void {
  if (additions === null) return;
  for (let i = 0; i < additions.length; i++) {
    const addition = additions[i]!;
    counts.add(addition.key, addition.value, sign * addition.count);
  }
}

/**
 * Counts, per topology pair, the existing pods whose required anti-affinity terms select `pod`. Only nodes with
 * such pods are walked (kube's `HavePodsWithRequiredAntiAffinityList`).
 */
export function countExistingAntiAffinity(pod: Pod, namespaceLabels: Labels | undefined, nodes: readonly NodeInfo[]): TopologyPairCounts {
  const counts = new TopologyPairCounts();
  for (let n = 0; n < nodes.length; n++) applyAdditions(counts, existingAntiAffinityOnNode(pod, namespaceLabels, nodes[n]!));
  return counts;
}

/**
 * What one node adds to {@link countExistingAntiAffinity}: 1 to the node's pair of each required anti-affinity
 * term of its pods that selects `pod`, in pod then term order; null when it adds nothing.
 */
export function existingAntiAffinityOnNode(pod: Pod, namespaceLabels: Labels | undefined, nodeInfo: NodeInfo): PairAddition[] | null {
  const labels = nodeInfo.node?.metadata.labels;
  if (labels === undefined) return null;
  let additions: PairAddition[] | null = null;
  const pods = nodeInfo.podsWithRequiredAntiAffinity;
  for (let p = 0; p < pods.length; p++) {
    const terms = pods[p]!.requiredAntiAffinityTerms;
    for (let t = 0; t < terms.length; t++) {
      const term = terms[t]!;
      if (!termMatches(term, pod, namespaceLabels)) continue;
      const value = labelValue(labels, term.topologyKey);
      if (value !== undefined) (additions ??= []).push({ key: term.topologyKey, value, count: 1 });
    }
  }
  return additions;
}

/** What one node adds to the incoming pod's affinity and anti-affinity counts. */
export interface IncomingAdditions {
  readonly affinity: PairAddition[] | null;
  readonly antiAffinity: PairAddition[] | null;
}

/**
 * Counts the existing pods on `nodes` that the incoming pod's required terms select (kube's
 * `getIncomingAffinityAntiAffinityCounts`). Work per node: a node lacking every term's topology label is not
 * walked; on the others each pod is matched once and the node's matches are added per term in one step.
 */
export const countIncomingTermMatches: IncomingTermCounter = (terms, nodes) => {
  const affinity = new TopologyPairCounts();
  const antiAffinity = new TopologyPairCounts();
  if (terms.affinity.length === 0 && terms.antiAffinity.length === 0) return { affinity, antiAffinity };
  for (let n = 0; n < nodes.length; n++) {
    const additions = incomingMatchesOnNode(terms, nodes[n]!);
    if (additions === null) continue;
    applyAdditions(affinity, additions.affinity);
    applyAdditions(antiAffinity, additions.antiAffinity);
  }
  return { affinity, antiAffinity };
};

/**
 * What one node adds to {@link countIncomingTermMatches}: the number of its pods matching all affinity terms,
 * to the node's pair of each affinity term's key, then per anti-affinity term the pods it selects, to the node's
 * pair of that term's key; null when the node adds nothing.
 */
export function incomingMatchesOnNode(terms: IncomingRequiredTerms, nodeInfo: NodeInfo): IncomingAdditions | null {
  const labels = nodeInfo.node?.metadata.labels;
  if (labels === undefined) return null;
  const affinityTerms = terms.affinity;
  const antiTerms = terms.antiAffinity;
  let countAffinity = false;
  for (let t = 0; t < affinityTerms.length; t++) {
    if (labelValue(labels, affinityTerms[t]!.topologyKey) !== undefined) {
      countAffinity = true;
      break;
    }
  }
  let countAnti = false;
  for (let t = 0; t < antiTerms.length; t++) {
    if (labelValue(labels, antiTerms[t]!.topologyKey) !== undefined) countAnti = true;
  }
  if (!countAffinity && !countAnti) return null;

  let matchingAll = 0;
  const antiMatches: number[] = new Array<number>(antiTerms.length).fill(0);
  const pods = nodeInfo.pods;
  for (let p = 0; p < pods.length; p++) {
    const existing = pods[p]!.pod;
    if (countAffinity && matchesAllIncomingTerms(affinityTerms, existing)) matchingAll += 1;
    if (countAnti) {
      for (let t = 0; t < antiTerms.length; t++) {
        if (labelValue(labels, antiTerms[t]!.topologyKey) !== undefined && incomingTermMatches(antiTerms[t]!, existing)) antiMatches[t]! += 1;
      }
    }
  }
  let affinity: PairAddition[] | null = null;
  if (matchingAll > 0) {
    for (let t = 0; t < affinityTerms.length; t++) {
      const key = affinityTerms[t]!.topologyKey;
      const value = labelValue(labels, key);
      if (value !== undefined) (affinity ??= []).push({ key, value, count: matchingAll });
    }
  }
  let antiAffinity: PairAddition[] | null = null;
  for (let t = 0; t < antiTerms.length; t++) {
    const matches = antiMatches[t]!;
    if (matches === 0) continue;
    const key = antiTerms[t]!.topologyKey;
    (antiAffinity ??= []).push({ key, value: labelValue(labels, key)!, count: matches });
  }
  return affinity === null && antiAffinity === null ? null : { affinity, antiAffinity };
}

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

// Filter's rejections, shared: a cycle may reject thousands of nodes, and the framework only reads them.
const affinityRulesNotMatch = Status.unresolvable(ErrReasonAffinityRulesNotMatch).withPlugin('InterPodAffinity');
const antiAffinityRulesNotMatch = Status.unschedulable(ErrReasonAntiAffinityRulesNotMatch).withPlugin('InterPodAffinity');
const existingAntiAffinityRulesNotMatch = Status.unschedulable(ErrReasonExistingAntiAffinityRulesNotMatch).withPlugin('InterPodAffinity');

/** kube's Filter verdict for one node: affinity, then the pod's anti-affinity, then existing pods' anti-affinity. */
export function filterNode(state: PreFilterState, node: Node): Status | null {
  const labels = node.metadata.labels;
  if (!satisfiesPodAffinity(state, labels)) return affinityRulesNotMatch;
  if (!satisfiesPodAntiAffinity(state, labels)) return antiAffinityRulesNotMatch;
  if (!satisfiesExistingPodsAntiAffinity(state, labels)) return existingAntiAffinityRulesNotMatch;
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
    if (termMatches(term, state.pod, state.namespaceLabels)) state.writableExistingAntiAffinityCounts().addForNode(labels, term.topologyKey, delta);
  }
  const affinityTerms = state.terms.affinity;
  if (matchesAllIncomingTerms(affinityTerms, changed.pod)) {
    for (let t = 0; t < affinityTerms.length; t++) state.writableAffinityCounts().addForNode(labels, affinityTerms[t]!.topologyKey, delta);
  }
  const antiTerms = state.terms.antiAffinity;
  for (let t = 0; t < antiTerms.length; t++) {
    const term = antiTerms[t]!;
    if (incomingTermMatches(term, changed.pod)) state.writableAntiAffinityCounts().addForNode(labels, term.topologyKey, delta);
  }
}
