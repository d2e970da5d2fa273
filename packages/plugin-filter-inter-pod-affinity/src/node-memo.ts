import type { NodeInfo, NodeInfoLister } from '@schedkit/framework';

/**
 * One value per node of a lister's node list, computed on first use and kept between cycles: the lister's change
 * record tells which nodes to compute again. Values are indexed by the node's position in the list.
 */
export class NodeMemo<T> {
  private readonly positions = new Map<NodeInfo, number>();
  /** Per position: the node's value, or undefined while it is not (or no longer) computed. */
  readonly values: (T | undefined)[];
  private generation: number;

  private constructor(
    readonly nodes: readonly NodeInfo[],
    generation: number,
  ) {
    this.generation = generation;
    this.values = new Array<T | undefined>(nodes.length);
    for (let p = 0; p < nodes.length; p++) this.positions.set(nodes[p]!, p);
  }

  /**
   * The memo `memo` brought up to date with `lister` (its changed nodes forgotten), or a new empty one when
   * `memo` is missing, belongs to another node list, or the lister cannot tell what changed since.
   */
  static sync<T>(memo: NodeMemo<T> | undefined, lister: TrackingLister): NodeMemo<T> {
    const nodes = lister.list();
    if (memo === undefined || memo.nodes !== nodes) return new NodeMemo<T>(nodes, lister.generation);
    const changed = lister.changedSince(memo.generation);
    if (changed === undefined) return new NodeMemo<T>(nodes, lister.generation);
    for (const nodeInfo of changed) {
      const position = memo.positions.get(nodeInfo);
      if (position === undefined) return new NodeMemo<T>(nodes, lister.generation);
      memo.values[position] = undefined;
    }
    memo.generation = lister.generation;
    return memo;
  }
}

/** A lister that records its changes (the scheduler's snapshot does). */
export type TrackingLister = NodeInfoLister & Required<Pick<NodeInfoLister, 'generation' | 'changedSince'>>;

/** `lister` when it records its changes, else undefined. */
export function trackingLister(lister: NodeInfoLister | undefined): TrackingLister | undefined {
  return lister !== undefined && lister.generation !== undefined && lister.changedSince !== undefined ? (lister as TrackingLister) : undefined;
}

/** How many memos a plugin keeps (one per distinct incoming-pod signature; workloads repeat a handful). */
const maxMemos = 16;

/** Memos by signature, the oldest dropped beyond {@link maxMemos}. */
export class NodeMemos<T> {
  private readonly memos = new Map<string, NodeMemo<T>>();

  /** The memo of `key`, synced with `lister`. */
  get(key: string, lister: TrackingLister): NodeMemo<T> {
    const old = this.memos.get(key);
    const memo = NodeMemo.sync(old, lister);
    if (memo !== old) {
      this.memos.delete(key);
      if (this.memos.size >= maxMemos) this.memos.delete(this.memos.keys().next().value!);
      this.memos.set(key, memo);
    }
    return memo;
  }
}
