import {
  Code,
  CycleState,
  Framework,
  type NodeInfo,
  type NodeScore,
  numFeasibleNodesToFind,
  type Pod,
  Registry,
  Snapshot,
  Status,
} from '@schedkit/framework';
import { defaultConfiguration, registerDefaultPlugins } from '@schedkit/preset-default';
import { Bench } from 'tinybench';
import { isMain } from './cli.js';
import { fixed, printTable, writeResult } from './report.js';
import { makeNode, makePod } from './workloads.js';

/** A cluster of `nodes` default nodes, each already running `podsPerNode` default pods. */
export function loadedSnapshot(nodes: number, podsPerNode: number): Snapshot {
  const nodeList = Array.from({ length: nodes }, (_, i) => makeNode(i, 0));
  const pods: Pod[] = [];
  for (let i = 0; i < nodes * podsPerNode; i++) {
    const pod = makePod(1_000_000 + i, 'default');
    pod.spec.nodeName = `node-${i % nodes}`;
    pods.push(pod);
  }
  return Snapshot.from(nodeList, pods);
}

/** The default profile's framework (kube's default plugins and args, adaptive sampling, parallelism 16). */
export function defaultFramework(): Framework {
  const configuration = defaultConfiguration();
  return new Framework({ profile: configuration.profiles[0]!, registry: registerDefaultPlugins(new Registry()), parallelism: configuration.parallelism, random: () => 0 });
}

/**
 * The same scheduling algorithm as {@link Framework.schedulePod} written as plain loops over the same plugin
 * instances: PreFilter, Filter until enough nodes fit (same sampling and rotating start), PreScore, Score,
 * NormalizeScore, weights, highest total. It assumes every plugin is synchronous and skips everything the
 * framework adds (statuses, diagnosis, parallelizer, per-plugin score records), so it is the floor the
 * framework's dispatch is measured against.
 */
export class HandWrittenScheduler {
  private nextStart = 0;

  constructor(
    private readonly framework: Framework,
    private readonly random: () => number = () => 0,
  ) {}

  schedule(pod: Pod, snapshot: Snapshot): string {
    const fw = this.framework;
    const state = new CycleState();
    const nodes = snapshot.list();
    fw.setSnapshot(snapshot);
    const skipFilter = new Set<string>();
    for (const plugin of fw.pluginsAt('preFilter')) {
      const result = plugin.preFilter(state, pod, nodes);
      if (result instanceof Status && result.code === Code.Skip) skipFilter.add(plugin.name);
    }
    state.skipFilterPlugins = skipFilter;
    const filters = fw.pluginsAt('filter').filter((p) => !skipFilter.has(p.name));
    const wanted = numFeasibleNodesToFind(undefined, nodes.length);
    const feasible: NodeInfo[] = [];
    const count = nodes.length;
    let evaluated = 0;
    for (; evaluated < count && feasible.length < wanted; evaluated++) {
      const nodeInfo = nodes[(this.nextStart + evaluated) % count]!;
      let fits = true;
      for (let f = 0; f < filters.length; f++) {
        const status = filters[f]!.filter(state, pod, nodeInfo) as Status | null;
        if (status !== null && status !== undefined && status.code !== Code.Success) {
          fits = false;
          break;
        }
      }
      if (fits) feasible.push(nodeInfo);
    }
    this.nextStart = (this.nextStart + evaluated) % count;
    if (feasible.length === 0) throw new Error(`no node fits pod ${pod.metadata.name}`);
    if (feasible.length === 1) return feasible[0]!.name;
    const skipScore = new Set<string>();
    for (const plugin of fw.pluginsAt('preScore')) {
      const result = plugin.preScore(state, pod, feasible) as Status | null;
      if (result instanceof Status && result.code === Code.Skip) skipScore.add(plugin.name);
    }
    state.skipScorePlugins = skipScore;
    const totals = new Float64Array(feasible.length);
    for (const plugin of fw.pluginsAt('score')) {
      if (skipScore.has(plugin.name)) continue;
      const weight = fw.scoreWeights.get(plugin.name) ?? 1;
      if (!plugin.normalizeScore) {
        for (let i = 0; i < feasible.length; i++) totals[i]! += (plugin.score(state, pod, feasible[i]!) as number) * weight;
        continue;
      }
      // Only plugins that normalize need kube's {name, score} list.
      const scores: NodeScore[] = new Array(feasible.length);
      for (let i = 0; i < feasible.length; i++) scores[i] = { name: feasible[i]!.name, score: plugin.score(state, pod, feasible[i]!) as number };
      plugin.normalizeScore(state, pod, scores);
      for (let i = 0; i < scores.length; i++) totals[i]! += scores[i]!.score * weight;
    }
    // The framework's tie-break (reservoir sampling over the highest totals), so both pick the same node.
    let best = 0;
    let ties = 1;
    for (let i = 1; i < totals.length; i++) {
      if (totals[i]! > totals[best]!) {
        best = i;
        ties = 1;
      } else if (totals[i] === totals[best]) {
        ties++;
        if (Math.floor(this.random() * ties) === 0) best = i;
      }
    }
    return feasible[best]!.name;
  }
}

/** Result of the dispatch micro-benchmark. */
export interface DispatchResult {
  nodes: number;
  frameworkUsPerPod: number;
  handWrittenUsPerPod: number;
  ratio: number;
}

/** Framework.schedulePod with the default plugins against {@link HandWrittenScheduler}, on `nodes` nodes with 2 pods each. */
export async function measureDispatch(nodes: number, timeMs = 2000): Promise<DispatchResult> {
  const snapshot = loadedSnapshot(nodes, 2);
  const framework = defaultFramework();
  const hand = new HandWrittenScheduler(defaultFramework());
  const pod = makePod(1, 'default');
  const bench = new Bench({ time: timeMs, warmupTime: 500 });
  bench.add('framework', async () => {
    await framework.schedulePod(pod, snapshot, new CycleState());
  });
  bench.add('hand-written', () => {
    hand.schedule(pod, snapshot);
  });
  await bench.run();
  const mean = (name: string): number => {
    const result = bench.getTask(name)?.result;
    if (!result || !('latency' in result)) throw new Error(`task ${name} did not complete`);
    return result.latency.mean * 1000;
  };
  const frameworkUs = mean('framework');
  const handUs = mean('hand-written');
  return { nodes, frameworkUsPerPod: frameworkUs, handWrittenUsPerPod: handUs, ratio: frameworkUs / handUs };
}

async function main(): Promise<void> {
  const results: DispatchResult[] = [];
  for (const nodes of [500, 5000]) results.push(await measureDispatch(nodes));
  printTable(
    'framework dispatch vs hand-written loop (default plugins, default pod, 2 pods per node; target ratio <= 1.3)',
    results.map((r) => ({
      nodes: r.nodes,
      'framework us/pod': fixed(r.frameworkUsPerPod, 1),
      'hand-written us/pod': fixed(r.handWrittenUsPerPod, 1),
      ratio: fixed(r.ratio, 2),
      met: r.ratio <= 1.3 ? 'yes' : 'NO',
    })),
  );
  console.log(`wrote ${writeResult('micro-dispatch', results)}`);
}

if (isMain(import.meta.url)) await main();
