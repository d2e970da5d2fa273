import { hostname } from 'node:os';
import type { Pod, SchedulerEvent } from '@schedkit/framework';
import type { KubeApiClient } from './client/api-client.js';
import { microTime } from './micro-time.js';

/** How the recorder aggregates and limits. */
export interface EventRecorderOptions {
  /** `reportingInstance` (default `<controller>-<hostname>`, as kube-scheduler names it). */
  reportingInstance?: string;
  /** How often repeated events are written as a series update (client-go: 30 s). */
  seriesFlushMs?: number;
  /** How long an event stays open for a series (client-go: 6 minutes). */
  seriesWindowMs?: number;
  /** New events one pod may cause at once, and the refill interval of that allowance (kube's spam filter: 25, 5 min). */
  burstPerObject?: number;
  refillPerObjectMs?: number;
  /** Reports a failed write (events are best effort: never thrown). */
  onError?: (error: Error) => void;
}

interface OpenSeries {
  name: string;
  namespace: string;
  count: number;
  firstSeen: number;
  lastObserved: number;
  dirty: boolean;
}

interface Allowance {
  tokens: number;
  last: number;
}

/**
 * Writes kube-scheduler's `events.k8s.io/v1` Events for a scheduler's decisions: `Scheduled` ("Successfully
 * assigned ns/pod to node", action Binding) and `FailedScheduling` (the fit error, action Scheduling), reported
 * by the profile's scheduler name. As client-go's event library does, an event repeated within six minutes is
 * not written again but counted into the first one's `series`, patched at most every 30 s; each pod may start at
 * most a burst of new events, refilled slowly, so a pod that stays pending cannot flood the API server. Writes are
 * queued: the scheduler never waits for them.
 */
export class SchedulingEventRecorder {
  /** Events created, series patches written, and events dropped by the per-pod limit. */
  readonly stats = { created: 0, seriesUpdates: 0, dropped: 0, failed: 0 };
  private readonly series = new Map<string, OpenSeries>();
  private readonly allowances = new Map<string, Allowance>();
  private readonly pending: (() => Promise<void>)[] = [];
  private inFlight: Promise<void> | undefined;
  private readonly timer: ReturnType<typeof setInterval>;
  private counter = 0;

  constructor(
    private readonly client: KubeApiClient,
    private readonly options: EventRecorderOptions = {},
  ) {
    this.timer = setInterval(() => this.flushSeries(), options.seriesFlushMs ?? 30_000);
    this.timer.unref();
  }

  /** Records what a scheduler event means in kube's terms (pass it as the scheduler's `onEvent`). */
  readonly onSchedulerEvent = (event: SchedulerEvent): void => {
    if (event.type === 'bound') {
      const namespace = event.pod.metadata.namespace || 'default';
      this.record(event.pod, event.profile, 'Normal', 'Scheduled', 'Binding', `Successfully assigned ${namespace}/${event.pod.metadata.name} to ${event.nodeName}`);
    } else if (event.type === 'unschedulable') {
      this.record(event.pod, event.profile, 'Warning', 'FailedScheduling', 'Scheduling', event.message);
    } else if (event.type === 'error') {
      this.record(event.pod, event.profile, 'Warning', 'FailedScheduling', 'Scheduling', event.error.message);
    }
  };

  /** Records one event about `pod`, reported by `controller` (the scheduler name). */
  record(pod: Pod, controller: string, type: 'Normal' | 'Warning', reason: string, action: string, note: string): void {
    const now = Date.now();
    const namespace = pod.metadata.namespace || 'default';
    const key = [pod.metadata.uid ?? `${namespace}/${pod.metadata.name}`, controller, type, reason, action, note].join('\u0000');
    const open = this.series.get(key);
    if (open && now - open.firstSeen < (this.options.seriesWindowMs ?? 360_000)) {
      open.count++;
      open.lastObserved = now;
      open.dirty = true;
      return;
    }
    if (!this.allow(pod.metadata.uid ?? `${namespace}/${pod.metadata.name}`, now)) {
      this.stats.dropped++;
      return;
    }
    const name = `${pod.metadata.name}.${(now * 1_000_000 + (this.counter++ % 1_000_000)).toString(16)}`;
    this.series.set(key, { name, namespace, count: 1, firstSeen: now, lastObserved: now, dirty: false });
    const body = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace },
      eventTime: microTime(new Date(now)),
      reportingController: controller,
      reportingInstance: this.options.reportingInstance ?? `${controller}-${hostname()}`,
      action,
      reason,
      type,
      note: note.slice(0, 1024),
      regarding: { apiVersion: 'v1', kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid, resourceVersion: pod.metadata.resourceVersion },
    };
    this.enqueue(async () => {
      const response = await this.client.send({ method: 'POST', path: `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/events`, body });
      if (response.status === 201) this.stats.created++;
      else this.fail(`creating event ${namespace}/${name}: HTTP ${response.status}`);
    });
  }

  /** Writes pending series updates and waits for every queued write. */
  async flush(): Promise<void> {
    this.flushSeries();
    while (this.inFlight) await this.inFlight;
  }

  /** Flushes, then stops the series timer. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private flushSeries(): void {
    const now = Date.now();
    for (const [key, open] of this.series) {
      if (open.dirty) {
        open.dirty = false;
        const patch = { series: { count: open.count, lastObservedTime: microTime(new Date(open.lastObserved)) } };
        this.enqueue(async () => {
          const response = await this.client.send({
            method: 'PATCH',
            path: `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(open.namespace)}/events/${encodeURIComponent(open.name)}`,
            body: patch,
            contentType: 'application/merge-patch+json',
          });
          if (response.status === 200) this.stats.seriesUpdates++;
          else this.fail(`updating event series ${open.namespace}/${open.name}: HTTP ${response.status}`);
        });
      } else if (now - open.lastObserved > (this.options.seriesWindowMs ?? 360_000)) {
        this.series.delete(key);
      }
    }
  }

  private allow(object: string, now: number): boolean {
    const burst = this.options.burstPerObject ?? 25;
    const refill = this.options.refillPerObjectMs ?? 300_000;
    const allowance = this.allowances.get(object) ?? { tokens: burst, last: now };
    allowance.tokens = Math.min(burst, allowance.tokens + (now - allowance.last) / refill);
    allowance.last = now;
    this.allowances.set(object, allowance);
    if (allowance.tokens < 1) return false;
    allowance.tokens -= 1;
    return true;
  }

  private enqueue(write: () => Promise<void>): void {
    this.pending.push(write);
    if (!this.inFlight) this.inFlight = this.pump();
  }

  /** Sends queued writes, a few at a time, until the queue is empty. */
  private async pump(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, 8);
      await Promise.all(batch.map((write) => write().catch((error: Error) => this.fail(error.message))));
    }
    this.inFlight = undefined;
  }

  private fail(message: string): void {
    this.stats.failed++;
    this.options.onError?.(new Error(message));
  }
}
