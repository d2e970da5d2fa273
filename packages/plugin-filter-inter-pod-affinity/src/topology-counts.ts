import type { Labels } from '@schedkit/framework';

/**
 * The value of label `key`, or undefined when the node has no such label. Only own string values count, so a
 * key such as `constructor` never reads an inherited member.
 */
export function labelValue(labels: Labels | undefined, key: string): string | undefined {
  if (labels === undefined) return undefined;
  const value = labels[key];
  return typeof value === 'string' ? value : undefined;
}

/** What may be read of a {@link TopologyPairCounts}: the view a cycle's state and Filter get. */
export interface ReadonlyTopologyPairCounts {
  /** How many (key, value) pairs have a non-zero count. */
  readonly size: number;
  /** The topology keys that have at least one pair. */
  readonly keys: readonly string[];
  /** The count of (`key`, `value`), 0 when absent. */
  get(key: string, value: string): number;
  /** The counts of `key` by label value, or undefined when the key has no pair. */
  valuesOf(key: string): ReadonlyMap<string, number> | undefined;
  /** True when some pair that the node's labels form has a positive count. */
  anyPositiveOnNode(labels: Labels | undefined): boolean;
  /** An independent, writable copy. */
  clone(): TopologyPairCounts;
  /** Every pair and its count, `key=value` to count. */
  toRecord(): Record<string, number>;
}

/**
 * A count per topology pair (topology key, node label value): kube's `topologyToMatchedTermCount`. Pairs whose
 * count returns to zero are removed, so {@link TopologyPairCounts.size} is the number of pairs kube's map would
 * hold.
 *
 * Counts are nested by key then value, which lets them be kept incrementally (add a pod: `add(+1)`, remove it:
 * `add(-1)`) without building pair strings. Keys and their value maps sit in parallel lists, so that Filter finds
 * a node's pairs by walking the few keys, without allocating. Key order is first-seen, so counts kept
 * incrementally may list their keys in another order than counts built from scratch; no answer depends on it.
 */
export class TopologyPairCounts implements ReadonlyTopologyPairCounts {
  private readonly keyList: string[] = [];
  /** Per key of {@link keyList}, at the same index: the counts by label value (never empty). */
  private readonly valueMaps: Map<string, number>[] = [];
  private pairCount = 0;

  /** How many (key, value) pairs have a non-zero count. */
  get size(): number {
    return this.pairCount;
  }

  /** The topology keys that have at least one pair, in first-seen order (a key that emptied and came back is last). */
  get keys(): readonly string[] {
    return this.keyList;
  }

  /** The count of (`key`, `value`), 0 when absent. */
  get(key: string, value: string): number {
    const index = this.keyList.indexOf(key);
    return index < 0 ? 0 : (this.valueMaps[index]!.get(value) ?? 0);
  }

  /** The counts of `key` by label value, or undefined when the key has no pair. */
  valuesOf(key: string): ReadonlyMap<string, number> | undefined {
    const index = this.keyList.indexOf(key);
    return index < 0 ? undefined : this.valueMaps[index];
  }

  /** Adds `delta` (possibly negative) to (`key`, `value`); a pair that reaches zero is removed, as kube deletes it. */
  add(key: string, value: string, delta: number): void {
    let index = this.keyList.indexOf(key);
    if (index < 0) {
      if (delta === 0) return;
      index = this.keyList.length;
      this.keyList.push(key);
      this.valueMaps.push(new Map());
    }
    const values = this.valueMaps[index]!;
    const before = values.get(value);
    const after = (before ?? 0) + delta;
    if (after === 0) {
      if (before !== undefined) {
        values.delete(value);
        this.pairCount -= 1;
        if (values.size === 0) this.dropKey(index);
      }
      return;
    }
    if (before === undefined) this.pairCount += 1;
    values.set(value, after);
  }

  /** Adds `delta` to the pair of `key` and the node's value for it; nothing when the node lacks the label. */
  addForNode(labels: Labels | undefined, key: string, delta: number): void {
    const value = labelValue(labels, key);
    if (value !== undefined) this.add(key, value, delta);
  }

  /** True when some pair that the node's labels form has a positive count (kube walks every node label). */
  anyPositiveOnNode(labels: Labels | undefined): boolean {
    const keys = this.keyList;
    for (let i = 0; i < keys.length; i++) {
      const value = labelValue(labels, keys[i]!);
      if (value !== undefined && (this.valueMaps[i]!.get(value) ?? 0) > 0) return true;
    }
    return false;
  }

  /** An independent copy. */
  clone(): TopologyPairCounts {
    const copy = new TopologyPairCounts();
    copy.keyList.push(...this.keyList);
    for (const values of this.valueMaps) copy.valueMaps.push(new Map(values));
    copy.pairCount = this.pairCount;
    return copy;
  }

  /** Every pair and its count, `key=value` to count (for tests and debugging). */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    this.keyList.forEach((key, i) => {
      for (const [value, count] of this.valueMaps[i]!) out[`${key}=${value}`] = count;
    });
    return out;
  }

  private dropKey(index: number): void {
    this.keyList.splice(index, 1);
    this.valueMaps.splice(index, 1);
  }
}
