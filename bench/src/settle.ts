import { isMain, parseCli } from './cli.js';
import { fixed, printTable, type Row, writeResult } from './report.js';
import { overcommit, preemptionBasic, runSettle, type SettleRun, type SettleWorkload } from './run-settle.js';
import { median } from './stats.js';

/** kube-scheduler v1.35.4 on these workloads (issue 11: in-process, fake API client, 2 vCPU, six runs) and schedkit's targets. */
export const settleTargets = {
  e1: { kube: 'idle after 118-184 s, 8,000 bound, 1.00 attempts/pod', targetIdleMs: 15_000 },
  e2: { kube: '35-104 pods/s, 2.00 attempts/pod, 1,500 victims', targetPodsPerSecond: 1_000 },
} as const;

/** One table row per workload: medians over the runs. */
export function settleRows(results: readonly { workload: SettleWorkload; runs: SettleRun[] }[]): Row[] {
  return results.map(({ workload, runs }) => {
    const e1 = workload.id === 'e1';
    const wall = median(runs.map((r) => r.wallMs));
    const rate = median(runs.map((r) => r.podsPerSecond));
    return {
      workload: `(${workload.id}) ${workload.title}`,
      [e1 ? 'time to idle s' : 'pods/s']: e1 ? fixed(wall / 1000, 1) : fixed(rate),
      'CPU s': fixed(median(runs.map((r) => r.cpuMs)) / 1000, 1),
      'attempts/pod': fixed(median(runs.map((r) => r.attemptsPerPod)), 2),
      bound: median(runs.map((r) => r.bound)),
      victims: median(runs.map((r) => r.victims)),
      'chosen twice': Math.max(...runs.map((r) => r.victimsChosenTwice)),
      target: e1 ? `idle < ${settleTargets.e1.targetIdleMs / 1000} s` : `>= ${settleTargets.e2.targetPodsPerSecond} pods/s`,
      met: e1 ? (wall < settleTargets.e1.targetIdleMs ? 'yes' : 'NO') : rate >= settleTargets.e2.targetPodsPerSecond ? 'yes' : 'NO',
      'kube v1.35.4': settleTargets[workload.id].kube,
    };
  });
}

async function main(): Promise<void> {
  const { ids, runs } = parseCli(process.argv.slice(2), 1);
  const all = [overcommit, preemptionBasic];
  const selected = ids.length === 0 ? all : all.filter((w) => ids.includes(w.id));
  if (selected.length === 0) throw new Error(`no workload among ${ids.join(', ')} (known: e1, e2)`);
  const results: { workload: SettleWorkload; runs: SettleRun[] }[] = [];
  for (const workload of selected) {
    const done: SettleRun[] = [];
    for (let i = 0; i < runs; i++) {
      const run = await runSettle(workload);
      console.log(
        `  ${workload.id} run ${i + 1}/${runs}: ${fixed(run.wallMs)} ms, ${fixed(run.podsPerSecond)} pods/s, ${fixed(run.attemptsPerPod, 2)} attempts/pod, ${run.bound} bound, ${run.victims} victims, CPU ${fixed(run.cpuMs)} ms`,
      );
      done.push(run);
    }
    results.push({ workload, runs: done });
  }
  printTable('a full cluster settling: overcommit (e1) and PreemptionBasic (e2)', settleRows(results));
  console.log(`wrote ${writeResult('settle', results)}`);
}

if (isMain(import.meta.url)) await main();
