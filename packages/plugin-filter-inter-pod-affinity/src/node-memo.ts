import type { NodeInfo, NodeInfoLister } from '@schedkit/framework';

/** What a memo's per-node values add up to, kept up to date as nodes change. */
export interface NodeTotals<T> {
  /** Adds one node's value (`sign` 1), or takes it away again (`sign` -1). */
  apply(value: T, sign: 1 | -1): void;
}

/**
 * Each node's position in a node list, shared by all memos of the list (building it is most of what a new memo
 * costs). A list changed in place (the snapshot's `replace` swaps in new NodeInfos) is found out when a memo
 * meets a changed node the positions do not know: the positions are then dropped and built again.
 */
const positionsByList = new WeakMap<readonly NodeInfo[], Map<NodeInfo, number>>();

function positionsOf(nodes: readonly NodeInfo[]): Map<NodeInfo, number> {
  let positions = positionsByList.get(nodes);
  if (positions === undefined) {
    positions = new Map();
    for (let p = 0; p < nodes.length; p++) positions.set(nodes[p]!, p);
    positionsByList.set(nodes, positions);
  }
  return positions;
}

/**
 * One value per node of a lister's node list and their running totals, kept between cycles: the lister's change
 * record tells which nodes to compute again, so a cycle costs the nodes that changed, not the nodes there are. A
 * changed node's old value is taken out of the totals when the memo syncs, its new value added on
 * {@link NodeMemo.update}.
 */
export class NodeMemo<T, S extends NodeTotals<T>> {
  private readonly positions: Map<NodeInfo, number>;
  /** Per position: the node's value, or undefined while it is not (or no longer) computed. */
  private readonly values: (T | undefined)[];
  /** Positions to compute on the next update, in the order they became stale (all, in list order, at first). */
  private readonly stale: number[];
  private generation: number;

  private constructor(
    readonly nodes: readonly NodeInfo[],
    generation: number,
    /** The sum of the computed values. */
    readonly totals: S,
  ) {
    this.generation = generation;
    this.positions = positionsOf(nodes);
    this.values = new Array<T | undefined>(nodes.length);
    this.stale = new Array<number>(nodes.length);
    for (let p = 0; p < nodes.length; p++) this.stale[p] = p;
  }

  /**
   * The memo `memo` brought up to date with `lister` (its changed nodes forgotten and taken out of the totals),
   * or a new empty one with `createTotals()` when `memo` is missing, belongs to another node list, or the lister
   * cannot tell what changed since.
   */
  static sync<T, S extends NodeTotals<T>>(memo: NodeMemo<T, S> | undefined, lister: TrackingLister, createTotals: () => S): NodeMemo<T, S> {
    const nodes = lister.list();
    if (memo === undefined || memo.nodes !== nodes) return new NodeMemo<T, S>(nodes, lister.generation, createTotals());
    const changed = lister.changedSince(memo.generation);
    if (changed === undefined) return new NodeMemo<T, S>(nodes, lister.generation, createTotals());
    // All positions first, so that a node the memo does not know leaves the old memo untouched.
    for (let i = 0; i < changed.length; i++) {
      const info = changed[i]!;
      const position = memo.positions.get(info);
      if (position === undefined || nodes[position] !== info) {
        if (positionsByList.get(nodes) === memo.positions) positionsByList.delete(nodes);
        return new NodeMemo<T, S>(nodes, lister.generation, createTotals());
      }
    }
    for (let i = 0; i < changed.length; i++) {
      const position = memo.positions.get(changed[i]!)!;
      const value = memo.values[position];
      // Undefined: already stale (a node may be listed more than once).
      if (value === undefined) continue;
      memo.totals.apply(value, -1);
      memo.values[position] = undefined;
      memo.stale.push(position);
    }
    memo.generation = lister.generation;
    return memo;
  }

  /** Computes the value of each stale node with `compute`, adds it to the totals, and returns the totals. */
  update(compute: (nodeInfo: NodeInfo) => T): S {
    const { stale, values, nodes, totals } = this;
    for (let i = 0; i < stale.length; i++) {
      const position = stale[i]!;
      // Defined: computed by an update that stopped part way (compute threw).
      if (values[position] !== undefined) continue;
      const value = compute(nodes[position]!);
      values[position] = value;
      totals.apply(value, 1);
    }
    stale.length = 0;
    return totals;
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
/** How many signatures seen once are remembered, waiting for a second pod to earn a memo. */
const maxSeenOnce = 256;

/**
 * Memos by signature, the least recently used dropped beyond {@link maxMemos}. A signature gets its memo when it
 * comes the second time: a new memo walks every node, which only pays off for signatures that repeat, and pods
 * whose labels are their own (a StatefulSet's pod-name label) never do.
 */
export class NodeMemos<T, S extends NodeTotals<T>> {
  private readonly memos = new Map<string, NodeMemo<T, S>>();
  private readonly seenOnce = new Set<string>();

  constructor(private readonly createTotals: () => S) {}

  /** The memo of `key` synced with `lister`, or undefined the first time `key` comes (the caller counts from scratch). */
  get(key: string, lister: TrackingLister): NodeMemo<T, S> | undefined {
    const old = this.memos.get(key);
    if (old === undefined) {
      if (!this.seenOnce.delete(key)) {
        if (this.seenOnce.size >= maxSeenOnce) this.seenOnce.delete(this.seenOnce.values().next().value!);
        this.seenOnce.add(key);
        return undefined;
      }
    } else {
      this.memos.delete(key);
    }
    const memo = NodeMemo.sync(old, lister, this.createTotals);
    if (this.memos.size >= maxMemos) this.memos.delete(this.memos.keys().next().value!);
    this.memos.set(key, memo);
    return memo;
  }
}
