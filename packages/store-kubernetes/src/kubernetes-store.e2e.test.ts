import { MemoryClusterStore, type Node, type Pod, Registry, Scheduler, type SchedulerEvent } from '@schedkit/framework';
import { loadDefaultConfiguration, registerDefaultPlugins } from '@schedkit/preset-default';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApiClient } from './client/api-client.js';
import { SchedulingEventRecorder } from './event-recorder.js';
import { KubernetesClusterStore } from './kubernetes-store.js';
import { LeaseLeaderElector } from './leader-election.js';
import { microTime } from './micro-time.js';
import { controlPlaneBinaries, missingAssetsMessage } from './testing/assets.js';
import { startApiServer, type TestApiServer } from './testing/api-server.js';

const available = controlPlaneBinaries() !== undefined;
if (!available) console.warn(missingAssetsMessage);

const configuration = loadDefaultConfiguration(
  'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - schedulerName: schedkit\n',
);

/** mulberry32: the same tie-breaks on both stores. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function node(name: string, cpu: string): Node {
  return { metadata: { name, labels: { 'kubernetes.io/hostname': name } }, status: { capacity: { cpu, memory: '16Gi', pods: '110' }, allocatable: { cpu, memory: '16Gi', pods: '110' } } };
}

function pod(namespace: string, name: string, cpu: string): Pod {
  return {
    metadata: { name, namespace },
    spec: { schedulerName: 'schedkit', containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu, memory: '64Mi' } } }] },
  };
}

async function createAll(admin: KubeApiClient, path: (o: { metadata: { namespace?: string } }) => string, objects: { metadata: { namespace?: string } }[]): Promise<void> {
  for (let i = 0; i < objects.length; i += 50) {
    await Promise.all(objects.slice(i, i + 50).map((o) => admin.call({ method: 'POST', path: path(o), body: o }, 'creating a fixture')));
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!available)('schedkit as a secondary scheduler on a real kube-apiserver (as the schedkit-scheduler user)', () => {
  let server: TestApiServer;
  let admin: KubeApiClient;
  beforeAll(async () => {
    server = await startApiServer();
    admin = server.admin.client();
    for (const name of ['e2e', 'contested', 'lease']) {
      await admin.call({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } }, `creating namespace ${name}`);
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('binds 500 pods as the memory store would, records events, and marks a pod that cannot fit PodScheduled=False', async () => {
    const nodes = Array.from({ length: 10 }, (_, i) => node(`node-${String(i).padStart(2, '0')}`, '4'));
    const pods = Array.from({ length: 500 }, (_, i) => pod('e2e', `p-${String(i).padStart(3, '0')}`, `${50 + (i % 5) * 10}m`));
    pods.push(pod('e2e', 'too-big', '8'));
    await createAll(admin, () => '/api/v1/nodes', nodes);
    await createAll(admin, (o) => `/api/v1/namespaces/${o.metadata.namespace}/pods`, pods);

    const store = await KubernetesClusterStore.open({ kubeconfig: server.scheduler.kubeconfig, schedulerNames: ['schedkit'], clientConnection: { qps: 1000, burst: 1000 } });
    const recorder = new SchedulingEventRecorder(store.client, { seriesFlushMs: 200 });
    const events: SchedulerEvent[] = [];
    const scheduler = new Scheduler({
      store,
      registry: registerDefaultPlugins(new Registry()),
      configuration,
      random: seeded(7),
      onEvent: (e) => {
        if (e.type !== 'scheduled') events.push(e);
        recorder.onSchedulerEvent(e);
      },
    });
    // The same objects as the API server holds them (defaulted, in its list order), for the memory store.
    const served = store.listPods().filter((p) => p.metadata.namespace === 'e2e');
    scheduler.start();
    try {
      await until(() => store.listPods().filter((p) => p.metadata.namespace === 'e2e' && p.spec.nodeName).length === 500, '500 pods bound in the local view');
      await until(() => store.getPod('e2e', 'too-big')?.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False') === true, 'too-big marked');
      const tooBig = store.getPod('e2e', 'too-big')?.status?.conditions?.find((c) => c.type === 'PodScheduled');
      expect(tooBig?.reason).toBe('Unschedulable');
      expect(tooBig?.message).toMatch(/^0\/10 nodes are available: 10 Insufficient cpu\. preemption: /);
      await recorder.flush();
    } finally {
      await scheduler.stop();
      await recorder.close();
    }
    const placement = new Map(store.listPods().filter((p) => p.metadata.namespace === 'e2e' && p.spec.nodeName).map((p) => [p.metadata.name, p.spec.nodeName]));

    const memory = new MemoryClusterStore();
    for (const n of store.listNodes()) memory.applyNode(n);
    for (const p of served) memory.applyPod(p);
    const reference = new Scheduler({ store: memory, registry: registerDefaultPlugins(new Registry()), configuration, random: seeded(7) });
    reference.start();
    await reference.waitForIdle();
    await reference.stop();
    const expected = new Map(memory.listPods().filter((p) => p.spec.nodeName).map((p) => [p.metadata.name, p.spec.nodeName]));
    const memoryTooBig = memory.getPod('e2e', 'too-big')?.status?.conditions?.find((c) => c.type === 'PodScheduled');
    expect(store.getPod('e2e', 'too-big')?.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message).toBe(memoryTooBig?.message);
    expect(placement.size).toBe(500);
    expect(placement).toEqual(expected);
    expect(events.filter((e) => e.type === 'bound')).toHaveLength(500);

    const recorded = await admin.call<{ items: { reason: string; note: string; type: string; series?: { count: number } }[] }>(
      { path: '/apis/events.k8s.io/v1/namespaces/e2e/events?limit=1000' },
      'listing events',
    );
    expect(recorded.items.filter((e) => e.reason === 'Scheduled')).toHaveLength(500);
    expect(recorded.items.find((e) => e.reason === 'Scheduled')?.note).toMatch(/^Successfully assigned e2e\/p-\d{3} to node-\d{2}$/);
    const failed = recorded.items.filter((e) => e.reason === 'FailedScheduling');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.type).toBe('Warning');
    await store.close();
    await admin.call({ method: 'DELETE', path: '/api/v1/namespaces/e2e/pods/too-big' }, 'deleting too-big');
  });

  it('a pod another writer bound mid-cycle (409) is not retried: the store is the truth', async () => {
    await createAll(admin, () => '/api/v1/nodes', [node('contested-a', '2'), node('contested-b', '2')]);
    await createAll(admin, (o) => `/api/v1/namespaces/${o.metadata.namespace}/pods`, [pod('contested', 'raced', '100m')]);
    const store = await KubernetesClusterStore.open({ kubeconfig: server.scheduler.kubeconfig, schedulerNames: ['schedkit'] });
    let bindCalls = 0;
    // Another writer binds the pod between schedkit's scheduling cycle and its binding call.
    const racing = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'bind') {
          return async (p: Pod, nodeName: string) => {
            bindCalls++;
            const other = nodeName === 'contested-a' ? 'contested-b' : 'contested-a';
            await admin.call(
              { method: 'POST', path: `/api/v1/namespaces/contested/pods/${p.metadata.name}/binding`, body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: p.metadata.name }, target: { kind: 'Node', name: other } } },
              'the other writer binding',
            );
            return target.bind(p, nodeName);
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const events: SchedulerEvent[] = [];
    const scheduler = new Scheduler({ store: racing, registry: registerDefaultPlugins(new Registry()), configuration, onEvent: (e) => events.push(e) });
    scheduler.start();
    try {
      // The binding call fails with a 409; the scheduler then takes the other writer's binding from the store.
      await until(() => bindCalls === 1 && store.getPod('contested', 'raced')?.spec.nodeName !== undefined, 'the raced binding');
      await scheduler.waitForIdle();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(bindCalls).toBe(1);
      expect(events.filter((e) => e.type === 'scheduled')).toHaveLength(1);
      const raced = store.getPod('contested', 'raced');
      expect(raced?.spec.nodeName).toBeDefined();
      expect(raced?.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).not.toBe('False');
      expect(scheduler.queue.stats()).toMatchObject({ active: 0, backoff: 0, unschedulable: 0 });
    } finally {
      await scheduler.stop();
      await store.close();
    }
  });

  it('a Lease held by another identity keeps schedkit from scheduling until it expires', async () => {
    await createAll(admin, () => '/api/v1/nodes', [node('lease-node', '2')]);
    await admin.call(
      {
        method: 'POST',
        path: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases',
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: 'schedkit', namespace: 'kube-system' },
          spec: { holderIdentity: 'someone-else', leaseDurationSeconds: 3, acquireTime: microTime(), renewTime: microTime(), leaseTransitions: 0 },
        },
      },
      'creating the held lease',
    );
    await createAll(admin, (o) => `/api/v1/namespaces/${o.metadata.namespace}/pods`, [pod('lease', 'waits', '100m')]);
    const store = await KubernetesClusterStore.open({ kubeconfig: server.scheduler.kubeconfig, schedulerNames: ['schedkit'] });
    const scheduler = new Scheduler({ store, registry: registerDefaultPlugins(new Registry()), configuration });
    const elector = new LeaseLeaderElector(store.client, { identity: 'schedkit-test', leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 });
    let startedAt = 0;
    const began = Date.now();
    void elector.run({
      onStartedLeading: () => {
        startedAt = Date.now();
        scheduler.start();
      },
      onStoppedLeading: () => scheduler.stop(),
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(store.getPod('lease', 'waits')?.spec.nodeName).toBeUndefined();
      expect(elector.isLeader).toBe(false);
      await until(() => store.getPod('lease', 'waits')?.spec.nodeName !== undefined, 'the pod bound after the lease expired', 15_000);
      expect(startedAt - began).toBeGreaterThanOrEqual(2900);
      const lease = await admin.call<{ spec: { holderIdentity: string; leaseTransitions: number; renewTime: string } }>({ path: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/schedkit' }, 'reading the lease');
      expect(lease.spec.holderIdentity).toBe('schedkit-test');
      expect(lease.spec.leaseTransitions).toBe(1);
      expect(lease.spec.renewTime).toMatch(/\.\d{6}Z$/);
    } finally {
      await elector.stop();
      await store.close();
    }
    const released = await admin.call<{ spec: { holderIdentity?: string } }>({ path: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/schedkit' }, 'reading the lease');
    expect(released.spec.holderIdentity ?? '').toBe('');
  });
});
