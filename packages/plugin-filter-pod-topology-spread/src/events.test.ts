import { ActionType, type Node, type Pod, QueueingHint, StaticObjectLister } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import type { DefaultConstraintSource } from './constraints.js';
import { hintAfterNodeChange, hintAfterPodChange, topologySpreadEvents } from './events.js';
import { makeNode, makePod, spread, zoneKey } from './harness.fixture.js';

const { Queue, QueueSkip } = QueueingHint;
const defaults: DefaultConstraintSource = { constraints: [], objects: new StaticObjectLister() };

const rejected = makePod('rejected', {
  labels: { app: 'web' },
  constraints: [spread(zoneKey, 1, 'DoNotSchedule'), spread('rack', 1, 'DoNotSchedule', { nodeTaintsPolicy: 'Honor' })],
});
const assigned = (labels: Record<string, string>, namespace = 'default'): Pod => makePod('other', { labels, namespace, nodeName: 'n1' });
const relabel = (pod: Pod, labels: Record<string, string>): Pod => ({ ...pod, metadata: { ...pod.metadata, labels } });

describe('PodTopologySpread events', () => {
  it('registers pod add/label/toleration/delete and node add/delete/label/taint', () => {
    const events = topologySpreadEvents(defaults).map((e) => [e.event.resource, e.event.actionType]);
    expect(events).toEqual([
      ['Pod', ActionType.Add | ActionType.UpdatePodLabel | ActionType.UpdatePodToleration | ActionType.Delete],
      ['Node', ActionType.Add | ActionType.Delete | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint],
    ]);
  });
});

describe('hintAfterPodChange', () => {
  const web = assigned({ app: 'web' });
  const cases: { name: string; oldPod?: Pod; newPod?: Pod; want: QueueingHint }[] = [
    { name: 'an assigned matching pod is added', newPod: web, want: Queue },
    { name: 'an assigned non-matching pod is added', newPod: assigned({ app: 'db' }), want: QueueSkip },
    { name: 'a matching pod of another namespace is added', newPod: assigned({ app: 'web' }, 'prod'), want: QueueSkip },
    { name: 'an unassigned matching pod is added', newPod: makePod('pending', { labels: { app: 'web' } }), want: QueueSkip },
    { name: 'an assigned matching pod is deleted', oldPod: web, want: Queue },
    { name: 'an assigned non-matching pod is deleted', oldPod: assigned({ app: 'db' }), want: QueueSkip },
    { name: 'a pod starts matching after a label change', oldPod: relabel(web, { app: 'db' }), newPod: web, want: Queue },
    { name: 'a label change that keeps the match', oldPod: web, newPod: relabel(web, { app: 'web', color: 'red' }), want: QueueSkip },
    { name: 'an update without label change', oldPod: web, newPod: { ...web }, want: QueueSkip },
    {
      name: 'the rejected pod gets a toleration and a constraint honors taints',
      oldPod: rejected,
      newPod: { ...rejected, spec: { ...rejected.spec, tolerations: [{ key: 'x', operator: 'Exists' }] } },
      want: Queue,
    },
  ];
  it.each(cases)('$name', ({ oldPod, newPod, want }) => {
    expect(hintAfterPodChange(rejected, oldPod, newPod, defaults)).toBe(want);
  });
});

describe('hintAfterNodeChange', () => {
  const full = (name: string, zone: string, extra: Parameters<typeof makeNode>[2] = {}): Node =>
    makeNode(name, zone, { ...extra, labels: { rack: 'r1', ...extra.labels } });
  const cases: { name: string; oldNode?: Node; newNode?: Node; want: QueueingHint }[] = [
    { name: 'a node with every topology key is added', newNode: full('n', 'a'), want: Queue },
    { name: 'a node missing a topology key is added', newNode: makeNode('n', 'a'), want: QueueSkip },
    { name: 'a node with every topology key is deleted', oldNode: full('n', 'a'), want: Queue },
    { name: 'a node missing a topology key is deleted', oldNode: makeNode('n', 'a'), want: QueueSkip },
    { name: 'a node gains its missing topology key', oldNode: makeNode('n', 'a'), newNode: full('n', 'a'), want: Queue },
    { name: 'a node changes zone', oldNode: full('n', 'a'), newNode: full('n', 'b'), want: Queue },
    { name: 'a node changes an unrelated label', oldNode: full('n', 'a'), newNode: full('n', 'a', { labels: { color: 'x' } }), want: QueueSkip },
    {
      name: 'a matching node changes taints',
      oldNode: full('n', 'a'),
      newNode: full('n', 'a', { taints: [{ key: 'k', effect: 'NoSchedule' }] }),
      want: Queue,
    },
    { name: 'an empty taint list equals none', oldNode: full('n', 'a'), newNode: full('n', 'a', { taints: [] }), want: QueueSkip },
  ];
  it.each(cases)('$name', ({ oldNode, newNode, want }) => {
    expect(hintAfterNodeChange(rejected, oldNode, newNode, defaults)).toBe(want);
  });
});
