import { describe, expect, it } from 'vitest';
import type { Pod } from '../model/types.js';
import { ActionType, type ClusterEventWithHint, QueueingHint } from '../plugins/events.js';
import { Code, Status } from '../status/status.js';
import { FakeClock } from './clock.js';
import { SchedulingQueue } from './queue.js';

const pod = (name: string, priority = 0, extra: Partial<Pod['spec']> = {}): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { containers: [{ name: 'c' }], priority, ...extra },
});

function makeQueue(events: Record<string, ClusterEventWithHint[]> = {}, clock = new FakeClock()) {
  const queue = new SchedulingQueue({
    clock,
    less: (a, b) => {
      const pa = a.podInfo.pod.spec.priority ?? 0;
      const pb = b.podInfo.pod.spec.priority ?? 0;
      return pa !== pb ? pa > pb : a.timestamp < b.timestamp;
    },
    preEnqueue: (p) => ((p.spec.schedulingGates?.length ?? 0) > 0 ? Object.assign(Status.of(Code.UnschedulableAndUnresolvable, 'gated'), { plugin: 'SchedulingGates' }) : null),
    eventsByPlugin: new Map(Object.entries(events)),
    podInitialBackoffMs: 1000,
    podMaxBackoffMs: 10_000,
  });
  return { queue, clock };
}

describe('SchedulingQueue', () => {
  it('pops by QueueSort order (priority, then arrival)', async () => {
    const { queue, clock } = makeQueue();
    await queue.add(pod('low', 1));
    clock.advance(1);
    await queue.add(pod('high', 10));
    clock.advance(1);
    await queue.add(pod('low2', 1));
    const order = [queue.tryPop(), queue.tryPop(), queue.tryPop()].map((q) => q?.podInfo.pod.metadata.name);
    expect(order).toEqual(['high', 'low', 'low2']);
    queue.close();
  });

  it('backs off exponentially: 1s, 2s, 4s, 8s, capped at 10s', () => {
    const { queue } = makeQueue();
    expect([1, 2, 3, 4, 5, 6].map((n) => queue.backoffDuration(n))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    queue.close();
  });

  it('moves an errored pod through backoffQ to activeQ after its backoff', async () => {
    const { queue, clock } = makeQueue();
    await queue.add(pod('p'));
    const first = queue.tryPop()!;
    queue.requeue(first, new Set());
    expect(queue.stats()).toMatchObject({ active: 0, backoff: 1 });
    clock.advance(999);
    expect(queue.stats().backoff).toBe(1);
    clock.advance(1);
    expect(queue.stats()).toMatchObject({ active: 1, backoff: 0 });
    const second = queue.tryPop()!;
    expect(second.attempts).toBe(2);
    queue.requeue(second, new Set());
    clock.advance(1999);
    expect(queue.stats().backoff).toBe(1);
    clock.advance(1000);
    expect(queue.stats().active).toBe(1);
    queue.close();
  });

  it('parks an unschedulable pod until an event its rejecting plugin registered for', async () => {
    const { queue, clock } = makeQueue({
      NodeResourcesFit: [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable } }],
    });
    await queue.add(pod('p'));
    queue.requeue(queue.tryPop()!, new Set(['NodeResourcesFit']));
    expect(queue.stats().unschedulable).toBe(1);
    await queue.onEvent({ resource: 'Node', actionType: ActionType.UpdateNodeLabel });
    expect(queue.stats().unschedulable).toBe(1);
    clock.advance(5000);
    await queue.onEvent({ resource: 'Node', actionType: ActionType.Add });
    expect(queue.stats()).toMatchObject({ unschedulable: 0, active: 1 });
    queue.close();
  });

  it('honours queueing hints', async () => {
    const { queue, clock } = makeQueue({
      TaintToleration: [
        { event: { resource: 'Node', actionType: ActionType.UpdateNodeTaint }, queueingHintFn: (_p, _o, n) => ((n as { metadata: { name: string } })?.metadata.name === 'good' ? QueueingHint.Queue : QueueingHint.QueueSkip) },
      ],
    });
    await queue.add(pod('p'));
    queue.requeue(queue.tryPop()!, new Set(['TaintToleration']));
    clock.advance(5000);
    await queue.onEvent({ resource: 'Node', actionType: ActionType.UpdateNodeTaint }, undefined, { metadata: { name: 'bad' } });
    expect(queue.stats().unschedulable).toBe(1);
    await queue.onEvent({ resource: 'Node', actionType: ActionType.UpdateNodeTaint }, undefined, { metadata: { name: 'good' } });
    expect(queue.stats().active).toBe(1);
    queue.close();
  });

  it('sends a pod to backoff when a relevant event arrived while it was in flight', async () => {
    const { queue } = makeQueue({ NodeResourcesFit: [{ event: { resource: 'Node', actionType: ActionType.Add } }] });
    await queue.add(pod('p'));
    const inFlight = queue.tryPop()!;
    await queue.onEvent({ resource: 'Node', actionType: ActionType.Add });
    queue.requeue(inFlight, new Set(['NodeResourcesFit']));
    expect(queue.stats()).toMatchObject({ unschedulable: 0, backoff: 1 });
    queue.close();
  });

  it('flushes pods unschedulable for 5 minutes', async () => {
    const { queue, clock } = makeQueue({ NodeResourcesFit: [{ event: { resource: 'Node', actionType: ActionType.Add } }] });
    await queue.add(pod('p'));
    queue.requeue(queue.tryPop()!, new Set(['NodeResourcesFit']));
    clock.advance(4 * 60_000);
    expect(queue.stats().unschedulable).toBe(1);
    clock.advance(60_000 + 30_000);
    expect(queue.stats().unschedulable).toBe(0);
    expect(queue.stats().active).toBe(1);
    queue.close();
  });

  it('holds gated pods until the gate lifts', async () => {
    const { queue } = makeQueue({
      SchedulingGates: [{ event: { resource: 'Pod', actionType: ActionType.UpdatePodSchedulingGatesEliminated } }],
    });
    await queue.add(pod('g', 0, { schedulingGates: [{ name: 'wait' }] }));
    expect(queue.stats()).toMatchObject({ gated: 1, active: 0 });
    await queue.update(pod('g'));
    expect(queue.stats()).toMatchObject({ gated: 0, active: 1 });
    queue.close();
  });

  it('wakes a waiting pop and resolves undefined on close', async () => {
    const { queue } = makeQueue();
    const waiting = queue.pop();
    await queue.add(pod('p'));
    expect((await waiting)?.podInfo.pod.metadata.name).toBe('p');
    const pending = queue.pop();
    queue.close();
    expect(await pending).toBeUndefined();
  });

  it('deletes a pod from whichever sub-queue holds it', async () => {
    const { queue } = makeQueue({ X: [] });
    await queue.add(pod('a'));
    await queue.add(pod('b'));
    queue.requeue(queue.tryPop()!, new Set(['X']));
    queue.delete(pod('a'));
    queue.delete(pod('b'));
    expect(queue.stats()).toMatchObject({ active: 0, unschedulable: 0 });
    queue.close();
  });
});
