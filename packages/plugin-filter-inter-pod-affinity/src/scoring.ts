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

/** Where one node's score additions go: straight into the totals, or into the node's recorded additions. */
export interface ScoreSink {
  /** Adds `weight` to the pair of `key` and the node's value for it; nothing when the node lacks the label. */
  addForNode(labels: Labels, key: string, weight: number): void;
}

/** A weight one node adds to one topology pair. */
export interface ScoreAddition {
  readonly key: string;
  readonly value: string;
  readonly weight: number;
}

/**
 * The score each topology pair gives the nodes in it (kube's `preScoreState.topologyScore`): the sum of the
 * weights of matching preferred terms (negative for anti-affinity) and of existing pods' required affinity terms
 * (at `hardPodAffinityWeight`). A pair exists once a weight was added to it, even when its sum is zero, as kube's
 * map entry does; the additions behind each pair are counted so that running totals can take some back and end
 * up exactly as if they had never been made. Keys and their value maps are kept in parallel lists so that Score
 * walks them without allocating.
 */
export class TopologyScores implements ScoreSink {
  private readonly keyList: string[] = [];
  private readonly valueMaps: Map<string, number>[] = [];
  /** Per key, per value: how many additions the pair's score holds. */
  private readonly additionCounts: Map<string, number>[] = [];
  private readonly indexByKey = new Map<string, number>();

  /** Number of topology keys with at least one scored pair (kube's `len(topologyScore)`). */
  get size(): number {
    return this.keyList.length;
  }

  addForNode(labels: Labels, key: string, weight: number): void {
    const value = labelValue(labels, key);
    if (value !== undefined) this.add(key, value, weight);
  }

  /** Adds `weight` to (`key`, `value`). */
  add(key: string, value: string, weight: number): void {
    let index = this.indexByKey.get(key);
    if (index === undefined) {
      index = this.keyList.length;
      this.indexByKey.set(key, index);
      this.keyList.push(key);
      this.valueMaps.push(new Map());
      this.additionCounts.push(new Map());
    }
    const values = this.valueMaps[index]!;
    values.set(value, (values.get(value) ?? 0) + weight);
    const counts = this.additionCounts[index]!;
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }

  /** Takes back one earlier {@link add} of `weight` to (`key`, `value`); a pair, and a key, left with none go. */
  takeBack(key: string, value: string, weight: number): void {
    const index = this.indexByKey.get(key);
    const counts = index === undefined ? undefined : this.additionCounts[index]!;
    const count = counts?.get(value);
    if (index === undefined || counts === undefined || count === undefined) {
      throw new Error(`TopologyScores: no addition to ${key}=${value} to take back`);
    }
    const values = this.valueMaps[index]!;
    if (count > 1) {
      counts.set(value, count - 1);
      values.set(value, values.get(value)! - weight);
      return;
    }
    counts.delete(value);
    values.delete(value);
    if (values.size === 0) this.dropKey(index);
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

  private dropKey(index: number): void {
    this.indexByKey.delete(this.keyList[index]!);
    this.keyList.splice(index, 1);
    this.valueMaps.splice(index, 1);
    this.additionCounts.splice(index, 1);
    for (let i = index; i < this.keyList.length; i++) this.indexByKey.set(this.keyList[i]!, i);
  }
}

/** Records the additions of one node (see {@link scoreAdditionsOnNode}). */
class ScoreAdditionsRecorder implements ScoreSink {
  additions: ScoreAddition[] | null = null;

  addForNode(labels: Labels, key: string, weight: number): void {
    const value = labelValue(labels, key);
    if (value !== undefined) (this.additions ??= []).push({ key, value, weight });
  }
}

/** What PreScore computes once per cycle for Score and NormalizeScore. */
export class PreScoreState {
  constructor(readonly topologyScores: TopologyScores) {}

  /** Shared, not copied: nothing changes it during the cycle (running totals move only with a later PreScore). */
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
  for (let n = 0; n < nodes.length; n++) addNodeScores(inputs, nodes[n]!, scores);
  return scores.size === 0 ? null : scores;
}

/** What one node adds to {@link computeTopologyScores}, in order; null when it adds nothing. */
export function scoreAdditionsOnNode(inputs: ScoringInputs, nodeInfo: NodeInfo): ScoreAddition[] | null {
  const recorder = new ScoreAdditionsRecorder();
  addNodeScores(inputs, nodeInfo, recorder);
  return recorder.additions;
}

/** Adds what the pods of `nodeInfo` score to `sink`. */
function addNodeScores(inputs: ScoringInputs, nodeInfo: NodeInfo, sink: ScoreSink): void {
  const { pod, namespaceLabels, preferredAffinity, preferredAntiAffinity, hardPodAffinityWeight, allPods } = inputs;
  const hasIncomingTerms = preferredAffinity.length > 0 || preferredAntiAffinity.length > 0;
  const pods: readonly PodInfo[] = allPods ? nodeInfo.pods : nodeInfo.podsWithAffinity;
  // Whether the node has labels, looked at once a pod could add to its pairs (a node without any adds nothing).
  let labels: Labels | null | undefined;
  for (let p = 0; p < pods.length; p++) {
    const existing = pods[p]!;
    // Most pods with affinity carry only required anti-affinity, which never scores: skip them before the labels.
    if (!hasIncomingTerms && !hasScoringTerms(existing, hardPodAffinityWeight)) continue;
    if (labels === undefined) {
      const nodeLabels = nodeInfo.node?.metadata.labels;
      labels = nodeLabels !== undefined && hasAnyLabel(nodeLabels) ? nodeLabels : null;
    }
    if (labels === null) return;
    if (hasIncomingTerms) {
      addIncomingTerms(sink, preferredAffinity, existing.pod, labels, 1);
      addIncomingTerms(sink, preferredAntiAffinity, existing.pod, labels, -1);
    }
    if (hardPodAffinityWeight > 0) {
      addExistingTerms(sink, existing.requiredAffinityTerms, hardPodAffinityWeight, pod, namespaceLabels, labels);
    }
    addExistingWeightedTerms(sink, existing.preferredAffinityTerms, pod, namespaceLabels, labels, 1);
    addExistingWeightedTerms(sink, existing.preferredAntiAffinityTerms, pod, namespaceLabels, labels, -1);
  }
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

/** True when some term of the existing pod may add to the incoming pod's scores. */
function hasScoringTerms(existing: PodInfo, hardPodAffinityWeight: number): boolean {
  return (
    (hardPodAffinityWeight > 0 && existing.requiredAffinityTerms.length > 0) ||
    existing.preferredAffinityTerms.length > 0 ||
    existing.preferredAntiAffinityTerms.length > 0
  );
}

function hasAnyLabel(labels: Labels): boolean {
  for (const _ in labels) return true;
  return false;
}

function addIncomingTerms(scores: ScoreSink, terms: readonly IncomingWeightedTerm[], existing: Pod, labels: Labels, sign: 1 | -1): void {
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t]!;
    if (incomingTermMatches(term, existing)) scores.addForNode(labels, term.topologyKey, sign * term.weight);
  }
}

function addExistingTerms(
  scores: ScoreSink,
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
  scores: ScoreSink,
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
