import {
  ActionType,
  AnnBoundByController,
  AnnSelectedNode,
  Code,
  CycleState,
  MemoryClusterStore,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type Pod,
  QueueingHint,
  type StorageClass,
} from '@schedkit/framework';
import { makeClaim, makeCSINode, makeNode, makePod, makeStorageClass, makeVolume, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { ErrReasonBindConflict, ErrReasonNodeConflict, ErrReasonPVNotExist } from './binder.js';
import { plugin } from './index.js';
import { ErrReasonUnboundImmediateClaims, VolumeBinding, VolumeBindingArgsSchema } from './volume-binding.js';

const zone = 'topology.kubernetes.io/zone';
const hostname = 'kubernetes.io/hostname';
const inZone = (value: string) => [{ matchExpressions: [{ key: zone, operator: 'In' as const, values: [value] }] }];
const onHost = (value: string) => [{ matchExpressions: [{ key: hostname, operator: 'In' as const, values: [value] }] }];

const nodes = [
  makeNode('a1').label(zone, 'zone-a').label(hostname, 'a1'),
  makeNode('a2').label(zone, 'zone-a').label(hostname, 'a2'),
  makeNode('b1').label(zone, 'zone-b').label(hostname, 'b1'),
];

const classes: StorageClass[] = [
  makeStorageClass('immediate', { mode: 'Immediate' }),
  makeStorageClass('wffc'),
  makeStorageClass('wffc-zone-b', { allowedTopologies: [{ matchLabelExpressions: [{ key: zone, values: ['zone-b'] }] }] }),
  makeStorageClass('local', { provisioner: 'kubernetes.io/no-provisioner' }),
];

const boundA = makeClaim('bound-a', { boundTo: 'pv-zone-a', storageClass: 'immediate' });
const boundNoVolume = makeClaim('bound-missing', { boundTo: 'pv-missing', storageClass: 'immediate' });
const claims: PersistentVolumeClaim[] = [
  boundA,
  boundNoVolume,
  makeClaim('unbound-immediate', { storageClass: 'immediate' }),
  makeClaim('provision', { storageClass: 'wffc' }),
  makeClaim('provision-zone-b', { storageClass: 'wffc-zone-b' }),
  makeClaim('local-small', { storageClass: 'local', storage: '5Gi' }),
  makeClaim('local-big', { storageClass: 'local', storage: '50Gi' }),
  makeClaim('lost', { storageClass: 'wffc' }),
  makeClaim('selected-b1', { storageClass: 'wffc', annotations: { [AnnSelectedNode]: 'b1' } }),
];
claims.find((c) => c.metadata.name === 'lost')!.status = { phase: 'Lost' };
const volumes: PersistentVolume[] = [
  makeVolume('pv-zone-a', { claim: boundA, nodeAffinity: inZone('zone-a'), storageClass: 'immediate' }),
  makeVolume('local-a1-20', { storageClass: 'local', capacity: '20Gi', nodeAffinity: onHost('a1') }),
  makeVolume('local-a1-10', { storageClass: 'local', capacity: '10Gi', nodeAffinity: onHost('a1') }),
  makeVolume('local-a2-10', { storageClass: 'local', capacity: '10Gi', nodeAffinity: onHost('a2') }),
  makeVolume('local-b1-100', { storageClass: 'local', capacity: '100Gi', nodeAffinity: onHost('b1') }),
  makeVolume('local-b1-5', { storageClass: 'local', capacity: '5Gi', nodeAffinity: onHost('b1') }),
];

function store(): MemoryClusterStore {
  const cluster = new MemoryClusterStore();
  for (const storageClass of classes) cluster.applyObject('StorageClass', storageClass);
  for (const claim of claims) cluster.applyObject('PersistentVolumeClaim', claim);
  for (const volume of volumes) cluster.applyObject('PersistentVolume', volume);
  for (const node of nodes) cluster.applyObject('CSINode', makeCSINode(node.obj().metadata.name, []));
  return cluster;
}

function tester(cluster = store()): PluginTester {
  return new PluginTester({ plugin, nodes, objects: cluster, objectWriter: cluster });
}

const podWith = (...names: string[]): Pod => names.reduce((builder, name) => builder.claim(name), makePod('p')).obj();

describe('VolumeBinding PreFilter', () => {
  const cases: [string, Pod, 'skip' | 'run' | string][] = [
    ['no claims: Skip', makePod('p').volume({ name: 'scratch', emptyDir: {} }).obj(), 'skip'],
    ['a bound claim: runs', podWith('bound-a'), 'run'],
    ['an unbound WaitForFirstConsumer claim: runs', podWith('provision'), 'run'],
    ['an unbound Immediate claim', podWith('bound-a', 'unbound-immediate'), ErrReasonUnboundImmediateClaims],
    ['a missing claim', podWith('nope'), 'persistentvolumeclaim "nope" not found'],
    ['a lost claim', podWith('lost'), 'persistentvolumeclaim "lost" bound to non-existent persistentvolume ""'],
    [
      'a generic ephemeral volume whose claim is not created yet',
      makePod('p').volume({ name: 'data', ephemeral: { volumeClaimTemplate: { spec: {} } } }).obj(),
      'waiting for ephemeral volume controller to create the persistentvolumeclaim "p-data"',
    ],
  ];
  it.each(cases)('%s', async (_name, pod, want) => {
    const report = await tester().filter(pod);
    if (want === 'skip' || want === 'run') {
      expect(report.preFilter).toMatchObject({ status: null, skipped: want === 'skip' });
    } else {
      expect([report.preFilter.status?.code, report.preFilter.status?.reasons]).toEqual([Code.UnschedulableAndUnresolvable, [want]]);
    }
  });
});

describe('VolumeBinding Filter', () => {
  // [case, the pod's claims, feasible nodes, the reasons of the others]
  const cases: [string, string[], string[], string[]][] = [
    ["a bound claim: the volume's node affinity", ['bound-a'], ['a1', 'a2'], [ErrReasonNodeConflict]],
    ['a claim bound to a missing volume', ['bound-missing'], [], [ErrReasonPVNotExist]],
    ['provisioning without allowedTopologies: every node', ['provision'], ['a1', 'a2', 'b1'], []],
    ['provisioning within allowedTopologies', ['provision-zone-b'], ['b1'], [ErrReasonBindConflict]],
    ['a local claim: nodes with a free volume large enough', ['local-small'], ['a1', 'a2', 'b1'], []],
    ['a big local claim', ['local-big'], ['b1'], [ErrReasonBindConflict]],
    ['two local claims on one node need two volumes', ['local-small', 'local-big'], ['b1'], [ErrReasonBindConflict]],
    ['a claim already given a node fits only it', ['selected-b1'], ['b1'], [ErrReasonBindConflict]],
    ['a bound claim and a provisioned one: both must fit', ['bound-a', 'provision-zone-b'], [], [ErrReasonNodeConflict, ErrReasonBindConflict]],
  ];
  it.each(cases)('%s', async (_name, claimNames, feasible, reasons) => {
    const report = await tester().filter(podWith(...claimNames));
    expect([...report.feasible].sort()).toEqual(feasible);
    for (const node of report.nodes.filter((n) => n.status)) {
      expect(node.status?.code).toBe(Code.UnschedulableAndUnresolvable);
      expect(reasons.some((reason) => node.status?.reasons.includes(reason))).toBe(true);
    }
  });

  it('gives both reasons, node affinity first, when both kinds of claim fail on a node', async () => {
    const report = await tester().filter(podWith('bound-a', 'provision-zone-b'));
    expect(report.nodes.find((n) => n.node === 'a1')?.status?.reasons).toEqual([ErrReasonBindConflict]);
    expect(report.nodes.find((n) => n.node === 'b1')?.status?.reasons).toEqual([ErrReasonNodeConflict]);
  });
});

describe('VolumeBinding Reserve and PreBind', () => {
  async function cycle(t: PluginTester, pod: Pod, node: string): Promise<{ state: CycleState; reserved: unknown; preBound: unknown }> {
    const state = new CycleState();
    const report = await t.filter(pod, { state });
    expect(report.feasible).toContain(node);
    const reserved = await t.framework.runReservePluginsReserve(state, pod, node);
    const preBound = reserved ? reserved : await t.framework.runPreBindPlugins(state, pod, node);
    return { state, reserved, preBound };
  }

  it('binds the smallest fitting local volume to the claim in the store', async () => {
    const cluster = store();
    const t = tester(cluster);
    const { reserved, preBound } = await cycle(t, podWith('local-small'), 'a1');
    expect([reserved, preBound]).toEqual([null, null]);
    const volume = cluster.get('PersistentVolume', 'local-a1-10');
    expect(volume?.spec?.claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'local-small', uid: 'uid-local-small' });
    expect(volume?.metadata.annotations?.[AnnBoundByController]).toBe('yes');
    expect(cluster.get('PersistentVolume', 'local-a1-20')?.spec?.claimRef).toBeUndefined();
  });

  it('marks a claim to provision with the selected node', async () => {
    const cluster = store();
    await cycle(tester(cluster), podWith('provision'), 'b1');
    expect(cluster.get('PersistentVolumeClaim', 'default/provision')?.metadata.annotations?.[AnnSelectedNode]).toBe('b1');
  });

  it('writes nothing for a pod whose claims are all bound', async () => {
    const cluster = store();
    const before = cluster.resourceVersion;
    await cycle(tester(cluster), podWith('bound-a'), 'a1');
    expect(cluster.resourceVersion).toBe(before);
  });

  it('a reserved volume is taken for the next cycle until Unreserve gives it back', async () => {
    const cluster = store();
    const t = tester(cluster);
    const first = podWith('local-small');
    const state = new CycleState();
    await t.filter(first, { state });
    expect(await t.framework.runReservePluginsReserve(state, first, 'a2')).toBeNull();
    // Another claim of the class no longer finds a2's only volume.
    const second = makePod('q').claim('local-big').obj();
    cluster.applyObject('PersistentVolumeClaim', makeClaim('local-other', { storageClass: 'local', storage: '5Gi' }));
    const feasible = async (pod: Pod): Promise<string[]> => [...(await t.filter(pod)).feasible].sort();
    expect(await feasible(makePod('q').claim('local-other').obj())).toEqual(['a1', 'b1']);
    await t.framework.runReservePluginsUnreserve(state, first, 'a2');
    expect(await feasible(makePod('q').claim('local-other').obj())).toEqual(['a1', 'a2', 'b1']);
    expect(await feasible(second)).toEqual(['b1']);
  });

  it('a failed write is an Error status and drops the assumption', async () => {
    const cluster = store();
    // Written through the store API, the volume has a resourceVersion that PreBind's write is conditional on.
    await cluster.update('PersistentVolume', cluster.get('PersistentVolume', 'local-a2-10')!);
    const t = tester(cluster);
    const pod = podWith('local-small');
    const state = new CycleState();
    await t.filter(pod, { state });
    expect(await t.framework.runReservePluginsReserve(state, pod, 'a2')).toBeNull();
    // Another writer changes the volume after Reserve: the conditional write conflicts.
    const stored = cluster.get('PersistentVolume', 'local-a2-10')!;
    await cluster.update('PersistentVolume', { ...stored, metadata: { ...stored.metadata, labels: { changed: 'yes' } } });
    const status = await t.framework.runPreBindPlugins(state, pod, 'a2');
    expect(status?.code).toBe(Code.Error);
    expect(status?.reasons[0]).toMatch(/binding volumes: updating PersistentVolume local-a2-10: the object has been modified/);
    expect(cluster.get('PersistentVolume', 'local-a2-10')?.spec?.claimRef).toBeUndefined();
  });
});

describe('VolumeBinding score and args', () => {
  it('PreScore skips: kube v1.35 scores volumes only behind the StorageCapacityScoring gate', async () => {
    const report = await tester().score(podWith('bound-a'), ['a1']);
    expect(report.preScore.skipped).toBe(true);
  });

  it("takes kube's args: bindTimeoutSeconds (default 600), no shape", () => {
    expect(VolumeBindingArgsSchema.parse({})).toEqual({ bindTimeoutSeconds: 600 });
    expect(VolumeBindingArgsSchema.safeParse({ bindTimeoutSeconds: -1 }).success).toBe(false);
    expect(VolumeBindingArgsSchema.safeParse({ shape: [{ utilization: 0, score: 0 }] }).success).toBe(false);
    expect(VolumeBindingArgsSchema.safeParse({ other: 1 }).success).toBe(false);
  });
});

describe('VolumeBinding EnqueueExtensions', () => {
  const events = new VolumeBinding(tester().framework).eventsToRegister();
  const byResource = new Map(events.map((event) => [event.event.resource, event]));
  const pod = podWith('provision');
  it("registers kube's events", () => {
    expect(events.map((event) => [event.event.resource, event.event.actionType])).toEqual([
      ['StorageClass', ActionType.Add | ActionType.Update],
      ['PersistentVolumeClaim', ActionType.Add | ActionType.Update],
      ['PersistentVolume', ActionType.Add | ActionType.Update],
      ['Node', ActionType.Add | ActionType.UpdateNodeLabel],
      ['CSINode', ActionType.Add | ActionType.Update],
      ['CSIDriver', ActionType.Update],
    ]);
  });
  it('StorageClass: a new class, or changed allowedTopologies', () => {
    const hint = byResource.get('StorageClass')?.queueingHintFn;
    const before = makeStorageClass('wffc');
    expect(hint?.(pod, undefined, before)).toBe(QueueingHint.Queue);
    expect(hint?.(pod, before, { ...before, allowedTopologies: [{ matchLabelExpressions: [{ key: zone, values: ['zone-a'] }] }] })).toBe(QueueingHint.Queue);
    expect(hint?.(pod, before, { ...before, parameters: { type: 'gp3' } })).toBe(QueueingHint.QueueSkip);
  });
  it('PersistentVolumeClaim: a claim the pod uses', () => {
    const hint = byResource.get('PersistentVolumeClaim')?.queueingHintFn;
    expect(hint?.(pod, undefined, makeClaim('provision'))).toBe(QueueingHint.Queue);
    expect(hint?.(pod, undefined, makeClaim('other'))).toBe(QueueingHint.QueueSkip);
    expect(hint?.(pod, undefined, makeClaim('provision', { namespace: 'prod' }))).toBe(QueueingHint.QueueSkip);
  });
  it('CSINode: a new one, or a change of its migrated plugins', () => {
    const hint = byResource.get('CSINode')?.queueingHintFn;
    const before = makeCSINode('a1', []);
    expect(hint?.(pod, undefined, before)).toBe(QueueingHint.Queue);
    expect(hint?.(pod, before, { ...before, metadata: { ...before.metadata, annotations: { 'storage.alpha.kubernetes.io/migrated-plugins': 'kubernetes.io/aws-ebs' } } })).toBe(
      QueueingHint.Queue,
    );
    expect(hint?.(pod, before, { ...before, metadata: { ...before.metadata, labels: { x: 'y' } } })).toBe(QueueingHint.QueueSkip);
  });
});
