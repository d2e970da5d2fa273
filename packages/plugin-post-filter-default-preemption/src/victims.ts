import type { Pod } from '@schedkit/framework';

/** A pod's priority as kube reads it (0 when unset). */
export function podPriority(pod: Pod): number {
  return pod.spec.priority ?? 0;
}

/**
 * When the pod started, in ms; kube orders victims by it. A pod without `status.startTime` (assumed, or bound and
 * not started yet) counts as starting now, as kube's GetPodStartTime has it.
 */
export function podStartTime(pod: Pod, now: number = Date.now()): number {
  const text = pod.status?.startTime;
  const time = text ? Date.parse(text) : Number.NaN;
  return Number.isNaN(time) ? now : time;
}

/** kube's MoreImportantPod: higher priority first, then the pod that started earlier. */
export function moreImportant(a: Pod, b: Pod, now: number = Date.now()): boolean {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pa > pb;
  return podStartTime(a, now) < podStartTime(b, now);
}

/** The victims chosen on one node. */
export interface NodeVictims {
  nodeName: string;
  /** Most important first. */
  pods: Pod[];
  /** Victims whose eviction violates a PodDisruptionBudget (see filterPodsWithPDBViolation). */
  numPDBViolations: number;
}

/** kube's order of tie-breakers (pickOneNodeForPreemption); the node that wins the first decisive one is chosen. */
const scoreFunctions: ((v: NodeVictims, now: number) => number)[] = [
  // Fewest PodDisruptionBudget violations.
  (v) => -v.numPDBViolations,
  // Lowest priority among the most important victims.
  (v) => -podPriority(v.pods[0]!),
  // Smallest sum of priorities, each shifted by 2^31 so negative priorities count as small positives.
  (v) => -v.pods.reduce((sum, p) => sum + podPriority(p) + 2 ** 31, 0),
  // Fewest victims.
  (v) => -v.pods.length,
  // Latest start among the highest-priority victims (disturb the youngest work).
  (v, now) => earliestStartOfHighestPriority(v.pods, now),
];

/**
 * Picks the node to preempt on as kube's pickOneNodeForPreemption does: the first of
 * {@link candidatesTiedForPreemption}. (kube takes the first of the tied nodes in map order, that is any of them.)
 */
export function pickOneNodeForPreemption(candidates: readonly NodeVictims[]): NodeVictims | undefined {
  return candidatesTiedForPreemption(candidates)[0];
}

/**
 * The candidates kube's pickOneNodeForPreemption chooses among: each tie-breaker in turn (fewest PDB violations,
 * lowest highest victim priority, smallest priority sum, fewest victims, latest start of the highest-priority
 * victims) keeps the best-scoring candidates, until one remains or the tie-breakers run out. Every candidate has
 * at least one victim, most important first.
 */
export function candidatesTiedForPreemption(candidates: readonly NodeVictims[]): NodeVictims[] {
  if (candidates.length <= 1) return candidates.slice();
  const now = Date.now();
  let remaining = candidates.slice();
  for (const score of scoreFunctions) {
    let best = Number.NEGATIVE_INFINITY;
    let selected: NodeVictims[] = [];
    for (const candidate of remaining) {
      const value = score(candidate, now);
      if (value > best) {
        best = value;
        selected = [candidate];
      } else if (value === best) {
        selected.push(candidate);
      }
    }
    if (selected.length === 1) return selected;
    remaining = selected;
  }
  return remaining;
}

/** kube's GetEarliestPodStartTime: the earliest start among the victims of the highest priority. */
function earliestStartOfHighestPriority(pods: readonly Pod[], now: number): number {
  if (pods.length === 0) return Number.MIN_SAFE_INTEGER;
  const highest = Math.max(...pods.map(podPriority));
  let earliest = Number.MAX_SAFE_INTEGER;
  for (const pod of pods) if (podPriority(pod) === highest) earliest = Math.min(earliest, podStartTime(pod, now));
  return earliest;
}

/** How many candidate nodes dry-run preemption looks for: 10% of the nodes, at least 100, at most all. */
export function numCandidatesFor(numNodes: number, minCandidateNodesPercentage = 10, minCandidateNodesAbsolute = 100): number {
  let n = Math.trunc((numNodes * minCandidateNodesPercentage) / 100);
  if (n < minCandidateNodesAbsolute) n = minCandidateNodesAbsolute;
  return Math.min(n, numNodes);
}
