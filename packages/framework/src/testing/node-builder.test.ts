import { describe, expect, it } from 'vitest';
import type { Node } from '../model/types.js';
import { makeNode, type NodeBuilder } from './node-builder.js';

const defaultResources = { capacity: { pods: '110' }, allocatable: { pods: '110' } };

describe('makeNode', () => {
  const cases: { what: string; build: () => NodeBuilder; want: Node }[] = [
    {
      what: 'defaults (name sets the hostname label)',
      build: () => makeNode('n1'),
      want: { metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } }, status: defaultResources },
    },
    {
      what: 'an unnamed node',
      build: () => makeNode(),
      want: { metadata: { name: '' }, status: defaultResources },
    },
    {
      what: 'labels, zone, region, uid, annotation',
      build: () =>
        makeNode()
          .name('n2')
          .label('disk', 'ssd')
          .labels({ arch: 'arm64' })
          .zone('zone-a')
          .region('eu')
          .uid('node-uid')
          .annotation('note', 'x'),
      want: {
        metadata: {
          name: 'n2',
          uid: 'node-uid',
          labels: {
            'kubernetes.io/hostname': 'n2',
            disk: 'ssd',
            arch: 'arm64',
            'topology.kubernetes.io/zone': 'zone-a',
            'topology.kubernetes.io/region': 'eu',
          },
          annotations: { note: 'x' },
        },
        status: defaultResources,
      },
    },
    {
      what: 'capacity sets allocatable too',
      build: () => makeNode('n').capacity({ cpu: '4', memory: '32Gi', pods: '110' }),
      want: {
        metadata: { name: 'n', labels: { 'kubernetes.io/hostname': 'n' } },
        status: { capacity: { cpu: '4', memory: '32Gi', pods: '110' }, allocatable: { cpu: '4', memory: '32Gi', pods: '110' } },
      },
    },
    {
      what: 'capacity keeps the default pods unless given',
      build: () => makeNode('n').capacity({ cpu: '2' }),
      want: {
        metadata: { name: 'n', labels: { 'kubernetes.io/hostname': 'n' } },
        status: { capacity: { pods: '110', cpu: '2' }, allocatable: { pods: '110', cpu: '2' } },
      },
    },
    {
      what: 'explicit allocatable wins, whichever is called first',
      build: () => makeNode('n').allocatable({ cpu: '3500m', memory: '30Gi', pods: '100' }).capacity({ cpu: '4', memory: '32Gi' }),
      want: {
        metadata: { name: 'n', labels: { 'kubernetes.io/hostname': 'n' } },
        status: { capacity: { pods: '110', cpu: '4', memory: '32Gi' }, allocatable: { cpu: '3500m', memory: '30Gi', pods: '100' } },
      },
    },
    {
      what: 'taints and unschedulable',
      build: () =>
        makeNode('n')
          .taint('dedicated', 'gpu', 'NoSchedule')
          .taint('spot', undefined, 'PreferNoSchedule')
          .taints([{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }])
          .unschedulable(),
      want: {
        metadata: { name: 'n', labels: { 'kubernetes.io/hostname': 'n' } },
        spec: {
          taints: [
            { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
            { key: 'spot', effect: 'PreferNoSchedule' },
            { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
          ],
          unschedulable: true,
        },
        status: defaultResources,
      },
    },
    {
      what: 'images',
      build: () =>
        makeNode('n')
          .image(['nginx:1.25', 'docker.io/library/nginx:1.25'], 150_000_000)
          .images({ 'redis:7': 50_000_000, 'busybox:latest': 1_000_000 }),
      want: {
        metadata: { name: 'n', labels: { 'kubernetes.io/hostname': 'n' } },
        status: {
          ...defaultResources,
          images: [
            { names: ['nginx:1.25', 'docker.io/library/nginx:1.25'], sizeBytes: 150_000_000 },
            { names: ['redis:7'], sizeBytes: 50_000_000 },
            { names: ['busybox:latest'], sizeBytes: 1_000_000 },
          ],
        },
      },
    },
  ];

  it.each(cases)('builds $what', ({ build, want }) => {
    expect(build().obj()).toStrictEqual(want);
  });

  it('returns a fresh deep copy from every obj()', () => {
    const builder = makeNode('n').capacity({ cpu: '4' }).taint('k', 'v', 'NoSchedule').image('a', 1);
    const first = builder.obj();
    first.status!.allocatable!['cpu'] = '1';
    first.status!.capacity!['cpu'] = '1';
    first.spec!.taints!.push({ key: 'x', effect: 'NoExecute' });
    first.status!.images![0]!.names!.push('b');
    first.metadata.labels!['kubernetes.io/hostname'] = 'other';
    const second = builder.obj();
    expect(second.status!.allocatable).toStrictEqual({ pods: '110', cpu: '4' });
    expect(second.status!.capacity).toStrictEqual({ pods: '110', cpu: '4' });
    expect(second.spec!.taints).toStrictEqual([{ key: 'k', value: 'v', effect: 'NoSchedule' }]);
    expect(second.status!.images).toStrictEqual([{ names: ['a'], sizeBytes: 1 }]);
    expect(second.metadata.labels).toStrictEqual({ 'kubernetes.io/hostname': 'n' });
  });

  it('gives capacity and allocatable separate objects', () => {
    const node = makeNode('n').capacity({ cpu: '4' }).obj();
    expect(node.status!.capacity).not.toBe(node.status!.allocatable);
  });
});
