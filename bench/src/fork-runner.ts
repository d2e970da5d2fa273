import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkloadRun } from './run-workload.js';
import type { ChildMessage } from './workload-child.js';
import type { Workload } from './workloads.js';

const childPath = fileURLToPath(new URL('./workload-child.js', import.meta.url));

/** Extra node flags for the children, e.g. `--cpu-prof` from BENCH_CHILD_FLAGS="--cpu-prof --cpu-prof-dir=results/profiles". */
function childFlags(): string[] {
  const extra = process.env.BENCH_CHILD_FLAGS?.trim();
  return ['--expose-gc', ...(extra ? extra.split(/\s+/) : [])];
}

/** Runs `workload` once in a fresh node process (child_process.fork) and returns what it measured. */
export function runInFreshProcess(workload: Workload): Promise<WorkloadRun> {
  return new Promise((resolve, reject) => {
    const child = fork(childPath, [JSON.stringify(workload)], { execArgv: childFlags(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    child.on('message', (message: ChildMessage) => {
      settled = true;
      if (message.ok) resolve(message.run);
      else reject(new Error(`workload ${workload.id} failed: ${message.error}`));
    });
    child.on('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`workload ${workload.id}: child exited with code ${code} before reporting`));
      settled = true;
    });
  });
}

/** Runs `workload` `runs` times, each in a fresh process, one after another. */
export async function runRepeatedly(workload: Workload, runs: number, onRun?: (run: WorkloadRun, index: number) => void): Promise<WorkloadRun[]> {
  const results: WorkloadRun[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await runInFreshProcess(workload);
    onRun?.(run, i);
    results.push(run);
  }
  return results;
}
