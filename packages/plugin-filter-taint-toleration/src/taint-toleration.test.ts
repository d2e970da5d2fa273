import { ActionType, Code, type Node, type Pod, QueueingHint, type Taint, type Toleration } from '@schedkit/framework';
import { makeNode, makePod, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';
import { ErrReasonUntoleratedTaint, preferNoScheduleTolerations, TaintToleration } from './taint-toleration.js';

function pod(tolerations: Toleration[] = [], name = 'p'): Pod {
  return makePod(name).container().tolerations(tolerations).obj();
}

function node(name: string, taints: Taint[] = []): Node {
  return makeNode(name).taints(taints).obj();
}

describe('TaintToleration Filter', () => {
  const dedicated: Taint = { key: 'dedicated', value: 'user1', effect: 'NoSchedule' };
  // [case, node taints, pod tolerations, fits]
  const cases: [string, Taint[], Toleration[], boolean][] = [
    ['untainted node', [], [], true],
    ['NoSchedule taint without toleration', [dedicated], [], false],
    ['NoSchedule taint tolerated (Equal)', [dedicated], [{ key: 'dedicated', operator: 'Equal', value: 'user1', effect: 'NoSchedule' }], true],
    ['an absent operator means Equal', [dedicated], [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], true],
    ['Equal with another value', [dedicated], [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }], false],
    ['Equal without a value vs a taint with one', [dedicated], [{ key: 'dedicated', operator: 'Equal', effect: 'NoSchedule' }], false],
    ['Exists ignores the value', [dedicated], [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }], true],
    ['an empty effect tolerates every effect', [dedicated], [{ key: 'dedicated', operator: 'Exists' }], true],
    ['a PreferNoSchedule toleration does not tolerate NoSchedule', [dedicated], [{ key: 'dedicated', operator: 'Exists', effect: 'PreferNoSchedule' }], false],
    ['NoExecute taint without toleration', [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }], [], false],
    ['NoExecute taint tolerated for a while', [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }], [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], true],
    ['a PreferNoSchedule taint never rejects', [{ key: 'foo', value: 'bar', effect: 'PreferNoSchedule' }], [], true],
    ['one of two hard taints untolerated', [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'NoExecute' }], [{ key: 'a', operator: 'Exists' }], false],
    ['wildcard toleration (empty key, Exists)', [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'NoExecute' }], [{ operator: 'Exists' }], true],
    ['Gt tolerations are off by default in kube v1.35', [{ key: 'gen', value: '5', effect: 'NoSchedule' }], [{ key: 'gen', operator: 'Gt' as Toleration['operator'], value: '1' }], false],
  ];
  it.each(cases)('%s', async (_name, taints, tolerations, fits) => {
    const tester = new PluginTester({ plugin, weight: 3, nodes: [node('n', taints)] });
    const [result] = (await tester.filter(pod(tolerations))).nodes;
    if (fits) {
      expect(result?.status).toBeNull();
    } else {
      expect(result?.status?.code).toBe(Code.UnschedulableAndUnresolvable);
      expect(result?.status?.reasons).toEqual(['node(s) had untolerated taint(s)']);
    }
    expect(ErrReasonUntoleratedTaint).toBe('node(s) had untolerated taint(s)');
  });
});

describe('TaintToleration PreScore, Score and NormalizeScore (weight 3)', () => {
  const prefer = (key: string, value = ''): Taint => ({ key, value, effect: 'PreferNoSchedule' });
  // [case, pod tolerations, taints per node, raw, normalized]
  const cases: [string, Toleration[], Taint[][], number[], number[]][] = [
    ['no taints anywhere: every node gets 100', [], [[], []], [0, 0], [100, 100]],
    ['fewer intolerable PreferNoSchedule taints score higher', [], [[], [prefer('a')], [prefer('a'), prefer('b')]], [0, 1, 2], [100, 50, 0]],
    ['truncation before reversing', [], [[], [prefer('a')], [prefer('a'), prefer('b'), prefer('c')]], [0, 1, 3], [100, 67, 0]],
    ['every node equally tainted: all 0', [], [[prefer('a')], [prefer('b')]], [1, 1], [0, 0]],
    ['tolerated PreferNoSchedule taints do not count', [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }], [[prefer('a')], [prefer('b')]], [0, 1], [100, 0]],
    ['tolerations without effect count', [{ key: 'a', operator: 'Equal', value: 'x' }], [[prefer('a', 'x')], [prefer('a', 'y')]], [0, 1], [100, 0]],
    ['NoSchedule tolerations are ignored for scoring', [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }], [[prefer('a')], []], [1, 0], [0, 100]],
    ['hard taints do not count', [{ operator: 'Exists', effect: 'NoSchedule' }, { operator: 'Exists', effect: 'NoExecute' }], [[{ key: 'x', effect: 'NoSchedule' }, { key: 'y', effect: 'NoExecute' }], [prefer('z')]], [0, 1], [100, 0]],
  ];
  it.each(cases)('%s', async (_name, tolerations, taintsPerNode, raw, normalized) => {
    const tester = new PluginTester({ plugin, weight: 3, nodes: taintsPerNode.map((taints, i) => node(`n${i}`, taints)) });
    const report = await tester.score(pod(tolerations));
    expect(report.status).toBeNull();
    expect(report.preScore.skipped).toBe(false);
    expect(report.scores.map((s) => s.raw)).toEqual(raw);
    expect(report.scores.map((s) => s.normalized)).toEqual(normalized);
    expect(report.scores.map((s) => s.weighted)).toEqual(normalized.map((score) => score * 3));
  });

  it('keeps only the tolerations with effect PreferNoSchedule or empty', () => {
    const tolerations: Toleration[] = [
      { key: 'a', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'b', operator: 'Exists', effect: 'PreferNoSchedule' },
      { key: 'c', operator: 'Exists' },
      { key: 'd', operator: 'Exists', effect: 'NoExecute' },
      { key: 'e', operator: 'Exists', effect: '' },
    ];
    expect(preferNoScheduleTolerations(tolerations).map((t) => t.key)).toEqual(['b', 'c', 'e']);
  });
});

describe('TaintToleration EnqueueExtensions', () => {
  const [nodeEvent, podEvent] = new TaintToleration().eventsToRegister();
  const tainted = node('n', [{ key: 'a', effect: 'NoSchedule' }]);
  const softly = node('n', [{ key: 'a', effect: 'PreferNoSchedule' }]);
  const clean = node('n');

  it('listens to node adds and taint updates, and to pod toleration updates', () => {
    expect(nodeEvent?.event).toMatchObject({ resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint });
    expect(podEvent?.event).toMatchObject({ resource: 'Pod', actionType: ActionType.UpdatePodToleration });
  });

  const nodeCases: [string, Node | undefined, Node, QueueingHint][] = [
    ['an acceptable node added', undefined, clean, QueueingHint.Queue],
    ['a node with only PreferNoSchedule taints added', undefined, softly, QueueingHint.Queue],
    ['a tainted node added', undefined, tainted, QueueingHint.QueueSkip],
    ['the taint removed', tainted, clean, QueueingHint.Queue],
    ['still tainted', tainted, tainted, QueueingHint.QueueSkip],
    ['acceptable before and after', clean, softly, QueueingHint.QueueSkip],
  ];
  it.each(nodeCases)('node hint: %s', (_name, before, after, hint) => {
    expect(nodeEvent?.queueingHintFn?.(pod(), before, after)).toBe(hint);
  });

  it('pod hint: only the rejected pod’s own toleration change requeues it', () => {
    expect(podEvent?.queueingHintFn?.(pod(), pod(), pod([{ operator: 'Exists' }]))).toBe(QueueingHint.Queue);
    expect(podEvent?.queueingHintFn?.(pod(), pod([], 'x'), pod([{ operator: 'Exists' }], 'x'))).toBe(QueueingHint.QueueSkip);
  });
});
