import { describe, expect, it } from 'vitest';
import { DEFAULT_PARALLELISM, Parallelizer } from './parallelizer.js';

interface Deferred {
  readonly index: number;
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(index: number): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { index, promise, resolve, reject };
}

/** Lets every queued microtask and immediate run, so workers reach their next await. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Tracks settlement of a promise without handling it twice. */
function observe(promise: Promise<void>): { settled: () => boolean; outcome: Promise<unknown> } {
  let settled = false;
  const outcome = promise.then(
    () => {
      settled = true;
      return 'resolved';
    },
    (error: unknown) => {
      settled = true;
      return error;
    },
  );
  return { settled: () => settled, outcome };
}

/**
 * Async work whose pieces wait on deferreds the test controls; counts pieces in flight.
 * `started` lists indices in start order, `finished` in completion order.
 */
function controlledWork() {
  const pending: Deferred[] = [];
  const started: number[] = [];
  const finished: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const work = (index: number): Promise<void> => {
    started.push(index);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const piece = deferred(index);
    pending.push(piece);
    return piece.promise.finally(() => {
      inFlight--;
      finished.push(index);
    });
  };
  return {
    work,
    pending,
    started,
    finished,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
  };
}

/** A small deterministic PRNG (mulberry32) so random orders are reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Parallelizer constructor', () => {
  it('defaults to kube-scheduler parallelism 16', () => {
    expect(DEFAULT_PARALLELISM).toBe(16);
    expect(new Parallelizer().parallelism).toBe(16);
    expect(new Parallelizer(1).parallelism).toBe(1);
    expect(new Parallelizer(64).parallelism).toBe(64);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects parallelism %s', (parallelism) => {
    expect(() => new Parallelizer(parallelism)).toThrow(RangeError);
    expect(() => new Parallelizer(parallelism)).toThrow(/^parallelism must be an integer >= 1/);
  });
});

describe('Parallelizer.until concurrency bound', () => {
  // Workers = min(parallelism, ceil(pieces / chunkSizeFor(pieces, parallelism))), as in kube's ParallelizeUntil.
  it.each([
    { pieces: 100, parallelism: 4, expectedMax: 4 },
    { pieces: 5, parallelism: 1, expectedMax: 1 },
    { pieces: 10, parallelism: 16, expectedMax: 10 }, // chunk 1, 10 chunks
    { pieces: 20, parallelism: 16, expectedMax: 10 }, // chunk 2, 10 chunks
    { pieces: 100, parallelism: 16, expectedMax: 15 }, // chunk 7, 15 chunks
    { pieces: 1000, parallelism: 16, expectedMax: 16 }, // chunk 31, 33 chunks
  ])('$pieces async pieces at parallelism $parallelism peak at $expectedMax in flight', async ({
    pieces,
    parallelism,
    expectedMax,
  }) => {
    const ctl = controlledWork();
    const done = observe(new Parallelizer(parallelism).until(pieces, ctl.work));
    const rand = random(pieces * 31 + parallelism);
    while (!done.settled()) {
      await flush();
      expect(ctl.inFlight()).toBeLessThanOrEqual(parallelism);
      if (ctl.pending.length > 0) {
        // Complete a random in-flight piece so workers finish out of order.
        const [piece] = ctl.pending.splice(Math.floor(rand() * ctl.pending.length), 1);
        piece!.resolve();
      }
    }
    expect(await done.outcome).toBe('resolved');
    expect(ctl.maxInFlight()).toBe(expectedMax);
    expect([...ctl.started].sort((a, b) => a - b)).toEqual(Array.from({ length: pieces }, (_, i) => i));
    expect(ctl.finished).toHaveLength(pieces);
  });

  it('hands each worker a chunk of consecutive indices (kube chunking)', async () => {
    // 8 pieces at parallelism 4: chunk = min(floor(sqrt(8)), 8/4 + 1) = 2, so workers start at 0, 2, 4, 6.
    const ctl = controlledWork();
    const run = new Parallelizer(4).until(8, ctl.work);
    await flush();
    expect(ctl.started).toEqual([0, 2, 4, 6]);
    while (ctl.pending.length > 0) {
      ctl.pending.shift()!.resolve();
      await flush();
    }
    await run;
    expect([...ctl.started].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps the rest of its chunk when a worker first waits after running sync pieces', async () => {
    // 12 pieces at parallelism 4: chunk = min(3, 12/4 + 1) = 3, chunks [0,3) [3,6) [6,9) [9,12).
    // Pieces 0-3 are sync; piece 4 waits, so its worker keeps 5 and the others take 6 and 9.
    const ctl = controlledWork();
    const run = new Parallelizer(4).until(12, (i) => (i < 4 ? undefined : ctl.work(i)));
    await flush();
    expect(ctl.started).toEqual([4, 6, 9]);
    ctl.pending.shift()!.resolve();
    await flush();
    expect(ctl.started).toEqual([4, 6, 9, 5]);
    while (ctl.pending.length > 0) {
      ctl.pending.shift()!.resolve();
      await flush();
    }
    await run;
    expect([...ctl.started].sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('uses an explicit chunkSize', async () => {
    const ctl = controlledWork();
    const run = new Parallelizer(4).until(8, ctl.work, { chunkSize: 1 });
    await flush();
    expect(ctl.started).toEqual([0, 1, 2, 3]);
    while (ctl.pending.length > 0) {
      ctl.pending.shift()!.resolve();
      await flush();
    }
    await run;
    expect(ctl.started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('runs synchronous work to completion before until returns, in index order', async () => {
    const order: number[] = [];
    const run = new Parallelizer(4).until(100, (i) => {
      order.push(i);
    });
    // No piece waited, so no worker ever suspended.
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
    await expect(run).resolves.toBeUndefined();
  });

  it('bounds a mix of synchronous and asynchronous pieces', async () => {
    const ctl = controlledWork();
    let syncRuns = 0;
    const done = observe(
      new Parallelizer(3).until(60, (i) => {
        if (i % 3 === 0) return ctl.work(i);
        syncRuns++;
      }),
    );
    while (!done.settled()) {
      await flush();
      expect(ctl.inFlight()).toBeLessThanOrEqual(3);
      ctl.pending.pop()?.resolve();
    }
    expect(await done.outcome).toBe('resolved');
    expect(syncRuns).toBe(40);
    expect(ctl.finished).toHaveLength(20);
    expect(ctl.maxInFlight()).toBe(3);
  });
});

describe('Parallelizer cancellation', () => {
  it.each([0, 1, 7, 99])('sync work aborted by piece %i starts no later piece', async (k) => {
    const controller = new AbortController();
    let started = 0;
    await new Parallelizer(16).until(
      100,
      () => {
        started++;
        if (started === k + 1) controller.abort();
      },
      { signal: controller.signal },
    );
    expect(started).toBe(k + 1);
  });

  it('untilSync honours an abort from inside a piece', () => {
    const controller = new AbortController();
    const ran: number[] = [];
    new Parallelizer(16).untilSync(
      5000,
      (i) => {
        ran.push(i);
        if (ran.length === 123) controller.abort();
      },
      { signal: controller.signal },
    );
    expect(ran).toEqual(Array.from({ length: 123 }, (_, i) => i));
  });

  it('starts nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let started = 0;
    await new Parallelizer(4).until(10, () => void started++, { signal: controller.signal });
    new Parallelizer(4).untilSync(10, () => void started++, { signal: controller.signal });
    expect(started).toBe(0);
  });

  it('async: after abort no piece starts, in-flight pieces finish, then until resolves', async () => {
    const ctl = controlledWork();
    const controller = new AbortController();
    const done = observe(new Parallelizer(4).until(100, ctl.work, { signal: controller.signal }));
    let startedAtAbort = -1;
    while (!done.settled()) {
      await flush();
      if (ctl.finished.length === 10 && startedAtAbort < 0) {
        controller.abort();
        startedAtAbort = ctl.started.length;
        expect(ctl.inFlight()).toBe(4);
      }
      // Still waiting on in-flight pieces after the abort.
      if (startedAtAbort >= 0 && ctl.inFlight() > 0) expect(done.settled()).toBe(false);
      ctl.pending.shift()?.resolve();
    }
    expect(await done.outcome).toBe('resolved');
    expect(ctl.started).toHaveLength(startedAtAbort);
    expect(ctl.finished).toHaveLength(startedAtAbort);
    expect(ctl.inFlight()).toBe(0);
  });
});

describe('Parallelizer errors', () => {
  it('a sync throw rejects until with it and starts no later piece', async () => {
    const boom = new Error('piece 7');
    const started: number[] = [];
    const run = new Parallelizer(4).until(100, (i) => {
      started.push(i);
      if (i === 7) throw boom;
    });
    await expect(run).rejects.toBe(boom);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('untilSync rethrows the first sync throw and starts no later piece', () => {
    const boom = new Error('piece 41');
    let started = 0;
    expect(() =>
      new Parallelizer(16).untilSync(5000, (i) => {
        started++;
        if (i === 41) throw boom;
      }),
    ).toThrow(boom);
    expect(started).toBe(42);
  });

  it('an async rejection rejects only after in-flight pieces settle; later errors are ignored', async () => {
    const ctl = controlledWork();
    const first = new Error('first');
    const second = new Error('second');
    const done = observe(new Parallelizer(4).until(100, ctl.work));
    await flush();
    expect(ctl.inFlight()).toBe(4);

    ctl.pending.shift()!.reject(first);
    await flush();
    const startedAtError = ctl.started.length;
    expect(startedAtError).toBe(4);
    expect(ctl.inFlight()).toBe(3);
    expect(done.settled()).toBe(false);

    ctl.pending.shift()!.reject(second);
    await flush();
    ctl.pending.shift()!.resolve();
    await flush();
    expect(done.settled()).toBe(false);

    ctl.pending.shift()!.resolve();
    expect(await done.outcome).toBe(first);
    expect(ctl.started).toHaveLength(startedAtError);
    expect(ctl.inFlight()).toBe(0);
  });

  it('a sync throw while async pieces are in flight waits for them', async () => {
    const ctl = controlledWork();
    const boom = new Error('sync');
    const done = observe(
      new Parallelizer(2).until(
        10,
        (i) => {
          if (i === 5) throw boom;
          return ctl.work(i);
        },
        { chunkSize: 5 },
      ),
    );
    await flush();
    // Worker 1 waits on piece 0, worker 2 threw at piece 5.
    expect(ctl.started).toEqual([0]);
    expect(done.settled()).toBe(false);
    ctl.pending.shift()!.resolve();
    expect(await done.outcome).toBe(boom);
    expect(ctl.started).toEqual([0]);
  });

  it('untilSync refuses work that returns a promise', async () => {
    const work = (() => Promise.reject(new Error('async'))) as unknown as (i: number) => void;
    expect(() => new Parallelizer(4).untilSync(3, work)).toThrow(TypeError);
    // The stray rejection is handled, so nothing surfaces as unhandled.
    await flush();
  });
});

describe('Parallelizer order independence', () => {
  it.each([
    { seed: 1, parallelism: 1 },
    { seed: 2, parallelism: 3 },
    { seed: 3, parallelism: 16 },
    { seed: 4, parallelism: 64 },
  ])('results by index do not depend on completion order (seed $seed, p=$parallelism)', async ({
    seed,
    parallelism,
  }) => {
    const pieces = 200;
    const rand = random(seed);
    const delays = Array.from({ length: pieces }, () => Math.floor(rand() * 4));
    const results = new Array<number>(pieces);
    const completion: number[] = [];
    await new Parallelizer(parallelism).until(pieces, async (i) => {
      await new Promise((resolve) => setTimeout(resolve, delays[i]));
      results[i] = i * i + 1;
      completion.push(i);
    });
    expect(results).toEqual(Array.from({ length: pieces }, (_, i) => i * i + 1));
    expect(completion).toHaveLength(pieces);
    if (parallelism > 1) expect(completion).not.toEqual([...completion].sort((a, b) => a - b));
  });
});

describe('Parallelizer arguments', () => {
  it('zero pieces resolve at once without calling work', async () => {
    let calls = 0;
    await expect(new Parallelizer().until(0, () => void calls++)).resolves.toBeUndefined();
    new Parallelizer().untilSync(0, () => void calls++);
    expect(calls).toBe(0);
  });

  it('one piece runs once', async () => {
    const seen: number[] = [];
    await new Parallelizer().until(1, (i) => void seen.push(i));
    new Parallelizer().untilSync(1, (i) => void seen.push(i));
    expect(seen).toEqual([0, 0]);
  });

  it.each([
    { pieces: -1, options: {}, name: 'pieces' },
    { pieces: 2.5, options: {}, name: 'pieces' },
    { pieces: Number.NaN, options: {}, name: 'pieces' },
    { pieces: 10, options: { chunkSize: 0 }, name: 'chunkSize' },
    { pieces: 10, options: { chunkSize: 1.5 }, name: 'chunkSize' },
  ])('pieces=$pieces options=$options fails with a RangeError naming $name', async ({ pieces, options, name }) => {
    let calls = 0;
    const parallelizer = new Parallelizer(4);
    const pattern = new RegExp(`^${name} must be an integer >= `);
    await expect(parallelizer.until(pieces, () => void calls++, options)).rejects.toThrow(RangeError);
    await expect(parallelizer.until(pieces, () => void calls++, options)).rejects.toThrow(pattern);
    expect(() => parallelizer.untilSync(pieces, () => void calls++, options)).toThrow(pattern);
    expect(calls).toBe(0);
  });
});
