import { describe, expect, it } from 'vitest';
import type { ResourceSpec, UtilizationShapePoint } from './args.js';
import {
  brokenLinearFunction,
  leastAllocatedScorer,
  leastRequestedScore,
  mostAllocatedScorer,
  mostRequestedScore,
  mulDiv,
  requestedToCapacityRatioScorer,
} from './scorers.js';

const cpuAndMemory: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];
const cpuHeavy: ResourceSpec[] = [
  { name: 'cpu', weight: 3 },
  { name: 'memory', weight: 1 },
];

/** [case, resources, requested, allocatable, score] */
type ScorerCase = [string, ResourceSpec[], number[], number[], number];

describe('LeastAllocated', () => {
  const cases: ScorerCase[] = [
    ['3000m of 4000m cpu and 5000 of 10000 memory: (25 + 50) / 2', cpuAndMemory, [3000, 5000], [4000, 10000], 37],
    ['an empty node scores 100', cpuAndMemory, [0, 0], [4000, 10000], 100],
    ['an over-committed resource scores 0', cpuAndMemory, [5000, 5000], [4000, 10000], 25],
    ['a resource the node does not offer is left out of the mean', cpuAndMemory, [0, 5000], [0, 10000], 50],
    ['a node offering none of the resources scores 0', cpuAndMemory, [0, 0], [0, 0], 0],
    ['weights: (25 x 3 + 50) / 4, truncated', cpuHeavy, [3000, 5000], [4000, 10000], 31],
  ];
  it.each(cases)('%s', (_name, resources, requested, allocatable, score) => {
    expect(leastAllocatedScorer(resources)(requested, allocatable)).toBe(score);
  });
});

describe('MostAllocated', () => {
  const cases: ScorerCase[] = [
    ['3000m of 4000m cpu and 5000 of 10000 memory: (75 + 50) / 2', cpuAndMemory, [3000, 5000], [4000, 10000], 62],
    ['an over-committed resource counts as full', cpuAndMemory, [6000, 5000], [4000, 10000], 75],
    ['per-resource scores are truncated: (33 + 30) / 2', cpuAndMemory, [1, 3], [3, 10], 31],
    ['weights: (75 x 3 + 50) / 4', cpuHeavy, [3000, 5000], [4000, 10000], 68],
    ['a node offering none of the resources scores 0', cpuAndMemory, [10, 10], [0, 0], 0],
  ];
  it.each(cases)('%s', (_name, resources, requested, allocatable, score) => {
    expect(mostAllocatedScorer(resources)(requested, allocatable)).toBe(score);
  });
});

describe('brokenLinearFunction', () => {
  const shape = [
    { utilization: 10, score: 20 },
    { utilization: 50, score: 80 },
  ];
  const cases: [number, number][] = [
    [0, 20],
    [10, 20],
    [30, 50],
    [31, 51],
    [50, 80],
    [90, 80],
  ];
  it.each(cases)('f(%i) = %i', (utilization, score) => {
    expect(brokenLinearFunction(shape)(utilization)).toBe(score);
  });

  it('truncates toward zero on a falling segment, as Go integer division does', () => {
    // 100 + (0 - 100) x 10 / 30 = 100 - 33.3: Go gives 67 (floor would give 66).
    expect(brokenLinearFunction([{ utilization: 0, score: 100 }, { utilization: 30, score: 0 }])(10)).toBe(67);
  });
});

describe('RequestedToCapacityRatio', () => {
  const binPacking: UtilizationShapePoint[] = [
    { utilization: 0, score: 0 },
    { utilization: 100, score: 10 },
  ];
  const spreading: UtilizationShapePoint[] = [
    { utilization: 0, score: 10 },
    { utilization: 100, score: 0 },
  ];
  const cases: [string, UtilizationShapePoint[], number[], number[], number][] = [
    ['bin packing, 75% and 50% used: round(125 / 2)', binPacking, [3000, 5000], [4000, 10000], 63],
    ['spreading, 75% and 50% used: round(75 / 2)', spreading, [3000, 5000], [4000, 10000], 38],
    ['a resource scoring 0 is left out of the mean', binPacking, [0, 5000], [4000, 10000], 50],
    ['over capacity scores as 100% used', binPacking, [5000, 10000], [4000, 10000], 100],
    ['utilization is an integer percentage: 1 of 3 is 33%', binPacking, [1, 0], [3, 10], 33],
    ['a node offering none of the resources scores 0', binPacking, [1, 1], [0, 0], 0],
  ];
  it.each(cases)('%s', (_name, shape, requested, allocatable, score) => {
    expect(requestedToCapacityRatioScorer(cpuAndMemory, shape)(requested, allocatable)).toBe(score);
  });

  it('weights the per-resource scores', () => {
    // cpu 75 x 3, memory 50 x 1: round(275 / 4) = round(68.75) = 69.
    expect(requestedToCapacityRatioScorer(cpuHeavy, binPacking)([3000, 5000], [4000, 10000])).toBe(69);
  });
});

describe('integer arithmetic on large byte counts', () => {
  const capacity = 200 * 1024 ** 4; // 200 TiB of ephemeral storage
  it('keeps Go int64 results where doubles would round', () => {
    // (capacity - 1) x 100 exceeds 2^53: a double product rounds up to exactly 100 x capacity.
    expect(leastRequestedScore(1, capacity)).toBe(99);
    expect(mostRequestedScore(capacity - 1, capacity)).toBe(99);
    expect(mulDiv(capacity - 1, 100, capacity)).toBe(99);
  });
  it('truncates negative quotients toward zero', () => {
    expect(mulDiv(-100, 10, 30)).toBe(-33);
  });
});
