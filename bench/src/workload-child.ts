import { runWorkload, type WorkloadRun } from './run-workload.js';
import type { Workload } from './workloads.js';

/** What a workload child process sends its parent. */
export type ChildMessage = { ok: true; run: WorkloadRun } | { ok: false; error: string };

/**
 * Child process entry (BENCH_PROFILE_DIR=<dir> writes a CPU profile of the timed window there, BENCH_ALLOCATION_PROFILE_DIR=<dir> an allocation profile, BENCH_HEAP_SNAPSHOT_DIR=<dir> a heap snapshot at the end): runs the workload given as JSON in argv[2] once, sends the {@link ChildMessage} to the
 * parent and exits. Every run gets a fresh process so that JIT state, heap and peak RSS are its own.
 */
async function main(): Promise<void> {
  const workload = JSON.parse(process.argv[2] ?? '') as Workload;
  let message: ChildMessage;
  try {
    const profileDir = process.env.BENCH_PROFILE_DIR;
    const allocationDir = process.env.BENCH_ALLOCATION_PROFILE_DIR;
    const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
    message = {
      ok: true,
      run: await runWorkload(workload, {
        ...(profileDir ? { cpuProfilePath: `${profileDir}/${workload.id}-${process.pid}.cpuprofile` } : {}),
        ...(allocationDir ? { allocationProfilePath: `${allocationDir}/${workload.id}-${process.pid}.heapprofile` } : {}),
        ...(snapshotDir ? { heapSnapshotPath: `${snapshotDir}/${workload.id}-${process.pid}.heapsnapshot` } : {}),
      }),
    };
  } catch (error) {
    message = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  process.send!(message, () => process.exit(0));
}

void main();
