import type { NodeInfo, NodeScore, Pod } from '@schedkit/framework';
import { LabelHostname, MaxNodeScore, podNamespace } from '@schedkit/framework';
import { hasAllTopologyKeys, NodeInclusion, type SpreadConstraint } from './constraints.js';
import { type MatchingPodCounter, NodeMatchCounts } from './counting.js';
import { RequiredNodeAffinity } from './node-inclusion.js';

/** The mark NormalizeScore gives ignored nodes before zeroing them (kube's invalidScore). */
const invalidScore = -1;

/**
 * What PreScore computes for the soft constraints and Score/NormalizeScore read. Read-only after PreScore, so
 * cloning shares it.
 */
export class PreScoreState {
  constructor(
    /** The pod's soft constraints (ScheduleAnyway), or the default ones. */
    readonly constraints: readonly SpreadConstraint[],
    /** Feasible nodes lacking a required topology key: they score 0 after normalization. */
    readonly ignoredNodes: ReadonlySet<string>,
    /**
     * Per constraint: topology value -> matching pods, for the domains of the feasible nodes. Null for the
     * hostname constraints, whose per-node counts are in `hostnameCounts`.
     */
    readonly domainCounts: readonly (ReadonlyMap<string, number> | null)[],
    /** Per constraint: for hostname constraints, node name -> matching pods on it (absent: 0); else null. */
    readonly hostnameCounts: readonly (ReadonlyMap<string, number> | null)[],
    /** Per constraint: ln(number of domains + 2), so that counts over many small domains are not watered down. */
    readonly topologyWeights: readonly number[],
  ) {}

  clone(): PreScoreState {
    return this;
  }
}

/** kube's topologyNormalizingWeight: ln(size + 2). */
export function topologyNormalizingWeight(size: number): number {
  return Math.log(size + 2);
}

/**
 * Computes the scoring state (kube's PreScore). Domains come from the feasible nodes (those missing a topology
 * key are ignored when `requireAllTopologies`). Counts come from every node that passes the constraint's node
 * inclusion policies and has a domain among the feasible nodes, in one pass that also records each node's own
 * count for the hostname constraints (which, as in kube's Score, ignore the inclusion policies).
 */
export function computePreScoreState(
  pod: Pod,
  constraints: readonly SpreadConstraint[],
  feasibleNodes: readonly NodeInfo[],
  allNodes: readonly NodeInfo[],
  requireAllTopologies: boolean,
  countPods: MatchingPodCounter,
): PreScoreState {
  const ignoredNodes = new Set<string>();
  const isHostname = constraints.map((c) => c.topologyKey === LabelHostname);
  const domainCounts = constraints.map((_, i) => (isHostname[i] ? null : new Map<string, number>()));
  const hostnameCounts = constraints.map((_, i) => (isHostname[i] ? new Map<string, number>() : null));

  for (const nodeInfo of feasibleNodes) {
    const node = nodeInfo.node;
    if (!node) continue;
    const labels = node.metadata.labels;
    if (requireAllTopologies && !hasAllTopologyKeys(labels, constraints)) {
      ignoredNodes.add(node.metadata.name);
      continue;
    }
    for (let i = 0; i < constraints.length; i++) {
      const counts = domainCounts[i];
      // A node without the key registers the '' domain, as kube's map lookup does; Score never reads it.
      if (counts) counts.set(labels?.[constraints[i]!.topologyKey] ?? '', 0);
    }
  }

  const topologyWeights = constraints.map((_, i) =>
    topologyNormalizingWeight(isHostname[i] ? feasibleNodes.length - ignoredNodes.size : domainCounts[i]!.size),
  );

  const inclusion = new NodeInclusion(pod, RequiredNodeAffinity.of(pod));
  const matches = new NodeMatchCounts(constraints, countPods, podNamespace(pod));
  for (let n = 0; n < allNodes.length; n++) {
    const nodeInfo = allNodes[n]!;
    const node = nodeInfo.node;
    if (!node) continue;
    const labels = node.metadata.labels;
    const hasAllKeys = !requireAllTopologies || hasAllTopologyKeys(labels, constraints);
    matches.reset(nodeInfo);
    for (let i = 0; i < constraints.length; i++) {
      const constraint = constraints[i]!;
      const counts = domainCounts[i];
      if (!counts) {
        if (labels === undefined || !Object.hasOwn(labels, constraint.topologyKey)) continue;
        const count = matches.count(i);
        if (count > 0) hostnameCounts[i]!.set(node.metadata.name, count);
        continue;
      }
      if (!hasAllKeys || !inclusion.includes(constraint, node)) continue;
      const value = labels?.[constraint.topologyKey] ?? '';
      const current = counts.get(value);
      if (current === undefined) continue;
      counts.set(value, current + matches.count(i));
    }
  }
  return new PreScoreState(constraints, ignoredNodes, domainCounts, hostnameCounts, topologyWeights);
}

/**
 * The raw score of a node: for each constraint whose topology key the node has, `count * weight + maxSkew - 1`,
 * summed and rounded half away from zero. Ignored nodes score 0. Lower is better; NormalizeScore flips it.
 */
export function scoreNode(state: PreScoreState, node: NodeInfo): number {
  const name = node.name;
  if (state.ignoredNodes.has(name)) return 0;
  const labels = node.node?.metadata.labels;
  if (labels === undefined) return 0;
  const constraints = state.constraints;
  let score = 0;
  for (let i = 0; i < constraints.length; i++) {
    const constraint = constraints[i]!;
    const key = constraint.topologyKey;
    if (!Object.hasOwn(labels, key)) continue;
    const domainCounts = state.domainCounts[i];
    const count = domainCounts ? (domainCounts.get(labels[key]!) ?? 0) : (state.hostnameCounts[i]!.get(name) ?? 0);
    score += count * state.topologyWeights[i]! + (constraint.maxSkew - 1);
  }
  return roundHalfAwayFromZero(score);
}

/**
 * Rewrites raw scores into 0..100 (kube's NormalizeScore): ignored nodes get 0; when every other node scored 0
 * they all get 100; otherwise `100 * (max + min - score) / max` with integer division, so the least loaded
 * nodes get the most.
 */
export function normalizeScores(state: PreScoreState, scores: NodeScore[]): void {
  let minScore = Number.MAX_SAFE_INTEGER;
  let maxScore = 0;
  for (const entry of scores) {
    if (state.ignoredNodes.has(entry.name)) {
      entry.score = invalidScore;
      continue;
    }
    if (entry.score < minScore) minScore = entry.score;
    if (entry.score > maxScore) maxScore = entry.score;
  }
  for (const entry of scores) {
    if (entry.score === invalidScore) {
      entry.score = 0;
      continue;
    }
    if (maxScore === 0) {
      entry.score = MaxNodeScore;
      continue;
    }
    entry.score = Math.trunc((MaxNodeScore * (maxScore + minScore - entry.score)) / maxScore);
  }
}

/** Go's math.Round. */
function roundHalfAwayFromZero(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}
