import { describe, expect, it } from 'vitest';
import { chunkSizeFor } from './chunk-size.js';

describe('chunkSizeFor', () => {
  // max(1, min(floor(sqrt(n)), floor(n / p) + 1)), kube-scheduler's parallelize.chunkSizeFor.
  it.each([
    { pieces: 0, parallelism: 16, expected: 1 },
    { pieces: 1, parallelism: 16, expected: 1 },
    { pieces: 2, parallelism: 1, expected: 1 },
    { pieces: 9, parallelism: 2, expected: 3 },
    { pieces: 10, parallelism: 16, expected: 1 },
    { pieces: 15, parallelism: 16, expected: 1 },
    { pieces: 16, parallelism: 16, expected: 2 },
    { pieces: 17, parallelism: 16, expected: 2 },
    { pieces: 50, parallelism: 16, expected: 4 },
    { pieces: 100, parallelism: 4, expected: 10 },
    { pieces: 100, parallelism: 16, expected: 7 },
    { pieces: 1000, parallelism: 100, expected: 11 },
    { pieces: 1000, parallelism: 16, expected: 31 },
    { pieces: 5000, parallelism: 1, expected: 70 },
    { pieces: 5000, parallelism: 16, expected: 70 },
    { pieces: 15000, parallelism: 16, expected: 122 },
  ])('n=$pieces p=$parallelism -> $expected', ({ pieces, parallelism, expected }) => {
    expect(chunkSizeFor(pieces, parallelism)).toBe(expected);
  });

  it.each([
    { pieces: -1, parallelism: 16, name: 'pieces' },
    { pieces: 1.5, parallelism: 16, name: 'pieces' },
    { pieces: Number.NaN, parallelism: 16, name: 'pieces' },
    { pieces: 10, parallelism: 0, name: 'parallelism' },
    { pieces: 10, parallelism: 2.5, name: 'parallelism' },
    { pieces: 10, parallelism: Number.POSITIVE_INFINITY, name: 'parallelism' },
  ])('rejects pieces=$pieces parallelism=$parallelism naming $name', ({ pieces, parallelism, name }) => {
    expect(() => chunkSizeFor(pieces, parallelism)).toThrow(RangeError);
    expect(() => chunkSizeFor(pieces, parallelism)).toThrow(new RegExp(`^${name} `));
  });
});
