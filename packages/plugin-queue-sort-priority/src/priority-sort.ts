import { injectable, type Pod, type QueuedPodInfo, type QueueSortPlugin } from '@schedkit/framework';
import { z } from 'zod';

/** The name kube-scheduler configurations use for this plugin. */
export const PrioritySortName = 'PrioritySort';

/** PrioritySort takes no args (kube has no PrioritySortArgs); unknown keys are rejected so typos surface. */
export const PrioritySortArgsSchema = z.object({}).strict();

/** The (empty) args of {@link PrioritySort}. */
export type PrioritySortArgs = z.infer<typeof PrioritySortArgsSchema>;

/**
 * A pod's priority as kube reads it: `spec.priority`, or 0 when unset (a pod created before any default
 * priority class existed).
 */
export function podPriority(pod: Pod): number {
  return pod.spec.priority ?? 0;
}

/**
 * kube-scheduler's default QueueSort: the pod with the higher priority goes first; between equal priorities,
 * the pod with the earlier queue timestamp goes first (FIFO within a priority).
 */
@injectable()
export class PrioritySort implements QueueSortPlugin {
  readonly name = PrioritySortName;

  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const pa = podPriority(a.podInfo.pod);
    const pb = podPriority(b.podInfo.pod);
    return pa > pb || (pa === pb && a.timestamp < b.timestamp);
  }
}
