import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress, RetryEveryMs } from './progress.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('progress', () => {
  it('goes on reporting after 100% while pending pods are retried, at most every few seconds', () => {
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const lines: string[] = [];
    const stream = { isTTY: false, write: (text: string) => lines.push(text.trimEnd()) } as unknown as NodeJS.WriteStream;
    const progress = createProgress(stream, 'scheduling');
    now = 1_000;
    progress.update(10, 10);
    progress.retrying(4, 12);
    expect(lines).toEqual(['scheduling: 100% (10 of 10 pods, 1.0 s)']);
    now = 1_000 + RetryEveryMs;
    progress.retrying(3, 1_500);
    now += 10;
    progress.retrying(3, 1_501);
    now += RetryEveryMs;
    progress.retrying(2, 2_500);
    expect(lines.slice(1)).toEqual([
      'scheduling: retrying, 3 pods pending, 1,500 scheduling cycles (3.0 s)',
      'scheduling: retrying, 2 pods pending, 2,500 scheduling cycles (5.0 s)',
    ]);
  });
});
