import { objectKey, type Pod } from '@schedkit/framework';
import { makeNode, makePod } from '@schedkit/framework/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfiguration } from './configuration.js';
import { explainPod } from './explain.js';
import type { Explanation } from './explanation.js';
import { SeededRandom } from './random.js';
import { Simulation, type SimulationResult } from './simulation.js';

// Four nodes, each turning the pods away for another reason, and three pods to place on them.
const nodes = [
  makeNode('n1').zone('zone-a').capacity({ cpu: '4', memory: '8Gi' }).obj(),
  makeNode('n2').zone('zone-a').capacity({ cpu: '2', memory: '4Gi' }).obj(),
  makeNode('n3').zone('zone-b').capacity({ cpu: '4', memory: '8Gi' }).taint('dedicated', 'gpu', 'NoSchedule').obj(),
  makeNode('n4').zone('zone-b').capacity({ cpu: '4', memory: '8Gi' }).unschedulable().obj(),
];
const busy = makePod('busy').namespace('default').node('n2').phase('Running').req({ cpu: '1500m', memory: '512Mi' }).obj();
const p = makePod('p').namespace('default').priority(100).req({ cpu: '1', memory: '1Gi' }).obj();
const q = makePod('q').namespace('default').req({ cpu: '100m', memory: '256Mi' }).obj();
const r = makePod('r').namespace('default').req({ cpu: '8', memory: '1Gi' }).obj();

describe('explainPod', () => {
  let simulation: Simulation;
  let result: SimulationResult;
  const explanations = new Map<string, Explanation>();

  beforeAll(async () => {
    const loaded = await loadConfiguration({ gangs: 0 });
    simulation = new Simulation({
      nodes,
      boundPods: [busy],
      pendingPods: [p, q, r],
      configuration: loaded.configuration,
      registry: loaded.registry,
      random: new SeededRandom(1).asFunction(),
      explain: ['default/p', 'default/q', 'default/r'],
    });
    result = await simulation.run();
    for (const pod of [p, q, r]) {
      const key = objectKey(pod.metadata);
      const decision = result.decisions.get(key);
      explanations.set(
        key,
        await explainPod({
          key,
          pod,
          decision,
          nodes,
          podsOnNodes: simulation.podsBefore(decision!.logIndex),
          registry: loaded.registry,
          configuration: loaded.configuration,
          profile: 'default-scheduler',
          objects: simulation.store,
        }),
      );
    }
  });

  it('rebuilds the cluster as the scheduler saw it at each pod cycle', () => {
    const names = (pods: Pod[]) => pods.map((pod) => `${pod.metadata.name}@${pod.spec.nodeName}`).sort();
    expect(names(simulation.podsBefore(result.decisions.get('default/p')!.logIndex))).toEqual(['busy@n2']);
    expect(names(simulation.podsBefore(result.decisions.get('default/q')!.logIndex))).toEqual(['busy@n2', 'p@n1']);
    expect(explanations.get('default/q')!.podsOnNodes).toBe(2);
  });

  it("gives each node's Filter verdict with kube's plugin, code and reason", () => {
    const e = explanations.get('default/p')!;
    expect(e.outcome).toBe('scheduled');
    expect(e.chosenNode).toBe('n1');
    expect(e.nodes).toEqual([
      { node: 'n1', zone: 'zone-a', feasible: true, reasons: [] },
      { node: 'n2', zone: 'zone-a', feasible: false, plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'] },
      { node: 'n3', zone: 'zone-b', feasible: false, plugin: 'TaintToleration', code: 'UnschedulableAndUnresolvable', reasons: ["node(s) had untolerated taint(s)"] },
      { node: 'n4', zone: 'zone-b', feasible: false, plugin: 'NodeUnschedulable', code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'] },
    ]);
    expect(e.feasibleNodes).toBe(1);
    expect(e.rejections).toEqual([
      { plugin: 'NodeResourcesFit', reason: 'Insufficient cpu', nodes: 1 },
      { plugin: 'NodeUnschedulable', reason: 'node(s) were unschedulable', nodes: 1 },
      { plugin: 'TaintToleration', reason: "node(s) had untolerated taint(s)", nodes: 1 },
    ]);
    // kube does not score when a single node is feasible.
    expect(e.scoring).toBeUndefined();
    expect(e.note).toBe('only one node passed the filters, so the scheduler did not score');
  });

  it("breaks the chosen node's score down per plugin: raw, normalized, weighted, as kube computes them", () => {
    const e = explanations.get('default/q')!;
    expect(e.chosenNode).toBe('n1');
    expect(e.scoring!.scoredNodes).toBe(2);
    expect(e.scoring!.skippedPlugins).toEqual(['InterPodAffinity', 'NodeAffinity', 'PodTopologySpread', 'VolumeBinding']);
    const cells = (node: string) => Object.fromEntries(e.scoring!.top.find((row) => row.node === node)!.plugins.map((c) => [c.plugin, [c.raw, c.normalized, c.weighted]]));
    // n1 holds p (1 cpu, 1Gi) + q: cpu (4000-1100)*100/4000 = 72, memory (8192-1280)*100/8192 = 84, mean 78.
    // n2 holds busy (1500m, 512Mi) + q: cpu 400*100/2000 = 20, memory 3328*100/4096 = 81, mean 50.
    // Balanced allocation: 100 * (1 - |cpu share - memory share| / 2): n1 (1 - |0.275-0.15625|/2) = 94, n2 (1 - |0.8-0.1875|/2) = 69.
    expect(cells('n1')).toEqual({ TaintToleration: [0, 100, 300], NodeResourcesFit: [78, 78, 78], NodeResourcesBalancedAllocation: [94, 94, 94], ImageLocality: [0, 0, 0] });
    expect(cells('n2')).toEqual({ TaintToleration: [0, 100, 300], NodeResourcesFit: [50, 50, 50], NodeResourcesBalancedAllocation: [69, 69, 69], ImageLocality: [0, 0, 0] });
    expect(e.scoring!.top.map((row) => [row.node, row.total, row.chosen])).toEqual([
      ['n1', 472, true],
      ['n2', 419, false],
    ]);
    expect(e.scoring!.matchesScheduler).toBe(true);
  });

  it('explains an unschedulable pod with every node rejected and the scheduler message', () => {
    const e = explanations.get('default/r')!;
    expect(e.outcome).toBe('unschedulable');
    expect(e.chosenNode).toBeUndefined();
    expect(e.message).toBe(
      '0/4 nodes are available: 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable, 2 Insufficient cpu. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling..',
    );
    expect(e.feasibleNodes).toBe(0);
    // 8 cpu is more than either node can ever offer, so no preemption could help: kube says UnschedulableAndUnresolvable.
    expect(e.nodes.filter((n) => n.plugin === 'NodeResourcesFit').map((n) => [n.node, n.code, n.reasons])).toEqual([
      ['n1', 'UnschedulableAndUnresolvable', ['Insufficient cpu']],
      ['n2', 'UnschedulableAndUnresolvable', ['Insufficient cpu']],
    ]);
  });
});
