import type { Pod } from '@schedkit/framework';

/** The label naming a pod's group (the scheduler-plugins lightweight coscheduling convention). */
export const PodGroupLabel = 'pod-group.scheduling.sigs.k8s.io';
/** The label giving the group's minimum number of members that must be placed together. */
export const PodGroupMinAvailableLabel = 'pod-group.scheduling.sigs.k8s.io/min-available';
/** Optional label overriding how long members wait at Permit, in seconds. */
export const PodGroupTimeoutLabel = 'pod-group.scheduling.sigs.k8s.io/timeout-seconds';

/** A pod's group, read from its labels. */
export interface PodGroup {
  /** `namespace/name`: groups are namespaced. */
  key: string;
  name: string;
  minMember: number;
  /** Wait at Permit this long before the whole group is rejected (ms), when the label sets it. */
  timeoutMs: number | undefined;
}

/**
 * The pod's group, or undefined when the pod has no group label or a min-available below 2 (a group of one is
 * an ordinary pod). A malformed min-available makes the pod ungrouped rather than stuck.
 */
export function podGroupOf(pod: Pod): PodGroup | undefined {
  const labels = pod.metadata.labels;
  const name = labels?.[PodGroupLabel];
  if (!name) return undefined;
  const minMember = Number.parseInt(labels[PodGroupMinAvailableLabel] ?? '', 10);
  if (!Number.isInteger(minMember) || minMember < 2) return undefined;
  const timeoutSeconds = Number.parseInt(labels[PodGroupTimeoutLabel] ?? '', 10);
  return {
    key: `${pod.metadata.namespace ?? 'default'}/${name}`,
    name,
    minMember,
    timeoutMs: Number.isInteger(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds * 1000 : undefined,
  };
}
