import { describe, expect, it } from 'vitest';
import { WatchQueue } from './watch-queue.js';

describe('WatchQueue de-duplication', () => {
  const cases: { name: string; events: [type: 'add' | 'update' | 'delete', object: number][]; expected: string[] }[] = [
    { name: 'update folds into a pending add', events: [['add', 1], ['update', 2]], expected: ['add:2'] },
    { name: 'updates fold and keep the first old object', events: [['update', 2], ['update', 3]], expected: ['update:3<-1'] },
    { name: 'two deletes collapse into one', events: [['delete', 1], ['delete', 1]], expected: ['delete:1'] },
    { name: 'delete after a pending add cancels both', events: [['add', 1], ['delete', 1]], expected: [] },
    { name: 'delete after update is kept after it', events: [['update', 2], ['delete', 2]], expected: ['update:2<-1', 'delete:2'] },
    { name: 'delete then add keeps both in order', events: [['delete', 1], ['add', 5]], expected: ['delete:1', 'add:5'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const queue = new WatchQueue<number>();
      for (const [type, object] of c.events) queue.push({ type, key: 'k', object, ...(type === 'update' ? { oldObject: 1 } : {}) });
      const drained = queue.drain().map((e) => `${e.type}:${e.object}${e.type === 'update' ? `<-${e.oldObject}` : ''}`);
      expect(drained).toEqual(c.expected);
      expect(queue.size).toBe(0);
    });
  }

  it('keeps objects in order of their first pending change', () => {
    const queue = new WatchQueue<string>();
    queue.push({ type: 'add', key: 'a', object: 'a1' });
    queue.push({ type: 'add', key: 'b', object: 'b1' });
    queue.push({ type: 'update', key: 'a', object: 'a2', oldObject: 'a1' });
    expect(queue.drain().map((e) => e.object)).toEqual(['a2', 'b1']);
  });
});
