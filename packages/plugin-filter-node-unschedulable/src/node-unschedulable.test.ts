import { ActionType, Code, type Node, type Pod, QueueingHint, type Toleration } from '@schedkit/framework';
import { makeNode, makePod, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';
import { ErrReasonUnschedulable, NodeUnschedulable } from './node-unschedulable.js';

const unschedulableKey = 'node.kubernetes.io/unschedulable';

function pod(tolerations: Toleration[] = [], name = 'p'): Pod {
  return makePod(name).container().tolerations(tolerations).obj();
}

function node(unschedulable?: boolean): Node {
  const builder = makeNode('n');
  return (unschedulable === undefined ? builder : builder.unschedulable(unschedulable)).obj();
}

describe('NodeUnschedulable Filter', () => {
  // [case, node.spec.unschedulable, pod tolerations, fits]
  const cases: [string, boolean | undefined, Toleration[], boolean][] = [
    ['schedulable node (field absent)', undefined, [], true],
    ['schedulable node (false)', false, [], true],
    ['cordoned node, no tolerations', true, [], false],
    ['cordoned node, Exists toleration of the unschedulable key', true, [{ key: unschedulableKey, operator: 'Exists', effect: 'NoSchedule' }], true],
    ['cordoned node, Equal toleration with an empty value', true, [{ key: unschedulableKey, operator: 'Equal', effect: 'NoSchedule' }], true],
    ['cordoned node, an absent operator means Equal', true, [{ key: unschedulableKey, effect: 'NoSchedule' }], true],
    ['cordoned node, Equal with a value does not match the empty taint value', true, [{ key: unschedulableKey, operator: 'Equal', value: 'true', effect: 'NoSchedule' }], false],
    ['cordoned node, toleration of every effect', true, [{ key: unschedulableKey, operator: 'Exists' }], true],
    ['cordoned node, toleration of NoExecute only', true, [{ key: unschedulableKey, operator: 'Exists', effect: 'NoExecute' }], false],
    ['cordoned node, wildcard toleration (empty key, Exists)', true, [{ operator: 'Exists' }], true],
    ['cordoned node, unrelated toleration', true, [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }], false],
  ];
  it.each(cases)('%s', async (_name, unschedulable, tolerations, fits) => {
    const tester = new PluginTester({ plugin, nodes: [node(unschedulable)] });
    const [result] = (await tester.filter(pod(tolerations))).nodes;
    if (fits) {
      expect(result?.status).toBeNull();
    } else {
      expect(result?.status?.code).toBe(Code.UnschedulableAndUnresolvable);
      expect(result?.status?.reasons).toEqual(['node(s) were unschedulable']);
    }
    expect(ErrReasonUnschedulable).toBe('node(s) were unschedulable');
  });
});

describe('NodeUnschedulable EnqueueExtensions', () => {
  const [nodeEvent, podEvent] = new NodeUnschedulable().eventsToRegister();

  it('listens to node adds and taint updates, and to pod toleration updates', () => {
    expect(nodeEvent?.event).toMatchObject({ resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint });
    expect(podEvent?.event).toMatchObject({ resource: 'Pod', actionType: ActionType.UpdatePodToleration });
  });

  const nodeCases: [string, Node | undefined, Node, QueueingHint][] = [
    ['a schedulable node added', undefined, node(false), QueueingHint.Queue],
    ['a cordoned node added', undefined, node(true), QueueingHint.QueueSkip],
    ['a node uncordoned', node(true), node(false), QueueingHint.Queue],
    ['a node stays schedulable', node(false), node(false), QueueingHint.QueueSkip],
    ['a node cordoned', node(false), node(true), QueueingHint.QueueSkip],
  ];
  it.each(nodeCases)('node hint: %s', (_name, before, after, hint) => {
    expect(nodeEvent?.queueingHintFn?.(pod(), before, after)).toBe(hint);
  });

  const podCases: [string, Pod, QueueingHint][] = [
    ['the pod now tolerates the unschedulable taint', pod([{ key: unschedulableKey, operator: 'Exists' }]), QueueingHint.Queue],
    ['the pod gained an unrelated toleration', pod([{ key: 'other', operator: 'Exists' }]), QueueingHint.QueueSkip],
    ['another pod changed', pod([{ key: unschedulableKey, operator: 'Exists' }], 'other'), QueueingHint.QueueSkip],
  ];
  it.each(podCases)('pod hint: %s', (_name, updated, hint) => {
    expect(podEvent?.queueingHintFn?.(pod(), pod(), updated)).toBe(hint);
  });
});
