import { makePod, PluginTester, queuedPod } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';
import { podPriority } from './priority-sort.js';

function pod(name: string, priority: number | undefined) {
  const builder = makePod(name).container();
  return priority === undefined ? builder : builder.priority(priority);
}

describe('PrioritySort', () => {
  const tester = new PluginTester({ plugin });
  // [case, a priority, a timestamp, b priority, b timestamp, a before b]
  const cases: [string, number | undefined, number, number | undefined, number, boolean][] = [
    ['higher priority first', 100, 20, 10, 10, true],
    ['lower priority after', 10, 10, 100, 20, false],
    ['equal priority: earlier timestamp first', 5, 10, 5, 20, true],
    ['equal priority: later timestamp after', 5, 20, 5, 10, false],
    ['equal priority and timestamp: neither goes first', 5, 10, 5, 10, false],
    ['missing priority counts as 0, below 1', undefined, 1, 1, 99, false],
    ['missing priority counts as 0, above -1', undefined, 99, -1, 1, true],
    ['missing vs explicit 0: FIFO', undefined, 1, 0, 2, true],
    ['negative priorities compare numerically', -5, 1, -1, 2, false],
    ['system-node-critical beats everything', 2000001000, 50, 1000000000, 1, true],
  ];
  it.each(cases)('%s', (_name, pa, ta, pb, tb, expected) => {
    expect(tester.less(queuedPod(pod('a', pa), { timestamp: ta }), queuedPod(pod('b', pb), { timestamp: tb }))).toBe(expected);
  });

  it('ignores the initial attempt time and the attempt count', () => {
    const a = queuedPod(pod('a', 1), { timestamp: 10, initialAttemptTimestamp: 99, attempts: 5 });
    const b = queuedPod(pod('b', 1), { timestamp: 20, initialAttemptTimestamp: 0, attempts: 0 });
    expect(tester.less(a, b)).toBe(true);
  });

  it('reads spec.priority with 0 as the default', () => {
    expect(podPriority(pod('p', undefined).obj())).toBe(0);
    expect(podPriority(pod('p', 7).obj())).toBe(7);
  });

  it('is registered under kube’s name', () => {
    expect(tester.pluginName).toBe('PrioritySort');
  });
});
