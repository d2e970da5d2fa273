import type { Pod } from '@schedkit/framework';

/** A pod's priority as kube reads it (0 when unset). */
export function podPriority(pod: Pod): number {
  return pod.spec.priority ?? 0;
}

/** When the pod started (its status.startTime, else its creation), in ms; kube orders victims by it. */
export function podStartTime(pod: Pod): number {
  const text = pod.status?.startTime ?? pod.metadata.creationTimestamp;
  const time = text ? Date.parse(text) : Number.NaN;
  return Number.isNaN(time) ? Number.MAX_SAFE_INTEGER : time;
}

/** kube's MoreImportantPod: higher priority first, then the pod that started earlier. */
export function moreImportant(a: Pod, b: Pod): boolean {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pa > pb;
  return podStartTime(a) < podStartTime(b);
}

/** The victims chosen on one node. */
export interface NodeVictims {
  nodeName: string;
  /** Most important first. */
  pods: Pod[];
  /** How many victims' eviction violates a PodDisruptionBudget (kube prefers the node with the fewest). */
  numPDBViolations: number;
}

/** kube's offset-free order of tie-breakers; the node that wins the first decisive one is chosen. */
const scoreFunctions: ((v: NodeVictims) => number)[] = [
  // Fewest PodDisruptionBudget violations.
  (v) => -v.numPDBViolations,
  // Lowest priority among the most important victims.
  (v) => (v.pods.length === 0 ? Number.MAX_SAFE_INTEGER : -podPriority(v.pods[0]!)),
  // Smallest sum of priorities, each shifted by 2^31 so negative priorities count as small positives.
  (v) => -v.pods.reduce((sum, p) => sum + podPriority(p) + 2 ** 31, 0),
  // Fewest victims.
  (v) => -v.pods.length,
  // Latest start among the highest-priority victims (disturb the youngest work).
  (v) => earliestStartOfHighestPriority(v.pods),
];

/**
 * Picks the node to preempt on as kube's pickOneNodeForPreemption does: a node with no victims wins at once;
 * otherwise each tie-breaker in turn keeps the best-scoring nodes until one remains, else the first.
 */
export function pickOneNodeForPreemption(candidates: readonly NodeVictims[]): NodeVictims | undefined {
  if (candidates.length === 0) return undefined;
  for (const candidate of candidates) if (candidate.pods.length === 0) return candidate;
  let remaining = candidates.slice();
  for (const score of scoreFunctions) {
    let best = Number.NEGATIVE_INFINITY;
    let selected: NodeVictims[] = [];
    for (const candidate of remaining) {
      const value = score(candidate);
      if (value > best) {
        best = value;
        selected = [candidate];
      } else if (value === best) {
        selected.push(candidate);
      }
    }
    if (selected.length === 1) return selected[0];
    remaining = selected;
  }
  return remaining[0];
}

function earliestStartOfHighestPriority(pods: readonly Pod[]): number {
  if (pods.length === 0) return Number.MIN_SAFE_INTEGER;
  const highest = Math.max(...pods.map(podPriority));
  let earliest = Number.MAX_SAFE_INTEGER;
  for (const pod of pods) if (podPriority(pod) === highest) earliest = Math.min(earliest, podStartTime(pod));
  return earliest;
}

/** How many candidate nodes dry-run preemption looks for: 10% of the nodes, at least 100, at most all. */
export function numCandidatesFor(numNodes: number, minCandidateNodesPercentage = 10, minCandidateNodesAbsolute = 100): number {
  let n = Math.trunc((numNodes * minCandidateNodesPercentage) / 100);
  if (n < minCandidateNodesAbsolute) n = minCandidateNodesAbsolute;
  return Math.min(n, numNodes);
}
