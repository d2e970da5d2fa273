import type { Pod } from '../model/types.js';

/** Which profile an observation belongs to and how it ended (kube's status code name: Success, Unschedulable, ...). */
export interface PointContext {
  profile: string;
  status: string;
}

/** One scheduling attempt (the scheduling cycle, without binding), as kube's schedule_attempts metrics count it. */
export interface SchedulingAttempt {
  result: 'scheduled' | 'unschedulable' | 'error';
  profile: string;
  /** The cycle's duration in ms. */
  ms: number;
  /** The pod the cycle was for. */
  pod: Pod;
  /** The node chosen (for `scheduled`). */
  nodeName?: string;
}

/** A pod that got bound: how long since it was first queued, and after how many attempts (kube's SLI metric). */
export interface PodScheduled {
  profile: string;
  attempts: number;
  /** From the pod's first entry into the queue to its binding, in ms. */
  sinceFirstQueuedMs: number;
}

/**
 * Receives latencies from the framework and the scheduler (the demo and benchmarks summarise them; a Prometheus
 * recorder exports them under kube-scheduler's metric names). Only `observePoint` is required.
 */
export interface FrameworkMetrics {
  /**
   * Duration in ms of one extension point for one pod: 'filter' covers PreFilter + Filter and 'score' PreScore +
   * Score (from the framework); 'postFilter', 'reserve', 'permit', 'preBind' and 'bind' come from the scheduler.
   * `context` says the profile and the outcome.
   */
  observePoint(point: string, ms: number, context?: PointContext): void;
  /** A scheduling cycle ended. */
  observeAttempt?(attempt: SchedulingAttempt): void;
  /** A pod was bound. */
  observePodScheduled?(scheduled: PodScheduled): void;
  /** A pod entered a scheduling sub-queue (`active`, `backoff`, `unschedulable`, `gated`) because of `event`. */
  observeIncoming?(queue: 'active' | 'backoff' | 'unschedulable' | 'gated', event: string): void;
  /** PostFilter (preemption) ran for an unschedulable pod; `nominated` says whether it found a node. */
  observePreemption?(profile: string, nominated: boolean): void;
  /** Duration in ms of one call to an extender (`extender` is its URL prefix; `verb` filter, prioritize, bind or preempt). */
  observeExtender?(extender: string, verb: string, ms: number): void;
}
