import { ActionType, type Labels, type Node, QueueingHint } from '@schedkit/framework';
import { makeNode, makePod, type PodBuilder, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { hintAfterNodeChange, hintAfterPodChange, InterPodAffinity, plugin } from './index.js';

const { Queue, QueueSkip } = QueueingHint;
const inService = { matchExpressions: [{ key: 'service', operator: 'In' as const, values: ['securityscan', 'value2'] }] };

const affinityPod = makePod('p').podAffinity('region', inService);
const antiAffinityPod = makePod('p').podAntiAffinity('region', inService);
const twoTermPod = makePod('p')
  .podAffinity('hostname', { matchExpressions: [{ key: 'aaa', operator: 'Exists' }] })
  .podAffinity('hostname', { matchExpressions: [{ key: 'bbb', operator: 'Exists' }] });

/** An assigned pod (on fake-node) with `labels`. */
const assigned = (labels: Labels): PodBuilder => makePod('other').node('fake-node').labels(labels);
/** An unassigned pod with `labels`. */
const pending = (labels: Labels): PodBuilder => makePod('other').labels(labels);

const noNamespaces = (): undefined => undefined;

describe('InterPodAffinity queueing hint for pod events', () => {
  it.each([
    { name: 'an assigned pod matching the affinity is added', pod: affinityPod, newPod: assigned({ service: 'securityscan' }), hint: Queue },
    { name: 'an unassigned pod is added', pod: affinityPod, newPod: pending({ service: 'securityscan' }), hint: QueueSkip },
    { name: 'an assigned pod not matching the affinity is added', pod: affinityPod, newPod: assigned({ aaa: 'a' }), hint: QueueSkip },
    { name: 'an assigned pod starts matching the affinity', pod: affinityPod, oldPod: assigned({ aaa: 'a' }), newPod: assigned({ service: 'securityscan' }), hint: Queue },
    { name: 'an assigned pod matched before and after', pod: affinityPod, oldPod: assigned({ service: 'value2' }), newPod: assigned({ service: 'securityscan' }), hint: QueueSkip },
    { name: 'an unassigned pod is updated', pod: affinityPod, oldPod: pending({ aaa: 'a' }), newPod: pending({ service: 'securityscan' }), hint: QueueSkip },
    { name: 'an assigned pod stops matching the affinity', pod: affinityPod, oldPod: assigned({ service: 'securityscan' }), newPod: assigned({ aaa: 'a' }), hint: QueueSkip },
    { name: 'an assigned pod matches one of two affinity terms instead of the other', pod: twoTermPod, oldPod: assigned({ aaa: 'a' }), newPod: assigned({ service: 'x' }), hint: QueueSkip },
    { name: 'an assigned pod comes to match both affinity terms', pod: twoTermPod, oldPod: assigned({ aaa: 'a' }), newPod: assigned({ aaa: '', bbb: '' }), hint: Queue },
    { name: 'the rejected pod itself is relabelled', pod: makePod('p').label('foo', 'baz'), oldPod: makePod('p').label('foo', 'bar'), newPod: makePod('p').label('foo', 'baz'), hint: Queue },
    { name: 'an assigned pod stops matching the anti-affinity', pod: antiAffinityPod, oldPod: assigned({ service: 'securityscan' }), newPod: assigned({ service: 'aaaa' }), hint: Queue },
    { name: 'an assigned pod starts matching the anti-affinity', pod: antiAffinityPod, oldPod: assigned({ service: 'bbb' }), newPod: assigned({ service: 'securityscan' }), hint: QueueSkip },
    { name: 'an assigned pod not matching the anti-affinity is deleted', pod: antiAffinityPod, oldPod: assigned({ aaa: 'a' }), hint: QueueSkip },
    { name: 'an assigned pod matching the anti-affinity is deleted', pod: antiAffinityPod, oldPod: assigned({ service: 'securityscan' }), hint: Queue },
    {
      name: 'an assigned pod whose anti-affinity selected the rejected pod is deleted',
      pod: makePod('p').label('service', 'securityscan'),
      oldPod: makePod('other').node('fake-node').podAntiAffinity('region', inService),
      hint: Queue,
    },
    {
      name: 'an assigned pod whose anti-affinity did not select the rejected pod is deleted',
      pod: makePod('p').label('service', 'foo'),
      oldPod: makePod('other').node('fake-node').podAntiAffinity('region', inService),
      hint: QueueSkip,
    },
    {
      name: 'a deleted pod neither matched by the anti-affinity nor selecting the rejected pod',
      pod: makePod('p').label('service', 'foo').podAntiAffinity('region', inService),
      oldPod: makePod('other').node('fake-node').label('service', 'foo').podAntiAffinity('region', inService),
      hint: QueueSkip,
    },
  ])('$name: $hint', ({ pod, oldPod, newPod, hint }) => {
    expect(hintAfterPodChange(pod.obj(), oldPod?.obj(), newPod?.obj(), noNamespaces)).toBe(hint);
  });
});

const zoneAffinityPod = makePod('p').podAffinity('zone', inService);
const regionAffinityPod = makePod('p').podAffinity('region', inService);
const zoneAntiPod = makePod('p').podAntiAffinity('zone', { matchLabels: { another: 'label' } });
const node = (labels: Labels): Node => makeNode().name('node-a').labels(labels).obj();

describe('InterPodAffinity queueing hint for node events', () => {
  it.each([
    { name: 'a node with the affinity topology key is added', pod: zoneAffinityPod, newNode: node({ zone: 'zone1' }), hint: Queue },
    { name: 'a node without the affinity topology key is added', pod: regionAffinityPod, newNode: node({ zone: 'zone1' }), hint: QueueSkip },
    { name: 'an unrelated label changes', pod: zoneAffinityPod, oldNode: node({ aaa: 'a' }), newNode: node({ aaa: 'b' }), hint: QueueSkip },
    { name: 'an unrelated label is added', pod: zoneAffinityPod, oldNode: node({ zone: 'zone1' }), newNode: node({ zone: 'zone1', other: 'x' }), hint: QueueSkip },
    { name: 'the affinity topology value changes', pod: zoneAffinityPod, oldNode: node({ zone: 'zone1' }), newNode: node({ zone: 'zone2' }), hint: Queue },
    { name: 'the node gains the affinity topology key', pod: zoneAffinityPod, oldNode: node({ aaa: 'a' }), newNode: node({ zone: 'zone1' }), hint: Queue },
    { name: 'a node with the anti-affinity topology key is added', pod: zoneAntiPod, newNode: node({ zone: 'zone1' }), hint: Queue },
    { name: 'a node without the anti-affinity topology key is added', pod: zoneAntiPod, newNode: node({}), hint: Queue },
    { name: 'an unrelated label is added (anti-affinity)', pod: zoneAntiPod, oldNode: node({ zone: 'zone1' }), newNode: node({ zone: 'zone1', other: 'x' }), hint: QueueSkip },
    { name: 'the anti-affinity topology value changes', pod: zoneAntiPod, oldNode: node({ zone: 'zone1' }), newNode: node({ zone: 'zone2' }), hint: Queue },
    { name: 'the node gains the anti-affinity topology key', pod: zoneAntiPod, oldNode: node({ aaa: 'a' }), newNode: node({ zone: 'zone1' }), hint: QueueSkip },
    { name: 'the node loses the anti-affinity topology key', pod: zoneAntiPod, oldNode: node({ zone: 'zone1' }), newNode: node({ aaa: 'a' }), hint: Queue },
    { name: 'a pod without inter-pod affinity', pod: makePod('p'), newNode: node({ zone: 'zone1' }), hint: QueueSkip },
  ])('$name: $hint', ({ pod, oldNode, newNode, hint }) => {
    expect(hintAfterNodeChange(pod.obj(), oldNode, newNode)).toBe(hint);
  });
});

describe('InterPodAffinity events to register', () => {
  it('registers assigned-pod add/relabel/delete and node add/relabel, each with a hint', () => {
    const tester = new PluginTester({ plugin });
    const events = (tester.plugin as InterPodAffinity).eventsToRegister();
    expect(events.map((e) => [e.event.resource, e.event.actionType, typeof e.queueingHintFn])).toEqual([
      ['Pod', ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete, 'function'],
      ['Node', ActionType.Add | ActionType.UpdateNodeLabel, 'function'],
    ]);
  });

  it("reads the rejected pod's namespace labels when a deleted pod's anti-affinity has a namespaceSelector", () => {
    const tester = new PluginTester({ plugin, namespaces: [{ metadata: { name: 'default', labels: { team: 'core' } } }] });
    const podEvent = (tester.plugin as InterPodAffinity).eventsToRegister()[0]!;
    const deleted = makePod('other')
      .namespace('prod')
      .node('fake-node')
      .podAntiAffinity('zone', { matchLabels: { app: 'web' } }, { namespaceSelector: { matchLabels: { team: 'core' } } });
    expect(podEvent.queueingHintFn!(makePod('p').label('app', 'web').obj(), deleted.obj(), undefined)).toBe(Queue);
    expect(podEvent.queueingHintFn!(makePod('p').namespace('dev').label('app', 'web').obj(), deleted.obj(), undefined)).toBe(QueueSkip);
  });
});
