import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../model/types.js';
import type { StoreEvent } from './cluster-store.js';
import { MemoryClusterStore, StoreError } from './memory-store.js';

const node = (name: string): Node => ({ metadata: { name }, status: { allocatable: { cpu: '1' } } });
const pod = (name: string, nodeName?: string): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { containers: [{ name: 'c' }], ...(nodeName ? { nodeName } : {}) },
});

describe('MemoryClusterStore', () => {
  it('delivers de-duplicated batches after the writer returns', async () => {
    const store = new MemoryClusterStore();
    const batches: StoreEvent[][] = [];
    store.watch((events) => batches.push([...events]));
    store.applyNode(node('n1'));
    store.applyNode({ ...node('n1'), metadata: { name: 'n1', labels: { a: 'b' } } });
    store.applyPod(pod('p1'));
    store.deletePod('default', 'p1');
    expect(batches).toHaveLength(0);
    await Promise.resolve();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((e) => `${e.kind}:${e.type}:${e.key}`)).toEqual(['Node:add:n1']);
    expect((batches[0]![0]!.object as Node).metadata.labels).toEqual({ a: 'b' });
  });

  it('delivers to every listener independently and replays on request', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('n1'));
    const seen: string[] = [];
    const stop = store.watch((events) => seen.push(...events.map((e) => `${e.kind}:${e.type}`)), { replay: true });
    const other: string[] = [];
    store.watch((events) => other.push(...events.map((e) => `${e.kind}:${e.type}`)));
    store.applyPod(pod('p1'));
    await Promise.resolve();
    expect(seen).toEqual(['Node:add', 'Pod:add']);
    expect(other).toEqual(['Pod:add']);
    stop();
    store.applyPod(pod('p2'));
    await Promise.resolve();
    expect(seen).toHaveLength(2);
    expect(other).toEqual(['Pod:add', 'Pod:add']);
  });

  it('binds once and refuses a second binding or a missing pod', async () => {
    const store = new MemoryClusterStore();
    store.applyPod(pod('p1'));
    await store.bind(pod('p1'), 'n1');
    expect(store.getPod('default', 'p1')?.spec.nodeName).toBe('n1');
    expect(store.getPod('default', 'p1')?.status?.conditions).toEqual([{ type: 'PodScheduled', status: 'True' }]);
    await expect(store.bind(pod('p1'), 'n2')).rejects.toThrow(/already assigned to node "n1"/);
    await expect(store.bind(pod('ghost'), 'n2')).rejects.toBeInstanceOf(StoreError);
  });

  it('merges status conditions by type', async () => {
    const store = new MemoryClusterStore();
    store.applyPod(pod('p1'));
    await store.updatePodStatus('default', 'p1', { conditions: [{ type: 'PodScheduled', status: 'False', message: 'no fit' }] });
    await store.updatePodStatus('default', 'p1', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', message: 'still no fit' }] });
    expect(store.getPod('default', 'p1')?.status).toEqual({
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', message: 'still no fit' }],
    });
  });

  it('serves services and namespace labels to plugins', () => {
    const store = new MemoryClusterStore();
    store.applyService({ metadata: { name: 's', namespace: 'prod' }, spec: { selector: { app: 'x' } } });
    store.applyNamespace({ metadata: { name: 'prod', labels: { team: 'a' } } });
    expect(store.services('prod')).toHaveLength(1);
    expect(store.services('default')).toHaveLength(0);
    expect(store.namespaceLabels('prod')).toEqual({ 'kubernetes.io/metadata.name': 'prod', team: 'a' });
    expect(store.namespaceLabels('nope')).toBeUndefined();
  });

  it('keeps the objects it is given, never changing them, and counts writes as its resourceVersion', async () => {
    const store = new MemoryClusterStore();
    const events: StoreEvent[] = [];
    store.watch((batch) => events.push(...batch));
    const written = pod('p1');
    store.applyPod(written);
    await store.bind(written, 'n1');
    await Promise.resolve();
    expect(store.resourceVersion).toBe(2);
    expect(written.spec.nodeName).toBeUndefined();
    expect(written.metadata.resourceVersion).toBeUndefined();
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe('add');
    expect(events[0]!.object).not.toBe(written);
    expect((events[0]!.object as Pod).spec.nodeName).toBe('n1');
    store.applyNode(node('n2'));
    expect(store.getNode('n2')).toBe(store.listNodes()[0]);
  });

  it('lets a listener stop watching while a batch is delivered to others', async () => {
    const store = new MemoryClusterStore();
    const seen: string[] = [];
    let stopSecond = (): void => {};
    store.watch(() => {
      seen.push('first');
      stopSecond();
    });
    stopSecond = store.watch(() => seen.push('second'));
    store.applyNode(node('n1'));
    await Promise.resolve();
    store.applyNode(node('n2'));
    await Promise.resolve();
    expect(seen).toEqual(['first', 'first']);
  });
});
