import { assertCount } from './assert-count.js';
import { chunkSizeFor } from './chunk-size.js';

/** kube-scheduler's default parallelism (`parallelize.DefaultParallelism`). */
export const DEFAULT_PARALLELISM = 16;

/**
 * One piece of work. Return nothing when the piece is done synchronously, or a promise (any thenable) when it
 * finishes later; a throw or a rejection is the piece's error.
 */
export type WorkPiece = (index: number) => void | PromiseLike<void>;

/** One piece of work that always completes synchronously; a throw is the piece's error. */
export type SyncWorkPiece = (index: number) => void;

/** Options for {@link Parallelizer.until} and {@link Parallelizer.untilSync}. */
export interface UntilOptions {
  /**
   * Once aborted, no new piece starts; pieces already in flight finish and the call completes normally
   * (abort is "enough work done", not a failure).
   */
  signal?: AbortSignal;
  /**
   * Consecutive pieces a worker takes at a time, an integer >= 1.
   * Defaults to {@link chunkSizeFor}`(pieces, parallelism)`.
   */
  chunkSize?: number;
}

/** Shared state of one `until`/`untilSync` call; workers pull chunks from `next`. */
interface Run {
  readonly work: WorkPiece;
  readonly pieces: number;
  readonly chunkSize: number;
  readonly signal: AbortSignal | undefined;
  /** First index not yet handed to a worker. */
  next: number;
  /** Set by the first error or by abort: no new piece may start. */
  stopped: boolean;
  failed: boolean;
  error: unknown;
}

/** The part of its current chunk a worker has not started yet: indices `[at, end)`. */
interface Cursor {
  at: number;
  end: number;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Runs `pieces` independent pieces of work with at most `parallelism` of them in flight, the way
 * kube-scheduler's `parallelize.Parallelizer.Until` does for Filter and Score.
 *
 * Workers take chunks of consecutive indices (kube's {@link chunkSizeFor}) and run each chunk in a plain loop.
 * Synchronous pieces never allocate a promise; a worker awaits only when a piece returns a thenable, and only
 * then do further workers start, so the bound limits pieces waiting on I/O. On one Node thread CPU-bound work
 * does not run in parallel: for synchronous work this costs about as much as a plain loop.
 *
 * @example
 * const parallelizer = new Parallelizer(16);
 * const scores = new Array<number>(nodes.length);
 * await parallelizer.until(nodes.length, (i) => {
 *   scores[i] = score(nodes[i]);
 * });
 */
export class Parallelizer {
  /** Maximum number of pieces in flight at once. */
  readonly parallelism: number;

  /**
   * @param parallelism - Maximum number of pieces in flight at once, an integer >= 1 (kube's default 16).
   * @throws RangeError naming `parallelism` when it is not an integer >= 1.
   */
  constructor(parallelism: number = DEFAULT_PARALLELISM) {
    assertCount('parallelism', parallelism, 1);
    this.parallelism = parallelism;
  }

  /**
   * Runs `work(0)` … `work(pieces - 1)`, each exactly once unless stopped, with at most
   * {@link Parallelizer.parallelism} pieces in flight. Completion order is unspecified; write results by index.
   *
   * - Abort (`options.signal`): no new piece starts, in-flight pieces finish, then the promise resolves.
   * - Error: the first throw or rejection stops new pieces; once in-flight pieces settle the promise rejects
   *   with that first error. Later errors are ignored.
   *
   * @param pieces - Number of pieces, an integer >= 0; zero resolves at once.
   * @param work - The piece to run for an index; may return a promise.
   * @param options - Abort signal and chunk size.
   * @returns A promise that resolves when every started piece has finished.
   *   It rejects with a RangeError naming `pieces` or `chunkSize` when one is out of range.
   */
  until(pieces: number, work: WorkPiece, options?: UntilOptions): Promise<void> {
    let run: Run;
    try {
      run = this.startRun(pieces, work, options);
    } catch (error) {
      return Promise.reject(error);
    }
    const first: Cursor = { at: 0, end: 0 };
    const pending = drain(run, first);
    if (pending === undefined) return run.failed ? Promise.reject(run.error) : RESOLVED;
    return this.continueAsync(run, first, pending);
  }

  /**
   * Runs `work(0)` … `work(pieces - 1)` synchronously in chunks, with no promise at all: the fast path for
   * callers whose work never waits. Abort and error semantics match {@link Parallelizer.until}: an aborted
   * `options.signal` stops the run quietly, the first throw stops it and is rethrown.
   *
   * @param pieces - Number of pieces, an integer >= 0.
   * @param work - The synchronous piece to run for an index.
   * @param options - Abort signal and chunk size.
   * @throws The first error a piece threw; a TypeError when a piece returns a promise (use `until` for
   *   that); a RangeError naming `pieces` or `chunkSize` when one is out of range.
   */
  untilSync(pieces: number, work: SyncWorkPiece, options?: UntilOptions): void {
    const run = this.startRun(pieces, work, options);
    const pending = drain(run, { at: 0, end: 0 });
    if (pending !== undefined) {
      run.stopped = true;
      // The promise is already running; keep its rejection from surfacing as unhandled.
      Promise.resolve(pending).catch(ignore);
      throw new TypeError('untilSync: a work piece returned a promise; use until() for asynchronous work');
    }
    if (run.failed) throw run.error;
  }

  private startRun(pieces: number, work: WorkPiece, options: UntilOptions | undefined): Run {
    assertCount('pieces', pieces, 0);
    const chunkSize = options?.chunkSize ?? chunkSizeFor(pieces, this.parallelism);
    assertCount('chunkSize', chunkSize, 1);
    return {
      work,
      pieces,
      chunkSize,
      signal: options?.signal,
      next: 0,
      stopped: false,
      failed: false,
      error: undefined,
    };
  }

  /** The first worker is waiting on a piece: start the other workers (kube's min(parallelism, chunks)) and wait for all. */
  private async continueAsync(run: Run, first: Cursor, pending: PromiseLike<void>): Promise<void> {
    const workers = [keepWorking(run, first, pending)];
    const remainingChunks = Math.ceil((run.pieces - run.next) / run.chunkSize);
    const extraWorkers = Math.min(this.parallelism - 1, remainingChunks);
    for (let w = 0; w < extraWorkers; w++) {
      const cursor: Cursor = { at: 0, end: 0 };
      const waiting = drain(run, cursor);
      if (waiting !== undefined) workers.push(keepWorking(run, cursor, waiting));
    }
    await Promise.all(workers);
    if (run.failed) throw run.error;
  }
}

/** Waits for a worker's in-flight piece, then drains on; errors are recorded in `run`, never thrown. */
async function keepWorking(run: Run, cursor: Cursor, pending: PromiseLike<void>): Promise<void> {
  for (;;) {
    try {
      await pending;
    } catch (error) {
      fail(run, error);
    }
    const next = drain(run, cursor);
    if (next === undefined) return;
    pending = next;
  }
}

/**
 * Runs pieces synchronously: the rest of the worker's chunk, then further chunks from the shared cursor.
 * Returns the thenable of the first piece that did not complete synchronously (the cursor then holds the rest
 * of that piece's chunk), or `undefined` when there is nothing left to start.
 */
function drain(run: Run, cursor: Cursor): PromiseLike<void> | undefined {
  const { pieces, chunkSize } = run;
  const from = cursor.at;
  const to = cursor.end;
  cursor.at = cursor.end = 0;
  if (run.stopped) return undefined;
  // Without a signal only a throw can stop a synchronous span, so that loop skips the per-piece abort check.
  const runSpan = run.signal === undefined ? runPlainSpan : runWatchedSpan;
  try {
    if (from < to) {
      const pending = runSpan(run, cursor, from, to);
      if (pending !== undefined) {
        cursor.end = to;
        return pending;
      }
      if (run.stopped) return undefined;
    }
    // No other worker runs until this call returns, so rather than claiming chunk after chunk (kube's order)
    // the worker runs straight on and settles its claim, at the end of the chunk it stopped in, afterwards.
    const next = run.next;
    if (next >= pieces) return undefined;
    const pending = runSpan(run, cursor, next, pieces);
    if (pending === undefined) {
      run.next = pieces;
      return undefined;
    }
    const waitingIndex = cursor.at - 1;
    cursor.end = run.next = Math.min(pieces, (Math.floor(waitingIndex / chunkSize) + 1) * chunkSize);
    return pending;
  } catch (error) {
    fail(run, error);
    return undefined;
  }
}

/**
 * Runs pieces `[from, to)` in a plain loop until one returns a thenable, which it returns with `cursor.at` just
 * past that piece. The hot path: it allocates nothing.
 */
function runPlainSpan(run: Run, cursor: Cursor, from: number, to: number): PromiseLike<void> | undefined {
  const work = run.work;
  for (let index = from; index < to; index++) {
    const result: unknown = work(index);
    if (result !== undefined && isThenable(result)) {
      cursor.at = index + 1;
      return result;
    }
  }
  return undefined;
}

/** {@link runPlainSpan} that checks the run's abort signal before each piece (a piece may abort it). */
function runWatchedSpan(run: Run, cursor: Cursor, from: number, to: number): PromiseLike<void> | undefined {
  const { work, signal } = run;
  for (let index = from; index < to; index++) {
    if (signal!.aborted) {
      run.stopped = true;
      return undefined;
    }
    const result: unknown = work(index);
    if (result !== undefined && isThenable(result)) {
      cursor.at = index + 1;
      return result;
    }
  }
  return undefined;
}

function fail(run: Run, error: unknown): void {
  if (!run.failed) {
    run.failed = true;
    run.error = error;
  }
  run.stopped = true;
}

function isThenable(value: unknown): value is PromiseLike<void> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function ignore(): void {}
