import { Parallelizer } from '@schedkit/parallelizer';
import { Bench } from 'tinybench';
import { isMain } from './cli.js';
import { fixed, printTable, writeResult } from './report.js';
import { median } from './stats.js';

/** Sync work: the parallelizer (until and untilSync) against a plain loop calling the same piece. */
export interface SyncResult {
  pieces: number;
  plainUs: number;
  untilUs: number;
  untilSyncUs: number;
  /** (until - plain) / plain, in percent. */
  untilOverheadPercent: number;
  untilSyncOverheadPercent: number;
}

/** Async work: pieces that each wait on a timer, at parallelism 16. */
export interface AsyncResult {
  pieces: number;
  pieceMs: number;
  parallelism: number;
  /** ceil(pieces / parallelism) * pieceMs. */
  idealMs: number;
  /** How long one `setTimeout(pieceMs)` really takes here (median of 50), and the ideal counted with it. */
  timerMs: number;
  idealWithTimerMs: number;
  medianMs: number;
  runsMs: number[];
}

/**
 * Measures the parallelizer on synchronous pieces of about a Filter's size (read a node's allocatable and
 * requested amounts, check the fit, write a score) against a plain loop that calls the same piece for each index.
 */
export async function measureSync(pieces = 5000, timeMs = 1500): Promise<SyncResult> {
  const parallelizer = new Parallelizer(16);
  const out = new Float64Array(pieces);
  const nodes = Array.from({ length: pieces }, (_, i) => ({
    allocatable: { milliCPU: 4000, memory: 34_359_738_368 },
    requested: { milliCPU: (i % 40) * 100, memory: (i % 40) * 524_288_000 },
  }));
  const piece = (i: number): void => {
    const node = nodes[i]!;
    const freeCpu = node.allocatable.milliCPU - node.requested.milliCPU;
    const freeMemory = node.allocatable.memory - node.requested.memory;
    out[i] = freeCpu >= 100 && freeMemory >= 524_288_000 ? Math.trunc((freeCpu * 100) / node.allocatable.milliCPU + (freeMemory * 100) / node.allocatable.memory) : 0;
  };
  const bench = new Bench({ time: timeMs, warmupTime: 300 });
  bench.add('plain loop', () => {
    plainLoop(pieces, piece);
  });
  bench.add('until', async () => {
    await parallelizer.until(pieces, piece);
  });
  bench.add('untilSync', () => {
    parallelizer.untilSync(pieces, piece);
  });
  await bench.run();
  const us = (name: string): number => {
    const result = bench.getTask(name)?.result;
    if (!result || !('latency' in result)) throw new Error(`task ${name} did not complete`);
    return result.latency.p50 * 1000;
  };
  const plainUs = us('plain loop');
  const untilUs = us('until');
  const untilSyncUs = us('untilSync');
  return {
    pieces,
    plainUs,
    untilUs,
    untilSyncUs,
    untilOverheadPercent: ((untilUs - plainUs) / plainUs) * 100,
    untilSyncOverheadPercent: ((untilSyncUs - plainUs) / plainUs) * 100,
  };
}

/** The baseline: every piece in order, in a function of its own like the parallelizer's inner loop. */
function plainLoop(pieces: number, work: (index: number) => void): void {
  for (let i = 0; i < pieces; i++) work(i);
}

/** Runs `pieces` pieces of `pieceMs` ms of timer wait at `parallelism`, `runs` times; the wall time of each run. */
export async function measureAsync(pieces = 1000, pieceMs = 5, parallelism = 16, runs = 5): Promise<AsyncResult> {
  const parallelizer = new Parallelizer(parallelism);
  const wait = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, pieceMs));
  const timers: number[] = [];
  for (let t = 0; t < 50; t++) {
    const started = performance.now();
    await wait();
    timers.push(performance.now() - started);
  }
  const timerMs = median(timers);
  const rounds = Math.ceil(pieces / parallelism);
  const runsMs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    await parallelizer.until(pieces, wait);
    runsMs.push(performance.now() - started);
  }
  return { pieces, pieceMs, parallelism, idealMs: rounds * pieceMs, timerMs, idealWithTimerMs: rounds * timerMs, medianMs: median(runsMs), runsMs };
}

async function main(): Promise<void> {
  const sync = await measureSync();
  printTable('parallelizer, synchronous pieces (target overhead <= 5%)', [
    { variant: 'plain loop', 'us per run (p50)': fixed(sync.plainUs, 1), overhead: '-' },
    { variant: 'until (awaited)', 'us per run (p50)': fixed(sync.untilUs, 1), overhead: `${fixed(sync.untilOverheadPercent, 1)}%` },
    { variant: 'untilSync', 'us per run (p50)': fixed(sync.untilSyncUs, 1), overhead: `${fixed(sync.untilSyncOverheadPercent, 1)}%` },
  ]);
  const io = await measureAsync();
  printTable(`parallelizer, ${io.pieces} pieces of ${io.pieceMs} ms timer wait at parallelism ${io.parallelism}`, [
    {
      'ideal ms': io.idealMs,
      'median ms': fixed(io.medianMs, 1),
      'ratio to ideal': fixed(io.medianMs / io.idealMs, 2),
      'one timer ms': fixed(io.timerMs, 2),
      'ratio to ideal with that timer': fixed(io.medianMs / io.idealWithTimerMs, 2),
      runs: io.runsMs.map((ms) => fixed(ms)).join(' '),
    },
  ]);
  console.log(`wrote ${writeResult('micro-parallelizer', { sync, async: io })}`);
}

if (isMain(import.meta.url)) await main();
