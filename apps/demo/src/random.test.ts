import { describe, expect, it } from 'vitest';
import { SeededRandom } from './random.js';

describe('SeededRandom', () => {
  it('is mulberry32: seed 1 starts 0.6270739405881613, 0.002735721180215478, 0.5274470399599522', () => {
    const random = new SeededRandom(1);
    expect([random.next(), random.next(), random.next()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  });

  it('gives the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 20 }, () => random.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('int(min, max) stays within both bounds and reaches each of them', () => {
    const random = new SeededRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const value = random.int(3, 8);
      expect(value).toBeGreaterThanOrEqual(3);
      expect(value).toBeLessThanOrEqual(8);
      seen.add(value);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it('weighted never picks a zero weight and follows the weights roughly', () => {
    const random = new SeededRandom(9);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 10_000; i++) counts[random.weighted<'a' | 'b' | 'never'>([['a', 3], ['never', 0], ['b', 1]])]++;
    expect(counts.never).toBe(0);
    expect(counts.a / counts.b).toBeGreaterThan(2.5);
    expect(counts.a / counts.b).toBeLessThan(3.5);
  });

  it('fork gives an independent sequence that is itself reproducible', () => {
    const a = new SeededRandom(5);
    const b = new SeededRandom(5);
    const forkA = a.fork();
    const forkB = b.fork();
    expect(forkA.next()).toBe(forkB.next());
    expect(a.next()).toBe(b.next());
    expect(new SeededRandom(5).fork().next()).not.toBe(new SeededRandom(5).next());
  });

  it('pick refuses an empty list', () => {
    expect(() => new SeededRandom(1).pick([])).toThrow(RangeError);
  });
});
