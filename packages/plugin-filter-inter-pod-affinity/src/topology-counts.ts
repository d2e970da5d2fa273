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

/**
 * A count per topology pair (topology key, node label value): kube's `topologyToMatchedTermCount`. Pairs whose
 * count returns to zero are removed, so {@link TopologyPairCounts.size} is the number of pairs kube's map would
 * hold. Keys are kept in a list as well, so that Filter can walk them without allocating.
 *
 * Counts are nested by key then value, which lets a cache keep them incrementally (add a pod: `add(+1)`, remove
 * it: `add(-1)`) without building pair strings.
 */
export class TopologyPairCounts {
  private readonly byKey = new Map<string, Map<string, number>>();
  private readonly keyList: string[] = [];
  private pairCount = 0;

  /** How many (key, value) pairs have a non-zero count. */
  get size(): number {
    return this.pairCount;
  }

  /** The topology keys that have at least one pair, in first-seen order. */
  get keys(): readonly string[] {
    return this.keyList;
  }

  /** The count of (`key`, `value`), 0 when absent. */
  get(key: string, value: string): number {
    return this.byKey.get(key)?.get(value) ?? 0;
  }

  /** The counts of `key` by label value, or undefined when the key has no pair. */
  valuesOf(key: string): ReadonlyMap<string, number> | undefined {
    return this.byKey.get(key);
  }

  /** Adds `delta` (possibly negative) to (`key`, `value`); a pair that reaches zero is removed, as kube deletes it. */
  add(key: string, value: string, delta: number): void {
    let values = this.byKey.get(key);
    if (values === undefined) {
      values = new Map();
      this.byKey.set(key, values);
      this.keyList.push(key);
    }
    const before = values.get(value);
    const after = (before ?? 0) + delta;
    if (after === 0) {
      if (before !== undefined) {
        values.delete(value);
        this.pairCount -= 1;
      }
      if (values.size === 0) this.dropKey(key);
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
      const key = keys[i]!;
      const value = labelValue(labels, key);
      if (value !== undefined && (this.byKey.get(key)!.get(value) ?? 0) > 0) return true;
    }
    return false;
  }

  /** An independent copy. */
  clone(): TopologyPairCounts {
    const copy = new TopologyPairCounts();
    for (const key of this.keyList) copy.byKey.set(key, new Map(this.byKey.get(key)));
    copy.keyList.push(...this.keyList);
    copy.pairCount = this.pairCount;
    return copy;
  }

  /** Every pair and its count, `key=value` to count (for tests and debugging). */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const key of this.keyList) for (const [value, count] of this.byKey.get(key)!) out[`${key}=${value}`] = count;
    return out;
  }

  private dropKey(key: string): void {
    this.byKey.delete(key);
    const index = this.keyList.indexOf(key);
    if (index >= 0) this.keyList.splice(index, 1);
  }
}
