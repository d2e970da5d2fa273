import type { NodeScore } from '@schedkit/framework';

/**
 * kube's `helper.DefaultNormalizeScore`: scales scores from [0, max] to [0, maxPriority] with integer
 * (truncating) division, and with `reverse` maps each to `maxPriority - scaled`. When every score is 0 the
 * scores stay 0, or all become `maxPriority` when reversed. Scores are assumed non-negative, as kube assumes.
 */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: NodeScore[]): void {
  let maxCount = 0;
  for (const entry of scores) if (entry.score > maxCount) maxCount = entry.score;
  if (maxCount === 0) {
    if (reverse) for (const entry of scores) entry.score = maxPriority;
    return;
  }
  for (const entry of scores) {
    const scaled = Math.trunc((maxPriority * entry.score) / maxCount);
    entry.score = reverse ? maxPriority - scaled : scaled;
  }
}
