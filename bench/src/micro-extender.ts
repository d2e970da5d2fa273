/**
 * The cost of an HTTP extender per pod: Framework.schedulePod with trivial plugins on 1,000 nodes, without an
 * extender, then with one filter + prioritize extender (in its own process on loopback) sending full nodes, then
 * node names only (nodeCacheCapable). The extender itself does almost nothing, so the difference is the protocol's
 * cost: serializing the pod and nodes, two HTTP round trips, parsing the answers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { buildExtenders, CycleState, type ExtenderConfig, type ExtenderSet, HTTPExtender, Snapshot } from '@schedkit/framework';
import { Bench } from 'tinybench';
import { isMain } from './cli.js';
import { trivialFramework } from './micro-runtime.js';
import { fixed, printTable, writeResult } from './report.js';
import { makeNode, makePod } from './workloads.js';

/** One configuration's cost per pod. */
export interface ExtenderCost {
  variant: string;
  nodes: number;
  /** percentageOfNodesToScore (0: kube's adaptive). */
  percentage: number;
  /** Nodes sent to the extender per call. */
  nodesSent: number;
  /** Wall time per pod (p50): includes waiting for the extender process to be scheduled. */
  usPerPod: number;
  /** Over the run without an extender at the same percentage. */
  overheadUsPerPod: number;
  /** CPU time of the scheduler's process per pod (user + system, mean of `cpuSamples` pods): less sensitive to a busy machine. */
  cpuUsPerPod: number;
  /** Bytes of the filter request. */
  filterRequestBytes: number;
}

/** Starts the benchmark's extender process; resolves with its URL prefix and a stop function. */
export async function startBenchExtender(): Promise<{ urlPrefix: string; stop(): void }> {
  const script = fileURLToPath(new URL('./extender-server.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const urlPrefix = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`extender-server exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return { urlPrefix, stop: () => child.stdin?.end() };
}

/** The benchmark's extender: filter and prioritize at `urlPrefix`, or prioritize only. */
function benchExtender(urlPrefix: string, nodeCacheCapable: boolean, filter = true): ExtenderConfig {
  return {
    urlPrefix,
    filterVerb: filter ? 'filter' : '',
    prioritizeVerb: 'prioritize',
    preemptVerb: '',
    bindVerb: '',
    weight: 1,
    enableHTTPS: false,
    httpTimeoutMs: 5_000,
    nodeCacheCapable,
    managedResources: [],
    ignorable: false,
  };
}

/**
 * Measures each variant at `nodes` nodes, for kube's adaptive sampling and for 100% of the nodes, against the
 * benchmark's extender process (or the extender at `urlPrefix`).
 */
export async function measureExtenderCost(
  nodes = 1_000,
  timeMs = 2_000,
  percentages: readonly number[] = [0, 100],
  urlPrefix?: string,
  cpuSamples = 50,
): Promise<ExtenderCost[]> {
  const extender = urlPrefix ? { urlPrefix, stop: () => undefined } : await startBenchExtender();
  const sets: ExtenderSet[] = [];
  try {
    const snapshot = Snapshot.from(Array.from({ length: nodes }, (_, i) => makeNode(i, 0)));
    const pod = makePod(1, 'default');
    const results: ExtenderCost[] = [];
    for (const percentage of percentages) {
      const variants: [string, ExtenderSet | undefined][] = [['no extender', undefined]];
      for (const nodeCacheCapable of [false, true]) {
        const set = buildExtenders([benchExtender(extender.urlPrefix, nodeCacheCapable)]);
        sets.push(set);
        variants.push([`extender, nodeCacheCapable ${nodeCacheCapable ? 'on' : 'off'}`, set]);
      }
      let baseline = 0;
      for (const [variant, set] of variants) {
        const f = trivialFramework({ percentageOfNodesToScore: percentage, ...(set ? { extenders: set } : {}) });
        const probe = await f.schedulePod(pod, snapshot, new CycleState());
        const bench = new Bench({ time: timeMs, warmupTime: Math.min(500, timeMs), iterations: timeMs < 100 ? 4 : 64 });
        bench.add(variant, async () => {
          await f.schedulePod(pod, snapshot, new CycleState());
        });
        await bench.run();
        const result = bench.getTask(variant)?.result;
        if (!result || !('latency' in result)) throw new Error(`${variant} did not complete`);
        const usPerPod = result.latency.p50 * 1000;
        const cpuBefore = process.cpuUsage();
        for (let i = 0; i < cpuSamples; i++) await f.schedulePod(pod, snapshot, new CycleState());
        const cpu = process.cpuUsage(cpuBefore);
        const cpuUsPerPod = (cpu.user + cpu.system) / cpuSamples;
        if (!set) baseline = usPerPod;
        const nodesSent = set ? probe.feasibleNodes : 0;
        const list = snapshot.list().slice(0, nodesSent);
        const nodeCacheCapable = variant.endsWith('on');
        const filterArgs = nodeCacheCapable
          ? { Pod: pod, Nodes: null, NodeNames: list.map((n) => n.name) }
          : { Pod: pod, Nodes: { metadata: {}, items: list.map((n) => n.node) }, NodeNames: null };
        results.push({
          variant,
          nodes,
          percentage,
          nodesSent,
          usPerPod,
          overheadUsPerPod: usPerPod - baseline,
          cpuUsPerPod,
          filterRequestBytes: set ? Buffer.byteLength(JSON.stringify(filterArgs)) : 0,
        });
      }
    }
    return results;
  } finally {
    for (const set of sets) set.close();
    extender.stop();
  }
}

/** The floor of one call on this machine now: a prioritize of the pod on no node (one loopback round trip, tiny bodies). */
export async function measureRoundTrip(timeMs = 2_000): Promise<number> {
  const extender = await startBenchExtender();
  const client = new HTTPExtender(benchExtender(extender.urlPrefix, true, false));
  try {
    const pod = makePod(1, 'default');
    const bench = new Bench({ time: timeMs, warmupTime: Math.min(500, timeMs) });
    bench.add('round trip', async () => {
      await client.prioritize(pod, []);
    });
    await bench.run();
    const result = bench.getTask('round trip')?.result;
    if (!result || !('latency' in result)) throw new Error('round trip did not complete');
    return result.latency.p50 * 1000;
  } finally {
    client.close();
    extender.stop();
  }
}

/** A yardstick of the machine's speed now: JSON.stringify + JSON.parse of the full-node filter request at `nodes` nodes, in us. */
export function measureJsonYardstick(nodes = 420, timeMs = 1_000): number {
  const args = { Pod: makePod(1, 'default'), Nodes: { metadata: {}, items: Array.from({ length: nodes }, (_, i) => makeNode(i, 0)) }, NodeNames: null };
  const started = performance.now();
  let rounds = 0;
  while (performance.now() - started < timeMs) {
    JSON.parse(JSON.stringify(args));
    rounds++;
  }
  return ((performance.now() - started) * 1000) / rounds;
}

async function main(): Promise<void> {
  const yardstick = measureJsonYardstick();
  const floor = await measureRoundTrip();
  const results = await measureExtenderCost();
  printTable(
    'HTTP extender (filter + prioritize, in its own process on loopback) per pod, trivial plugins',
    results.map((r) => ({
      nodes: r.nodes,
      percentageOfNodesToScore: r.percentage === 0 ? 'adaptive' : `${r.percentage}%`,
      variant: r.variant,
      'nodes sent': r.nodesSent,
      'filter request KiB': fixed(r.filterRequestBytes / 1024, 1),
      'us/pod (p50)': fixed(r.usPerPod, 0),
      'overhead us/pod': r.nodesSent === 0 ? '-' : fixed(r.overheadUsPerPod, 0),
      'scheduler CPU us/pod': fixed(r.cpuUsPerPod, 0),
    })),
  );
  console.log(`yardstick: JSON.stringify + JSON.parse of the 420-node filter request: ${fixed(yardstick, 0)} us`);
  console.log(`one round trip (prioritize on no node, p50): ${fixed(floor, 0)} us; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  console.log(`wrote ${writeResult('micro-extender', { jsonYardstickUs: yardstick, roundTripUs: floor, loadAverage: loadavg(), results })}`);
}

if (isMain(import.meta.url)) await main();
