import type { FrameworkMetrics } from '@schedkit/framework';

/** Latency figures of one extension point (milliseconds). */
export interface LatencyFigures {
  point: string;
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * Collects latencies per extension point: the framework reports 'filter' (PreFilter + Filter) and 'score'
 * (PreScore + Score) through {@link FrameworkMetrics}; the demo adds its own points (binding).
 */
export class LatencyRecorder implements FrameworkMetrics {
  private readonly samples = new Map<string, number[]>();

  observePoint(point: string, ms: number): void {
    let list = this.samples.get(point);
    if (!list) {
      list = [];
      this.samples.set(point, list);
    }
    list.push(ms);
  }

  /** Figures per point, in the order the points were first seen. */
  figures(): LatencyFigures[] {
    return [...this.samples].map(([point, values]) => latencyFigures(point, values));
  }
}

/** p50 / p99 / max / mean of `values` (nearest-rank percentiles). */
export function latencyFigures(point: string, values: readonly number[]): LatencyFigures {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    point,
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : 0,
    mean: sorted.length > 0 ? sum / sorted.length : 0,
  };
}

/** The nearest-rank percentile of an ascending list (0 for an empty list). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
