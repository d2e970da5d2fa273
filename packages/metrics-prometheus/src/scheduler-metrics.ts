import type { FrameworkMetrics, PodScheduled, PointContext, SchedulingAttempt, SchedulingQueue } from '@schedkit/framework';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** prom-client's exponential buckets as component-base's ExponentialBuckets(start, factor, count) makes them. */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  const buckets: number[] = [];
  for (let i = 0, value = start; i < count; i++, value *= factor) buckets.push(value);
  return buckets;
}

/** The framework's point names, as kube's extension_point label spells them. */
const extensionPoints: Readonly<Record<string, string>> = {
  filter: 'Filter',
  score: 'Score',
  postFilter: 'PostFilter',
  reserve: 'Reserve',
  permit: 'Permit',
  preBind: 'PreBind',
  bind: 'Bind',
};

/** What the gauges read at scrape time: the scheduler's queue. */
export interface QueueSource {
  readonly queue: Pick<SchedulingQueue, 'stats' | 'unschedulablePods'>;
}

/**
 * A {@link FrameworkMetrics} recorder that exports kube-scheduler's series with their names, labels and buckets,
 * registered in the prom-client registry you pass (so an embedding service can serve them with its own):
 * `scheduler_schedule_attempts_total{result,profile}`, `scheduler_scheduling_attempt_duration_seconds{result,profile}`,
 * `scheduler_pod_scheduling_sli_duration_seconds{attempts}`, `scheduler_pod_scheduling_attempts`,
 * `scheduler_pending_pods{queue}`, `scheduler_queue_incoming_pods_total{queue,event}`,
 * `scheduler_framework_extension_point_duration_seconds{extension_point,status,profile}`,
 * `scheduler_preemption_attempts_total` and `scheduler_unschedulable_pods{plugin,profile}`.
 *
 * The framework times PreFilter with Filter and PreScore with Score: they are reported as `Filter` and `Score`.
 *
 * ```ts
 * const metrics = new SchedulerPrometheusMetrics(register);
 * const scheduler = new Scheduler({ store, registry, configuration, metrics });
 * metrics.watchQueue(scheduler);
 * ```
 */
export class SchedulerPrometheusMetrics implements FrameworkMetrics {
  private readonly attempts: Counter<'result' | 'profile'>;
  private readonly attemptDuration: Histogram<'result' | 'profile'>;
  private readonly sli: Histogram<'attempts'>;
  private readonly podAttempts: Histogram;
  private readonly pointDuration: Histogram<'extension_point' | 'status' | 'profile'>;
  private readonly incoming: Counter<'queue' | 'event'>;
  private readonly preemptionAttempts: Counter;
  private source: QueueSource | undefined;

  constructor(registry: Registry) {
    const registers = [registry];
    this.attempts = new Counter({
      name: 'scheduler_schedule_attempts_total',
      help: "Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem.",
      labelNames: ['result', 'profile'],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'scheduler_scheduling_attempt_duration_seconds',
      help: 'Scheduling attempt latency in seconds (scheduling algorithm + binding)',
      labelNames: ['result', 'profile'],
      buckets: exponentialBuckets(0.001, 2, 15),
      registers,
    });
    this.sli = new Histogram({
      name: 'scheduler_pod_scheduling_sli_duration_seconds',
      help: 'E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue and might involve multiple scheduling attempts.',
      labelNames: ['attempts'],
      buckets: exponentialBuckets(0.01, 2, 20),
      registers,
    });
    this.podAttempts = new Histogram({
      name: 'scheduler_pod_scheduling_attempts',
      help: 'Number of attempts to successfully schedule a pod.',
      buckets: exponentialBuckets(1, 2, 5),
      registers,
    });
    this.pointDuration = new Histogram({
      name: 'scheduler_framework_extension_point_duration_seconds',
      help: 'Latency for running all plugins of a specific extension point.',
      labelNames: ['extension_point', 'status', 'profile'],
      buckets: exponentialBuckets(0.0001, 2, 12),
      registers,
    });
    this.incoming = new Counter({
      name: 'scheduler_queue_incoming_pods_total',
      help: 'Number of pods added to scheduling queues by event and queue type.',
      labelNames: ['queue', 'event'],
      registers,
    });
    this.preemptionAttempts = new Counter({
      name: 'scheduler_preemption_attempts_total',
      help: 'Total preemption attempts in the cluster till now',
      registers,
    });
    const source = (): QueueSource | undefined => this.source;
    new Gauge({
      name: 'scheduler_pending_pods',
      help: "Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods that the scheduler attempted to schedule and failed; 'gated' is the number of unschedulable pods that the scheduler never attempted to schedule because they are gated.",
      labelNames: ['queue'],
      registers,
      collect() {
        const stats = source()?.queue.stats() ?? { active: 0, backoff: 0, unschedulable: 0, gated: 0 };
        this.set({ queue: 'active' }, stats.active);
        this.set({ queue: 'backoff' }, stats.backoff);
        this.set({ queue: 'unschedulable' }, stats.unschedulable);
        this.set({ queue: 'gated' }, stats.gated);
      },
    });
    new Gauge({
      name: 'scheduler_unschedulable_pods',
      help: 'The number of unschedulable pods broken down by plugin name. A pod will increment the gauge for all plugins that caused it to not schedule and so this metric have meaning only when broken down by plugin.',
      labelNames: ['plugin', 'profile'],
      registers,
      collect() {
        this.reset();
        for (const queued of source()?.queue.unschedulablePods() ?? []) {
          const profile = queued.podInfo.pod.spec.schedulerName ?? 'default-scheduler';
          for (const plugin of queued.unschedulablePlugins) this.inc({ plugin, profile });
        }
      },
    });
  }

  /** The scheduler whose queue the pending and unschedulable gauges read at each scrape (a new leader's, say). */
  watchQueue(source: QueueSource | undefined): void {
    this.source = source;
  }

  observePoint(point: string, ms: number, context?: PointContext): void {
    const extensionPoint = extensionPoints[point];
    if (!extensionPoint || !context) return;
    this.pointDuration.observe({ extension_point: extensionPoint, status: context.status, profile: context.profile }, ms / 1000);
  }

  observeAttempt(attempt: SchedulingAttempt): void {
    this.attempts.inc({ result: attempt.result, profile: attempt.profile });
    this.attemptDuration.observe({ result: attempt.result, profile: attempt.profile }, attempt.ms / 1000);
  }

  observePodScheduled(scheduled: PodScheduled): void {
    this.sli.observe({ attempts: String(scheduled.attempts) }, scheduled.sinceFirstQueuedMs / 1000);
    this.podAttempts.observe(scheduled.attempts);
  }

  observeIncoming(queue: 'active' | 'backoff' | 'unschedulable' | 'gated', event: string): void {
    this.incoming.inc({ queue, event });
  }

  observePreemption(): void {
    this.preemptionAttempts.inc();
  }
}
