import { PodInfo } from '../model/pod-info.js';
import { objectKey, type Pod } from '../model/types.js';
import { type ClusterEvent, type ClusterEventWithHint, eventMatches, QueueingHint } from '../plugins/events.js';
import type { QueuedPodInfo } from '../plugins/extension-points.js';
import type { Status } from '../status/status.js';
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
}

/**
 * kube's scheduling queue: activeQ (ordered by QueueSort), backoffQ (exponential backoff per attempt),
 * unschedulable pods (waiting for a cluster event one of their rejecting plugins registered for), and gated
 * pods (held by PreEnqueue). Timers come from the injected clock.
 */
export class SchedulingQueue {
  private readonly activeQ: Heap<QueuedPod>;
  private readonly backoffQ: Heap<QueuedPod>;
  private readonly unschedulable = new Map<string, QueuedPod>();
  private readonly gated = new Map<string, QueuedPod>();
  /** Pods popped and not yet done, with the index in `events` when they were popped. */
  private readonly inFlight = new Map<string, number>();
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
    this.activeQ = new Heap(keyOf, options.less);
    this.backoffQ = new Heap(keyOf, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
    this.schedule(() => this.flushBackoffCompleted(), 1000);
    this.schedule(() => this.flushUnschedulableLeftover(), 30_000);
  }

  /** Sizes of each sub-queue. */
  stats(): { active: number; backoff: number; unschedulable: number; gated: number; inFlight: number } {
    return {
      active: this.activeQ.size,
      backoff: this.backoffQ.size,
      unschedulable: this.unschedulable.size,
      gated: this.gated.size,
      inFlight: this.inFlight.size,
    };
  }

  /** True when no pod is queued anywhere except unschedulable/gated ones, and none is in flight. */
  get idle(): boolean {
    return this.activeQ.size === 0 && this.backoffQ.size === 0 && this.inFlight.size === 0;
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
    await this.moveToActiveIfAllowed(queued);
  }

  /** A pending pod changed: its queued copy is replaced; an unschedulable or gated one gets another chance. */
  async update(pod: Pod): Promise<void> {
    const key = podKey(pod);
    const existing = this.find(key);
    if (!existing) {
      if (!this.inFlight.has(key)) await this.add(pod);
      return;
    }
    const updated: QueuedPod = { ...existing, podInfo: PodInfo.of(pod) };
    if (this.activeQ.has(key)) this.activeQ.push(updated);
    else if (this.backoffQ.has(key)) this.backoffQ.push(updated);
    else {
      this.unschedulable.delete(key);
      this.gated.delete(key);
      if (this.isBackingOff(updated)) this.backoffQ.push(updated);
      else await this.moveToActiveIfAllowed(updated);
    }
  }

  /** A pod left the cluster or was bound elsewhere. */
  delete(pod: Pod): void {
    const key = podKey(pod);
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
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
    const key = keyOf(queued);
    const since = this.inFlight.get(key);
    queued.unschedulablePlugins = new Set(unschedulablePlugins);
    queued.timestamp = this.options.clock.now();
    const movedWhileInFlight = since !== undefined && this.eventsSince(since).some((e) => this.wouldMove(queued, e));
    this.done(key);
    if (unschedulablePlugins.size === 0 || movedWhileInFlight) {
      this.backoffQ.push(queued);
      return;
    }
    this.unschedulable.set(key, queued);
  }

  /** Marks an in-flight pod as finished (bound, or handed off). */
  done(key: string): void {
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
    for (const queued of moves) {
      this.unschedulable.delete(keyOf(queued));
      if (this.isBackingOff(queued)) this.backoffQ.push(queued);
      else await this.moveToActiveIfAllowed(queued);
    }
    if (this.gated.size > 0) {
      for (const queued of [...this.gated.values()]) {
        if (queued.gatedBy && this.pluginCares(queued.gatedBy, queued, { event, oldObj, newObj })) {
          this.gated.delete(keyOf(queued));
          await this.moveToActiveIfAllowed(queued);
        }
      }
    }
  }

  /** Moves every unschedulable pod back (used after reconfiguration). */
  async moveAllToActiveOrBackoff(): Promise<void> {
    const all = [...this.unschedulable.values()];
    this.unschedulable.clear();
    for (const queued of all) {
      if (this.isBackingOff(queued)) this.backoffQ.push(queued);
      else await this.moveToActiveIfAllowed(queued);
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
    let moved = false;
    for (;;) {
      const head = this.backoffQ.peek();
      if (!head || this.backoffExpiry(head) > now) break;
      this.backoffQ.pop();
      this.pushActive(head);
      moved = true;
    }
    if (moved) this.onActivate?.();
  }

  /** Moves pods unschedulable for longer than the limit back (also run every 30 s by the clock). */
  flushUnschedulableLeftover(): void {
    const now = this.options.clock.now();
    for (const queued of [...this.unschedulable.values()]) {
      if (now - queued.timestamp >= this.maxInUnschedulable) {
        this.unschedulable.delete(keyOf(queued));
        if (this.isBackingOff(queued)) this.backoffQ.push(queued);
        else this.pushActive(queued);
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

  private takeActive(): QueuedPod | undefined {
    const next = this.activeQ.pop();
    if (!next) return undefined;
    next.attempts++;
    this.inFlight.set(next.podInfo.key, this.eventsBase + this.events.length);
    return next;
  }

  private async moveToActiveIfAllowed(queued: QueuedPod): Promise<void> {
    const gate = this.options.preEnqueue(queued.podInfo.pod);
    const status = isPromiseLike(gate) ? await gate : gate;
    if (status && status.code !== 0) {
      queued.gatedBy = status.plugin;
      this.gated.set(keyOf(queued), queued);
      return;
    }
    delete queued.gatedBy;
    this.pushActive(queued);
    this.onActivate?.();
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
    return this.activeQ.get(key) ?? this.backoffQ.get(key) ?? this.unschedulable.get(key) ?? this.gated.get(key);
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
