import { NodeInfo, type NodeInfoLister, type Pod, Snapshot } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { parseConstraints } from './constraints.js';
import { countMatchingPods } from './counting.js';
import { countDomains, DomainCountCache } from './domain-counts.js';
import { makeNode, makePod, zoneKey } from './harness.fixture.js';

const constraints = parseConstraints(
  [{ maxSkew: 1, topologyKey: zoneKey, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }],
  { app: 'web' },
  'DoNotSchedule',
);
const incoming = makePod('incoming', { labels: { app: 'web' } });

/** Zone by node: n0..n5 round robin over zones b, a, c (so the first-seen order is b, a, c); n6 has no zone. */
function cluster(): { snapshot: Snapshot; pods: Pod[] } {
  const nodes = ['b', 'a', 'c', 'b', 'a', 'c'].map((zone, i) => makeNode(`n${i}`, zone));
  nodes.push(makeNode('n6'));
  const pods = [
    makePod('w1', { labels: { app: 'web' }, nodeName: 'n0' }),
    makePod('w2', { labels: { app: 'web' }, nodeName: 'n4' }),
    makePod('d1', { labels: { app: 'db' }, nodeName: 'n1' }),
    makePod('w3', { labels: { app: 'web' }, nodeName: 'n6' }),
  ];
  return { snapshot: Snapshot.from(nodes, pods), pods };
}

/** A copy of the snapshot's NodeInfo `name` with `pod` added, written back through Snapshot.refresh. */
function addThroughRefresh(snapshot: Snapshot, name: string, pod: Pod): void {
  const changed = snapshot.get(name)!.clone();
  changed.addPod(pod);
  snapshot.refresh([changed], (target, source) => target.copyFrom(source));
}

const asRecord = (maps: Map<string, number>[]) => maps.map((m) => [...m.entries()]);

describe('DomainCountCache', () => {
  it('counts like a full pass, domains in first-node order', () => {
    const { snapshot } = cluster();
    const cache = new DomainCountCache(countMatchingPods);
    const counts = cache.counts(incoming, constraints, snapshot.list(), snapshot);
    expect(asRecord(counts)).toEqual([[['b', 1], ['a', 1], ['c', 0]]]);
    expect(asRecord(counts)).toEqual(asRecord(countDomains(incoming, constraints, snapshot.list(), countMatchingPods)));
  });

  it('recounts only what the snapshot reports changed and matches a full pass after each change', () => {
    const { snapshot } = cluster();
    const cache = new DomainCountCache(countMatchingPods);
    cache.counts(incoming, constraints, snapshot.list(), snapshot);
    addThroughRefresh(snapshot, 'n2', makePod('w4', { labels: { app: 'web' }, nodeName: 'n2' }));
    addThroughRefresh(snapshot, 'n5', makePod('w5', { labels: { app: 'web' }, nodeName: 'n5' }));
    addThroughRefresh(snapshot, 'n3', makePod('d2', { labels: { app: 'db' }, nodeName: 'n3' }));
    const counts = cache.counts(incoming, constraints, snapshot.list(), snapshot);
    expect(asRecord(counts)).toEqual([[['b', 1], ['a', 1], ['c', 2]]]);
    expect(asRecord(counts)).toEqual(asRecord(countDomains(incoming, constraints, snapshot.list(), countMatchingPods)));
  });

  it('keeps a separate record per namespace (pods of other namespaces never count)', () => {
    const { snapshot } = cluster();
    const cache = new DomainCountCache(countMatchingPods);
    const other = makePod('other', { labels: { app: 'web' }, namespace: 'prod' });
    expect(asRecord(cache.counts(incoming, constraints, snapshot.list(), snapshot))).toEqual([[['b', 1], ['a', 1], ['c', 0]]]);
    expect(asRecord(cache.counts(other, constraints, snapshot.list(), snapshot))).toEqual([[['b', 0], ['a', 0], ['c', 0]]]);
  });

  it('counts in full when the nodes are not the lister list or the lister cannot tell what changed', () => {
    const { snapshot } = cluster();
    const cache = new DomainCountCache(countMatchingPods);
    const subset = snapshot.list().slice(0, 3);
    expect(asRecord(cache.counts(incoming, constraints, subset, snapshot))).toEqual([[['b', 1], ['a', 0], ['c', 0]]]);
    const untracked: NodeInfoLister = {
      list: () => snapshot.list(),
      havePodsWithAffinityList: () => [],
      havePodsWithRequiredAntiAffinityList: () => [],
      get: (name) => snapshot.get(name),
      size: snapshot.size,
    };
    cache.counts(incoming, constraints, snapshot.list(), untracked);
    // A NodeInfo changed behind the lister's back is still seen, because such a lister is counted in full.
    snapshot.get('n2')!.addPod(makePod('w9', { labels: { app: 'web' }, nodeName: 'n2' }));
    expect(asRecord(cache.counts(incoming, constraints, snapshot.list(), untracked))).toEqual([[['b', 1], ['a', 1], ['c', 1]]]);
  });

  it('rebuilds after the node list is rebuilt', () => {
    const { snapshot } = cluster();
    const cache = new DomainCountCache(countMatchingPods);
    cache.counts(incoming, constraints, snapshot.list(), snapshot);
    const infos = snapshot.list().map((info) => info.clone());
    infos.push(new NodeInfo(makeNode('n7', 'd'), [makePod('w7', { labels: { app: 'web' }, nodeName: 'n7' })]));
    snapshot.reindex(infos);
    expect(asRecord(cache.counts(incoming, constraints, snapshot.list(), snapshot))).toEqual([[['b', 1], ['a', 1], ['c', 0], ['d', 1]]]);
  });
});
