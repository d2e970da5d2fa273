import type { Node, Pod } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { latencyFigures, percentile } from './latency.js';
import { distribution, fitErrorReasons, groupByReasons, nodeUtilization } from './summary.js';

describe('fitErrorReasons', () => {
  it.each([
    [
      "0/5 nodes are available: 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable, 3 Insufficient cpu. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling..",
      ['Insufficient cpu', 'node(s) had untolerated taint(s)', 'node(s) were unschedulable'],
    ],
    ["0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.", ["node(s) didn't match Pod's node affinity/selector"]],
    ["0/3 nodes are available: node(s) didn't satisfy plugin(s) [NodeAffinity].", ["node(s) didn't satisfy plugin(s) [NodeAffinity]"]],
    ['rejected: pod group ml/gang-1 failed to be scheduled together', ['rejected: pod group ml/gang-1 failed to be scheduled together']],
  ])('%s', (message, reasons) => {
    expect(fitErrorReasons(message)).toEqual(reasons);
  });
});

describe('groupByReasons', () => {
  it('puts pods with the same reasons (whatever the node counts) in one group, largest first, with examples', () => {
    const groups = groupByReasons(
      [
        { pod: 'a/1', message: '0/9 nodes are available: 9 Insufficient cpu.' },
        { pod: 'a/2', message: '0/9 nodes are available: 2 node(s) were unschedulable, 7 Insufficient cpu.' },
        { pod: 'a/3', message: '0/9 nodes are available: 4 Insufficient cpu, 5 node(s) were unschedulable.' },
        { pod: 'a/4', message: '0/9 nodes are available: 2 node(s) were unschedulable, 7 Insufficient cpu.' },
      ],
      2,
    );
    expect(groups).toEqual([
      { reasons: ['Insufficient cpu', 'node(s) were unschedulable'], pods: 3, examples: ['a/2', 'a/3'] },
      { reasons: ['Insufficient cpu'], pods: 1, examples: ['a/1'] },
    ]);
  });
});

describe('distribution', () => {
  it('buckets fractions by tenths, the last bucket taking 100%', () => {
    const d = distribution([0, 0.05, 0.1, 0.55, 0.99, 1]);
    expect(d.buckets).toEqual([2, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(d.min).toBe(0);
    expect(d.max).toBe(1);
    expect(d.mean).toBe(0.4483);
    expect(d.p50).toBe(0.1);
  });
});

describe('nodeUtilization', () => {
  const node = (name: string, cpu: string, memory: string): Node => ({
    metadata: { name, labels: { 'topology.kubernetes.io/zone': 'z1', 'node.kubernetes.io/instance-type': 't' } },
    status: { allocatable: { cpu, memory, pods: '110' } },
  });
  const pod = (name: string, nodeName: string | undefined, cpu: string, memory: string, phase: 'Running' | 'Succeeded' = 'Running'): Pod => ({
    metadata: { name, namespace: 'default', uid: name },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', resources: { requests: { cpu, memory } } }] },
    status: { phase },
  });

  it('divides the requests of the running pods on each node by its allocatable', () => {
    const result = nodeUtilization(
      [node('n1', '4', '8Gi'), node('n2', '2', '4Gi')],
      [pod('a', 'n1', '1', '2Gi'), pod('b', 'n1', '500m', '1Gi'), pod('done', 'n1', '2', '1Gi', 'Succeeded'), pod('pending', undefined, '1', '1Gi'), pod('c', 'n2', '2', '1Gi')],
    );
    expect(result).toEqual([
      { name: 'n1', zone: 'z1', instanceType: 't', cpu: 0.375, memory: 0.375, pods: 2 },
      { name: 'n2', zone: 'z1', instanceType: 't', cpu: 1, memory: 0.25, pods: 1 },
    ]);
  });
});

describe('latency figures', () => {
  it('uses nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });

  it('summarises one point', () => {
    expect(latencyFigures('filter', [4, 1, 3, 2])).toEqual({ point: 'filter', count: 4, p50: 2, p99: 4, max: 4, mean: 2.5 });
  });
});
