import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfiguration } from '@schedkit/preset-default';
import { node, pod, startScheduler } from './harness.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('DefaultPreemption end to end', () => {
  it('evicts exactly the lowest-priority pods needed on the best node, then binds the preemptor there', async () => {
    const h = startScheduler({ configuration: defaultConfiguration() });
    stops.push(() => h.scheduler.stop());
    h.store.applyNode(node('a', '3'));
    h.store.applyNode(node('b', '3'));
    // Node a: priorities 1, 2, 3; node b: priorities 5, 6, 7. Each pod takes 1 cpu: both nodes are full.
    const bound = async (name: string, nodeName: string, priority: number, start: string) => {
      h.store.applyPod({ ...pod(name, '1', { priority, start }), spec: { ...pod(name, '1', { priority }).spec, nodeName } });
    };
    await bound('a1', 'a', 1, '2026-01-01T00:00:01Z');
    await bound('a2', 'a', 2, '2026-01-01T00:00:02Z');
    await bound('a3', 'a', 3, '2026-01-01T00:00:03Z');
    await bound('b5', 'b', 5, '2026-01-01T00:00:04Z');
    await bound('b6', 'b', 6, '2026-01-01T00:00:05Z');
    await bound('b7', 'b', 7, '2026-01-01T00:00:06Z');
    await h.settle();
    // The preemptor needs 2 cpu. On a, removing a1..a3 makes room; a3 (most important) is given back and
    // still fits, a2 and a1 are not: victims {a1, a2}, highest victim priority 2. On b the victims would be
    // {b5, b6} with highest priority 6. kube picks the node whose most important victim is least important: a.
    h.store.applyPod(pod('urgent', '2', { priority: 100 }));
    await h.settle();
    expect(h.store.getPod('default', 'a1')).toBeUndefined();
    expect(h.store.getPod('default', 'a2')).toBeUndefined();
    for (const survivor of ['a3', 'b5', 'b6', 'b7']) expect(h.store.getPod('default', survivor)).toBeDefined();
    expect(h.store.getPod('default', 'urgent')?.spec.nodeName).toBe('a');
    expect(h.store.getPod('default', 'urgent')?.status?.nominatedNodeName).toBe('a');
  });

  it('does not preempt for a pod with preemptionPolicy Never, and says why', async () => {
    const h = startScheduler({ configuration: defaultConfiguration() });
    stops.push(() => h.scheduler.stop());
    h.store.applyNode(node('a', '1'));
    h.store.applyPod({ ...pod('low', '1', { priority: 1 }), spec: { ...pod('low', '1', { priority: 1 }).spec, nodeName: 'a' } });
    const polite = pod('polite', '1', { priority: 100 });
    h.store.applyPod({ ...polite, spec: { ...polite.spec, preemptionPolicy: 'Never' } });
    await h.settle();
    expect(h.store.getPod('default', 'low')).toBeDefined();
    expect(h.store.getPod('default', 'polite')?.spec.nodeName).toBeUndefined();
    expect(h.store.getPod('default', 'polite')?.status?.conditions?.[0]?.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..',
    );
  });

  it('reports when no victim can help', async () => {
    const h = startScheduler({ configuration: defaultConfiguration() });
    stops.push(() => h.scheduler.stop());
    h.store.applyNode(node('a', '1'));
    h.store.applyPod({ ...pod('vip', '1', { priority: 1000 }), spec: { ...pod('vip', '1', { priority: 1000 }).spec, nodeName: 'a' } });
    h.store.applyPod(pod('late', '1', { priority: 10 }));
    await h.settle();
    expect(h.store.getPod('default', 'vip')).toBeDefined();
    expect(h.store.getPod('default', 'late')?.status?.conditions?.[0]?.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..',
    );
  });
});
