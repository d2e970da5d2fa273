import { ActionType, Code, type Node, type NodeAffinity as NodeAffinitySpec, type NodeSelectorRequirement, type Pod, QueueingHint } from '@schedkit/framework';
import { makeNode, makePod, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { type NodeAffinityArgs, NodeAffinityArgsSchema } from './args.js';
import { plugin } from './index.js';
import { ErrReasonConflict, ErrReasonEnforced, ErrReasonPod, NodeAffinity } from './node-affinity.js';

const podReason = "node(s) didn't match Pod's node affinity/selector";
const enforcedReason = "node(s) didn't match scheduler-enforced node affinity";

function pod(nodeAffinity?: NodeAffinitySpec, nodeSelector?: Record<string, string>): Pod {
  const builder = makePod('p').container();
  if (nodeSelector) builder.nodeSelector(nodeSelector);
  const obj = builder.obj();
  if (nodeAffinity) obj.spec.affinity = { nodeAffinity };
  return obj;
}

const expr = (key: string, operator: NodeSelectorRequirement['operator'], values?: string[]): NodeSelectorRequirement => ({
  key,
  operator,
  ...(values ? { values } : {}),
});

const required = (...terms: NodeSelectorRequirement[][]): NodeAffinitySpec => ({
  requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms.map((matchExpressions) => ({ matchExpressions })) },
});

const pinned = (...names: string[][]): NodeAffinitySpec => ({
  requiredDuringSchedulingIgnoredDuringExecution: {
    nodeSelectorTerms: names.map((values) => ({ matchFields: values.map((v) => expr('metadata.name', 'In', [v])) })),
  },
});

const nodes = [
  makeNode('node-a').labels({ zone: 'a', disktype: 'ssd', gen: '5' }),
  makeNode('node-b').labels({ zone: 'b', gen: 'x' }),
  makeNode('node-c'),
];

function tester(args?: NodeAffinityArgs): PluginTester {
  return new PluginTester({ plugin, weight: 2, nodes, ...(args ? { args } : {}) });
}

describe('NodeAffinity PreFilter', () => {
  // [case, pod, args, expected: 'skip' | 'all' | 'conflict' | node names]
  const cases: [string, Pod, NodeAffinityArgs | undefined, 'skip' | 'all' | 'conflict' | string[]][] = [
    ['nothing to check: Skip', pod(), undefined, 'skip'],
    ['only preferred affinity: Skip', pod({ preferredDuringSchedulingIgnoredDuringExecution: [] }), undefined, 'skip'],
    ['nodeSelector: all nodes', pod(undefined, { zone: 'a' }), undefined, 'all'],
    ['an empty nodeSelector map still counts as set', pod(undefined, {}), undefined, 'all'],
    ['required affinity by labels: all nodes', pod(required([expr('zone', 'Exists')])), undefined, 'all'],
    ['required affinity with no terms: all nodes', pod({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } }), undefined, 'all'],
    ['required addedAffinity alone: all nodes', pod(), { addedAffinity: required([expr('zone', 'Exists')]) }, 'all'],
    ['preferred addedAffinity alone: Skip', pod(), { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [expr('zone', 'Exists')] } }] } }, 'skip'],
    ['one term pinning a name', pod(pinned(['node-a'])), undefined, ['node-a']],
    ['pinned names of several terms unite', pod(pinned(['node-a'], ['node-b'])), undefined, ['node-a', 'node-b']],
    ['a pin may name a node that does not exist', pod(pinned(['node-z'])), undefined, ['node-z']],
    ['pins within a term intersect', pod(pinned(['node-a', 'node-a'])), undefined, ['node-a']],
    ['contradicting pins within every term: conflict', pod(pinned(['node-a', 'node-b'])), undefined, 'conflict'],
    ['a term without a pin keeps every node', pod({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [expr('metadata.name', 'In', ['node-a'])] }, { matchExpressions: [expr('zone', 'Exists')] }] } }), undefined, 'all'],
    ['NotIn does not pin', pod({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [expr('metadata.name', 'NotIn', ['node-a'])] }] } }), undefined, 'all'],
    ['a multi-value In pins every value', pod({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [expr('metadata.name', 'In', ['node-a', 'node-b'])] }] } }), undefined, ['node-a', 'node-b']],
    ['In without values pins nothing: conflict', pod({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [expr('metadata.name', 'In', [])] }] } }), undefined, 'conflict'],
  ];
  it.each(cases)('%s', async (_name, incoming, args, expected) => {
    const report = await tester(args).filter(incoming);
    const { status, skipped, result } = report.preFilter;
    expect(skipped).toBe(expected === 'skip');
    if (expected === 'conflict') {
      expect(status?.code).toBe(Code.UnschedulableAndUnresolvable);
      expect(status?.reasons).toEqual(['pod affinity terms conflict']);
      expect(report.feasible).toEqual([]);
      return;
    }
    expect(status).toBeNull();
    if (Array.isArray(expected)) expect([...(result?.nodeNames ?? [])].sort()).toEqual(expected);
    else expect(result?.nodeNames ?? null).toBeNull();
  });

  it('uses kube’s reason strings', () => {
    expect(ErrReasonConflict).toBe('pod affinity terms conflict');
    expect(ErrReasonPod).toBe(podReason);
    expect(ErrReasonEnforced).toBe(enforcedReason);
  });
});

describe('NodeAffinity Filter', () => {
  // [case, pod, args, nodes that fit] (nodes: a {zone a, disktype ssd, gen 5}, b {zone b, gen x}, c {})
  const cases: [string, Pod, NodeAffinityArgs | undefined, string[]][] = [
    ['nodeSelector needs every pair', pod(undefined, { zone: 'a', disktype: 'ssd' }), undefined, ['node-a']],
    ['nodeSelector compares values exactly', pod(undefined, { zone: 'A' }), undefined, []],
    ['an empty nodeSelector matches every node', pod(undefined, {}), undefined, ['node-a', 'node-b', 'node-c']],
    ['In', pod(required([expr('zone', 'In', ['a', 'c'])])), undefined, ['node-a']],
    ['NotIn also matches nodes without the label', pod(required([expr('zone', 'NotIn', ['a'])])), undefined, ['node-b', 'node-c']],
    ['Exists', pod(required([expr('zone', 'Exists')])), undefined, ['node-a', 'node-b']],
    ['DoesNotExist', pod(required([expr('disktype', 'DoesNotExist')])), undefined, ['node-b', 'node-c']],
    ['Gt compares integers; a non-integer label never matches', pod(required([expr('gen', 'Gt', ['4'])])), undefined, ['node-a']],
    ['Gt is strict', pod(required([expr('gen', 'Gt', ['5'])])), undefined, []],
    ['Lt', pod(required([expr('gen', 'Lt', ['6'])])), undefined, ['node-a']],
    ['a signed bound is not a valid label value, so the term matches nothing', pod(required([expr('gen', 'Lt', ['+6'])])), undefined, []],
    ['requirements of a term are ANDed', pod(required([expr('zone', 'Exists'), expr('disktype', 'Exists')])), undefined, ['node-a']],
    ['terms are ORed', pod(required([expr('zone', 'In', ['b'])], [expr('disktype', 'Exists')])), undefined, ['node-a', 'node-b']],
    ['nodeSelector and affinity must both match', pod(required([expr('zone', 'Exists')]), { disktype: 'ssd' }), undefined, ['node-a']],
    ['no terms match nothing', pod({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } }), undefined, []],
    ['an empty term matches nothing', pod({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } }), undefined, []],
    ['a term that does not parse matches nothing (Gt without an integer)', pod(required([expr('gen', 'Gt', ['four'])])), undefined, []],
    ['a term that does not parse matches nothing (In without values)', pod(required([expr('zone', 'NotIn', [])])), undefined, []],
    ['a term that does not parse matches nothing (invalid key)', pod(required([expr('-zone', 'DoesNotExist')])), undefined, []],
    ['a broken term does not stop a valid one', pod(required([expr('gen', 'Gt', ['x'])], [expr('zone', 'In', ['b'])])), undefined, ['node-b']],
    ['a pinned name', pod(pinned(['node-b'])), undefined, ['node-b']],
    ['a multi-value matchFields In does not parse: nothing fits', pod({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [expr('metadata.name', 'In', ['node-a', 'node-b'])] }] } }), undefined, []],
    ['matchFields NotIn', pod({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [expr('metadata.name', 'NotIn', ['node-a'])] }] } }), undefined, ['node-b', 'node-c']],
  ];
  it.each(cases)('%s', async (_name, incoming, args, fits) => {
    const report = await tester(args).filter(incoming);
    expect(report.feasible).toEqual(fits);
    for (const { node, status, stage } of report.nodes) {
      if (fits.includes(node) || stage !== 'filter') continue;
      expect(status?.code).toBe(Code.UnschedulableAndUnresolvable);
      expect(status?.reasons).toEqual([podReason]);
    }
  });

  // [case, pod, addedAffinity, reason per node (undefined: fits)]
  const enforced: [string, Pod, NodeAffinitySpec, Record<string, string | undefined>][] = [
    ['addedAffinity applies to every pod', pod(), required([expr('zone', 'Exists')]), { 'node-a': undefined, 'node-b': undefined, 'node-c': enforcedReason }],
    [
      'addedAffinity is checked first, with its own reason',
      pod(required([expr('zone', 'In', ['b'])])),
      required([expr('zone', 'In', ['a'])]),
      { 'node-a': podReason, 'node-b': enforcedReason, 'node-c': enforcedReason },
    ],
    ['both must match', pod(required([expr('zone', 'In', ['a'])])), required([expr('disktype', 'Exists')]), { 'node-a': undefined, 'node-b': enforcedReason, 'node-c': enforcedReason }],
  ];
  it.each(enforced)('%s', async (_name, incoming, addedAffinity, reasons) => {
    const report = await tester({ addedAffinity }).filter(incoming);
    expect(Object.fromEntries(report.nodes.map(({ node, status }) => [node, status?.reasons[0]]))).toEqual(reasons);
  });
});

describe('NodeAffinity PreScore, Score and NormalizeScore (weight 2)', () => {
  const prefer = (weight: number, ...requirements: NodeSelectorRequirement[]) => ({ weight, preference: { matchExpressions: requirements } });
  // [case, pod, args, raw per node a/b/c or 'skip', normalized]
  const cases: [string, Pod, NodeAffinityArgs | undefined, number[] | 'skip', number[]][] = [
    ['no preferred terms: Skip', pod(), undefined, 'skip', []],
    ['required terms alone do not score: Skip', pod(required([expr('zone', 'Exists')])), undefined, 'skip', []],
    ['an empty preferred list is not absent: scores 0', pod({ preferredDuringSchedulingIgnoredDuringExecution: [] }), undefined, [0, 0, 0], [0, 0, 0]],
    ['sum of matching weights, highest = 100', pod({ preferredDuringSchedulingIgnoredDuringExecution: [prefer(30, expr('zone', 'Exists')), prefer(12, expr('disktype', 'In', ['ssd']))] }), undefined, [42, 30, 0], [100, 71, 0]],
    ['integer division truncates', pod({ preferredDuringSchedulingIgnoredDuringExecution: [prefer(2, expr('zone', 'Exists')), prefer(1, expr('disktype', 'Exists'))] }), undefined, [3, 2, 0], [100, 66, 0]],
    ['zero-weight and empty terms are ignored', pod({ preferredDuringSchedulingIgnoredDuringExecution: [prefer(0, expr('zone', 'Exists')), { weight: 50, preference: {} }, prefer(5, expr('gen', 'Lt', ['9']))] }), undefined, [5, 0, 0], [100, 0, 0]],
    ['the same term twice counts twice', pod({ preferredDuringSchedulingIgnoredDuringExecution: [prefer(10, expr('zone', 'In', ['b'])), prefer(10, expr('zone', 'In', ['b'])), prefer(5, expr('zone', 'In', ['a']))] }), undefined, [5, 20, 0], [25, 100, 0]],
    ['addedAffinity preferred terms add to the pod’s', pod({ preferredDuringSchedulingIgnoredDuringExecution: [prefer(10, expr('zone', 'In', ['b']))] }), { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [prefer(5, expr('disktype', 'Exists'))] } }, [5, 10, 0], [50, 100, 0]],
    ['addedAffinity preferred terms alone score', pod(), { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [prefer(5, expr('zone', 'Exists'))] } }, [5, 5, 0], [100, 100, 0]],
  ];
  it.each(cases)('%s', async (_name, incoming, args, raw, normalized) => {
    const report = await tester(args).score(incoming);
    expect(report.status).toBeNull();
    expect(report.preScore.skipped).toBe(raw === 'skip');
    if (raw === 'skip') return;
    expect(report.scores.map((s) => s.raw)).toEqual(raw);
    expect(report.scores.map((s) => s.normalized)).toEqual(normalized);
    expect(report.scores.map((s) => s.weighted)).toEqual(normalized.map((score) => score * 2));
  });

  it('an unparsable preferred term is an Error at PreScore, as in kube', async () => {
    const report = await tester().score(pod({ preferredDuringSchedulingIgnoredDuringExecution: [prefer(1, expr('gen', 'Gt', ['x']))] }));
    expect(report.status?.code).toBe(Code.Error);
    expect(report.status?.plugin).toBe('NodeAffinity');
  });
});

describe('NodeAffinityArgsSchema', () => {
  const cases: [string, unknown, boolean][] = [
    ['no args', {}, true],
    ['a null addedAffinity', { addedAffinity: null }, true],
    ['valid required and preferred terms', { addedAffinity: { ...required([expr('zone', 'In', ['a'])]), preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 3, preference: { matchExpressions: [expr('zone', 'Exists')] } }] } }, true],
    ['an unknown top-level key', { added: {} }, false],
    ['an unknown operator', { addedAffinity: required([{ key: 'zone', operator: 'Like', values: ['a'] } as unknown as NodeSelectorRequirement]) }, false],
    ['Gt with a non-integer', { addedAffinity: required([expr('gen', 'Gt', ['x'])]) }, false],
    ['a preferred In without values', { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [expr('zone', 'In', [])] } }] } }, false],
    ['an invalid label key', { addedAffinity: required([expr('bad key', 'Exists')]) }, false],
    ['matchFields with two values', { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [expr('metadata.name', 'In', ['a', 'b'])] }] } } }, false],
  ];
  it.each(cases)('%s -> valid %s', (_name, args, valid) => {
    expect(NodeAffinityArgsSchema.safeParse(args).success).toBe(valid);
  });

  it('names the offending part of addedAffinity', () => {
    const parsed = NodeAffinityArgsSchema.safeParse({ addedAffinity: required([expr('gen', 'Lt', ['x'])]) });
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(parsed.error.issues[0]?.path).toEqual(['addedAffinity', 'requiredDuringSchedulingIgnoredDuringExecution']);
      expect(parsed.error.issues[0]?.message).toContain('nodeSelectorTerms[0].matchExpressions[0].values[0]');
    }
  });

  it('refuses invalid addedAffinity through the framework too', () => {
    expect(() => tester({ addedAffinity: required([expr('gen', 'Gt', ['x'])]) })).toThrow(/addedAffinity/);
  });
});

describe('NodeAffinity EnqueueExtensions', () => {
  const [registration] = new NodeAffinity(NodeAffinityArgsSchema.parse({ addedAffinity: required([expr('zone', 'In', ['a', 'b'])]) })).eventsToRegister();
  const incoming = pod(required([expr('zone', 'In', ['a'])]));
  const node = (labels: Record<string, string>): Node => makeNode('n').labels(labels).obj();

  it('listens to node additions and label updates', () => {
    expect(registration?.event).toMatchObject({ resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel });
  });

  const cases: [string, Node | undefined, Node, QueueingHint][] = [
    ['a matching node added', undefined, node({ zone: 'a' }), QueueingHint.Queue],
    ['a node the pod does not match added', undefined, node({ zone: 'b' }), QueueingHint.QueueSkip],
    ['a node outside addedAffinity added', undefined, node({ zone: 'c' }), QueueingHint.QueueSkip],
    ['labels changed to match', node({ zone: 'b' }), node({ zone: 'a' }), QueueingHint.Queue],
    ['matched before and after', node({ zone: 'a', x: '1' }), node({ zone: 'a' }), QueueingHint.QueueSkip],
    ['labels changed away', node({ zone: 'a' }), node({ zone: 'b' }), QueueingHint.QueueSkip],
  ];
  it.each(cases)('hint: %s', (_name, before, after, hint) => {
    expect(registration?.queueingHintFn?.(incoming, before, after)).toBe(hint);
  });
});
