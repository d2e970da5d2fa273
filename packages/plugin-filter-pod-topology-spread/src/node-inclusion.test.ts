import type { Node, NodeSelectorTerm, Taint, Toleration } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from './harness.fixture.js';
import { hasUntoleratedScheduleTaint, RequiredNodeAffinity } from './node-inclusion.js';

describe('RequiredNodeAffinity (nodeAffinityPolicy: Honor)', () => {
  const node: Node = makeNode('n1', 'a', { labels: { disk: 'ssd', cores: '8' } });
  const withTerms = (terms: NodeSelectorTerm[] | undefined, nodeSelector?: Record<string, string>) => {
    const pod = makePod('p', { nodeSelector });
    if (terms) pod.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } };
    return RequiredNodeAffinity.of(pod);
  };
  it.each([
    { name: 'no selector, no affinity', affinity: withTerms(undefined), want: true },
    { name: 'nodeSelector matches', affinity: withTerms(undefined, { disk: 'ssd' }), want: true },
    { name: 'nodeSelector differs', affinity: withTerms(undefined, { disk: 'hdd' }), want: false },
    { name: 'an empty term list matches nothing', affinity: withTerms([]), want: false },
    { name: 'an empty term matches nothing', affinity: withTerms([{}]), want: false },
    { name: 'In', affinity: withTerms([{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }]), want: true },
    { name: 'NotIn on an absent key', affinity: withTerms([{ matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: ['x'] }] }]), want: true },
    { name: 'Gt', affinity: withTerms([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }]), want: true },
    { name: 'Lt', affinity: withTerms([{ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['4'] }] }]), want: false },
    { name: 'Gt with a non-integer bound never matches', affinity: withTerms([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['x'] }] }]), want: false },
    { name: 'matchFields metadata.name', affinity: withTerms([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }]), want: true },
    // kube's nodes have no field but metadata.name: any other field reads as empty.
    { name: 'matchFields In on another field', affinity: withTerms([{ matchFields: [{ key: 'spec.x', operator: 'In', values: ['n1'] }] }]), want: false },
    { name: 'matchFields NotIn on another field', affinity: withTerms([{ matchFields: [{ key: 'spec.x', operator: 'NotIn', values: ['n1'] }] }]), want: true },
    { name: 'matchFields with two values is invalid', affinity: withTerms([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1', 'n2'] }] }]), want: false },
    { name: 'an invalid label key makes the term invalid', affinity: withTerms([{ matchExpressions: [{ key: 'bad key!', operator: 'DoesNotExist' }] }]), want: false },
    {
      name: 'terms are ORed, an invalid term is skipped',
      affinity: withTerms([{ matchExpressions: [{ key: 'disk', operator: 'In', values: [] }] }, { matchExpressions: [{ key: 'disk', operator: 'Exists' }] }]),
      want: true,
    },
    { name: 'nodeSelector and terms are ANDed', affinity: withTerms([{ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }], { disk: 'hdd' }), want: false },
  ])('$name', ({ affinity, want }) => {
    expect(affinity.matches(node)).toBe(want);
  });
});

describe('hasUntoleratedScheduleTaint (nodeTaintsPolicy: Honor)', () => {
  const taint = (effect: Taint['effect'], value = 'v'): Taint => ({ key: 'k', value, effect });
  it.each<{ name: string; taints: Taint[]; tolerations?: Toleration[]; want: boolean }>([
    { name: 'no taints', taints: [], want: false },
    { name: 'NoSchedule untolerated', taints: [taint('NoSchedule')], want: true },
    { name: 'NoExecute untolerated', taints: [taint('NoExecute')], want: true },
    { name: 'PreferNoSchedule is not considered', taints: [taint('PreferNoSchedule')], want: false },
    { name: 'Equal with the value', taints: [taint('NoSchedule')], tolerations: [{ key: 'k', operator: 'Equal', value: 'v' }], want: false },
    { name: 'no operator means Equal', taints: [taint('NoSchedule')], tolerations: [{ key: 'k', value: 'other' }], want: true },
    { name: 'Exists with an empty key tolerates everything', taints: [taint('NoExecute')], tolerations: [{ operator: 'Exists' }], want: false },
    { name: 'a toleration for another effect', taints: [taint('NoSchedule')], tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute' }], want: true },
  ])('$name', ({ taints, tolerations, want }) => {
    expect(hasUntoleratedScheduleTaint(makeNode('n', 'a', { taints }), tolerations)).toBe(want);
  });
});
