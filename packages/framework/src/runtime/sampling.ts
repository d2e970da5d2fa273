/** Below this many nodes every node is evaluated (kube's minFeasibleNodesToFind). */
export const MinFeasibleNodesToFind = 100;
/** The adaptive percentage never goes below this (kube's minFeasibleNodesPercentageToFind). */
export const MinFeasibleNodesPercentageToFind = 5;

/**
 * How many feasible nodes Filter looks for before it stops, as kube computes it: every node under 100 nodes;
 * otherwise `percentage` of them (when 0 or unset, the adaptive max(50 - n/125, 5) percent), and never fewer
 * than 100. A profile without scoring (`scoring` false) looks for one node, as kube's findNodesThatPassFilters
 * does when nothing would score the others.
 */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number | undefined, numAllNodes: number, scoring = true): number {
  if (!scoring) return Math.min(1, numAllNodes);
  if (numAllNodes < MinFeasibleNodesToFind) return numAllNodes;
  let percentage = percentageOfNodesToScore ?? 0;
  if (percentage <= 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < MinFeasibleNodesPercentageToFind) percentage = MinFeasibleNodesPercentageToFind;
  }
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  return Math.max(numNodes, MinFeasibleNodesToFind);
}
