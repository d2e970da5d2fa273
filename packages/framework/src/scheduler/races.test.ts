// The store is the truth, and no pod vanishes: races with other writers, faults in plugins and reloads.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfiguration } from '../config/load.js';
import type { CycleState } from '../cycle-state/cycle-state.js';
import { inject, injectable } from '../di.js';
import type { Pod } from '../model/types.js';
import type { QueuedPodInfo } from '../plugins/extension-points.js';
import type { Handle } from '../plugins/handle.js';
import { Tokens } from '../registry/tokens.js';
import { Status } from '../status/status.js';
import { MemoryClusterStore } from '../store/memory-store.js';
import { FakeClock } from './clock.js';
import { Scheduler, type SchedulerEvent } from './scheduler.js';
import { node, pod, testConfiguration, testDefaults, testRegistry } from './test-plugins.helpers.js';

/** What the Hook plugin does at each point it implements (set per test). */
const hooks: {
  preBind?: (pod: Pod, nodeName: string) => Promise<void> | void;
  bind?: (handle: Handle, pod: Pod, nodeName: string) => Promise<Status | null>;
  preEnqueue?: (pod: Pod) => Status | null;
  less?: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
} = {};

@injectable()
class Hook {
  readonly name = 'Hook';
  constructor(@inject(Tokens.Handle) private readonly handle: Handle) {}
  async preBind(_state: CycleState, pod: Pod, nodeName: string): Promise<Status | null> {
    await hooks.preBind?.(pod, nodeName);
    return null;
  }
  bind(_state: CycleState, pod: Pod, nodeName: string): Promise<Status | null> {
    return hooks.bind ? hooks.bind(this.handle, pod, nodeName) : Promise.resolve(Status.of(3 /* Skip */ as never));
  }
  preEnqueue(pod: Pod): Status | null {
    return hooks.preEnqueue?.(pod) ?? null;
  }
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    return hooks.less ? hooks.less(a, b) : a.timestamp < b.timestamp;
  }
}

function configuration(points: string): ReturnType<typeof testConfiguration> {
  return parseConfiguration(`apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - plugins:\n${points}`, testDefaults);
}

const running: Scheduler[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  for (const key of Object.keys(hooks)) delete hooks[key as keyof typeof hooks];
});

function start(store: MemoryClusterStore, config = testConfiguration(), clock = new FakeClock()) {
  const events: SchedulerEvent[] = [];
  const scheduler = new Scheduler({
    store,
    registry: testRegistry().register({ name: 'Hook', plugin: Hook }),
    configuration: config,
    clock,
    random: () => 0,
    onEvent: (e) => events.push(e),
  });
  running.push(scheduler);
  scheduler.start();
  return { scheduler, events, clock };
}

/** The cache holds exactly the store's bound pods, each on the store's node, and nothing assumed. */
function expectCacheEqualsStore(scheduler: Scheduler, store: MemoryClusterStore): void {
  const fromCache = scheduler.cache
    .pods()
    .map((p) => `${p.pod.metadata.name}@${p.nodeName}${p.assumed ? ' (assumed)' : ''}`)
    .sort();
  const fromStore = store
    .listPods()
    .filter((p) => p.spec.nodeName)
    .map((p) => `${p.metadata.name}@${p.spec.nodeName}`)
    .sort();
  expect(fromCache).toEqual(fromStore);
}

const bindHook = '      bind:\n        enabled: [{ name: Hook }]\n        disabled: [{ name: "*" }]\n';
const preBindHook = '      preBind:\n        enabled: [{ name: Hook }]\n';

describe('the store is the truth', () => {
  it('a Bind plugin that writes the binding and then reports an error leaves the pod bound once', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    hooks.bind = async (handle, p, n) => {
      await handle.binder.bind(p, n);
      return Status.error(new Error('timeout: the answer was lost'));
    };
    for (let i = 0; i < 3; i++) store.applyPod(pod(`p${i}`, '1'));
    const { scheduler, events } = start(store, configuration(bindHook));
    await scheduler.waitForIdle();
    expect(store.listPods().map((p) => p.spec.nodeName)).toEqual(['a', 'a', 'a']);
    expectCacheEqualsStore(scheduler, store);
    expect(events.filter((e) => e.type === 'bound')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'internalError')).toEqual([]);
  });

  it('another writer binding the pod during our binding cycle wins: bound once, where the store says', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    store.applyNode(node('b'));
    hooks.preBind = async (p) => {
      await store.bind(p, 'b');
    };
    store.applyPod(pod('p', '1'));
    const { scheduler } = start(store, configuration(preBindHook));
    await scheduler.waitForIdle();
    expect(store.getPod('default', 'p')?.spec.nodeName).toBe('b');
    expectCacheEqualsStore(scheduler, store);
    expect(scheduler.queue.stats()).toMatchObject({ active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
  });

  it('a pod assumed on a node deleted before its binding is not bound there: forgotten and requeued', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    hooks.preBind = async (_p, n) => {
      store.deleteNode(n);
      await new Promise((r) => setImmediate(r));
    };
    for (let i = 0; i < 10; i++) store.applyPod(pod(`p${i}`, '100m'));
    const { scheduler, clock } = start(store, configuration(preBindHook));
    await scheduler.waitForIdle();
    expect(store.listPods().filter((p) => p.spec.nodeName)).toEqual([]);
    expectCacheEqualsStore(scheduler, store);
    expect(scheduler.queue.stats().active + scheduler.queue.stats().backoff + scheduler.queue.stats().unschedulable).toBe(10);
    delete hooks.preBind;
    store.applyNode(node('b'));
    for (let i = 0; i < 20; i++) {
      clock.advance(1000);
      await scheduler.waitForIdle();
    }
    expect(store.listPods().map((p) => p.spec.nodeName)).toEqual(new Array(10).fill('b'));
    expectCacheEqualsStore(scheduler, store);
  });

  it('a pod deleted during its binding cycle ends the cycle cleanly and leaves nothing behind', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    hooks.preBind = async (p) => {
      store.deletePod('default', p.metadata.name);
      await new Promise((r) => setImmediate(r));
    };
    store.applyPod(pod('p', '1'));
    const { scheduler } = start(store, configuration(preBindHook));
    await scheduler.waitForIdle();
    expect(store.listPods()).toEqual([]);
    expect(scheduler.cache.podCount).toBe(0);
    expect(scheduler.queue.stats()).toMatchObject({ active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
  });

  it('a pod updated during its cycle is scheduled by its new spec', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('big', '8'));
    store.applyNode(node('small', '2'));
    let updated = false;
    hooks.preBind = async (p) => {
      if (updated) return;
      updated = true;
      // New resources: 4 cpu only fit the big node.
      store.applyPod({ ...pod('p', '4'), metadata: { ...p.metadata, labels: { grown: 'yes' } } });
      await new Promise((r) => setImmediate(r));
    };
    store.applyPod(pod('p', '1'));
    const { scheduler, clock, events } = start(store, configuration(preBindHook));
    await scheduler.waitForIdle();
    // The first cycle picked the small node (a tie, broken towards the last node) for the 1-cpu spec.
    expect(events.find((e) => e.type === 'scheduled')).toMatchObject({ nodeName: 'small' });
    clock.advance(1000);
    await scheduler.waitForIdle();
    const bound = store.getPod('default', 'p');
    expect(bound?.spec.nodeName).toBe('big');
    expect(bound?.spec.containers[0]?.resources?.requests?.cpu).toBe('4');
    expect(bound?.metadata.labels).toEqual({ grown: 'yes' });
    expectCacheEqualsStore(scheduler, store);
  });
});

describe('no pod vanishes', () => {
  it('a QueueSort plugin that throws does not drop pods: they are ordered by arrival and all bound', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a', '8'));
    hooks.less = () => {
      throw new Error('sort exploded');
    };
    const config = configuration('      queueSort:\n        enabled: [{ name: Hook }]\n        disabled: [{ name: "*" }]\n');
    const { scheduler, events } = start(store, config);
    for (let i = 0; i < 6; i++) store.applyPod(pod(`p${i}`, '1'));
    await scheduler.waitForIdle();
    expect(store.listPods().filter((p) => p.spec.nodeName)).toHaveLength(6);
    const errors = events.filter((e) => e.type === 'internalError');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.type === 'internalError' && errors[0].error.message).toContain('sort exploded');
  });

  it('a PreEnqueue plugin that throws leaves the pod pending with a condition naming it, and retries', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    let throws = 2;
    hooks.preEnqueue = () => {
      if (throws-- > 0) throw new Error('gate is broken');
      return null;
    };
    store.applyPod(pod('p', '1'));
    const { scheduler, clock } = start(store, configuration('      preEnqueue:\n        enabled: [{ name: Hook }]\n'));
    await scheduler.waitForIdle();
    expect(store.getPod('default', 'p')?.status?.conditions).toEqual([
      { type: 'PodScheduled', status: 'False', reason: 'SchedulerError', message: 'running PreEnqueue plugin "Hook": gate is broken' },
    ]);
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      await scheduler.waitForIdle();
    }
    expect(store.getPod('default', 'p')?.spec.nodeName).toBe('a');
  });

  it('pods that arrive while their profile is removed are scheduled once a reload restores it', async () => {
    const store = new MemoryClusterStore();
    for (let i = 0; i < 4; i++) store.applyNode(node(`n${i}`, '64', '110'));
    const both = parseConfiguration(
      'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - schedulerName: default-scheduler\n  - schedulerName: batch\n',
      testDefaults,
    );
    const { scheduler } = start(store, both);
    await scheduler.waitForIdle();
    await scheduler.applyConfiguration(testConfiguration());
    for (let i = 0; i < 200; i++) store.applyPod(pod(`b${i}`, '100m', { schedulerName: 'batch' }));
    store.applyPod(pod('elsewhere', '100m', { schedulerName: 'nobody' }));
    await scheduler.waitForIdle();
    expect(store.listPods().filter((p) => p.spec.nodeName)).toHaveLength(0);
    expect(Object.fromEntries(scheduler.podsWithoutProfile())).toEqual({ batch: 200, nobody: 1 });
    await scheduler.applyConfiguration(both);
    await scheduler.waitForIdle();
    expect(store.listPods().filter((p) => p.spec.nodeName)).toHaveLength(200);
    expect(Object.fromEntries(scheduler.podsWithoutProfile())).toEqual({ nobody: 1 });
  });

  it('a pod queued for a profile that a reload removes is kept, not dropped', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a', '1'));
    const both = parseConfiguration(
      'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - schedulerName: default-scheduler\n  - schedulerName: batch\n',
      testDefaults,
    );
    const { scheduler, clock } = start(store, both);
    store.applyPod(pod('big', '2', { schedulerName: 'batch' }));
    await scheduler.waitForIdle();
    expect(scheduler.queue.stats().unschedulable).toBe(1);
    await scheduler.applyConfiguration(testConfiguration());
    clock.advance(2000);
    await scheduler.waitForIdle();
    expect(Object.fromEntries(scheduler.podsWithoutProfile())).toEqual({ batch: 1 });
    store.applyNode(node('b', '4'));
    await scheduler.applyConfiguration(both);
    clock.advance(2000);
    await scheduler.waitForIdle();
    expect(store.getPod('default', 'big')?.spec.nodeName).toBe('b');
  });
});
