import { isMain, parseCli } from './cli.js';
import { runRepeatedly } from './fork-runner.js';
import { fixed, printTable, type Row, writeResult } from './report.js';
import type { WorkloadRun } from './run-workload.js';
import { median } from './stats.js';
import { scalingWorkloads } from './workloads.js';

/** One cluster size of the scaling series, summarised over its runs. */
export interface ScalingPoint {
  nodes: number;
  pods: number;
  medianPodsPerSecond: number;
  /** Wall time per pod, in microseconds (1e6 / pods per second). */
  usPerPod: number;
  medianP50Ms: number;
  medianP99Ms: number;
  /** Live heap per node after a full GC with only the nodes loaded (store + scheduler cache + snapshot), in KB. */
  kbPerNode: number;
  /** Live heap per bound pod after a full GC, in KB. */
  kbPerPod: number;
  maxPeakRssMb: number;
  runs: WorkloadRun[];
}

/** Runs the scaling series (the default pod at 1,000, 5,000 and 15,000 nodes), `runs` fresh processes per size. */
export async function measureScaling(runs: number): Promise<ScalingPoint[]> {
  const points: ScalingPoint[] = [];
  for (const workload of scalingWorkloads) {
    const results = await runRepeatedly(workload, runs, (run, index) => {
      console.log(`  ${workload.id} run ${index + 1}/${runs}: ${fixed(run.podsPerSecond)} pods/s, peak RSS ${fixed(run.peakRssMb)} MB`);
      if (run.problems.length > 0) throw new Error(`workload ${workload.id}: wrong placement: ${run.problems.join('; ')}`);
    });
    const rate = median(results.map((r) => r.podsPerSecond));
    points.push({
      nodes: workload.nodes,
      pods: workload.pods,
      medianPodsPerSecond: rate,
      usPerPod: 1e6 / rate,
      medianP50Ms: median(results.map((r) => r.p50PerPodMs)),
      medianP99Ms: median(results.map((r) => r.p99PerPodMs)),
      kbPerNode: median(results.map((r) => (((r.heapNodesMb ?? Number.NaN) - (r.heapBaseMb ?? Number.NaN)) * 1024) / r.nodes)),
      kbPerPod: median(results.map((r) => (((r.heapAllMb ?? Number.NaN) - (r.heapNodesMb ?? Number.NaN)) * 1024) / r.pods)),
      maxPeakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
      runs: results,
    });
  }
  return points;
}

/** The printed scaling table. */
export function scalingRows(points: readonly ScalingPoint[]): Row[] {
  return points.map((p) => ({
    nodes: p.nodes,
    pods: p.pods,
    'pods/s': fixed(p.medianPodsPerSecond),
    'us/pod': fixed(p.usPerPod, 1),
    'p50/pod ms': fixed(p.medianP50Ms, 3),
    'p99/pod ms': fixed(p.medianP99Ms, 3),
    'KB/node': fixed(p.kbPerNode, 2),
    'KB/pod': fixed(p.kbPerPod, 2),
    'peak RSS MB': fixed(p.maxPeakRssMb),
  }));
}

async function main(): Promise<void> {
  const { runs } = parseCli(process.argv.slice(2));
  console.log(`scaling: the default pod at growing cluster sizes (${runs} runs each, fresh process per run)`);
  const points = await measureScaling(runs);
  printTable('scaling (SchedulingBasic pod, 10,000 pods)', scalingRows(points));
  console.log(`wrote ${writeResult('scaling', points)}`);
}

if (isMain(import.meta.url)) await main();
