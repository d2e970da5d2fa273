import { objectKey, type Pod } from '@schedkit/framework';
import { makeNode, makePod } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { loadConfiguration } from './configuration.js';
import { SeededRandom } from './random.js';
import { Simulation } from './simulation.js';
import { buildSummary, type SummaryContext } from './summary.js';
import { generateCluster, Labels } from './synthetic.js';
import { formatSummary } from './text.js';

const summaryContext: SummaryContext = { mode: 'simulate', seed: 1, source: 'test', profile: 'default-scheduler', podsBoundAtStart: 0, explanations: [], reloads: [], warnings: [] };

async function placementsOf(seed: number, schedulingSeed: number): Promise<Map<string, string>> {
  const cluster = generateCluster({ nodes: 40, pods: 500, zones: 3, gangs: 0, seed, schedulerName: 'default-scheduler' });
  const loaded = await loadConfiguration({ gangs: 0 });
  const simulation = new Simulation({
    nodes: cluster.nodes,
    boundPods: [],
    pendingPods: cluster.pods,
    configuration: loaded.configuration,
    registry: loaded.registry,
    random: new SeededRandom(schedulingSeed).asFunction(),
    waveSize: 50,
  });
  return (await simulation.run()).placements;
}

describe('Simulation', () => {
  it('places every pod on the same node in every run with the same seeds', async () => {
    const first = await placementsOf(3, 4);
    const second = await placementsOf(3, 4);
    expect(first.size).toBeGreaterThan(300);
    expect([...second]).toEqual([...first]);
  });

  it('breaks score ties differently with another tie-break seed', async () => {
    const first = await placementsOf(3, 4);
    const other = await placementsOf(3, 5);
    expect([...other]).not.toEqual([...first]);
  });

  it('reports bound, unschedulable and never-attempted pods, and marks bound pods Running through the node agent', async () => {
    const loaded = await loadConfiguration({ gangs: 0 });
    const nodes = [makeNode('n1').capacity({ cpu: '2', memory: '4Gi' }).obj()];
    const fits = makePod('fits').namespace('default').req({ cpu: '1' }).obj();
    const tooBig = makePod('too-big').namespace('default').req({ cpu: '3' }).obj();
    const elsewhere = makePod('elsewhere').namespace('default').schedulerName('another-scheduler').req({ cpu: '1' }).obj();
    const simulation = new Simulation({
      nodes,
      boundPods: [],
      pendingPods: [fits, tooBig, elsewhere],
      configuration: loaded.configuration,
      registry: loaded.registry,
      random: new SeededRandom(1).asFunction(),
    });
    const result = await simulation.run();
    expect([...result.placements]).toEqual([['default/fits', 'n1']]);
    expect([...result.unschedulable.keys()]).toEqual(['default/too-big']);
    expect(result.unschedulable.get('default/too-big')!.plugins).toEqual(['NodeResourcesFit']);
    expect(result.neverAttempted).toEqual(['default/elsewhere']);
    // The scheduler keeps it, counted by the scheduler it asks for, and the summary says so.
    expect(result.withoutProfile).toEqual(new Map([['another-scheduler', 1]]));
    expect(formatSummary(buildSummary(result, summaryContext))).toContain('Not attempted  1 pods (no profile schedules them: 1 ask for "another-scheduler")');
    expect(result.finalPods.find((pod) => pod.metadata.name === 'fits')!.status?.phase).toBe('Running');
    expect(result.latency.map((l) => l.point).sort()).toEqual(['bind', 'binding', 'filter', 'permit', 'postFilter', 'preBind', 'reserve']);
  });

  it('binds a gang only when all its members fit (Coscheduling), and none of a gang that cannot', async () => {
    const loaded = await loadConfiguration({ gangs: 1 });
    const nodes = [makeNode('n1').capacity({ cpu: '4', memory: '16Gi' }).obj(), makeNode('n2').capacity({ cpu: '4', memory: '16Gi' }).obj()];
    const member = (gang: string, size: number, i: number): Pod =>
      makePod(`${gang}-${i}`)
        .namespace('ml')
        .labels({ [Labels.podGroup]: gang, [Labels.podGroupMinAvailable]: String(size) })
        .req({ cpu: '2', memory: '1Gi' })
        .obj();
    // Room for four 2-cpu pods: the first gang (3) fits, the second (4) then cannot.
    const first = [0, 1, 2].map((i) => member('first', 3, i));
    const second = [0, 1, 2, 3].map((i) => member('second', 4, i));
    const simulation = new Simulation({
      nodes,
      boundPods: [],
      pendingPods: [...first, ...second],
      configuration: loaded.configuration,
      registry: loaded.registry,
      random: new SeededRandom(1).asFunction(),
    });
    const result = await simulation.run();
    expect([...result.placements.keys()].sort()).toEqual(first.map((pod) => objectKey(pod.metadata)).sort());
    const secondKeys = second.map((pod) => objectKey(pod.metadata));
    expect(secondKeys.every((key) => result.unschedulable.has(key) || result.waitingAtPermit.has(key))).toBe(true);
    expect(result.neverAttempted).toEqual([]);
    // The member that got a node waited at Permit for the rest of its gang, timed out and gave the node back.
    expect(result.bindingFailures).toBeGreaterThan(0);
    expect(result.finalPods.filter((pod) => pod.spec.nodeName).map((pod) => pod.metadata.name).sort()).toEqual(['first-0', 'first-1', 'first-2']);
  });
});
