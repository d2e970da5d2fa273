import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';

describe('FakeClock', () => {
  it('fires due timers in time order and only when advanced', () => {
    const clock = new FakeClock(100);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    const cancelled = clock.setTimeout(() => fired.push('never'), 15);
    clock.clearTimeout(cancelled);
    clock.advance(5);
    expect(fired).toEqual([]);
    clock.advance(20);
    expect(fired).toEqual(['a@110', 'b@120']);
    expect(clock.now()).toBe(125);
  });

  it('runs timers scheduled by timers within the same advance', () => {
    const clock = new FakeClock();
    let ticks = 0;
    const tick = (): void => {
      ticks++;
      clock.setTimeout(tick, 1000);
    };
    clock.setTimeout(tick, 1000);
    clock.advance(3500);
    expect(ticks).toBe(3);
  });
});
