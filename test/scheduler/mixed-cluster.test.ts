import { compileLabelSelector, findUntoleratedTaint, type Node, type Pod, parseQuantity } from '@schedkit/framework';
import { makeNode, makePod } from '@schedkit/framework/testing';
import { defaultConfiguration, loadDefaultConfiguration } from '@schedkit/preset-default';
import { describe, expect, it } from 'vitest';
import { seeded, startScheduler } from './harness.js';

const ZONES = ['zone-a', 'zone-b', 'zone-c', 'zone-d'];

function cluster(nodes: number, rand: () => number): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < nodes; i++) {
    const builder = makeNode(`node-${i}`)
      .zone(ZONES[i % ZONES.length]!)
      .label('node.kubernetes.io/instance-type', i % 3 === 0 ? 'large' : 'small')
      .capacity({ cpu: i % 3 === 0 ? '16' : '4', memory: i % 3 === 0 ? '64Gi' : '16Gi', pods: '110' });
    if (i % 10 === 0) builder.taint('dedicated', 'gpu', 'NoSchedule');
    if (rand() < 0.1) builder.label('disktype', 'ssd');
    out.push(builder.obj());
  }
  return out;
}

function pods(count: number, rand: () => number): Pod[] {
  const out: Pod[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 7;
    const p = makePod(`pod-${i}`).req({ cpu: `${100 + Math.floor(rand() * 5) * 100}m`, memory: `${256 * (1 + Math.floor(rand() * 4))}Mi` }).priority(Math.floor(rand() * 3));
    if (kind === 0) p.label('app', 'web').spreadConstraint(1, 'topology.kubernetes.io/zone', 'DoNotSchedule', { matchLabels: { app: 'web' } });
    if (kind === 1) p.label('app', 'db').podAntiAffinity('kubernetes.io/hostname', { matchLabels: { app: 'db' } });
    if (kind === 2) p.toleration({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }).nodeSelector({ 'node.kubernetes.io/instance-type': 'large' });
    if (kind === 3) p.nodeAffinityIn('disktype', ['ssd']);
    if (kind === 4) p.hostPort(8080 + (i % 3));
    if (kind === 5 && i % 35 === 5) p.schedulingGates('wait-for-quota');
    out.push(p.obj());
  }
  return out;
}

const cpuOf = (p: Pod) => p.spec.containers.reduce((s, c) => s + parseQuantity(c.resources?.requests?.cpu ?? 0).milliValue(), 0);
const memoryOf = (p: Pod) => p.spec.containers.reduce((s, c) => s + parseQuantity(c.resources?.requests?.memory ?? 0).value(), 0);

describe('default profile on a 1,000-node cluster with mixed pods', () => {
  it('keeps every invariant: resources, taints, affinity, anti-affinity, spread skew, host ports, gates', async () => {
    const rand = seeded(2026);
    const h = startScheduler({ configuration: defaultConfiguration(), seed: 3 });
    const nodes = cluster(1_000, rand);
    for (const n of nodes) h.store.applyNode(n);
    for (const p of pods(6_000, rand)) h.store.applyPod(p);
    await h.settle();
    const all = h.store.listPods();
    const bound = all.filter((p) => p.spec.nodeName);
    const byNode = new Map<string, Pod[]>();
    for (const p of bound) byNode.set(p.spec.nodeName!, [...(byNode.get(p.spec.nodeName!) ?? []), p]);
    const nodeByName = new Map(nodes.map((n) => [n.metadata.name, n]));

    expect(bound.length).toBeGreaterThan(4_000);
    for (const [name, list] of byNode) {
      const n = nodeByName.get(name)!;
      const allocatable = n.status!.allocatable!;
      // No node over allocatable.
      expect(list.reduce((s, p) => s + cpuOf(p), 0)).toBeLessThanOrEqual(parseQuantity(allocatable.cpu!).milliValue());
      expect(list.reduce((s, p) => s + memoryOf(p), 0)).toBeLessThanOrEqual(parseQuantity(allocatable.memory!).value());
      expect(list.length).toBeLessThanOrEqual(110);
      // No host port conflicts.
      const ports = list.flatMap((p) => p.spec.containers.flatMap((c) => (c.ports ?? []).filter((x) => x.hostPort).map((x) => `${x.protocol ?? 'TCP'}/${x.hostPort}`)));
      expect(new Set(ports).size).toBe(ports.length);
      // At most one db pod per node (required anti-affinity on hostname).
      expect(list.filter((p) => p.metadata.labels?.app === 'db').length).toBeLessThanOrEqual(1);
      for (const p of list) {
        // Taints tolerated.
        expect(findUntoleratedTaint(n.spec?.taints ?? [], p.spec.tolerations ?? [], (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')).toBeUndefined();
        // Node selector and required node affinity satisfied.
        for (const [k, v] of Object.entries(p.spec.nodeSelector ?? {})) expect(n.metadata.labels?.[k]).toBe(v);
        if (p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution) expect(n.metadata.labels?.disktype).toBe('ssd');
      }
    }
    // Spread skew within maxSkew 1 across zones for web pods (every zone is eligible for them).
    const web = compileLabelSelector({ matchLabels: { app: 'web' } });
    const perZone = new Map(ZONES.map((z) => [z, 0]));
    for (const p of bound) if (web.matches(p.metadata.labels ?? {})) {
      const zone = nodeByName.get(p.spec.nodeName!)!.metadata.labels!['topology.kubernetes.io/zone']!;
      perZone.set(zone, perZone.get(zone)! + 1);
    }
    expect(Math.max(...perZone.values()) - Math.min(...perZone.values())).toBeLessThanOrEqual(1);
    // Gated pods never bind; every other pending pod says why.
    for (const p of all.filter((x) => !x.spec.nodeName)) {
      if (p.spec.schedulingGates?.length) {
        expect(h.scheduler.queue.stats().gated).toBeGreaterThan(0);
        continue;
      }
      expect(p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message).toMatch(/^0\/1000 nodes are available: /);
    }
    expect(all.filter((p) => p.spec.schedulingGates?.length && p.spec.nodeName)).toEqual([]);
    await h.scheduler.stop();
  }, 300_000);

  it('a kube configuration that disables and reweights plugins by kube name changes placement accordingly', async () => {
    // Two nodes: "busy" already runs a pod, "idle" runs none. By default LeastAllocated + balanced prefer idle.
    const configuration = loadDefaultConfiguration(`apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
  - schedulerName: default-scheduler
    plugins:
      score:
        disabled: [{ name: NodeResourcesBalancedAllocation }, { name: ImageLocality }]
        enabled: [{ name: NodeResourcesFit, weight: 5 }]
    pluginConfig:
      - name: NodeResourcesFit
        args:
          scoringStrategy:
            type: MostAllocated
            resources: [{ name: cpu, weight: 1 }, { name: memory, weight: 1 }]
`);
    const framework = () => h.scheduler.profiles().get('default-scheduler')!;
    const h = startScheduler({ configuration });
    // As kube expands multiPoint: plugins enabled at the point itself come first, then the multiPoint ones.
    expect(framework().describe().score).toEqual([
      { name: 'NodeResourcesFit', weight: 5 },
      { name: 'TaintToleration', weight: 3 },
      { name: 'NodeAffinity', weight: 2 },
      // kube's multiPoint enables VolumeBinding's Score (weight 1); its PreScore skips unless the pod has claims.
      { name: 'VolumeBinding', weight: 1 },
      { name: 'PodTopologySpread', weight: 2 },
      { name: 'InterPodAffinity', weight: 2 },
    ]);
    h.store.applyNode(makeNode('busy').capacity({ cpu: '4', memory: '8Gi', pods: '110' }).obj());
    h.store.applyNode(makeNode('idle').capacity({ cpu: '4', memory: '8Gi', pods: '110' }).obj());
    h.store.applyPod(makePod('existing').node('busy').req({ cpu: '2', memory: '4Gi' }).obj());
    h.store.applyPod(makePod('incoming').req({ cpu: '1', memory: '1Gi' }).obj());
    await h.settle();
    // MostAllocated packs: the pod goes where it is already busy.
    expect(h.store.getPod('default', 'incoming')?.spec.nodeName).toBe('busy');
    await h.scheduler.stop();

    const spread = startScheduler({ configuration: defaultConfiguration() });
    spread.store.applyNode(makeNode('busy').capacity({ cpu: '4', memory: '8Gi', pods: '110' }).obj());
    spread.store.applyNode(makeNode('idle').capacity({ cpu: '4', memory: '8Gi', pods: '110' }).obj());
    spread.store.applyPod(makePod('existing').node('busy').req({ cpu: '2', memory: '4Gi' }).obj());
    spread.store.applyPod(makePod('incoming').req({ cpu: '1', memory: '1Gi' }).obj());
    await spread.settle();
    expect(spread.store.getPod('default', 'incoming')?.spec.nodeName).toBe('idle');
    await spread.scheduler.stop();
  });
});
