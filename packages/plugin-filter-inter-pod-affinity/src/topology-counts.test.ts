import type { Labels } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { labelValue, TopologyPairCounts } from './index.js';

describe('TopologyPairCounts', () => {
  it('counts per (key, value) pair and drops a pair that returns to zero, as kube deletes it', () => {
    const counts = new TopologyPairCounts();
    counts.add('zone', 'a', 2);
    counts.add('zone', 'b', 1);
    counts.add('host', 'n1', 1);
    expect(counts.size).toBe(3);
    expect(counts.keys).toEqual(['zone', 'host']);
    counts.add('zone', 'a', -2);
    expect(counts.size).toBe(2);
    expect(counts.get('zone', 'a')).toBe(0);
    counts.add('host', 'n1', -1);
    expect(counts.keys).toEqual(['zone']);
    expect(counts.toRecord()).toEqual({ 'zone=b': 1 });
  });

  it('keeps negative counts (a removal of a pod that was never counted), which never claim a domain', () => {
    const counts = new TopologyPairCounts();
    counts.add('zone', 'a', -1);
    expect(counts.size).toBe(1);
    expect(counts.anyPositiveOnNode({ zone: 'a' })).toBe(false);
    counts.add('zone', 'a', 0);
    expect(counts.size).toBe(1);
  });

  it.each<{ labels: Labels | undefined; positive: boolean }>([
    { labels: { zone: 'a', host: 'n9' }, positive: true },
    { labels: { zone: 'b', host: 'n1' }, positive: true },
    { labels: { zone: 'b', host: 'n2' }, positive: false },
    { labels: { host: 'n2' }, positive: false },
    { labels: undefined, positive: false },
  ])('anyPositiveOnNode($labels) is $positive', ({ labels, positive }) => {
    const counts = new TopologyPairCounts();
    counts.add('zone', 'a', 1);
    counts.add('host', 'n1', 3);
    expect(counts.anyPositiveOnNode(labels)).toBe(positive);
  });

  it('adds for a node only when the node has the topology label', () => {
    const counts = new TopologyPairCounts();
    counts.addForNode({ zone: 'a' }, 'zone', 1);
    counts.addForNode({ zone: 'a' }, 'rack', 1);
    counts.addForNode(undefined, 'zone', 1);
    expect(counts.toRecord()).toEqual({ 'zone=a': 1 });
  });

  it('clones independently', () => {
    const counts = new TopologyPairCounts();
    counts.add('zone', 'a', 1);
    const copy = counts.clone();
    copy.add('zone', 'a', -1);
    copy.add('zone', 'b', 5);
    expect(counts.toRecord()).toEqual({ 'zone=a': 1 });
    expect(copy.toRecord()).toEqual({ 'zone=b': 5 });
    expect(copy.size).toBe(1);
  });
});

describe('labelValue', () => {
  it.each<{ labels: Labels | undefined; key: string; value: string | undefined }>([
    { labels: { zone: 'a' }, key: 'zone', value: 'a' },
    { labels: { zone: '' }, key: 'zone', value: '' },
    { labels: { zone: 'a' }, key: 'rack', value: undefined },
    { labels: {}, key: 'constructor', value: undefined },
    { labels: undefined, key: 'zone', value: undefined },
  ])('labelValue($labels, $key) is $value', ({ labels, key, value }) => {
    expect(labelValue(labels, key)).toBe(value);
  });
});
