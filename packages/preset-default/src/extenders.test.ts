import { type Node, type Pod, MemoryClusterStore, Registry, Scheduler, type SchedulerEvent } from '@schedkit/framework';
import { type ScriptedAnswer, type ScriptedExtender, startScriptedExtender } from '@schedkit/framework/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDefaultConfiguration, registerDefaultPlugins } from './index.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function serve(answer: (verb: string, body: unknown) => ScriptedAnswer): Promise<ScriptedExtender> {
  const server = await startScriptedExtender(answer);
  cleanups.push(() => server.close());
  return server;
}

const header = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';

async function schedule(store: MemoryClusterStore, text: string): Promise<SchedulerEvent[]> {
  const events: SchedulerEvent[] = [];
  const scheduler = new Scheduler({
    store,
    registry: registerDefaultPlugins(new Registry()),
    configuration: loadDefaultConfiguration(header + text),
    random: () => 0,
    onEvent: (e) => events.push(e),
  });
  cleanups.push(() => scheduler.stop());
  scheduler.start();
  await scheduler.waitForIdle();
  return events;
}

const node = (name: string, cpu = '2'): Node => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { allocatable: { cpu, memory: '8Gi', pods: '110' } },
});

function pod(name: string, requests: Record<string, string>, spec: Partial<Pod['spec']> = {}): Pod {
  return { metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { containers: [{ name: 'c', resources: { requests } }], ...spec } };
}

describe('extenders with the default plugins', () => {
  it("leaves the extenders' ignoredByScheduler resources out of NodeResourcesFit's check, as kube does", async () => {
    const server = await serve((_verb, body) => ({ body: { NodeNames: (body as { NodeNames: string[] }).NodeNames } }));
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    store.applyPod(pod('gpu', { cpu: '1', 'example.com/gpu': '1' }));
    await schedule(store, '');
    expect(store.getPod('default', 'gpu')?.status?.conditions?.[0]?.message).toMatch(/^0\/1 nodes are available: 1 Insufficient example\.com\/gpu\./);

    const withExtender = new MemoryClusterStore();
    withExtender.applyNode(node('a'));
    withExtender.applyPod(pod('gpu', { cpu: '1', 'example.com/gpu': '1' }));
    await schedule(
      withExtender,
      `extenders:\n- urlPrefix: ${server.urlPrefix}\n  filterVerb: filter\n  nodeCacheCapable: true\n  managedResources:\n  - name: example.com/gpu\n    ignoredByScheduler: true\n`,
    );
    expect(withExtender.getPod('default', 'gpu')?.spec.nodeName).toBe('a');
    expect(server.calls.map((c) => c.verb)).toEqual(['filter']);
  });

  it("lets a preempt extender narrow DefaultPreemption's candidates and choose the victims", async () => {
    const server = await serve(() => ({ body: { NodeNameToMetaVictims: { b: { Pods: [{ UID: 'uid-low-b' }], NumPDBViolations: 0 } } } }));
    const store = new MemoryClusterStore();
    store.applyNode(node('a', '1'));
    store.applyNode(node('b', '1'));
    store.applyPod(pod('low-a', { cpu: '1' }, { nodeName: 'a', priority: 0 }));
    store.applyPod(pod('low-b', { cpu: '1' }, { nodeName: 'b', priority: 0 }));
    store.applyPod(pod('high', { cpu: '1' }, { priority: 100 }));
    await schedule(store, `extenders:\n- urlPrefix: ${server.urlPrefix}\n  preemptVerb: preempt\n  nodeCacheCapable: true\n`);
    expect(server.calls.map((c) => c.verb)).toEqual(['preempt']);
    const sent = (server.calls[0]!.body as { NodeNameToMetaVictims: Record<string, { Pods: { UID: string }[] }> }).NodeNameToMetaVictims;
    expect(Object.keys(sent).sort()).toEqual(['a', 'b']);
    expect(store.getPod('default', 'low-a')).toBeDefined();
    expect(store.getPod('default', 'low-b')).toBeUndefined();
    expect(store.getPod('default', 'high')?.status?.nominatedNodeName ?? store.getPod('default', 'high')?.spec.nodeName).toBe('b');
  });

  it('fails the preemption with the error of a preempt extender that is not ignorable', async () => {
    const server = await serve(() => ({ status: 500, body: '' }));
    const store = new MemoryClusterStore();
    store.applyNode(node('a', '1'));
    store.applyPod(pod('low', { cpu: '1' }, { nodeName: 'a', priority: 0 }));
    store.applyPod(pod('high', { cpu: '1' }, { priority: 100 }));
    const events = await schedule(store, `extenders:\n- urlPrefix: ${server.urlPrefix}\n  preemptVerb: preempt\n`);
    expect(store.getPod('default', 'low')).toBeDefined();
    const error = events.find((e) => e.type === 'error');
    expect(error?.type === 'error' && error.error.message).toMatch(/DefaultPreemption.*extender "http:\/\/127\.0\.0\.1:\d+\/scheduler" preempt: failed preempt with extender at URL .*, code 500/);
  });
});
