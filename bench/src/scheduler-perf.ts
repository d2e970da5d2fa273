import { isMain, parseCli } from './cli.js';
import { runRepeatedly } from './fork-runner.js';
import { fixed, printTable, type Row, writeResult } from './report.js';
import type { WorkloadRun } from './run-workload.js';
import { median, spreadPercent } from './stats.js';
import { cold, schedulerPerfWorkloads, type Workload } from './workloads.js';

/** A workload's runs summarised: medians, spread and the worst peak RSS. */
export interface WorkloadSummary {
  workload: string;
  title: string;
  nodes: number;
  /** Unmeasured pods bound before the measured ones. */
  initPods: number;
  pods: number;
  runs: WorkloadRun[];
  medianPodsPerSecond: number;
  /** (max - min) / median of pods/s over the runs, in percent. */
  spreadPercent: number;
  medianP50Ms: number;
  medianP99Ms: number;
  maxPeakRssMb: number;
}

/** schedkit's throughput targets (pods/s) per workload, and kube-scheduler v1.35's figures on a 2-core machine. */
export const throughputTargets: Record<string, { target: number; kube: number }> = {
  a: { target: 15_000, kube: 1_460 },
  b: { target: 6_000, kube: 610 },
  c: { target: 6_000, kube: 310 },
  d: { target: 3_000, kube: 140 },
};

/** Peak RSS target on workload (b), in MB (kube: 430-460 MB). */
export const peakRssTargetMb = 120;

/** Runs each workload `runs` times in fresh processes and summarises. Throws when a run's placement is wrong. */
export async function measureWorkloads(workloads: readonly Workload[], runs: number): Promise<WorkloadSummary[]> {
  const summaries: WorkloadSummary[] = [];
  for (const workload of workloads) {
    const results = await runRepeatedly(workload, runs, (run, index) => {
      console.log(
        `  ${workload.id} run ${index + 1}/${runs}: ${fixed(run.podsPerSecond)} pods/s (${fixed(run.podsPerCpuSecond)} per CPU-s), ${fixed(run.wallMs)} ms, peak RSS ${fixed(run.peakRssMb)} MB`,
      );
      if (run.problems.length > 0) throw new Error(`workload ${workload.id}: wrong placement: ${run.problems.join('; ')}`);
    });
    const rates = results.map((r) => r.podsPerSecond);
    summaries.push({
      workload: workload.id,
      title: workload.title,
      nodes: workload.nodes,
      initPods: workload.initPods,
      pods: workload.pods,
      runs: results,
      medianPodsPerSecond: median(rates),
      spreadPercent: spreadPercent(rates),
      medianP50Ms: median(results.map((r) => r.p50PerPodMs)),
      medianP99Ms: median(results.map((r) => r.p99PerPodMs)),
      maxPeakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
    });
  }
  return summaries;
}

/** The printed table: one row per workload, with the target and kube's figure. */
export function summaryRows(summaries: readonly WorkloadSummary[]): Row[] {
  return summaries.map((s) => {
    const target = throughputTargets[s.workload.replace(/-cold$/, '')];
    return {
      workload: `(${s.workload}) ${s.title}`,
      nodes: s.nodes,
      'init pods': s.initPods,
      pods: s.pods,
      'pods/s (median)': fixed(s.medianPodsPerSecond),
      spread: `${fixed(s.spreadPercent, 1)}%`,
      'p50/pod ms': fixed(s.medianP50Ms, 3),
      'p99/pod ms': fixed(s.medianP99Ms, 3),
      'peak RSS MB': fixed(s.maxPeakRssMb),
      target: target ? `>= ${target.target}` : '-',
      met: target ? (s.medianPodsPerSecond >= target.target ? 'yes' : 'NO') : '-',
      'kube v1.35': target ? target.kube : '-',
    };
  });
}

async function main(): Promise<void> {
  const { ids, runs, cold: coldStart } = parseCli(process.argv.slice(2));
  const selected = ids.length === 0 ? schedulerPerfWorkloads : schedulerPerfWorkloads.filter((w) => ids.includes(w.id));
  if (selected.length === 0) throw new Error(`no workload among ${ids.join(', ')} (known: a, b, c, d)`);
  const workloads = coldStart ? selected.map(cold) : selected;
  console.log(`scheduler_perf workloads (${runs} runs each, fresh process per run${coldStart ? ', cold: no init pods' : ''})`);
  const summaries = await measureWorkloads(workloads, runs);
  printTable('scheduler_perf workloads through the full scheduler', summaryRows(summaries));
  const b = summaries.find((s) => s.workload === 'b');
  if (b) console.log(`peak RSS on (b): ${fixed(b.maxPeakRssMb)} MB (target <= ${peakRssTargetMb} MB)`);
  console.log(`wrote ${writeResult('scheduler-perf', summaries)}`);
}

if (isMain(import.meta.url)) await main();
