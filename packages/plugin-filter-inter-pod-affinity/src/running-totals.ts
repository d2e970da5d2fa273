import { applyAdditions, type IncomingAdditions, type IncomingCounts, type PairAddition } from './filtering.js';
import type { NodeTotals } from './node-memo.js';
import { type ScoreAddition, TopologyScores } from './scoring.js';
import { TopologyPairCounts } from './topology-counts.js';

/** Per pair, the existing pods whose required anti-affinity selects the incoming pod, summed over the nodes. */
export class ExistingAntiAffinityTotals implements NodeTotals<PairAddition[] | null> {
  readonly counts = new TopologyPairCounts();

  apply(additions: PairAddition[] | null, sign: 1 | -1): void {
    applyAdditions(this.counts, additions, sign);
  }
}

/** Per pair, the existing pods the incoming pod's required terms select, summed over the nodes. */
export class IncomingTotals implements NodeTotals<IncomingAdditions | null>, IncomingCounts {
  readonly affinity = new TopologyPairCounts();
  readonly antiAffinity = new TopologyPairCounts();

  apply(additions: IncomingAdditions | null, sign: 1 | -1): void {
    if (additions === null) return;
    applyAdditions(this.affinity, additions.affinity, sign);
    applyAdditions(this.antiAffinity, additions.antiAffinity, sign);
  }
}

/** Per pair, the scores the nodes' pods give the incoming pod, summed over the nodes. */
export class ScoreTotals implements NodeTotals<ScoreAddition[] | null> {
  readonly scores = new TopologyScores();

  apply(additions: ScoreAddition[] | null, sign: 1 | -1): void {
    if (additions === null) return;
    const scores = this.scores;
    for (let i = 0; i < additions.length; i++) {
      const { key, value, weight } = additions[i]!;
      if (sign === 1) scores.add(key, value, weight);
      else scores.takeBack(key, value, weight);
    }
  }
}
