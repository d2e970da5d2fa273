import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '@schedkit/framework';
import type { KubeApiClient } from '@schedkit/store-kubernetes';
import { controlPlaneBinaries, missingAssetsMessage, startApiServer, type TestApiServer } from '@schedkit/store-kubernetes/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, sleep } from './service.test-helpers.js';

const available = controlPlaneBinaries() !== undefined;
if (!available) console.warn(missingAssetsMessage);

const leaseFlags = ['--leader-elect-resource-name', 'schedkit', '--leader-elect-lease-duration', '4s', '--leader-elect-renew-deadline', '3s', '--leader-elect-retry-period', '500ms'];

function node(name: string): object {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { allocatable: { cpu: '16', memory: '64Gi', pods: '110' }, capacity: { cpu: '16', memory: '64Gi', pods: '110' } } };
}

function pod(namespace: string, name: string): object {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { schedulerName: 'schedkit', containers: [{ name: 'c', image: 'pause', resources: { requests: { cpu: '10m' } } }] } };
}

async function createPods(admin: KubeApiClient, namespace: string, names: string[]): Promise<void> {
  for (let i = 0; i < names.length; i += 25) {
    await Promise.all(names.slice(i, i + 25).map((n) => admin.call({ method: 'POST', path: `/api/v1/namespaces/${namespace}/pods`, body: pod(namespace, n) }, `creating pod ${n}`)));
  }
}

async function boundPods(admin: KubeApiClient, namespace: string): Promise<Pod[]> {
  const list = await admin.call<{ items: Pod[] }>({ path: `/api/v1/namespaces/${namespace}/pods` }, 'listing pods');
  return list.items.filter((p) => p.spec.nodeName);
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe.skipIf(!available)('schedkit serve --store kubernetes: on a real kube-apiserver', () => {
  let server: TestApiServer;
  let admin: KubeApiClient;
  let dir: string;
  let config: string;
  const replicas: CliProcess[] = [];
  beforeAll(async () => {
    server = await startApiServer();
    admin = server.admin.client();
    dir = mkdtempSync(join(tmpdir(), 'schedkit-kube-serve-'));
    config = join(dir, 'config.yaml');
    writeFileSync(config, 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - schedulerName: schedkit\n');
    for (const name of ['failover']) await admin.call({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } }, 'namespace');
    for (let i = 0; i < 4; i++) await admin.call({ method: 'POST', path: '/api/v1/nodes', body: node(`node-${i}`) }, 'node');
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.stop('SIGKILL');
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const serve = (): CliProcess => {
    const replica = new CliProcess(['serve', '--store', `kubernetes:?kubeconfig=${server.scheduler.kubeconfig}&qps=200&burst=400`, '--config', config, '--port', '0', ...leaseFlags]);
    replicas.push(replica);
    return replica;
  };

  it('two replicas: the leader killed with SIGKILL mid-run, the other takes over within the lease duration; every pod bound once', async () => {
    const first = serve();
    await first.waitForLog('started leading');
    const second = serve();
    await second.waitForLog('campaigning for the lease');
    const names = Array.from({ length: 300 }, (_, i) => `p-${String(i).padStart(3, '0')}`);
    const feeding = createPods(admin, 'failover', names);
    await until(async () => (await boundPods(admin, 'failover')).length >= 50, 'the first bindings');
    expect(second.logs().some((l) => l.msg === 'started leading')).toBe(false);
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await second.waitForLog('started leading', 15_000);
    const takeover = Date.now() - killedAt;
    console.log(`failover: the second replica led ${takeover} ms after the leader was killed (lease duration 4 s)`);
    expect(takeover).toBeLessThan(4000 + 1500);
    await feeding;
    await until(async () => (await boundPods(admin, 'failover')).length === 300, 'all 300 pods bound', 90_000);
    const events = await admin.call<{ items: { reason: string; regarding: { name: string } }[] }>({ path: '/apis/events.k8s.io/v1/namespaces/failover/events?limit=2000' }, 'events');
    const scheduledPerPod = new Map<string, number>();
    for (const e of events.items) if (e.reason === 'Scheduled') scheduledPerPod.set(e.regarding.name, (scheduledPerPod.get(e.regarding.name) ?? 0) + 1);
    expect([...scheduledPerPod.values()].every((count) => count === 1)).toBe(true);
    const lease = await admin.call<{ spec: { leaseTransitions: number } }>({ path: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/schedkit' }, 'lease');
    expect(lease.spec.leaseTransitions).toBe(1);
  }, 150_000);
});
