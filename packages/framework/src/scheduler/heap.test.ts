import { describe, expect, it } from 'vitest';
import { Heap } from './heap.js';

describe('Heap', () => {
  it('pops in order and supports update and delete by key', () => {
    const heap = new Heap<{ k: string; v: number }>((x) => x.k, (a, b) => a.v < b.v);
    const values = [5, 3, 9, 1, 7, 2, 8];
    for (const [i, v] of values.entries()) heap.push({ k: `k${i}`, v });
    heap.push({ k: 'k2', v: 0 }); // 9 -> 0
    heap.delete('k4'); // removes 7
    const out: number[] = [];
    for (let item = heap.pop(); item; item = heap.pop()) out.push(item.v);
    expect(out).toEqual([0, 1, 2, 3, 5, 8]);
  });

  it('keeps the heap property under random operations', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const heap = new Heap<{ k: string; v: number }>((x) => x.k, (a, b) => a.v < b.v);
    const model = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const key = `k${Math.floor(rand() * 200)}`;
      if (rand() < 0.3) {
        heap.delete(key);
        model.delete(key);
      } else {
        const v = Math.floor(rand() * 1000);
        heap.push({ k: key, v });
        model.set(key, v);
      }
    }
    const popped: number[] = [];
    for (let item = heap.pop(); item; item = heap.pop()) popped.push(item.v);
    expect(popped).toEqual([...model.values()].sort((a, b) => a - b));
  });
});
