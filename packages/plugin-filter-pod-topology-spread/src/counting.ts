import type { NodeInfo } from '@schedkit/framework';
import type { SpreadConstraint } from './constraints.js';
import type { SpreadSelector } from './selector.js';

/**
 * Counts the pods on one node that a constraint selects. This is the seam where a cache that keeps match
 * counts incrementally can plug in; {@link countMatchingPods} is the full scan.
 */
export type MatchingPodCounter = (nodeInfo: NodeInfo, selector: SpreadSelector, namespace: string) => number;

/**
 * The pods on `nodeInfo` in `namespace` that `selector` matches, skipping terminating pods (kube's
 * `countPodsMatchSelector`). An empty selector (`labelSelector: {}`) counts nothing, as in kube.
 */
export const countMatchingPods: MatchingPodCounter = (nodeInfo, selector, namespace) => {
  if (selector.empty || selector.requirements === null) return 0;
  const pods = nodeInfo.pods;
  let count = 0;
  for (let i = 0; i < pods.length; i++) {
    const pod = pods[i]!.pod;
    if (pod.metadata.deletionTimestamp != null) continue;
    if ((pod.metadata.namespace || 'default') !== namespace) continue;
    if (selector.matches(pod.metadata.labels)) count++;
  }
  return count;
};

/**
 * Per-node match counts of a constraint list, each distinct selector counted at most once per node (the
 * system defaults, for one, share a selector between their hostname and zone constraints).
 */
export class NodeMatchCounts {
  /** Constraint index -> index of the first constraint with the same selector. */
  private readonly slot: number[];
  private readonly values: number[];
  private nodeInfo: NodeInfo | undefined;

  constructor(
    private readonly constraints: readonly SpreadConstraint[],
    private readonly countPods: MatchingPodCounter,
    private readonly namespace: string,
  ) {
    this.slot = constraints.map((c, i) => {
      const first = constraints.findIndex((other) => other.selector === c.selector);
      return first < 0 ? i : first;
    });
    this.values = constraints.map(() => -1);
  }

  /** Starts counting on another node. */
  reset(nodeInfo: NodeInfo): void {
    this.nodeInfo = nodeInfo;
    this.values.fill(-1);
  }

  /** The pods on the current node that constraint `index` selects. */
  count(index: number): number {
    const slot = this.slot[index]!;
    let value = this.values[slot]!;
    if (value < 0) {
      value = this.countPods(this.nodeInfo!, this.constraints[slot]!.selector, this.namespace);
      this.values[slot] = value;
    }
    return value;
  }
}
