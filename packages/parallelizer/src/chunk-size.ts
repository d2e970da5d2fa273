import { assertCount } from './assert-count.js';

/**
 * The number of consecutive pieces a worker takes at a time, as kube-scheduler's
 * `parallelize.chunkSizeFor` computes it: `max(1, min(floor(sqrt(pieces)), floor(pieces / parallelism) + 1))`.
 *
 * Large jobs get chunks of about `sqrt(pieces)` so workers rarely return to the shared cursor; small jobs get
 * chunks small enough that every worker still receives some.
 *
 * @param pieces - Number of pieces of work, an integer >= 0.
 * @param parallelism - Number of workers, an integer >= 1.
 * @returns The chunk size, always >= 1.
 * @throws RangeError when `pieces` or `parallelism` is out of range.
 *
 * @example
 * chunkSizeFor(5000, 16); // 70
 * chunkSizeFor(100, 16);  // 7
 */
export function chunkSizeFor(pieces: number, parallelism: number): number {
  assertCount('pieces', pieces, 0);
  assertCount('parallelism', parallelism, 1);
  const bySqrt = Math.floor(Math.sqrt(pieces));
  const byShare = Math.floor(pieces / parallelism) + 1;
  return Math.max(1, Math.min(bySqrt, byShare));
}
