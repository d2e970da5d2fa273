import { FakeClock, MemoryClusterStore, type Node, type Pod, Registry, Scheduler, type SchedulerConfiguration, type SchedulerEvent } from '@schedkit/framework';
import { registerDefaultPlugins } from '@schedkit/preset-default';

/** A deterministic random source (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function node(name: string, cpu: string, memory = '16Gi', pods = '110', labels: Record<string, string> = {}): Node {
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    status: { capacity: { cpu, memory, pods }, allocatable: { cpu, memory, pods } },
  };
}

export function pod(name: string, cpu: string, options: { priority?: number; labels?: Record<string, string>; memory?: string; start?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: options.labels ?? {}, creationTimestamp: options.start ?? '2026-01-01T00:00:00Z' },
    spec: {
      containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu, memory: options.memory ?? '100Mi' } } }],
      ...(options.priority === undefined ? {} : { priority: options.priority }),
    },
    ...(options.start ? { status: { startTime: options.start } } : {}),
  };
}

/** A running scheduler over a memory store with a fake clock, and a helper that drives it until it settles. */
export function startScheduler(options: { configuration: SchedulerConfiguration; registry?: Registry; store?: MemoryClusterStore; seed?: number }) {
  const store = options.store ?? new MemoryClusterStore();
  const clock = new FakeClock();
  const events: SchedulerEvent[] = [];
  const scheduler = new Scheduler({
    store,
    registry: options.registry ?? registerDefaultPlugins(new Registry()),
    configuration: options.configuration,
    clock,
    random: seeded(options.seed ?? 1),
    // Keep events light: a 'scheduled' event carries every feasible node's scores.
    onEvent: (e) => events.push(e.type === 'scheduled' ? { ...e, result: { ...e.result, nodeScores: [] } } : e),
  });
  scheduler.start();
  /** Lets the scheduler work, advancing the fake clock past backoffs, until nothing is left to retry. */
  const settle = async (maxRounds = 50): Promise<void> => {
    for (let round = 0; round < maxRounds; round++) {
      await scheduler.waitForIdle();
      const stats = scheduler.queue.stats();
      if (stats.backoff === 0 && stats.active === 0) return;
      clock.advance(10_000);
    }
    throw new Error(`scheduler did not settle: ${JSON.stringify(scheduler.queue.stats())}`);
  };
  return { store, clock, scheduler, events, settle };
}
