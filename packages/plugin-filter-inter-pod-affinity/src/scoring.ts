import {
  type AffinityTerm,
  type Labels,
  MaxNodeScore,
  type NodeInfo,
  type NodeScore,
  type Pod,
  type PodInfo,
  termMatches,
  type WeightedAffinityTerm,
} from '@schedkit/framework';
import { type IncomingWeightedTerm, incomingTermMatches } from './incoming-terms.js';
import { labelValue } from './topology-counts.js';

/**
 * The score each topology pair gives the nodes in it (kube's `preScoreState.topologyScore`): the sum of the
 * weights of matching preferred terms (negative for anti-affinity) and of existing pods' required affinity terms
 * (at `hardPodAffinityWeight`). Keys and their value maps are kept in parallel lists so that Score walks them
 * without allocating.
 */
export class TopologyScores {
  private readonly keyList: string[] = [];
  private readonly valueMaps: Map<string, number>[] = [];
  private readonly indexByKey = new Map<string, number>();

  /** Number of topology keys with at least one scored pair (kube's `len(topologyScore)`). */
  get size(): number {
    return this.keyList.length;
  }

  /** Adds `weight` to the pair of `key` and the node's value for it; nothing when the node lacks the label. */
  addForNode(labels: Labels, key: string, weight: number): void {
    const value = labelValue(labels, key);
    if (value === undefined) return;
    let index = this.indexByKey.get(key);
    if (index === undefined) {
      index = this.keyList.length;
      this.indexByKey.set(key, index);
      this.keyList.push(key);
      this.valueMaps.push(new Map());
    }
    const values = this.valueMaps[index]!;
    values.set(value, (values.get(value) ?? 0) + weight);
  }

  /** A node's raw score: the sum, over the scored topology keys the node has, of its pair's score. */
  scoreOf(labels: Labels | undefined): number {
    let score = 0;
    const keys = this.keyList;
    for (let i = 0; i < keys.length; i++) {
      const value = labelValue(labels, keys[i]!);
      if (value !== undefined) score += this.valueMaps[i]!.get(value) ?? 0;
    }
    return score;
  }

  /** Every scored pair, `key=value` to score (for tests and debugging). */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    this.keyList.forEach((key, i) => {
      for (const [value, score] of this.valueMaps[i]!) out[`${key}=${value}`] = score;
    });
    return out;
  }
}

/** What PreScore computes once per cycle for Score and NormalizeScore. */
export class PreScoreState {
  constructor(readonly topologyScores: TopologyScores) {}

  /** Shared, not copied: nothing changes it after PreScore. */
  clone(): PreScoreState {
    return this;
  }
}

/** The inputs of {@link computeTopologyScores}. */
export interface ScoringInputs {
  /** The incoming pod. */
  readonly pod: Pod;
  /** Labels of its namespace, matched by existing pods' namespaceSelectors. */
  readonly namespaceLabels: Labels | undefined;
  /** Its preferred affinity terms, resolved. */
  readonly preferredAffinity: readonly IncomingWeightedTerm[];
  /** Its preferred anti-affinity terms, resolved. */
  readonly preferredAntiAffinity: readonly IncomingWeightedTerm[];
  /** The weight of an existing pod's required affinity term the incoming pod matches (0: not scored). */
  readonly hardPodAffinityWeight: number;
  /** When true every pod of every node is visited; otherwise only pods with (anti-)affinity. */
  readonly allPods: boolean;
}

/**
 * Sums the weights per topology pair over the pods of `nodes` (kube's PreScore). Returns null when no pair got a
 * score, which is when kube skips scoring.
 */
export function computeTopologyScores(inputs: ScoringInputs, nodes: readonly NodeInfo[]): TopologyScores | null {
  const scores = new TopologyScores();
  const { pod, namespaceLabels, preferredAffinity, preferredAntiAffinity, hardPodAffinityWeight, allPods } = inputs;
  const hasIncomingTerms = preferredAffinity.length > 0 || preferredAntiAffinity.length > 0;
  for (let n = 0; n < nodes.length; n++) {
    const nodeInfo = nodes[n]!;
    const labels = nodeInfo.node?.metadata.labels;
    if (labels === undefined || !hasAnyLabel(labels)) continue;
    const pods: readonly PodInfo[] = allPods ? nodeInfo.pods : nodeInfo.podsWithAffinity;
    for (let p = 0; p < pods.length; p++) {
      const existing = pods[p]!;
      if (hasIncomingTerms) {
        addIncomingTerms(scores, preferredAffinity, existing.pod, labels, 1);
        addIncomingTerms(scores, preferredAntiAffinity, existing.pod, labels, -1);
      }
      if (hardPodAffinityWeight > 0) {
        addExistingTerms(scores, existing.requiredAffinityTerms, hardPodAffinityWeight, pod, namespaceLabels, labels);
      }
      addExistingWeightedTerms(scores, existing.preferredAffinityTerms, pod, namespaceLabels, labels, 1);
      addExistingWeightedTerms(scores, existing.preferredAntiAffinityTerms, pod, namespaceLabels, labels, -1);
    }
  }
  return scores.size === 0 ? null : scores;
}

/** kube's NormalizeScore: maps [min, max] of the raw scores onto [0, 100], truncating; all equal gives 0. */
export function normalizeScores(scores: NodeScore[]): void {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i]!.score;
    if (score > max) max = score;
    if (score < min) min = score;
  }
  const spread = max - min;
  for (let i = 0; i < scores.length; i++) {
    const entry = scores[i]!;
    entry.score = spread > 0 ? Math.trunc(MaxNodeScore * ((entry.score - min) / spread)) : 0;
  }
}

function hasAnyLabel(labels: Labels): boolean {
  for (const _ in labels) return true;
  return false;
}

function addIncomingTerms(scores: TopologyScores, terms: readonly IncomingWeightedTerm[], existing: Pod, labels: Labels, sign: 1 | -1): void {
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t]!;
    if (incomingTermMatches(term, existing)) scores.addForNode(labels, term.topologyKey, sign * term.weight);
  }
}

function addExistingTerms(
  scores: TopologyScores,
  terms: readonly AffinityTerm[],
  weight: number,
  pod: Pod,
  namespaceLabels: Labels | undefined,
  labels: Labels,
): void {
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t]!;
    if (termMatches(term, pod, namespaceLabels)) scores.addForNode(labels, term.topologyKey, weight);
  }
}

function addExistingWeightedTerms(
  scores: TopologyScores,
  terms: readonly WeightedAffinityTerm[],
  pod: Pod,
  namespaceLabels: Labels | undefined,
  labels: Labels,
  sign: 1 | -1,
): void {
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t]!;
    if (termMatches(term, pod, namespaceLabels)) scores.addForNode(labels, term.topologyKey, sign * term.weight);
  }
}
