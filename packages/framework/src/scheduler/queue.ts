import { PodInfo } from '../model/pod-info.js';
import { objectKey, type Pod } from '../model/types.js';
import { type ClusterEvent, type ClusterEventWithHint, eventMatches, QueueingHint } from '../plugins/events.js';
import type { QueuedPodInfo } from '../plugins/extension-points.js';
import { Code, type Status, Status as StatusClass } from '../status/status.js';
import type { StoreObject } from '../store/kinds.js';
import type { Clock } from './clock.js';
import { Heap } from './heap.js';

/** A pod in the queue, with what the queue needs to know about its past attempts. */
export interface QueuedPod extends QueuedPodInfo {
  readonly podInfo: PodInfo;
  initialAttemptTimestamp: number;
  timestamp: number;
  attempts: number;
  /** Plugins that rejected the pod in its last attempt (empty after an error). */
  unschedulablePlugins: Set<string>;
  /** The PreEnqueue plugin that gated the pod, if any. */
  gatedBy?: string;
  /** Set when PreEnqueue failed with an error (not a rejection): when to run it again (clock ms). */
  preEnqueueRetryAt?: number;
  /** PreEnqueue errors in a row (the retry backs off like an attempt). */
  preEnqueueErrors?: number;
  /** The cluster's change counter when the pod's last attempt started (see QueueOptions.clusterGeneration). */
  attemptGeneration?: number;
}

/** How the queue is configured. */
export interface QueueOptions {
  clock: Clock;
  /** activeQ order (the QueueSort plugin's less). */
  less: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  /** PreEnqueue gate for a pod (null lets it in). */
  preEnqueue: (pod: Pod) => Status | null | PromiseLike<Status | null>;
  /** Events each plugin registered (EnqueueExtensions). */
  eventsByPlugin: ReadonlyMap<string, readonly ClusterEventWithHint[]>;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  /** Pods unschedulable longer than this move back anyway (kube: 5 minutes). */
  podMaxInUnschedulablePodsMs?: number;
  /**
   * A counter the scheduler's cache raises on every change that can make a pod schedulable. The leftover flush
   * (kube's safety net for missed events) skips a pod when the counter has not moved since its last attempt:
   * nothing changed, so the attempt would fail the same way.
   */
  clusterGeneration?: () => number;
  /** PreEnqueue failed with an error (a throw, not a rejection); the pod stays gated and is retried with backoff. */
  onPreEnqueueError?: (pod: Pod, status: Status) => void;
  /** The QueueSort plugin threw (the queue falls back to arrival order for that comparison), or a timer's work failed. */
  onError?: (error: unknown) => void;
  /**
   * Told of every pod entering a sub-queue, with the event that moved it (kube's queue_incoming_pods_total:
   * `PodAdd`, `ScheduleAttemptFailure`, `BackoffComplete`, `UnschedulableTimeout`, a cluster event's label).
   */
  onIncoming?: (queue: 'active' | 'backoff' | 'unschedulable' | 'gated', event: string) => void;
}

/**
 * kube's scheduling queue: activeQ (ordered by QueueSort), backoffQ (exponential backoff per attempt; pods
 * rejected by plugins are popped before their backoff ends when activeQ is empty, as kube's
 * SchedulerPopFromBackoffQ does, pods that hit an error are not),
 * unschedulable pods (waiting for a cluster event one of their rejecting plugins registered for), and gated
 * pods (held by PreEnqueue). Timers come from the injected clock.
 */
export class SchedulingQueue {
  private readonly activeQ: Heap<QueuedPod>;
  private readonly backoffQ: Heap<QueuedPod>;
  /** Pods whose last attempt hit an error: they wait out their backoff in full. */
  private readonly errorBackoffQ: Heap<QueuedPod>;
  private readonly unschedulable = new Map<string, QueuedPod>();
  private readonly gated = new Map<string, QueuedPod>();
  /** Pods popped and not yet done, with the index in `events` when they were popped. */
  private readonly inFlight = new Map<string, number>();
  /** Pods updated while in flight (newest object): their requeue uses it and skips the unschedulable pool. */
  private readonly updatedInFlight = new Map<string, Pod>();
  /** Events received while some pod was in flight. */
  private events: { event: ClusterEvent; oldObj: StoreObject | undefined; newObj: StoreObject | undefined }[] = [];
  private eventsBase = 0;
  private waiters: ((pod: QueuedPod | undefined) => void)[] = [];
  private closed = false;
  private readonly timers: unknown[] = [];
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxInUnschedulable: number;
  /** Called after pods moved to activeQ (the scheduler uses it to wake up). */
  onActivate: (() => void) | undefined;

  constructor(private readonly options: QueueOptions) {
    this.initialBackoff = options.podInitialBackoffMs ?? 1000;
    this.maxBackoff = options.podMaxBackoffMs ?? 10_000;
    this.maxInUnschedulable = options.podMaxInUnschedulablePodsMs ?? 5 * 60_000;
    const less = options.less;
    // A throwing QueueSort must not leave the heap half-sifted (pods would vanish): arrival order stands in.
    this.activeQ = new Heap(keyOf, (a, b) => {
      try {
        return less(a, b);
      } catch (error) {
        options.onError?.(error);
        return a.timestamp < b.timestamp;
      }
    });
    this.backoffQ = new Heap(keyOf, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
    this.errorBackoffQ = new Heap(keyOf, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
    this.schedule(() => this.flushBackoffCompleted(), 1000);
    this.schedule(() => this.flushUnschedulableLeftover(), 30_000);
  }

  /** Sizes of each sub-queue. */
  stats(): { active: number; backoff: number; unschedulable: number; gated: number; inFlight: number } {
    return {
      active: this.activeQ.size,
      backoff: this.backoffQ.size + this.errorBackoffQ.size,
      unschedulable: this.unschedulable.size,
      gated: this.gated.size,
      inFlight: this.inFlight.size,
    };
  }

  /** True when no pod is queued anywhere except unschedulable/gated ones, and none is in flight. */
  get idle(): boolean {
    return this.activeQ.size === 0 && this.backoffQ.size === 0 && this.errorBackoffQ.size === 0 && this.inFlight.size === 0;
  }

  /** Adds a new pending pod (through PreEnqueue). */
  async add(pod: Pod): Promise<void> {
    const now = this.options.clock.now();
    const queued: QueuedPod = {
      podInfo: PodInfo.of(pod),
      initialAttemptTimestamp: now,
      timestamp: now,
      attempts: 0,
      unschedulablePlugins: new Set(),
    };
    await this.moveToActiveIfAllowed(queued, 'PodAdd');
  }

  /** A pending pod changed: its queued copy is replaced; an unschedulable or gated one gets another chance. */
  async update(pod: Pod): Promise<void> {
    const key = podKey(pod);
    const existing = this.find(key);
    if (!existing) {
      if (this.inFlight.has(key)) this.updatedInFlight.set(key, pod);
      else await this.add(pod);
      return;
    }
    const updated: QueuedPod = { ...existing, podInfo: PodInfo.of(pod) };
    if (this.activeQ.has(key)) this.activeQ.push(updated);
    else if (this.backoffQ.has(key)) this.backoffQ.push(updated);
    else if (this.errorBackoffQ.has(key)) this.errorBackoffQ.push(updated);
    else {
      this.unschedulable.delete(key);
      this.gated.delete(key);
      if (this.isBackingOff(updated)) this.pushBackoff(updated, 'PodUpdate');
      else await this.moveToActiveIfAllowed(updated, 'PodUpdate');
    }
  }

  /** A pod left the cluster or was bound elsewhere. */
  delete(pod: Pod): void {
    const key = podKey(pod);
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.errorBackoffQ.delete(key);
    this.unschedulable.delete(key);
    this.gated.delete(key);
  }

  /** True when the pod is anywhere in the queue. */
  has(pod: Pod): boolean {
    return this.find(podKey(pod)) !== undefined;
  }

  /** Waits for the next pod of activeQ; undefined once the queue is closed. */
  pop(): Promise<QueuedPod | undefined> {
    const next = this.takeActive();
    if (next || this.closed) return Promise.resolve(next);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next pod of activeQ, or undefined without waiting. */
  tryPop(): QueuedPod | undefined {
    return this.takeActive();
  }

  /**
   * Returns a pod whose attempt failed. With `unschedulablePlugins` non-empty, the pod waits in the
   * unschedulable pool unless an event that one of those plugins registered for arrived while it was in
   * flight (then it goes to backoff). An error (no plugins) goes to backoff.
   */
  requeue(queued: QueuedPod, unschedulablePlugins: ReadonlySet<string>): void {
    let key = keyOf(queued);
    const updated = this.updatedInFlight.get(key);
    if (updated && updated.metadata.uid === queued.podInfo.pod.metadata.uid) {
      queued = { ...queued, podInfo: PodInfo.of(updated) };
      key = keyOf(queued);
    }
    const since = this.inFlight.get(key);
    queued.unschedulablePlugins = new Set(unschedulablePlugins);
    queued.timestamp = this.options.clock.now();
    // A pod whose own spec changed while it was in flight is judged by its new spec, not parked by its old one.
    const movedWhileInFlight = updated !== undefined || (since !== undefined && this.eventsSince(since).some((e) => this.wouldMove(queued, e)));
    this.done(key);
    if (unschedulablePlugins.size === 0) {
      this.errorBackoffQ.push(queued);
      this.options.onIncoming?.('backoff', 'ScheduleAttemptFailure');
      return;
    }
    if (movedWhileInFlight) {
      this.pushBackoff(queued, 'ScheduleAttemptFailure');
      return;
    }
    this.unschedulable.set(key, queued);
    this.options.onIncoming?.('unschedulable', 'ScheduleAttemptFailure');
  }

  /** Marks an in-flight pod as finished (bound, or handed off). */
  done(key: string): void {
    this.updatedInFlight.delete(key);
    if (!this.inFlight.delete(key)) return;
    // Forget the events no in-flight pod can still be affected by.
    let oldest = this.eventsBase + this.events.length;
    for (const since of this.inFlight.values()) if (since < oldest) oldest = since;
    const drop = oldest - this.eventsBase;
    if (drop > 0) {
      this.events = drop >= this.events.length ? [] : this.events.slice(drop);
      this.eventsBase = oldest;
    }
  }

  /**
   * A cluster event: unschedulable pods whose rejecting plugins registered for it (and whose hints say Queue)
   * move to backoffQ or activeQ; gated pods re-run PreEnqueue.
   */
  async onEvent(event: ClusterEvent, oldObj?: StoreObject, newObj?: StoreObject): Promise<void> {
    if (this.inFlight.size > 0) this.events.push({ event, oldObj, newObj });
    const moves: QueuedPod[] = [];
    for (const queued of this.unschedulable.values()) {
      if (this.wouldMove(queued, { event, oldObj, newObj })) moves.push(queued);
    }
    const label = event.label ?? `${event.resource}`;
    for (const queued of moves) {
      this.unschedulable.delete(keyOf(queued));
      if (this.isBackingOff(queued)) this.pushBackoff(queued, label);
      else await this.moveToActiveIfAllowed(queued, label);
    }
    if (this.gated.size > 0) {
      for (const queued of [...this.gated.values()]) {
        if (queued.gatedBy && this.pluginCares(queued.gatedBy, queued, { event, oldObj, newObj })) {
          this.gated.delete(keyOf(queued));
          await this.moveToActiveIfAllowed(queued, label);
        }
      }
    }
  }

  /** Moves every unschedulable pod back (used after reconfiguration). */
  async moveAllToActiveOrBackoff(): Promise<void> {
    const all = [...this.unschedulable.values()];
    this.unschedulable.clear();
    for (const queued of all) {
      if (this.isBackingOff(queued)) this.pushBackoff(queued, 'ForceActivate');
      else await this.moveToActiveIfAllowed(queued, 'ForceActivate');
    }
  }

  /** Stops timers and wakes waiters with undefined. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) this.options.clock.clearTimeout(timer);
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  /** Every pod waiting in the unschedulable pool. */
  unschedulablePods(): readonly QueuedPod[] {
    return [...this.unschedulable.values()];
  }

  /** Moves backoffQ pods whose backoff expired to activeQ (also run every second by the clock). */
  flushBackoffCompleted(): void {
    const now = this.options.clock.now();
    if (this.gated.size > 0) this.retryFailedPreEnqueue(now);
    let moved = false;
    for (const heap of [this.backoffQ, this.errorBackoffQ]) {
      for (;;) {
        const head = heap.peek();
        if (!head || this.backoffExpiry(head) > now) break;
        heap.pop();
        this.pushActive(head);
        this.options.onIncoming?.('active', 'BackoffComplete');
        moved = true;
      }
    }
    if (moved) this.onActivate?.();
  }

  /**
   * Moves pods unschedulable for longer than the limit back (also run every 30 s by the clock). A pod whose
   * last attempt saw the cluster as it is now (no change since, see QueueOptions.clusterGeneration) stays: its
   * next attempt could only fail the same way, so it waits another period instead of costing a full attempt.
   */
  flushUnschedulableLeftover(): void {
    const now = this.options.clock.now();
    const generation = this.options.clusterGeneration?.();
    for (const queued of [...this.unschedulable.values()]) {
      if (now - queued.timestamp >= this.maxInUnschedulable) {
        if (generation !== undefined && queued.attemptGeneration === generation) {
          queued.timestamp = now;
          continue;
        }
        this.unschedulable.delete(keyOf(queued));
        if (this.isBackingOff(queued)) this.pushBackoff(queued, 'UnschedulableTimeout');
        else {
          this.pushActive(queued);
          this.options.onIncoming?.('active', 'UnschedulableTimeout');
        }
      }
    }
  }

  /** The backoff a pod gets after `attempts` attempts: initial doubling per attempt, capped at the maximum. */
  backoffDuration(attempts: number): number {
    let duration = this.initialBackoff;
    for (let i = 1; i < attempts; i++) {
      if (duration > this.maxBackoff - duration) return this.maxBackoff;
      duration += duration;
    }
    return Math.min(duration, this.maxBackoff);
  }

  private backoffExpiry(queued: QueuedPod): number {
    return queued.timestamp + this.backoffDuration(queued.attempts);
  }

  private isBackingOff(queued: QueuedPod): boolean {
    return queued.attempts > 0 && this.backoffExpiry(queued) > this.options.clock.now();
  }

  /** Puts a rejected pod in backoffQ; a scheduler waiting on an empty activeQ takes it at once. */
  private pushBackoff(queued: QueuedPod, event: string): void {
    this.backoffQ.push(queued);
    this.options.onIncoming?.('backoff', event);
    if (this.waiters.length > 0) {
      const next = this.takeActive();
      if (next) this.waiters.shift()!(next);
    }
  }

  /** The head of activeQ; when activeQ is empty, the backoffQ pod whose backoff ends first (kube's SchedulerPopFromBackoffQ). */
  private takeActive(): QueuedPod | undefined {
    const next = this.activeQ.pop() ?? this.backoffQ.pop();
    if (!next) return undefined;
    next.attempts++;
    const generation = this.options.clusterGeneration?.();
    if (generation !== undefined) next.attemptGeneration = generation;
    this.inFlight.set(next.podInfo.key, this.eventsBase + this.events.length);
    return next;
  }

  private async moveToActiveIfAllowed(queued: QueuedPod, event: string): Promise<void> {
    let status: Status | null;
    try {
      const gate = this.options.preEnqueue(queued.podInfo.pod);
      status = isPromiseLike(gate) ? await gate : gate;
    } catch (error) {
      status = new StatusClass(Code.Error, [`running PreEnqueue: ${error instanceof Error ? error.message : String(error)}`], error);
    }
    const key = keyOf(queued);
    if (status && status.code !== Code.Success) {
      if (status.plugin) queued.gatedBy = status.plugin;
      else delete queued.gatedBy;
      if (status.code === Code.Error) {
        // An error is not a verdict: the pod stays pending with the reason and PreEnqueue runs again after a backoff.
        queued.preEnqueueErrors = (queued.preEnqueueErrors ?? 0) + 1;
        queued.preEnqueueRetryAt = this.options.clock.now() + this.backoffDuration(queued.preEnqueueErrors);
        this.options.onPreEnqueueError?.(queued.podInfo.pod, status);
      } else {
        delete queued.preEnqueueRetryAt;
        delete queued.preEnqueueErrors;
      }
      this.gated.set(key, queued);
      this.options.onIncoming?.('gated', event);
      return;
    }
    delete queued.gatedBy;
    delete queued.preEnqueueRetryAt;
    delete queued.preEnqueueErrors;
    this.pushActive(queued);
    this.options.onIncoming?.('active', event);
    this.onActivate?.();
  }

  /** Runs PreEnqueue again for gated pods whose PreEnqueue failed with an error and whose backoff is over. */
  private retryFailedPreEnqueue(now: number): void {
    for (const queued of [...this.gated.values()]) {
      if (queued.preEnqueueRetryAt === undefined || queued.preEnqueueRetryAt > now) continue;
      this.gated.delete(keyOf(queued));
      this.background(this.moveToActiveIfAllowed(queued, 'PreEnqueueRetry'));
    }
  }

  /** Runs queue work started by a timer; a failure there is reported, never left unhandled. */
  private background(work: Promise<void>): void {
    work.catch((error: unknown) => this.options.onError?.(error));
  }

  private pushActive(queued: QueuedPod): void {
    queued.timestamp = this.options.clock.now();
    const waiter = this.waiters.shift();
    if (waiter) {
      this.activeQ.push(queued);
      waiter(this.takeActive());
      return;
    }
    this.activeQ.push(queued);
  }

  private find(key: string): QueuedPod | undefined {
    return this.activeQ.get(key) ?? this.backoffQ.get(key) ?? this.errorBackoffQ.get(key) ?? this.unschedulable.get(key) ?? this.gated.get(key);
  }

  private eventsSince(index: number) {
    return this.events.slice(Math.max(0, index - this.eventsBase));
  }

  private wouldMove(queued: QueuedPod, e: { event: ClusterEvent; oldObj: StoreObject | undefined; newObj: StoreObject | undefined }): boolean {
    if (queued.unschedulablePlugins.size === 0) return true;
    for (const plugin of queued.unschedulablePlugins) if (this.pluginCares(plugin, queued, e)) return true;
    return false;
  }

  private pluginCares(plugin: string, queued: QueuedPod, e: { event: ClusterEvent; oldObj: StoreObject | undefined; newObj: StoreObject | undefined }): boolean {
    const registered = this.options.eventsByPlugin.get(plugin);
    // A plugin that registered nothing is woken by every event, as kube treats plugins without EnqueueExtensions.
    if (!registered) return true;
    for (const { event, queueingHintFn } of registered) {
      if (!eventMatches(event, e.event)) continue;
      if (!queueingHintFn) return true;
      try {
        if (queueingHintFn(queued.podInfo.pod, e.oldObj, e.newObj) === QueueingHint.Queue) return true;
      } catch {
        // A failing hint must not strand the pod: requeue it, as kube does.
        return true;
      }
    }
    return false;
  }

  private schedule(fn: () => void, every: number): void {
    const tick = (): void => {
      if (this.closed) return;
      fn();
      this.timers[index] = this.options.clock.setTimeout(tick, every);
    };
    const index = this.timers.length;
    this.timers.push(this.options.clock.setTimeout(tick, every));
  }
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<T>).then === 'function';
}

/** The queue's key of a pod: `namespace/name`. */
export function podKey(pod: Pod): string {
  return objectKey(pod.metadata);
}

function keyOf(queued: QueuedPod): string {
  return podKey(queued.podInfo.pod);
}
