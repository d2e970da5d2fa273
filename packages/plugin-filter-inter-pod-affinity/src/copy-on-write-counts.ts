import type { ReadonlyTopologyPairCounts, TopologyPairCounts } from './topology-counts.js';

/**
 * Counts that are read shared and copied on the first write. PreFilter hands a cycle the running totals the
 * plugin keeps between cycles; AddPod/RemovePod (preemption's simulations) then write to a private copy, so the
 * totals never see a simulated pod.
 */
export class CopyOnWriteCounts {
  private counts: ReadonlyTopologyPairCounts;
  /** The writable copy once taken; undefined while the counts are shared. */
  private owned: TopologyPairCounts | undefined;

  constructor(shared: ReadonlyTopologyPairCounts) {
    this.counts = shared;
  }

  /** The current counts, for reading. */
  get read(): ReadonlyTopologyPairCounts {
    return this.counts;
  }

  /** The counts for writing: a private copy, taken on the first call after construction or {@link share}. */
  write(): TopologyPairCounts {
    if (this.owned === undefined) {
      this.owned = this.counts.clone();
      this.counts = this.owned;
    }
    return this.owned;
  }

  /** The current counts to share with another holder: from now on both copy before writing. */
  share(): ReadonlyTopologyPairCounts {
    this.owned = undefined;
    return this.counts;
  }
}
