import { ActionType, Code, type PersistentVolume, type Pod, QueueingHint } from '@schedkit/framework';
import { makeClaim, makeNode, makePod, makeStorageClass, makeVolume, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';
import { ErrReasonConflict, VolumeZone, volumeTopologies } from './volume-zone.js';

const zoneKey = 'topology.kubernetes.io/zone';
const regionKey = 'topology.kubernetes.io/region';
const betaZoneKey = 'failure-domain.beta.kubernetes.io/zone';

const volumes = [
  makeVolume('pv-a', { labels: { [zoneKey]: 'zone-a' } }),
  makeVolume('pv-ab', { labels: { [zoneKey]: 'zone-a__zone-b' } }),
  makeVolume('pv-beta-a', { labels: { [betaZoneKey]: 'zone-a' } }),
  makeVolume('pv-region', { labels: { [regionKey]: 'r1', [zoneKey]: 'zone-b' } }),
  makeVolume('pv-nolabels'),
];
const claims = [
  ...volumes.map((volume) => makeClaim(`c-${volume.metadata.name}`, { boundTo: volume.metadata.name })),
  makeClaim('c-wffc', { storageClass: 'wffc' }),
  makeClaim('c-immediate', { storageClass: 'immediate' }),
  makeClaim('c-no-class'),
  makeClaim('c-lost-volume', { boundTo: 'pv-gone' }),
];

function tester(): PluginTester {
  return new PluginTester({
    plugin,
    nodes: [
      makeNode('in-a').label(zoneKey, 'zone-a'),
      makeNode('in-b').label(zoneKey, 'zone-b').label(regionKey, 'r1'),
      makeNode('in-b-r2').label(zoneKey, 'zone-b').label(regionKey, 'r2'),
      makeNode('beta-a').label(betaZoneKey, 'zone-a'),
      makeNode('no-zone'),
    ],
    persistentVolumeClaims: claims,
    persistentVolumes: volumes,
    storageClasses: [makeStorageClass('wffc'), makeStorageClass('immediate', { mode: 'Immediate' })],
  });
}

describe('VolumeZone', () => {
  // [case, the pod's claims, feasible nodes]
  const cases: [string, string[], string[]][] = [
    // kube translates a volume's beta key to the GA key, never a node's: a GA-labelled volume rejects a node with
    // only the beta label.
    ['a zone-a volume: zone-a nodes and nodes without zone', ['c-pv-a'], ['in-a', 'no-zone']],
    ['a volume in zone-a or zone-b', ['c-pv-ab'], ['in-a', 'in-b', 'in-b-r2', 'no-zone']],
    ['a beta-labelled volume matches the beta or the GA node label', ['c-pv-beta-a'], ['in-a', 'beta-a', 'no-zone']],
    ['zone and region must both match', ['c-pv-region'], ['in-b', 'no-zone']],
    ['two volumes: the intersection', ['c-pv-a', 'c-pv-ab'], ['in-a', 'no-zone']],
  ];
  it.each(cases)('%s', async (_name, claimNames, feasible) => {
    const pod = claimNames.reduce((builder, claim) => builder.claim(claim), makePod('p')).obj();
    const report = await tester().filter(pod);
    expect(report.preFilter.skipped).toBe(false);
    expect(report.feasible.sort()).toEqual([...feasible].sort());
    for (const node of report.nodes) {
      if (node.status) expect([node.status.code, node.status.reasons]).toEqual([Code.UnschedulableAndUnresolvable, [ErrReasonConflict]]);
    }
  });

  const skips: [string, Pod][] = [
    ['no volumes', makePod('p').obj()],
    ['a volume without zone labels', makePod('p').claim('c-pv-nolabels').obj()],
    ['an unbound WaitForFirstConsumer claim', makePod('p').claim('c-wffc').obj()],
    ['an inline volume', makePod('p').volume({ name: 'v', emptyDir: {} }).obj()],
  ];
  it.each(skips)('PreFilter skips: %s', async (_name, pod) => {
    const report = await tester().filter(pod);
    expect(report.preFilter).toMatchObject({ status: null, skipped: true });
  });

  const rejections: [string, string, string][] = [
    ['a missing claim', 'nope', 'persistentvolumeclaim "nope" not found'],
    ['an unbound claim of an Immediate class', 'c-immediate', 'PersistentVolume had no name'],
    ['an unbound claim without class', 'c-no-class', 'PersistentVolumeClaim had no pv name and storageClass name'],
    ['a claim bound to a missing volume', 'c-lost-volume', 'persistentvolume "pv-gone" not found'],
  ];
  it.each(rejections)('PreFilter rejects %s', async (_name, claim, reason) => {
    const report = await tester().filter(makePod('p').claim(claim).obj());
    expect(report.preFilter.status?.code).toBe(Code.UnschedulableAndUnresolvable);
    expect(report.preFilter.status?.reasons).toEqual([reason]);
  });

  it('lists topologies beta keys first, splitting multi-zone values', () => {
    const volume = makeVolume('v', { labels: { [zoneKey]: 'a__b', [betaZoneKey]: 'c' } });
    expect(volumeTopologies(volume).map((t) => [t.key, [...t.values]])).toEqual([
      [betaZoneKey, ['c']],
      [zoneKey, ['a', 'b']],
    ]);
  });
});

describe('VolumeZone EnqueueExtensions', () => {
  const [classAdd, node, claimChange, volumeChange] = new VolumeZone(tester().framework).eventsToRegister();
  const pod = makePod('p').claim('c-pv-a').obj();
  it('registers classes, nodes, claims and volumes', () => {
    expect([classAdd, node, claimChange, volumeChange].map((e) => e?.event)).toEqual([
      { resource: 'StorageClass', actionType: ActionType.Add },
      { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel },
      { resource: 'PersistentVolumeClaim', actionType: ActionType.Add | ActionType.Update },
      { resource: 'PersistentVolume', actionType: ActionType.Add | ActionType.Update },
    ]);
  });
  it('queues for a WaitForFirstConsumer class only', () => {
    expect(classAdd?.queueingHintFn?.(pod, undefined, makeStorageClass('x'))).toBe(QueueingHint.Queue);
    expect(classAdd?.queueingHintFn?.(pod, undefined, makeStorageClass('x', { mode: 'Immediate' }))).toBe(QueueingHint.QueueSkip);
  });
  it('queues for a claim the pod names', () => {
    expect(claimChange?.queueingHintFn?.(pod, undefined, makeClaim('c-pv-a'))).toBe(QueueingHint.Queue);
    expect(claimChange?.queueingHintFn?.(pod, undefined, makeClaim('other'))).toBe(QueueingHint.QueueSkip);
  });
  it('queues for a new volume, or a change of its zone labels', () => {
    const before: PersistentVolume = makeVolume('v', { labels: { [zoneKey]: 'a' } });
    expect(volumeChange?.queueingHintFn?.(pod, undefined, before)).toBe(QueueingHint.Queue);
    expect(volumeChange?.queueingHintFn?.(pod, before, makeVolume('v', { labels: { [zoneKey]: 'b' } }))).toBe(QueueingHint.Queue);
    expect(volumeChange?.queueingHintFn?.(pod, before, makeVolume('v', { labels: { [zoneKey]: 'a', other: 'x' } }))).toBe(QueueingHint.QueueSkip);
  });
});
