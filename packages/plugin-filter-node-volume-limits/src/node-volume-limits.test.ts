import { ActionType, Code, type Pod, QueueingHint } from '@schedkit/framework';
import { makeClaim, makeCSINode, makeNode, makePod, makeStorageClass, makeVolume, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';
import { ErrReasonMaxVolumeCountExceeded, NodeVolumeLimits } from './node-volume-limits.js';

const ebs = 'ebs.csi.aws.com';
const bound = (name: string) => makeClaim(name, { boundTo: `pv-${name}` });
const claims = [bound('b1'), bound('b2'), bound('b3'), makeClaim('wffc-1', { storageClass: 'gp3' }), makeClaim('wffc-2', { storageClass: 'gp3' }), makeClaim('no-class')];
const volumes = ['b1', 'b2', 'b3'].map((name) => makeVolume(`pv-${name}`, { csiDriver: ebs, claim: claims.find((c) => c.metadata.name === name)! }));

/** One node `n` whose CSINode allows `count` EBS volumes (none: no CSINode), with pods using `used` claims. */
function tester(count: number | 'no-csinode' | 'no-count', used: string[][] = [], allocatable: Record<string, string> = {}): PluginTester {
  return new PluginTester({
    plugin,
    nodes: [makeNode('n').allocatable({ cpu: '4', memory: '8Gi', pods: '110', ...allocatable })],
    pods: used.map((names, i) => names.reduce((builder, name) => builder.claim(name), makePod(`existing-${i}`).node('n')).obj()),
    persistentVolumeClaims: claims,
    persistentVolumes: volumes,
    storageClasses: [makeStorageClass('gp3')],
    csiNodes: count === 'no-csinode' ? [] : [makeCSINode('n', [{ name: ebs, ...(count === 'no-count' ? {} : { count }) }])],
  });
}

const podWith = (...names: string[]): Pod => names.reduce((builder, name) => builder.claim(name), makePod('p')).obj();

describe('NodeVolumeLimits', () => {
  // [case, limit, claims used on the node (one list per pod), the pod's claims, fits]
  const cases: [string, number | 'no-csinode' | 'no-count', string[][], string[], boolean][] = [
    ['one volume under a limit of 1', 1, [], ['b1'], true],
    ['two volumes over a limit of 1', 1, [], ['b1', 'b2'], false],
    ['attached volumes count', 2, [['b1'], ['b2']], ['b3'], false],
    ['a volume already attached (shared claim) is not new', 2, [['b1'], ['b2']], ['b1'], true],
    ['a volume used twice on the node counts once', 2, [['b1'], ['b1']], ['b2'], true],
    ['an unbound claim counts through its class provisioner', 1, [['b1']], ['wffc-1'], false],
    ['unbound claims count one each', 2, [], ['wffc-1', 'wffc-2'], true],
    ['a claim without class is not counted', 1, [['b1']], ['no-class'], true],
    ['no CSINode: no limit', 'no-csinode', [['b1'], ['b2']], ['b3'], true],
    ['a driver without count: no limit', 'no-count', [['b1'], ['b2']], ['b3'], true],
  ];
  it.each(cases)('%s', async (_name, limit, used, wanted, fits) => {
    const report = await tester(limit, used).filter(podWith(...wanted));
    expect(report.preFilter.skipped).toBe(false);
    if (fits) expect(report.feasible).toEqual(['n']);
    else expect([report.nodes[0]?.status?.code, report.nodes[0]?.status?.reasons]).toEqual([Code.Unschedulable, [ErrReasonMaxVolumeCountExceeded]]);
  });

  it("reads a limit from the node's attachable-volumes allocatable when the CSINode has none", async () => {
    const report = await tester('no-count', [['b1']], { [`attachable-volumes-csi-${ebs}`]: '1' }).filter(podWith('b2'));
    expect(report.feasible).toEqual([]);
  });

  it('skips pods without claims and rejects a missing claim as unresolvable', async () => {
    expect((await tester(1).filter(makePod('p').obj())).preFilter.skipped).toBe(true);
    const [node] = (await tester(1).filter(podWith('nope'))).nodes;
    expect([node?.status?.code, node?.status?.reasons]).toEqual([
      Code.UnschedulableAndUnresolvable,
      ['looking up PVC default/nope: persistentvolumeclaim "nope" not found'],
    ]);
  });
});

describe('NodeVolumeLimits EnqueueExtensions', () => {
  const [csiNodeAdd, podDelete, claimAdd] = new NodeVolumeLimits(tester(1).framework).eventsToRegister();
  const pod = podWith('b1');
  it('registers CSINode additions, pod deletions and claim additions', () => {
    expect([csiNodeAdd, podDelete, claimAdd].map((e) => e?.event)).toEqual([
      { resource: 'CSINode', actionType: ActionType.Add },
      { resource: 'Pod', actionType: ActionType.Delete },
      { resource: 'PersistentVolumeClaim', actionType: ActionType.Add },
    ]);
    expect(csiNodeAdd?.queueingHintFn).toBeUndefined();
  });
  it.each([
    ['a bound pod with a claim', makePod('d').node('n').claim('b2').obj(), QueueingHint.Queue],
    ['an unbound pod with a claim', makePod('d').claim('b2').obj(), QueueingHint.QueueSkip],
    ['a bound pod without volumes', makePod('d').node('n').obj(), QueueingHint.QueueSkip],
  ] as const)('pod deleted: %s', (_name, deleted, hint) => {
    expect(podDelete?.queueingHintFn?.(pod, deleted, undefined)).toBe(hint);
  });
  it('queues for a claim the pod names', () => {
    expect(claimAdd?.queueingHintFn?.(pod, undefined, makeClaim('b1'))).toBe(QueueingHint.Queue);
    expect(claimAdd?.queueingHintFn?.(pod, undefined, makeClaim('b9'))).toBe(QueueingHint.QueueSkip);
  });
});
