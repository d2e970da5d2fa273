import type { Pod } from '../model/types.js';
import type { StoreObject } from '../store/kinds.js';

/**
 * The kinds of cluster objects the scheduler watches: every kind a ClusterStore holds (the controllers' events
 * are `*`), so that the volume plugins and any plugin reading PriorityClasses or PodDisruptionBudgets can register
 * for the events that may make a pod schedulable.
 */
export type EventResource =
  | 'Pod'
  | 'AssignedPod'
  | 'UnscheduledPod'
  | 'Node'
  | 'Namespace'
  | 'Service'
  | 'PriorityClass'
  | 'PodDisruptionBudget'
  | 'PersistentVolumeClaim'
  | 'PersistentVolume'
  | 'StorageClass'
  | 'CSINode'
  | 'CSIDriver'
  | '*';

/** What happened to the object (kube's ActionType), as flags that can be ORed. */
export enum ActionType {
  Add = 1 << 0,
  Delete = 1 << 1,
  UpdateNodeAllocatable = 1 << 2,
  UpdateNodeLabel = 1 << 3,
  UpdateNodeTaint = 1 << 4,
  UpdateNodeCondition = 1 << 5,
  UpdateNodeAnnotation = 1 << 6,
  UpdatePodLabel = 1 << 7,
  UpdatePodScaleDown = 1 << 8,
  UpdatePodToleration = 1 << 9,
  UpdatePodSchedulingGatesEliminated = 1 << 10,
  UpdatePodGeneratedResourceClaim = 1 << 11,
  /** Any other update. */
  UpdateOther = 1 << 12,
  Update = UpdateNodeAllocatable |
    UpdateNodeLabel |
    UpdateNodeTaint |
    UpdateNodeCondition |
    UpdateNodeAnnotation |
    UpdatePodLabel |
    UpdatePodScaleDown |
    UpdatePodToleration |
    UpdatePodSchedulingGatesEliminated |
    UpdatePodGeneratedResourceClaim |
    UpdateOther,
  All = Add | Delete | Update,
}

/** A cluster event: a resource and the actions on it. */
export interface ClusterEvent {
  resource: EventResource;
  actionType: ActionType;
  /** A readable label for logs and metrics ("NodeAdd", "AssignedPodDelete"). */
  label?: string;
}

/** A queueing hint: QueueSkip leaves the pod where it is, Queue moves it to the active (or backoff) queue. */
export enum QueueingHint {
  QueueSkip = 0,
  Queue = 1,
}

/**
 * Decides, for one pod rejected by the plugin, whether an event may have made it schedulable. The objects are of
 * the event's resource (a Pod, a Node, a PersistentVolumeClaim...); `oldObj` is undefined for an add, `newObj`
 * for a delete.
 */
export type QueueingHintFn = (pod: Pod, oldObj: StoreObject | undefined, newObj: StoreObject | undefined) => QueueingHint;

/** A registered event with an optional hint; without one the pod is always requeued. */
export interface ClusterEventWithHint {
  event: ClusterEvent;
  queueingHintFn?: QueueingHintFn;
}

/** True when `event` (a concrete event) is covered by `registered`. */
export function eventMatches(registered: ClusterEvent, event: ClusterEvent): boolean {
  const resourceMatches =
    registered.resource === '*' ||
    registered.resource === event.resource ||
    (registered.resource === 'Pod' && (event.resource === 'AssignedPod' || event.resource === 'UnscheduledPod'));
  return resourceMatches && (registered.actionType & event.actionType) !== 0;
}
