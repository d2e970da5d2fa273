import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../model/types.js';
import { Snapshot } from '../node-info/snapshot.js';
import { CacheError, SchedulerCache } from './cache.js';

const node = (name: string, zone: string, images: string[] = []): Node => ({
  metadata: { name, labels: { 'topology.kubernetes.io/zone': zone } },
  status: { allocatable: { cpu: '4', memory: '8Gi', pods: '10' }, images: images.map((n) => ({ names: [n], sizeBytes: 100 })) },
});
const pod = (name: string, nodeName?: string, cpu = '1'): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { containers: [{ name: 'c', resources: { requests: { cpu } } }], ...(nodeName ? { nodeName } : {}) },
});

describe('SchedulerCache', () => {
  it('assumes, confirms and forgets pods, keeping requested resources exact', () => {
    const cache = new SchedulerCache();
    cache.addNode(node('a', 'z1'));
    const snapshot = new Snapshot();
    cache.assumePod(pod('p'), 'a');
    expect(cache.isAssumed(pod('p'))).toBe(true);
    cache.updateSnapshot(snapshot);
    expect(snapshot.get('a')!.requested.milliCPU).toBe(1000);
    expect(() => cache.assumePod(pod('p'), 'a')).toThrow(CacheError);
    cache.addPod(pod('p', 'a')); // the store confirms the binding
    expect(cache.isAssumed(pod('p'))).toBe(false);
    // The watch confirmed it first: forgetting is not an error and changes nothing (the store is the truth).
    expect(cache.forgetPod(pod('p'))).toBe(false);
    expect(cache.nodeOf(pod('p'))).toBe('a');
    cache.assumePod(pod('q'), 'a');
    cache.forgetPod(pod('q'));
    cache.updateSnapshot(snapshot);
    expect(snapshot.get('a')!.requested.milliCPU).toBe(1000);
    expect(snapshot.get('a')!.pods.map((p) => p.pod.metadata.name)).toEqual(['p']);
  });

  it('refreshes only the NodeInfos that changed, and never hands out the cache’s own NodeInfos', () => {
    const cache = new SchedulerCache();
    for (const [name, zone] of [['a', 'z1'], ['b', 'z2'], ['c', 'z1']] as const) cache.addNode(node(name, zone));
    const snapshot = new Snapshot();
    cache.updateSnapshot(snapshot);
    expect(snapshot.list().map((n) => n.name)).toEqual(['a', 'b', 'c']); // zones interleaved: z1, z2, z1
    const before = snapshot.list().slice();
    cache.addPod(pod('p', 'b'));
    cache.updateSnapshot(snapshot);
    const generations = before.map((n) => n.generation);
    expect(snapshot.get('a')).toBe(before[0]);
    expect(snapshot.get('c')).toBe(before[2]);
    expect(snapshot.get('a')!.generation).toBe(generations[0]);
    expect(snapshot.get('b')!.pods).toHaveLength(1);
    // Later cache changes reach the snapshot only through the next refresh.
    cache.addPod(pod('q', 'b'));
    expect(snapshot.get('b')!.pods).toHaveLength(1);
    cache.updateSnapshot(snapshot);
    expect(snapshot.get('b')!.pods).toHaveLength(2);
  });

  it('rebuilds order on node add/remove and counts images across nodes', () => {
    const cache = new SchedulerCache();
    cache.addNode(node('a', 'z1', ['nginx:1']));
    cache.addNode(node('b', 'z1', ['nginx:1', 'redis:7']));
    const snapshot = new Snapshot();
    cache.updateSnapshot(snapshot);
    expect(snapshot.get('a')!.imageStates.get('nginx:1')).toEqual({ size: 100, numNodes: 2 });
    expect(snapshot.get('b')!.imageStates.get('redis:7')).toEqual({ size: 100, numNodes: 1 });
    cache.addNode(node('c', 'z2'));
    cache.updateSnapshot(snapshot);
    expect(snapshot.list().map((n) => n.name)).toEqual(['a', 'c', 'b']);
    cache.removeNode('a');
    cache.updateSnapshot(snapshot);
    expect(snapshot.list().map((n) => n.name)).toEqual(['b', 'c']);
    expect(snapshot.get('b')!.imageStates.get('nginx:1')).toEqual({ size: 100, numNodes: 1 });
  });

  it('keeps pods of a removed node until they go, and a full snapshot() does not disturb incremental refresh', () => {
    const cache = new SchedulerCache();
    cache.addNode(node('a', 'z1'));
    cache.addPod(pod('p', 'a'));
    const incremental = new Snapshot();
    cache.updateSnapshot(incremental);
    cache.addPod(pod('q', 'a'));
    const full = cache.snapshot();
    expect(full.get('a')!.pods).toHaveLength(2);
    cache.updateSnapshot(incremental);
    expect(incremental.get('a')!.pods).toHaveLength(2);
    cache.removeNode('a');
    expect(cache.podCount).toBe(2);
    cache.updateSnapshot(incremental);
    expect(incremental.size).toBe(0);
    cache.removePod(pod('p', 'a'));
    cache.removePod(pod('q', 'a'));
    expect(cache.podCount).toBe(0);
  });
});
