import type { NodeScore } from './extension-points.js';

/**
 * kube's `helper.DefaultNormalizeScore`, the NormalizeScore of score plugins whose raw scores are counts or
 * weight sums: scales scores in place from [0, highest] to [0, maxPriority] with integer (truncating) division,
 * and with `reverse` maps each to `maxPriority - scaled`, so that a lower raw score ranks higher. When every score
 * is 0 they stay 0, or all become `maxPriority` when reversed. Scores are assumed non-negative, as kube assumes.
 */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: NodeScore[]): void {
  let highest = 0;
  for (const entry of scores) if (entry.score > highest) highest = entry.score;
  if (highest === 0) {
    if (reverse) for (const entry of scores) entry.score = maxPriority;
    return;
  }
  for (const entry of scores) {
    const scaled = Math.trunc((maxPriority * entry.score) / highest);
    entry.score = reverse ? maxPriority - scaled : scaled;
  }
}
