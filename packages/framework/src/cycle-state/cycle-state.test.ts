import { describe, expect, it } from 'vitest';
import { Code } from '../status/status.js';
import { CycleState, type StateData, StateKey, stateNotFound } from './cycle-state.js';

class Counter implements StateData {
  constructor(public count: number) {}
  clone(): Counter {
    return new Counter(this.count);
  }
}

describe('CycleState', () => {
  it('keeps keys with the same description apart', () => {
    const a = new StateKey<number>('same');
    const b = new StateKey<number>('same');
    const state = new CycleState();
    state.write(a, 1);
    state.write(b, 2);
    expect([state.read(a), state.read(b)]).toEqual([1, 2]);
  });

  it('tells a missing key from a stored undefined', () => {
    const key = new StateKey<number | undefined>('Plugin/preFilter');
    const state = new CycleState();
    expect(state.read(key)).toBeUndefined();
    expect(() => state.get(key)).toThrow('CycleState: no value for key "Plugin/preFilter" (did its PreFilter/PreScore run?)');
    state.write(key, undefined);
    expect(state.get(key)).toBeUndefined();
    state.write(key, 3);
    expect(state.get(key)).toBe(3);
    state.delete(key);
    expect(state.read(key)).toBeUndefined();
    expect(() => state.get(key)).toThrow('no value for key "Plugin/preFilter"');
  });

  it('clones StateData values and shares the others', () => {
    const counter = new StateKey<Counter>('counter');
    const shared = new StateKey<{ n: number }>('shared');
    const removed = new StateKey<number>('removed');
    const state = new CycleState();
    const plain = { n: 1 };
    state.write(counter, new Counter(1));
    state.write(shared, plain);
    state.write(removed, 5);
    state.delete(removed);
    state.skipFilterPlugins = new Set(['A']);
    const copy = state.clone();
    copy.get(counter).count = 10;
    expect(state.get(counter).count).toBe(1);
    expect(copy.get(shared)).toBe(plain);
    expect(copy.read(removed)).toBeUndefined();
    expect([...copy.skipFilterPlugins]).toEqual(['A']);
    expect(copy.skipFilterPlugins).not.toBe(state.skipFilterPlugins);
  });
});

describe('stateNotFound', () => {
  it('is an Error status naming the key as kube words it', () => {
    const status = stateNotFound(new StateKey<number>('PreFilterExample'));
    expect(status.code).toBe(Code.Error);
    expect(status.message()).toBe('reading "PreFilterExample" from cycleState: not found');
  });
});
