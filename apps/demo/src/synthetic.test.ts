import { LabelHostname, LabelTopologyZone, type Pod } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { generateCluster, Labels, NodeShapes, zoneName } from './synthetic.js';

const options = { nodes: 300, pods: 3000, zones: 3, gangs: 4, seed: 11, schedulerName: 'default-scheduler' };

describe('generateCluster', () => {
  const cluster = generateCluster(options);

  it('generates the asked numbers of nodes and pods, gang pods included', () => {
    expect(cluster.nodes).toHaveLength(300);
    expect(cluster.pods).toHaveLength(3000);
    expect(new Set(cluster.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).size).toBe(3000);
    expect(new Set(cluster.pods.map((p) => p.metadata.uid)).size).toBe(3000);
  });

  it('is the same cluster for the same seed and another one for another seed', () => {
    expect(generateCluster(options)).toEqual(cluster);
    expect(generateCluster({ ...options, seed: 12 }).pods).not.toEqual(cluster.pods);
  });

  it('spreads nodes round-robin over the zones and labels each with zone, hostname and instance type', () => {
    const perZone = new Map<string, number>();
    for (const node of cluster.nodes) {
      const labels = node.metadata.labels!;
      expect(labels[LabelHostname]).toBe(node.metadata.name);
      expect(NodeShapes.map((s) => s.instanceType)).toContain(labels[Labels.instanceType]);
      perZone.set(labels[LabelTopologyZone]!, (perZone.get(labels[LabelTopologyZone]!) ?? 0) + 1);
    }
    expect(Object.fromEntries(perZone)).toEqual({ 'zone-a': 100, 'zone-b': 100, 'zone-c': 100 });
  });

  it('mixes the 4, 16 and 64 CPU shapes, with allocatable below capacity', () => {
    const cpus = new Set(cluster.nodes.map((n) => n.status!.capacity!.cpu));
    expect([...cpus].sort()).toEqual(['16', '4', '64']);
    for (const node of cluster.nodes) {
      const capacity = Number(node.status!.capacity!.cpu) * 1000;
      expect(node.status!.allocatable!.cpu).toBe(`${capacity - 100}m`);
    }
  });

  it('taints some nodes and cordons a few', () => {
    const tainted = cluster.nodes.filter((n) => (n.spec?.taints ?? []).length > 0);
    expect(tainted.length).toBeGreaterThan(10);
    expect(tainted.length).toBeLessThan(60);
    for (const node of cluster.nodes.filter((n) => n.spec?.unschedulable)) {
      expect(node.spec!.taints).toContainEqual({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
    }
  });

  it('gives pods mixed requests, priorities, tolerations, node affinity, topology spread and anti-affinity', () => {
    const has = (predicate: (pod: Pod) => boolean) => cluster.pods.filter(predicate).length;
    expect(new Set(cluster.pods.map((p) => p.spec.priority)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(cluster.pods.map((p) => p.spec.containers[0]!.resources?.requests?.cpu)).size).toBeGreaterThanOrEqual(5);
    expect(has((p) => (p.spec.tolerations ?? []).length > 0)).toBeGreaterThan(0);
    expect(has((p) => Boolean(p.spec.affinity?.nodeAffinity))).toBeGreaterThan(0);
    expect(has((p) => (p.spec.topologySpreadConstraints ?? []).length > 0)).toBeGreaterThan(0);
    expect(has((p) => Boolean(p.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution))).toBeGreaterThan(0);
    expect(has((p) => Boolean(p.spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution))).toBeGreaterThan(0);
    expect(cluster.pods.every((p) => p.spec.schedulerName === 'default-scheduler' && p.status?.phase === 'Pending')).toBe(true);
  });

  it('labels gangs for Coscheduling: each gang has min-available members, all in one namespace', () => {
    const gangs = new Map<string, Pod[]>();
    for (const pod of cluster.pods) {
      const name = pod.metadata.labels?.[Labels.podGroup];
      if (name) gangs.set(name, [...(gangs.get(name) ?? []), pod]);
    }
    expect([...gangs.keys()].sort()).toEqual(['gang-0', 'gang-1', 'gang-2', 'gang-3']);
    for (const members of gangs.values()) {
      expect(Number(members[0]!.metadata.labels![Labels.podGroupMinAvailable])).toBe(members.length);
      expect(new Set(members.map((m) => m.metadata.namespace))).toEqual(new Set(['ml']));
    }
  });

  it('refuses more gang pods than pods', () => {
    expect(() => generateCluster({ ...options, pods: 10, gangs: 5 })).toThrow(RangeError);
  });

  it('names zones a, b, ... z, then by number', () => {
    expect([zoneName(0), zoneName(25), zoneName(26)]).toEqual(['zone-a', 'zone-z', 'zone-27']);
  });
});
