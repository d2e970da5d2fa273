import { ActionType, Code, CycleState, type Pod, PodInfo, QueueingHint, type Volume } from '@schedkit/framework';
import { makeClaim, makeNode, makePod, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';
import { ErrReasonDiskConflict, ErrReasonReadWriteOncePodConflict, isVolumeConflict, VolumeRestrictions } from './volume-restrictions.js';

const rwop = makeClaim('rwop', { accessModes: ['ReadWriteOncePod'], boundTo: 'pv-rwop' });
const rwo = makeClaim('rwo', { boundTo: 'pv-rwo' });
const claims = [rwop, rwo];

function tester(pods: Pod[] = []): PluginTester {
  return new PluginTester({ plugin, nodes: [makeNode('a'), makeNode('b')], pods, persistentVolumeClaims: claims });
}

const gce = (pdName: string, readOnly = false): Volume => ({ name: 'gce', gcePersistentDisk: { pdName, readOnly } });
const ebs = (volumeID: string): Volume => ({ name: 'ebs', awsElasticBlockStore: { volumeID } });
const iscsi = (iqn: string, readOnly = false): Volume => ({ name: 'iscsi', iscsi: { targetPortal: 't:3260', iqn, lun: 0, readOnly } });
const rbd = (monitors: string[], image: string, readOnly = false): Volume => ({ name: 'rbd', rbd: { monitors, image, pool: 'p', readOnly } });

describe('VolumeRestrictions PreFilter', () => {
  const cases: [string, Pod, Pod[], 'skip' | 'run' | string][] = [
    ['no volumes: Skip', makePod('p').obj(), [], 'skip'],
    ['a ReadWriteOnce claim: Skip', makePod('p').claim('rwo').obj(), [], 'skip'],
    ['a ReadWriteOncePod claim nobody uses: Skip', makePod('p').claim('rwop').obj(), [], 'skip'],
    ['a ReadWriteOncePod claim a bound pod uses: runs', makePod('p').claim('rwop').obj(), [makePod('user').node('a').claim('rwop').obj()], 'run'],
    ['a ReadWriteOncePod claim an unbound pod uses: Skip', makePod('p').claim('rwop').obj(), [makePod('user').claim('rwop').obj()], 'skip'],
    ['an in-tree disk: runs', makePod('p').volume(ebs('vol-1')).obj(), [], 'run'],
    ['a missing claim', makePod('p').claim('nope').obj(), [], 'persistentvolumeclaim "nope" not found'],
  ];
  it.each(cases)('%s', async (_name, pod, pods, want) => {
    const report = await tester(pods).filter(pod);
    if (want === 'skip' || want === 'run') {
      expect(report.preFilter.status).toBeNull();
      expect(report.preFilter.skipped).toBe(want === 'skip');
    } else {
      expect(report.preFilter.status?.code).toBe(Code.UnschedulableAndUnresolvable);
      expect(report.preFilter.status?.reasons).toEqual([want]);
    }
  });
});

describe('VolumeRestrictions Filter', () => {
  it('rejects every node, Unschedulable, while a ReadWriteOncePod claim of the pod is in use', async () => {
    const report = await tester([makePod('user').node('a').claim('rwop').obj()]).filter(makePod('p').claim('rwop').obj());
    expect(report.nodes.map((node) => [node.node, node.status?.code, node.status?.reasons])).toEqual([
      ['a', Code.Unschedulable, [ErrReasonReadWriteOncePodConflict]],
      ['b', Code.Unschedulable, [ErrReasonReadWriteOncePodConflict]],
    ]);
  });

  // [case, the incoming pod's volume, the volume of the pod on node a, conflicts]
  const disks: [string, Volume, Volume, boolean][] = [
    ['the same GCE PD read-write', gce('d1'), gce('d1'), true],
    ['the same GCE PD, one mount read-only', gce('d1', true), gce('d1'), true],
    ['the same GCE PD, both read-only', gce('d1', true), gce('d1', true), false],
    ['another GCE PD', gce('d1'), gce('d2'), false],
    ['the same EBS volume', ebs('v1'), ebs('v1'), true],
    ['another EBS volume', ebs('v1'), ebs('v2'), false],
    ['the same iSCSI IQN', iscsi('iqn.1'), iscsi('iqn.1'), true],
    ['the same iSCSI IQN, both read-only', iscsi('iqn.1', true), iscsi('iqn.1', true), false],
    ['an RBD image behind a shared monitor', rbd(['m1', 'm2'], 'img'), rbd(['m2', 'm3'], 'img'), true],
    ['an RBD image behind other monitors', rbd(['m1'], 'img'), rbd(['m2'], 'img'), false],
    ['another RBD image', rbd(['m1'], 'img'), rbd(['m1'], 'other'), false],
    ['the same RBD image, both read-only', rbd(['m1'], 'img', true), rbd(['m1'], 'img', true), false],
    ['different sources', gce('v1'), ebs('v1'), false],
  ];
  it.each(disks)('%s', async (_name, wanted, used, conflicts) => {
    const report = await tester([makePod('user').node('a').volume(used).obj()]).filter(makePod('p').volume(wanted).obj());
    expect(report.feasible).toEqual(conflicts ? ['b'] : ['a', 'b']);
    if (conflicts) expect(report.nodes[0]?.status?.reasons).toEqual([ErrReasonDiskConflict]);
    expect(isVolumeConflict(wanted, makePod('user').volume(used).obj())).toBe(conflicts);
  });

  it('AddPod and RemovePod count the claim uses preemption adds and removes', async () => {
    const t = tester([makePod('user').node('a').claim('rwop').obj()]);
    const pod = makePod('p').claim('rwop').obj();
    const state = new CycleState();
    await t.framework.runPreFilterPlugins(state, pod, t.snapshot.list());
    const nodeA = t.snapshot.get('a')!;
    const user = nodeA.pods[0]!;
    expect(await t.framework.runFilterPlugins(state, pod, nodeA)).not.toBeNull();
    await t.framework.runPreFilterExtensionRemovePod(state, pod, user, nodeA);
    expect(await t.framework.runFilterPlugins(state, pod, nodeA)).toBeNull();
    await t.framework.runPreFilterExtensionAddPod(state, pod, PodInfo.of(makePod('other').claim('rwop').obj()), nodeA);
    expect((await t.framework.runFilterPlugins(state, pod, nodeA))?.reasons).toEqual([ErrReasonReadWriteOncePodConflict]);
  });
});

describe('VolumeRestrictions EnqueueExtensions', () => {
  const plugin = new VolumeRestrictions(tester().framework);
  const [podDelete, nodeAdd, claimAdd] = plugin.eventsToRegister();
  it('registers pod deletions, node additions and claim additions', () => {
    expect(podDelete?.event).toEqual({ resource: 'Pod', actionType: ActionType.Delete });
    expect(nodeAdd?.event).toEqual({ resource: 'Node', actionType: ActionType.Add });
    expect(claimAdd?.event).toEqual({ resource: 'PersistentVolumeClaim', actionType: ActionType.Add });
  });

  const pod = makePod('p').claim('rwop').volume(ebs('v1')).obj();
  const deleted: [string, Pod, QueueingHint][] = [
    ['a pod holding a conflicting disk', makePod('d').node('a').volume(ebs('v1')).obj(), QueueingHint.Queue],
    ['a pod using the same claim', makePod('d').node('a').claim('rwop').obj(), QueueingHint.Queue],
    ['an unrelated pod', makePod('d').node('a').claim('rwo').obj(), QueueingHint.QueueSkip],
    ['a pod of another namespace', makePod('d').namespace('prod').node('a').claim('rwop').obj(), QueueingHint.QueueSkip],
  ];
  it.each(deleted)('pod deleted: %s', (_name, old, hint) => {
    expect(podDelete?.queueingHintFn?.(pod, old, undefined)).toBe(hint);
  });

  it.each([
    ['the claim the pod names', makeClaim('rwop'), QueueingHint.Queue],
    ['another claim', makeClaim('other'), QueueingHint.QueueSkip],
    ['the name in another namespace', makeClaim('rwop', { namespace: 'prod' }), QueueingHint.QueueSkip],
  ] as const)('claim added: %s', (_name, added, hint) => {
    expect(claimAdd?.queueingHintFn?.(pod, undefined, added)).toBe(hint);
  });
});
