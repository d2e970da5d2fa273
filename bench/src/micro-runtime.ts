import {
  CycleState,
  type ExtenderSet,
  type FilterPlugin,
  Framework,
  injectable,
  type PluginModule,
  Registry,
  type ScorePlugin,
  Snapshot,
} from '@schedkit/framework';
import { Bench } from 'tinybench';
import { isMain } from './cli.js';
import { fixed, printTable, writeResult } from './report.js';
import { makeNode, makePod } from './workloads.js';

/** A Filter plugin that lets every node through: the runtime's own cost per node is all that remains. */
@injectable()
export class PassFilter implements FilterPlugin {
  readonly name = 'PassFilter';
  filter(): null {
    return null;
  }
}

/** A Score plugin that gives every node the same score. */
@injectable()
export class ConstantScore implements ScorePlugin {
  readonly name = 'ConstantScore';
  score(): number {
    return 50;
  }
}

const trivialPlugins: PluginModule = {
  name: '@schedkit/bench-trivial-plugins',
  frameworkRange: '*',
  register(registry) {
    registry.register({ name: 'PassFilter', plugin: PassFilter });
    registry.register({ name: 'ConstantScore', plugin: ConstantScore });
  },
};

/**
 * A framework with one trivial Filter and one trivial Score plugin, parallelism 16, default sampling (or
 * `percentageOfNodesToScore`), with `extenders` when given.
 */
export function trivialFramework(options: { percentageOfNodesToScore?: number; extenders?: ExtenderSet } = {}): Framework {
  return new Framework({
    ...options,
    profile: {
      schedulerName: 'bench',
      plugins: { multiPoint: { enabled: [{ name: 'PassFilter' }, { name: 'ConstantScore', weight: 1 }], disabled: [] } },
      pluginConfig: [],
    },
    registry: new Registry().use(trivialPlugins),
    parallelism: 16,
    random: () => 0,
  });
}

/** The runtime's cost per pod (and per node evaluated) at one cluster size. */
export interface RuntimeCost {
  nodes: number;
  /** Nodes Filter ran on per pod (kube's adaptive sampling). */
  nodesEvaluated: number;
  usPerPod: number;
  nsPerEvaluatedNode: number;
}

/** Framework.schedulePod with trivial plugins on clusters of each size in `sizes`. */
export async function measureRuntimeCost(sizes: readonly number[] = [100, 1_000, 5_000], timeMs = 1500): Promise<RuntimeCost[]> {
  const results: RuntimeCost[] = [];
  for (const size of sizes) {
    const snapshot = Snapshot.from(Array.from({ length: size }, (_, i) => makeNode(i, 0)));
    const framework = trivialFramework();
    const pod = makePod(1, 'default');
    const probe = await framework.schedulePod(pod, snapshot, new CycleState());
    const bench = new Bench({ time: timeMs, warmupTime: 300 });
    bench.add('schedulePod', async () => {
      await framework.schedulePod(pod, snapshot, new CycleState());
    });
    await bench.run();
    const result = bench.getTask('schedulePod')?.result;
    if (!result || !('latency' in result)) throw new Error('schedulePod did not complete');
    const usPerPod = result.latency.mean * 1000;
    results.push({ nodes: size, nodesEvaluated: probe.evaluatedNodes, usPerPod, nsPerEvaluatedNode: (usPerPod * 1000) / probe.evaluatedNodes });
  }
  return results;
}

async function main(): Promise<void> {
  const results = await measureRuntimeCost();
  printTable(
    'runtime cost per pod with trivial plugins (one Filter, one Score)',
    results.map((r) => ({ nodes: r.nodes, 'nodes evaluated': r.nodesEvaluated, 'us/pod': fixed(r.usPerPod, 1), 'ns/evaluated node': fixed(r.nsPerEvaluatedNode, 0) })),
  );
  console.log(`wrote ${writeResult('micro-runtime', results)}`);
}

if (isMain(import.meta.url)) await main();
