import { afterEach, describe, expect, it } from 'vitest';
import { CycleState } from '../cycle-state/cycle-state.js';
import { inject, injectable } from '../di.js';
import type { Pod } from '../model/types.js';
import { Registry } from '../registry/registry.js';
import { Tokens } from '../registry/tokens.js';
import { Status } from '../status/status.js';
import { MemoryClusterStore } from '../store/memory-store.js';
import { NodeAgent } from '../agent/node-agent.js';
import { FakeClock } from './clock.js';
import { Scheduler, type SchedulerEvent } from './scheduler.js';
import { node, pod, TestBinder, TestFit, TestGate, TestSort, TestSpread, testConfiguration, testDefaults, testRegistry } from './test-plugins.helpers.js';
import { parseConfiguration } from '../config/load.js';

const running: Scheduler[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

function start(store: MemoryClusterStore, options: Partial<ConstructorParameters<typeof Scheduler>[0]> = {}) {
  const events: SchedulerEvent[] = [];
  const scheduler = new Scheduler({
    store,
    registry: testRegistry(),
    configuration: testConfiguration(),
    clock: new FakeClock(),
    random: () => 0,
    onEvent: (e) => events.push(e),
    ...options,
  });
  running.push(scheduler);
  scheduler.start();
  return { scheduler, events };
}

const placement = (store: MemoryClusterStore) =>
  Object.fromEntries(store.listPods().map((p) => [p.metadata.name, p.spec.nodeName ?? null]));

describe('Scheduler', () => {
  it('binds pending pods through the store and never overcommits', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a', '2'));
    store.applyNode(node('b', '2'));
    for (let i = 0; i < 5; i++) store.applyPod(pod(`p${i}`, '1'));
    const { scheduler } = start(store);
    await scheduler.waitForIdle();
    const bound = store.listPods().filter((p) => p.spec.nodeName);
    expect(bound).toHaveLength(4);
    expect(bound.filter((p) => p.spec.nodeName === 'a')).toHaveLength(2);
    expect(bound.filter((p) => p.spec.nodeName === 'b')).toHaveLength(2);
    const pending = store.listPods().find((p) => !p.spec.nodeName)!;
    expect(pending.status?.conditions).toEqual([
      { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient cpu.' },
    ]);
  });

  it('moves an unschedulable pod back when a node is added, and clears its condition when bound', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a', '1'));
    store.applyPod(pod('big', '2'));
    const { scheduler } = start(store);
    await scheduler.waitForIdle();
    expect(store.getPod('default', 'big')?.spec.nodeName).toBeUndefined();
    expect(scheduler.queue.stats().unschedulable).toBe(1);
    store.applyNode(node('b', '4'));
    await scheduler.waitForIdle();
    // The node event moved the pod to backoffQ; with activeQ empty it is popped before its 1 s backoff ends
    // (kube's SchedulerPopFromBackoffQ, on by default since 1.33).
    expect(scheduler.queue.stats()).toMatchObject({ unschedulable: 0, backoff: 0 });
    expect(store.getPod('default', 'big')?.spec.nodeName).toBe('b');
    expect(store.getPod('default', 'big')?.status?.conditions).toEqual([{ type: 'PodScheduled', status: 'True' }]);
  });

  it('routes pods by schedulerName and leaves other schedulers’ pods alone', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    store.applyNode(node('b'));
    store.applyPod(pod('x0', '1'));
    const configuration = parseConfiguration(
      `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
  - schedulerName: spread
  - schedulerName: pack
    pluginConfig:
      - name: TestSpread
        args: { most: true }
`,
      testDefaults,
    );
    const { scheduler, events } = start(store, { configuration });
    await scheduler.waitForIdle();
    store.applyPod(pod('s1', '1', { schedulerName: 'spread' }));
    store.applyPod(pod('k1', '1', { schedulerName: 'pack' }));
    store.applyPod(pod('other', '1', { schedulerName: 'someone-else' }));
    await scheduler.waitForIdle();
    const placed = placement(store);
    expect(placed.x0).toBeNull();
    expect(placed.other).toBeNull();
    expect(placed.s1).not.toBeNull();
    expect(placed.k1).toBe(placed.s1); // pack prefers the node that already has a pod
    expect(events.filter((e) => e.type === 'bound').map((e) => e.type === 'bound' && e.profile)).toEqual(['spread', 'pack']);
  });

  it('turns a throwing plugin into an Error status and retries with backoff', async () => {
    let calls = 0;
    @injectable()
    class Flaky {
      readonly name = 'Flaky';
      filter(): null {
        calls++;
        if (calls <= 2) throw new Error('boom');
        return null;
      }
    }
    const registry = testRegistry().register({ name: 'Flaky', plugin: Flaky });
    const configuration = parseConfiguration(
      'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - plugins:\n      filter:\n        enabled: [{ name: Flaky }]\n',
      testDefaults,
    );
    const clock = new FakeClock();
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    store.applyPod(pod('p', '1'));
    const { scheduler, events } = start(store, { registry, configuration, clock });
    await scheduler.waitForIdle();
    const errors = events.filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.type === 'error' && errors[0]!.error.message).toBe('running Filter plugin "Flaky": boom');
    expect(store.getPod('default', 'p')?.status?.conditions?.[0]).toMatchObject({ reason: 'SchedulerError' });
    clock.advance(1000);
    await scheduler.waitForIdle();
    expect(events.filter((e) => e.type === 'error')).toHaveLength(2);
    clock.advance(2000);
    await scheduler.waitForIdle();
    expect(store.getPod('default', 'p')?.spec.nodeName).toBe('a');
  });

  it('unreserves, forgets and requeues when binding fails', async () => {
    const store = new MemoryClusterStore();
    const unreserved: string[] = [];
    @injectable()
    class Recorder {
      readonly name = 'Recorder';
      reserve(): null {
        return null;
      }
      unreserve(_s: CycleState, p: Pod, n: string): void {
        unreserved.push(`${p.metadata.name}@${n}`);
      }
    }
    let failures = 1;
    const flakyStore = Object.assign(Object.create(store) as MemoryClusterStore, {
      bind: async (p: Pod, n: string) => {
        if (failures-- > 0) throw new Error('conflict');
        return store.bind(p, n);
      },
    });
    const registry = testRegistry().register({ name: 'Recorder', plugin: Recorder });
    const configuration = parseConfiguration(
      'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - plugins:\n      reserve:\n        enabled: [{ name: Recorder }]\n',
      testDefaults,
    );
    const clock = new FakeClock();
    store.applyNode(node('a'));
    store.applyPod(pod('p', '1'));
    const { scheduler, events } = start(flakyStore, { registry, configuration, clock });
    await scheduler.waitForIdle();
    expect(unreserved).toEqual(['p@a']);
    expect(events.some((e) => e.type === 'bindingFailed')).toBe(true);
    expect(scheduler.cache.podCount).toBe(0);
    clock.advance(1000);
    await scheduler.waitForIdle();
    expect(store.getPod('default', 'p')?.spec.nodeName).toBe('a');
  });

  it('holds pods at Permit until allowed, and rejects and requeues on timeout', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    const clock = new FakeClock();
    const { scheduler } = start(store, { clock });
    store.applyPod(pod('g1', '1', {}, { wait: 'g', need: '2' }));
    await scheduler.waitForIdle();
    expect(store.getPod('default', 'g1')?.spec.nodeName).toBeUndefined();
    expect(scheduler.cache.isAssumed({ ...pod('g1'), spec: { ...pod('g1').spec, nodeName: 'a' } })).toBe(true);
    store.applyPod(pod('g2', '1', {}, { wait: 'g', need: '2' }));
    await scheduler.waitForIdle();
    expect(placement(store)).toEqual({ g1: 'a', g2: 'a' });

    store.applyPod(pod('lonely', '1', {}, { wait: 'h', need: '3', timeout: '5000' }));
    await scheduler.waitForIdle();
    clock.advance(5000);
    await scheduler.waitForIdle();
    expect(store.getPod('default', 'lonely')?.spec.nodeName).toBeUndefined();
    expect(store.getPod('default', 'lonely')?.status?.conditions?.[0]?.message).toContain('rejected due to timeout after waiting 5s at plugin TestGate');
    expect(scheduler.cache.podCount).toBe(2);
  });

  it('hot-reloads: cycles before use the old weights, cycles after the new; an invalid config is rejected', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    store.applyNode(node('b'));
    const { scheduler, events } = start(store);
    store.applyPod(pod('first', '1'));
    await scheduler.waitForIdle();
    store.applyPod(pod('spread', '1'));
    await scheduler.waitForIdle();
    const before = placement(store);
    expect(before.spread).not.toBe(before.first); // least-used node
    const packing = parseConfiguration(
      'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - pluginConfig:\n      - name: TestSpread\n        args: { most: true }\n',
      testDefaults,
    );
    const old = scheduler.profiles().get('default-scheduler');
    await scheduler.applyConfiguration(packing);
    expect(scheduler.profiles().get('default-scheduler')).not.toBe(old);
    expect(events.some((e) => e.type === 'reconfigured')).toBe(true);
    store.applyPod(pod('packed', '1'));
    await scheduler.waitForIdle();
    const after = placement(store);
    const counts = new Map<string, number>();
    for (const n of Object.values(before)) counts.set(n!, (counts.get(n!) ?? 0) + 1);
    expect(counts.get(after.packed!)).toBe(1);

    const invalid = parseConfiguration(
      'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - plugins:\n      score:\n        enabled: [{ name: Nope }]\n',
      testDefaults,
    );
    const current = scheduler.profiles().get('default-scheduler');
    await expect(scheduler.applyConfiguration(invalid)).rejects.toThrow('profiles[0].plugins.score.enabled[0].name: unknown plugin "Nope"');
    expect(scheduler.profiles().get('default-scheduler')).toBe(current);
  });

  it('keeps a cycle that started before a reload on its own framework', async () => {
    let releases: (() => void)[] = [];
    const seen: string[] = [];
    @injectable()
    class SlowScore {
      readonly name = 'SlowScore';
      constructor(@inject(Tokens.Args) private readonly args: { tag: string }) {}
      score(): Promise<number> {
        seen.push(this.args.tag);
        return new Promise((resolve) => {
          releases.push(() => resolve(50));
        });
      }
    }
    const registry = new Registry()
      .register({ name: 'TestSort', plugin: TestSort })
      .register({ name: 'TestFit', plugin: TestFit })
      .register({ name: 'TestBinder', plugin: TestBinder })
      .register({ name: 'TestGate', plugin: TestGate })
      .register({ name: 'TestSpread', plugin: TestSpread })
      .register({ name: 'SlowScore', plugin: SlowScore });
    const config = (tag: string) =>
      parseConfiguration(
        `apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - plugins:\n      score:\n        enabled: [{ name: SlowScore }]\n    pluginConfig:\n      - name: SlowScore\n        args: { tag: ${tag} }\n`,
        testDefaults,
      );
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    store.applyNode(node('b'));
    const { scheduler } = start(store, { registry, configuration: config('old') });
    store.applyPod(pod('p1', '1'));
    while (releases.length < 2) await new Promise((r) => setImmediate(r));
    // Reconfigure while p1's cycle is inside Score with the old plugins.
    await scheduler.applyConfiguration(config('new'));
    const releaseOld = releases;
    releases = [];
    for (const release of releaseOld) release();
    store.applyPod(pod('p2', '1'));
    while (releases.length < 2) await new Promise((r) => setImmediate(r));
    for (const release of releases) release();
    await scheduler.waitForIdle();
    expect(seen.filter((t) => t === 'old').length).toBeGreaterThan(0);
    expect(seen.filter((t) => t === 'new').length).toBeGreaterThan(0);
    expect(seen.indexOf('new')).toBeGreaterThan(seen.lastIndexOf('old'));
    expect(Object.values(placement(store)).every((n) => n !== null)).toBe(true);
  });

  it('reports per extension point latencies to the metrics recorder', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    store.applyNode(node('b'));
    store.applyPod(pod('p', '1'));
    const points = new Map<string, number>();
    const { scheduler } = start(store, { metrics: { observePoint: (point, ms) => points.set(point, (points.get(point) ?? 0) + (ms >= 0 ? 1 : 0)) } });
    await scheduler.waitForIdle();
    expect(Object.fromEntries(points)).toEqual({ filter: 1, score: 1, reserve: 1, permit: 1, preBind: 1, bind: 1 });
  });

  it('a node agent marks bound pods Running without the scheduler calling it', async () => {
    const store = new MemoryClusterStore();
    const agent = new NodeAgent(store, () => new Date('2026-01-01T00:00:00Z'));
    agent.start();
    store.applyNode(node('a'));
    store.applyPod(pod('p', '1'));
    const { scheduler } = start(store);
    await scheduler.waitForIdle();
    await new Promise((r) => setImmediate(r));
    expect(store.getPod('default', 'p')?.status).toMatchObject({ phase: 'Running', startTime: '2026-01-01T00:00:00.000Z' });
    expect(agent.startedPods).toBe(1);
    agent.stop();
  });

  it('drops a pod deleted while it waits, without binding it', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    const { scheduler } = start(store);
    store.applyPod(pod('w', '1', {}, { wait: 'x', need: '5' }));
    await scheduler.waitForIdle();
    store.deletePod('default', 'w');
    await scheduler.waitForIdle();
    expect(store.getPod('default', 'w')).toBeUndefined();
    expect(scheduler.cache.podCount).toBe(0);
    expect(scheduler.queue.stats()).toMatchObject({ active: 0, backoff: 0, unschedulable: 0 });
  });
});

// Keep the imports used for type-only helpers referenced.
void TestFit;
void TestSpread;
void TestBinder;
void TestGate;
void Status;
