import type { NodeInfo } from '../node-info/node-info.js';

/** A cycle's hold on its framework's {@link CycleScratch}, from Filter until the host is picked. */
export class ScratchLease {
  released = false;
  /** A later cycle took the scratch: what this one left there is gone. */
  revoked = false;

  constructor(private readonly scratch: CycleScratch) {}

  /** The list to collect the feasible nodes in (it still holds the last cycle's: overwrite, then set the length). */
  get feasible(): NodeInfo[] {
    return this.scratch.feasible;
  }

  /** `length` zeroed numbers for the score table. */
  scores(length: number): Float64Array {
    return this.scratch.scores(length);
  }

  release(): void {
    this.released = true;
  }
}

/**
 * What schedulePod allocates afresh otherwise every cycle, kept per framework: the feasible-node list and the score
 * table's numbers. Both outlived the young generation's collections and went to old space to die there (V8
 * pretenures such allocation sites), or, for a Float64Array, waited as backing stores outside the heap: on 5,000
 * nodes tens of MB at a time. A cycle holds the scratch until it has picked its host (a concurrent cycle meanwhile
 * gets fresh ones); the next cycle revokes the previous lease, and that result's lazily built score records then
 * refuse to read rather than read another pod's.
 */
export class CycleScratch {
  readonly feasible: NodeInfo[] = [];
  private data = new Float64Array(0);
  private current: ScratchLease | undefined;

  /** A lease on the scratch, or undefined while another cycle holds it. */
  acquire(): ScratchLease | undefined {
    const previous = this.current;
    if (previous !== undefined && !previous.released) return undefined;
    if (previous !== undefined) previous.revoked = true;
    const lease = new ScratchLease(this);
    this.current = lease;
    return lease;
  }

  scores(length: number): Float64Array {
    if (this.data.length < length) this.data = new Float64Array(Math.max(length, this.data.length * 2));
    else this.data.fill(0, 0, length);
    return this.data.length === length ? this.data : this.data.subarray(0, length);
  }
}
