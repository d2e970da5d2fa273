import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { writeHeapSnapshot } from 'node:v8';
import { MemoryClusterStore, Registry, Scheduler, type SchedulerEvent } from '@schedkit/framework';
import { defaultConfiguration, registerDefaultPlugins } from '@schedkit/preset-default';
import { percentile } from './stats.js';
import { verifyPlacement } from './verify.js';
import { makeNode, makePod, type Workload } from './workloads.js';

/** What one run of a workload measured. */
export interface WorkloadRun {
  workload: string;
  nodes: number;
  pods: number;
  /** Milliseconds from the first pod entering the queue to the last pod bound. */
  wallMs: number;
  podsPerSecond: number;
  /** CPU time (user + system) the process used in that window, in ms: less sensitive than wall time to other load. */
  cpuMs: number;
  /** Pods per second of CPU time. */
  podsPerCpuSecond: number;
  /** Median and 99th percentile of the scheduler's time per pod: the gap between consecutive placements, in ms. */
  p50PerPodMs: number;
  p99PerPodMs: number;
  /** Peak resident set size of the process, in MB (process.resourceUsage().maxRSS). */
  peakRssMb: number;
  /**
   * Heap in use after a full GC (only when the process runs with --expose-gc), in MB: before anything was
   * created, with the nodes (and init pods) loaded into the store and the scheduler, and after every pod was bound.
   */
  heapBaseMb: number | undefined;
  heapNodesMb: number | undefined;
  heapAllMb: number | undefined;
  /** Resident set size in MB at every tenth of the pods bound (where in the run memory peaks). */
  rssTraceMb: number[];
  /** Milliseconds to load the nodes into the store and the scheduler's cache and to bind the init pods (not part of wallMs). */
  setupMs: number;
  /** Violations found by {@link verifyPlacement}; empty for a correct run. */
  problems: string[];
}

/** Options of {@link runWorkload}. */
export interface RunOptions {
  /** Give up after this many ms of scheduling (default 10 minutes). */
  timeoutMs?: number;
  /** Random source for tie-breaks; defaults to Math.random as in production. */
  random?: () => number;
  /** Write a CPU profile of the timed window (first pod written to last pod bound) to this file. */
  cpuProfilePath?: string;
  /** Write a sampling allocation profile of the timed window (every allocation, also collected ones) to this file. */
  allocationProfilePath?: string;
  /** Write a heap snapshot here once every pod is bound (the store and the scheduler still alive). */
  heapSnapshotPath?: string;
}

/**
 * Runs `workload` in this process through the full scheduler: a {@link MemoryClusterStore} with the nodes, a
 * {@link Scheduler} with kube's default profile (default adaptive percentageOfNodesToScore, parallelism 16), the
 * init pods written and bound (untimed), then every measured pod created at once; the clock runs from the first
 * measured pod written to the last one bound. Afterwards the placement is verified.
 */
export async function runWorkload(workload: Workload, options: RunOptions = {}): Promise<WorkloadRun> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBaseMb = gc ? mb(process.memoryUsage().heapUsed) : undefined;
  const setupStarted = performance.now();
  const store = new MemoryClusterStore();
  for (let i = 0; i < workload.nodes; i++) store.applyNode(makeNode(i, workload.zones));

  const placedAt: number[] = [];
  const rssTraceMb: number[] = [];
  const traceEvery = Math.max(1, Math.floor(workload.pods / 10));
  // Init pods are scheduled first and not measured; `measuring` turns on once they are all bound.
  let measuring = false;
  let bound = 0;
  let expected = workload.initPods;
  let finish: (() => void) | undefined;
  let fail: ((error: Error) => void) | undefined;
  const phaseDone = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  let done = phaseDone();
  const onEvent = (event: SchedulerEvent): void => {
    switch (event.type) {
      case 'scheduled':
        if (measuring) placedAt.push(performance.now());
        break;
      case 'bound':
        bound++;
        if (measuring && bound % traceEvery === 0) rssTraceMb.push(mb(process.memoryUsage.rss()));
        if (bound === expected) finish!();
        break;
      case 'unschedulable':
        fail!(new Error(`pod ${event.pod.metadata.name} unschedulable: ${event.message}`));
        break;
      case 'error':
        fail!(new Error(`pod ${event.pod.metadata.name}: ${event.error.message}`));
        break;
      case 'bindingFailed':
        fail!(new Error(`binding pod ${event.pod.metadata.name} to ${event.nodeName} failed: ${event.status.message()}`));
        break;
    }
  };
  const scheduler = new Scheduler({
    store,
    registry: registerDefaultPlugins(new Registry()),
    configuration: defaultConfiguration(),
    onEvent,
    ...(options.random ? { random: options.random } : {}),
  });
  scheduler.start();
  await scheduler.waitForIdle();
  if (workload.initPods > 0) {
    for (let i = 0; i < workload.initPods; i++) store.applyPod(makePod(i, workload.initTemplate, workload.initNamespace, 'init-pod'));
    await done;
    await scheduler.waitForIdle();
  }
  const setupMs = performance.now() - setupStarted;
  gc?.();
  const heapNodesMb = gc ? mb(process.memoryUsage().heapUsed) : undefined;
  const pods = Array.from({ length: workload.pods }, (_, i) => makePod(i, workload.template, workload.namespace));
  bound = 0;
  expected = workload.pods;
  done = phaseDone();
  measuring = true;

  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const timer = setTimeout(() => fail!(new Error(`timed out after ${timeoutMs} ms with ${bound} of ${workload.pods} pods bound`)), timeoutMs);
  const profiler = options.cpuProfilePath ? await startProfiler() : undefined;
  const allocationProfiler = options.allocationProfilePath ? await startAllocationProfiler() : undefined;
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  for (const pod of pods) store.applyPod(pod);
  // The store keeps its own copies: drop the templates so that they do not count as the scheduler's memory.
  pods.length = 0;
  try {
    await done;
  } finally {
    clearTimeout(timer);
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (profiler) await stopProfiler(profiler, options.cpuProfilePath!);
  if (allocationProfiler) await stopAllocationProfiler(allocationProfiler, options.allocationProfilePath!);
  await scheduler.stop();

  const gaps: number[] = [];
  let previous = started;
  for (const at of placedAt) {
    gaps.push(at - previous);
    previous = at;
  }
  gaps.sort((a, b) => a - b);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  gc?.();
  const heapAllMb = gc ? mb(process.memoryUsage().heapUsed) : undefined;
  if (options.heapSnapshotPath) writeHeapSnapshot(options.heapSnapshotPath);
  return {
    workload: workload.id,
    nodes: workload.nodes,
    pods: workload.pods,
    wallMs,
    podsPerSecond: (workload.pods / wallMs) * 1000,
    cpuMs,
    podsPerCpuSecond: (workload.pods / cpuMs) * 1000,
    p50PerPodMs: percentile(gaps, 0.5),
    p99PerPodMs: percentile(gaps, 0.99),
    peakRssMb,
    heapBaseMb,
    heapNodesMb,
    heapAllMb,
    rssTraceMb,
    setupMs,
    problems: verifyPlacement(workload, store.listNodes(), store.listPods()),
  };
}

function mb(bytes: number): number {
  return bytes / (1024 * 1024);
}

async function startProfiler(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return session;
}

async function stopProfiler(session: Session, path: string): Promise<void> {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(path, JSON.stringify(profile));
  session.disconnect();
}

async function startAllocationProfiler(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return session;
}

async function stopAllocationProfiler(session: Session, path: string): Promise<void> {
  const { profile } = await session.post('HeapProfiler.stopSampling');
  writeFileSync(path, JSON.stringify(profile));
  session.disconnect();
}
