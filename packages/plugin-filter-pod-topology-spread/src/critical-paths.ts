/** kube's "no domain yet" match count (math.MaxInt32). */
export const NoDomainMatchNum = 2_147_483_647;

/**
 * The two domains with the fewest matching pods of one constraint (kube's `criticalPaths`). The first always
 * holds the global minimum after the initial build; after incremental updates the second is only known to be
 * at least the first. Two entries suffice because preemption simulates removals on one node at a time, on its
 * own copy of the state.
 */
export class CriticalPaths {
  firstValue = '';
  firstMatchNum = NoDomainMatchNum;
  secondValue = '';
  secondMatchNum = NoDomainMatchNum;

  /** The paths of `counts` (domains in insertion order). */
  static of(counts: ReadonlyMap<string, number>): CriticalPaths {
    const paths = new CriticalPaths();
    for (const [value, num] of counts) paths.update(value, num);
    return paths;
  }

  /** The smallest match count (NoDomainMatchNum when there is no domain). */
  get minMatchNum(): number {
    return this.firstMatchNum;
  }

  /** Records that domain `value` now has `num` matching pods. */
  update(value: string, num: number): void {
    if (value === this.firstValue || value === this.secondValue) {
      if (value === this.firstValue) this.firstMatchNum = num;
      else this.secondMatchNum = num;
      if (this.firstMatchNum > this.secondMatchNum) this.swap();
      return;
    }
    if (num < this.firstMatchNum) {
      this.secondValue = this.firstValue;
      this.secondMatchNum = this.firstMatchNum;
      this.firstValue = value;
      this.firstMatchNum = num;
    } else if (num < this.secondMatchNum) {
      this.secondValue = value;
      this.secondMatchNum = num;
    }
  }

  /** An independent copy. */
  clone(): CriticalPaths {
    const copy = new CriticalPaths();
    copy.firstValue = this.firstValue;
    copy.firstMatchNum = this.firstMatchNum;
    copy.secondValue = this.secondValue;
    copy.secondMatchNum = this.secondMatchNum;
    return copy;
  }

  private swap(): void {
    const value = this.firstValue;
    const num = this.firstMatchNum;
    this.firstValue = this.secondValue;
    this.firstMatchNum = this.secondMatchNum;
    this.secondValue = value;
    this.secondMatchNum = num;
  }
}
