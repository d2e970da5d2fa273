import { describe, expect, it } from 'vitest';
import type { Node } from '../model/types.js';
import { Snapshot } from './snapshot.js';
import { nodeZoneKey } from './zones.js';

const node = (name: string, labels: Record<string, string>): Node => ({ metadata: { name, labels } });

describe('nodeZoneKey (kube utilnode.GetZoneKey)', () => {
  it('joins region and zone, and is empty without either', () => {
    expect(nodeZoneKey(node('a', { 'topology.kubernetes.io/zone': 'z1', 'topology.kubernetes.io/region': 'r1' }))).toBe('r1:\u0000:z1');
    expect(nodeZoneKey(node('a', { 'topology.kubernetes.io/zone': 'z1' }))).toBe(':\u0000:z1');
    expect(nodeZoneKey(node('a', {}))).toBe('');
  });

  it('reads the beta labels first, even when they are empty', () => {
    const labels = { 'failure-domain.beta.kubernetes.io/zone': 'old', 'topology.kubernetes.io/zone': 'new' };
    expect(nodeZoneKey(node('a', labels))).toBe(':\u0000:old');
    expect(nodeZoneKey(node('a', { 'failure-domain.beta.kubernetes.io/zone': '', 'topology.kubernetes.io/zone': 'new' }))).toBe('');
  });
});

describe("the snapshot's node order (kube's NodeTree)", () => {
  it('lists zones round robin, zones in the order their first node came, nodes in add order', () => {
    const zone = (z: string) => ({ 'topology.kubernetes.io/zone': z });
    const nodes = [node('a1', zone('a')), node('b1', zone('b')), node('a2', zone('a')), node('n1', {}), node('a3', zone('a')), node('b2', zone('b'))];
    expect(Snapshot.from(nodes).list().map((info) => info.name)).toEqual(['a1', 'b1', 'n1', 'a2', 'b2', 'a3']);
  });
});
