import type { ClusterEventWithHint, Labels, Node, Pod } from '@schedkit/framework';
import { ActionType, podNamespace, QueueingHint } from '@schedkit/framework';
import { type DefaultConstraintSource, constraintsFor, hasAllTopologyKeys, type SpreadConstraint } from './constraints.js';

/**
 * The events that may make a pod PodTopologySpread rejected schedulable, with kube's queueing hints:
 * assigned pods added, deleted or relabelled in the pod's namespace (and the pod's own toleration updates when a
 * constraint honors taints), and nodes added, deleted, relabelled or retainted.
 */
export function topologySpreadEvents(defaults: DefaultConstraintSource): ClusterEventWithHint[] {
  return [
    {
      event: {
        resource: 'Pod',
        actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.UpdatePodToleration | ActionType.Delete,
        label: 'PodChange',
      },
      queueingHintFn: (pod, oldObj, newObj) => hintAfterPodChange(pod, oldObj as Pod | undefined, newObj as Pod | undefined, defaults),
    },
    {
      event: {
        resource: 'Node',
        actionType: ActionType.Add | ActionType.Delete | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint,
        label: 'NodeChange',
      },
      queueingHintFn: (pod, oldObj, newObj) => hintAfterNodeChange(pod, oldObj as Node | undefined, newObj as Node | undefined, defaults),
    },
  ];
}

/** The hard constraints a rejected pod was filtered with, or null when they cannot be parsed (then: Queue). */
function hardConstraints(pod: Pod, defaults: DefaultConstraintSource): SpreadConstraint[] | null {
  try {
    return constraintsFor(pod, 'DoNotSchedule', defaults);
  } catch {
    return null;
  }
}

/** An event pod matters when it is the rejected pod itself or an assigned pod in the same namespace. */
function involved(eventPod: Pod, rejectedPod: Pod): boolean {
  return samePod(eventPod, rejectedPod) || (Boolean(eventPod.spec.nodeName) && podNamespace(eventPod) === podNamespace(rejectedPod));
}

/** Same pod: by uid when both have one, else by namespace and name. */
function samePod(a: Pod, b: Pod): boolean {
  if (a.metadata.uid && b.metadata.uid) return a.metadata.uid === b.metadata.uid;
  return a.metadata.name === b.metadata.name && podNamespace(a) === podNamespace(b);
}

function matchesAnyConstraint(constraints: readonly SpreadConstraint[], labels: Labels | undefined): boolean {
  return constraints.some((c) => c.selector.matches(labels));
}

/** kube's isSchedulableAfterPodChange. */
export function hintAfterPodChange(pod: Pod, oldPod: Pod | undefined, newPod: Pod | undefined, defaults: DefaultConstraintSource): QueueingHint {
  if ((newPod && !involved(newPod, pod)) || (oldPod && !involved(oldPod, pod))) return QueueingHint.QueueSkip;
  const constraints = hardConstraints(pod, defaults);
  if (constraints === null) return QueueingHint.Queue;

  if (oldPod && newPod) {
    if (
      samePod(newPod, pod) &&
      !deepEqual(newPod.spec.tolerations, oldPod.spec.tolerations) &&
      constraints.some((c) => c.nodeTaintsPolicy === 'Honor')
    ) {
      return QueueingHint.Queue;
    }
    if (deepEqual(newPod.metadata.labels, oldPod.metadata.labels)) return QueueingHint.QueueSkip;
    const changed = constraints.some((c) => c.selector.matches(oldPod.metadata.labels) !== c.selector.matches(newPod.metadata.labels));
    return changed ? QueueingHint.Queue : QueueingHint.QueueSkip;
  }
  if (newPod) return matchesAnyConstraint(constraints, newPod.metadata.labels) ? QueueingHint.Queue : QueueingHint.QueueSkip;
  if (oldPod) return matchesAnyConstraint(constraints, oldPod.metadata.labels) ? QueueingHint.Queue : QueueingHint.QueueSkip;
  return QueueingHint.QueueSkip;
}

/** kube's isSchedulableAfterNodeChange. */
export function hintAfterNodeChange(pod: Pod, oldNode: Node | undefined, newNode: Node | undefined, defaults: DefaultConstraintSource): QueueingHint {
  const constraints = hardConstraints(pod, defaults);
  if (constraints === null) return QueueingHint.Queue;
  const oldMatching = oldNode ? hasAllTopologyKeys(oldNode.metadata.labels, constraints) : false;
  const newMatching = newNode ? hasAllTopologyKeys(newNode.metadata.labels, constraints) : false;

  if (oldNode && newNode) {
    if (oldMatching !== newMatching) return QueueingHint.Queue;
    if (
      newMatching &&
      (topologyLabelsChanged(oldNode.metadata.labels, newNode.metadata.labels, constraints) ||
        !deepEqual(emptyAsUndefined(oldNode.spec?.taints), emptyAsUndefined(newNode.spec?.taints)))
    ) {
      return QueueingHint.Queue;
    }
    return QueueingHint.QueueSkip;
  }
  if (newNode) return newMatching ? QueueingHint.Queue : QueueingHint.QueueSkip;
  return oldMatching ? QueueingHint.Queue : QueueingHint.QueueSkip;
}

function topologyLabelsChanged(before: Labels | undefined, after: Labels | undefined, constraints: readonly SpreadConstraint[]): boolean {
  return constraints.some((c) => (before?.[c.topologyKey] ?? '') !== (after?.[c.topologyKey] ?? ''));
}

/** kube compares taints semantically: an empty list equals a missing one. */
function emptyAsUndefined<T>(list: readonly T[] | undefined): readonly T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

/** Structural equality of JSON values (objects compared key by key, arrays in order). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => deepEqual(item, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const leftKeys = Object.keys(left).filter((k) => left[k] !== undefined);
  const rightKeys = Object.keys(right).filter((k) => right[k] !== undefined);
  return leftKeys.length === rightKeys.length && leftKeys.every((k) => deepEqual(left[k], right[k]));
}
