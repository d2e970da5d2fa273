import { describe, expect, it } from 'vitest';
import { numFeasibleNodesToFind } from './sampling.js';

describe('numFeasibleNodesToFind (kube adaptive sampling)', () => {
  // [percentageOfNodesToScore, nodes, expected]
  const table: [number | undefined, number, number][] = [
    [undefined, 0, 0],
    [undefined, 50, 50],
    [undefined, 99, 99],
    [undefined, 100, 100], // 50 - 0 = 50% of 100 = 50 -> at least 100
    [undefined, 500, 230], // 50 - 4 = 46%
    [undefined, 1000, 420], // 50 - 8 = 42%
    [undefined, 5000, 500], // 50 - 40 = 10%
    [undefined, 6000, 300], // 50 - 48 = 2% -> 5%
    [undefined, 15000, 750], // 50 - 120 < 5 -> 5%
    [0, 1000, 420],
    [10, 1000, 100],
    [10, 5000, 500],
    [1, 5000, 100], // never fewer than 100
    [100, 5000, 5000],
    [50, 99, 99], // below 100 nodes: all
  ];
  it.each(table)('percentage %s of %i nodes -> %i', (percentage, nodes, expected) => {
    expect(numFeasibleNodesToFind(percentage, nodes)).toBe(expected);
  });
});
