import { describe, expect, it } from 'vitest';
import type { NodeScore } from './extension-points.js';
import { defaultNormalizeScore } from './normalize.js';

function run(raw: number[], reverse: boolean, maxPriority = 100): number[] {
  const scores: NodeScore[] = raw.map((score, i) => ({ name: `n${i}`, score }));
  defaultNormalizeScore(maxPriority, reverse, scores);
  return scores.map((s) => s.score);
}

describe('defaultNormalizeScore (kube helper.DefaultNormalizeScore)', () => {
  const cases: [string, number[], boolean, number[]][] = [
    ['all zero stays zero', [0, 0, 0], false, [0, 0, 0]],
    ['all zero reversed is all max', [0, 0, 0], true, [100, 100, 100]],
    ['scaled to the max', [1, 2, 4], false, [25, 50, 100]],
    ['integer division truncates', [1, 3], false, [33, 100]],
    ['truncation happens before reversing', [0, 1, 3], true, [100, 67, 0]],
    ['reversed halves', [0, 1, 2], true, [100, 50, 0]],
    ['weights summed above 100 are scaled down', [150, 75, 0], false, [100, 50, 0]],
    ['a single node', [7], false, [100]],
    ['no nodes', [], true, []],
  ];
  it.each(cases)('%s', (_name, raw, reverse, expected) => {
    expect(run(raw, reverse)).toEqual(expected);
  });

  it('scales to another maximum priority', () => {
    expect(run([1, 2, 3], false, 10)).toEqual([3, 6, 10]);
    expect(run([1, 2, 3], true, 10)).toEqual([7, 4, 0]);
    expect(run([0, 0], true, 10)).toEqual([10, 10]);
  });
});
