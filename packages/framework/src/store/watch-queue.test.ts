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

describe('WatchQueue scopes and foldUpdate', () => {
  it('keeps equal keys of different scopes apart, in arrival order', () => {
    const queue = new WatchQueue<string>();
    queue.push({ type: 'add', key: 'k', object: 'node' }, 'Node');
    queue.push({ type: 'add', key: 'k', object: 'pod' }, 'Pod');
    queue.push({ type: 'update', key: 'k', object: 'node2', oldObject: 'node' }, 'Node');
    expect(queue.size).toBe(2);
    expect(queue.drain().map((e) => `${e.type}:${e.object}`)).toEqual(['add:node2', 'add:pod']);
  });

  const cases: { name: string; pending: [type: 'add' | 'update' | 'delete', object: number][]; folded: boolean; expected: string[] }[] = [
    { name: 'nothing pending: not folded', pending: [], folded: false, expected: [] },
    { name: 'into a pending add', pending: [['add', 1]], folded: true, expected: ['add:9'] },
    { name: 'into a pending update, keeping its old object', pending: [['update', 2]], folded: true, expected: ['update:9<-1'] },
    { name: 'not after a pending delete', pending: [['delete', 1]], folded: false, expected: ['delete:1'] },
  ];
  for (const c of cases) {
    it(`foldUpdate ${c.name}`, () => {
      const queue = new WatchQueue<number>();
      for (const [type, object] of c.pending) queue.push({ type, key: 'k', object, ...(type === 'update' ? { oldObject: 1 } : {}) });
      expect(queue.foldUpdate('k', 9)).toBe(c.folded);
      expect(queue.drain().map((e) => `${e.type}:${e.object}${e.type === 'update' ? `<-${e.oldObject}` : ''}`)).toEqual(c.expected);
    });
  }

  it('never changes an event that was pushed in', () => {
    const queue = new WatchQueue<number>();
    const pushed = { type: 'add' as const, key: 'k', object: 1 };
    queue.push(pushed);
    queue.push({ type: 'update', key: 'k', object: 2, oldObject: 1 });
    queue.foldUpdate('k', 3);
    expect(pushed.object).toBe(1);
    expect(queue.drain()).toEqual([{ type: 'add', key: 'k', object: 3 }]);
  });
});
