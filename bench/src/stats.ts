/** The value at fraction `q` (0..1) of ascending `sorted` values, by nearest rank; NaN when empty. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median of `values` (mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Spread of `values` around their median, in percent: (max - min) / median * 100. */
export function spreadPercent(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const m = median(values);
  return ((Math.max(...values) - Math.min(...values)) / m) * 100;
}
