import { MemoryClusterStore, type Pod, Registry, Scheduler, type SchedulerEvent } from '@schedkit/framework';
import { defaultConfiguration, registerDefaultPlugins } from '@schedkit/preset-default';
import { makeNode } from './workloads.js';

/**
 * The two workloads that measure how a full cluster settles, as measured on kube-scheduler v1.35.4 (issue 11):
 * (e1) more pods than fit, run until the scheduler is idle; (e2) kube's scheduler_perf PreemptionBasic, where
 * every measured pod lands only by preemption.
 */
export interface SettleWorkload {
  readonly id: 'e1' | 'e2';
  readonly title: string;
  readonly nodes: number;
  /** Unmeasured pods bound first (e2's low-priority pods). */
  readonly initPods: number;
  /** The measured pods. */
  readonly pods: number;
}

/** (e1) overcommit: 1,000 nodes, 20,000 pods of 500m / 1Gi, priority 0: exactly 8,000 fit. */
export const overcommit: SettleWorkload = { id: 'e1', title: 'Overcommit 1000 nodes, 20000 pods', nodes: 1_000, initPods: 0, pods: 20_000 };
/** (e2) PreemptionBasic 500 nodes: 2,000 low-priority pods fill every node, 500 priority-10 pods preempt. */
export const preemptionBasic: SettleWorkload = { id: 'e2', title: 'PreemptionBasic 500 nodes', nodes: 500, initPods: 2_000, pods: 500 };

/** What one run measured. */
export interface SettleRun {
  workload: string;
  nodes: number;
  pods: number;
  /** (e1) ms from the first measured pod written to the last attempt before idle; (e2) to the last pod bound. */
  wallMs: number;
  /** CPU (user + system) in that window, ms. */
  cpuMs: number;
  /** (e2) measured pods bound per second of wallMs. */
  podsPerSecond: number;
  /** Scheduling cycles of measured pods, per measured pod. */
  attemptsPerPod: number;
  /** Measured pods bound at the end. */
  bound: number;
  /** Pods left pending (e1: in the unschedulable pool). */
  pending: number;
  /** Pods deleted by preemption. */
  victims: number;
  /** Victims chosen more than once (a victim deleted twice would be a bug). */
  victimsChosenTwice: number;
}

/** How long the scheduler must be without a new attempt to count as idle (the "3 s with no new attempt"). */
export const IdleQuietMs = 3_000;

function pod(name: string, cpu: string, memory: string, priority: number): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `${name}-uid` },
    spec: {
      schedulerName: 'default-scheduler',
      priority,
      containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu, memory }, limits: { cpu, memory } } }],
    },
  };
}

/** Runs `workload` (optionally at other sizes) in this process through the full default scheduler. */
export async function runSettle(workload: SettleWorkload, options: { timeoutMs?: number; quietMs?: number } = {}): Promise<SettleRun> {
  const store = new MemoryClusterStore();
  for (let i = 0; i < workload.nodes; i++) store.applyNode(makeNode(i, 0));
  let measuring = false;
  let attempts = 0;
  let bound = 0;
  let lastAttemptAt = performance.now();
  let lastBoundAt = lastAttemptAt;
  const onEvent = (event: SchedulerEvent): void => {
    if (event.type === 'scheduled' || event.type === 'unschedulable' || event.type === 'error') {
      if (!measuring) return;
      attempts++;
      lastAttemptAt = performance.now();
    } else if (event.type === 'bound' && measuring) {
      bound++;
      lastBoundAt = performance.now();
    }
  };
  const scheduler = new Scheduler({ store, registry: registerDefaultPlugins(new Registry()), configuration: defaultConfiguration(), onEvent });
  const deleted = new Map<string, number>();
  const unwatch = store.watch((events) => {
    for (const event of events) if (event.kind === 'Pod' && event.type === 'delete') deleted.set(event.key, (deleted.get(event.key) ?? 0) + 1);
  });
  scheduler.start();
  await scheduler.waitForIdle();
  if (workload.initPods > 0) {
    for (let i = 0; i < workload.initPods; i++) store.applyPod(pod(`low-${i}`, '900m', '500Mi', 0));
    await scheduler.waitForIdle();
  }
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const quietMs = options.quietMs ?? IdleQuietMs;
  const measured = workload.id === 'e1' ? (i: number) => pod(`pod-${i}`, '500m', '1Gi', 0) : (i: number) => pod(`high-${i}`, '3', '500Mi', 10);
  const pods = Array.from({ length: workload.pods }, (_, i) => measured(i));
  measuring = true;
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  lastAttemptAt = started;
  for (const p of pods) store.applyPod(p);
  pods.length = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = performance.now();
    if (now - started > timeoutMs) throw new Error(`${workload.id}: not settled after ${timeoutMs} ms (${bound} bound, ${attempts} attempts)`);
    if (workload.id === 'e2') {
      if (bound >= workload.pods) break;
      continue;
    }
    const stats = scheduler.queue.stats();
    if (stats.active === 0 && stats.backoff === 0 && stats.inFlight === 0 && now - lastAttemptAt >= quietMs) break;
  }
  const end = workload.id === 'e2' ? lastBoundAt : lastAttemptAt;
  const wallMs = end - started;
  const cpu = process.cpuUsage(cpuStarted);
  const stats = scheduler.queue.stats();
  await scheduler.stop();
  unwatch();
  let victimsChosenTwice = 0;
  for (const times of deleted.values()) if (times > 1) victimsChosenTwice++;
  return {
    workload: workload.id,
    nodes: workload.nodes,
    pods: workload.pods,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    podsPerSecond: (bound / wallMs) * 1000,
    attemptsPerPod: attempts / workload.pods,
    bound,
    pending: stats.unschedulable + stats.active + stats.backoff,
    victims: deleted.size,
    victimsChosenTwice,
  };
}
