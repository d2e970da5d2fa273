import { describe, expect, it } from 'vitest';
import { CriticalPaths, NoDomainMatchNum } from './critical-paths.js';

const view = (p: CriticalPaths) => [
  [p.firstValue, p.firstMatchNum],
  [p.secondValue, p.secondMatchNum],
];

describe('CriticalPaths (kube criticalPaths)', () => {
  it.each([
    { name: 'no domain', counts: [], want: [['', NoDomainMatchNum], ['', NoDomainMatchNum]] },
    { name: 'one domain', counts: [['a', 3]], want: [['a', 3], ['', NoDomainMatchNum]] },
    { name: 'two smallest of three', counts: [['a', 3], ['b', 1], ['c', 2]], want: [['b', 1], ['c', 2]] },
    { name: 'ties keep the first seen', counts: [['a', 1], ['b', 1], ['c', 1]], want: [['a', 1], ['b', 1]] },
  ] as { name: string; counts: [string, number][]; want: unknown }[])('of: $name', ({ counts, want }) => {
    expect(view(CriticalPaths.of(new Map(counts)))).toEqual(want);
  });

  it('updating a tracked domain re-sorts the two paths', () => {
    const paths = CriticalPaths.of(new Map([['a', 1], ['b', 2], ['c', 5]]));
    paths.update('a', 3);
    expect(view(paths)).toEqual([['b', 2], ['a', 3]]);
  });

  it('an untracked domain dropping below the minimum becomes the first path', () => {
    const paths = CriticalPaths.of(new Map([['a', 1], ['b', 2], ['c', 5]]));
    paths.update('c', 0);
    expect(view(paths)).toEqual([['c', 0], ['a', 1]]);
  });

  it('like kube, the minimum is not recomputed from untracked domains when tracked ones grow', () => {
    // a=1, b=1, c=1 tracks a and b; raising both leaves c (1) untracked, so the minimum reads 2.
    const paths = CriticalPaths.of(new Map([['a', 1], ['b', 1], ['c', 1]]));
    paths.update('a', 2);
    paths.update('b', 2);
    expect(paths.minMatchNum).toBe(2);
  });

  it('clone is independent', () => {
    const paths = CriticalPaths.of(new Map([['a', 1]]));
    const copy = paths.clone();
    copy.update('b', 0);
    expect(paths.minMatchNum).toBe(1);
    expect(copy.minMatchNum).toBe(0);
  });
});
