import type { Node, Pod } from '../model/types.js';
import { ActionType } from '../plugins/events.js';

/** Which kinds of node change happened between `old` and `next` (kube's node update event types). */
export function nodeUpdateActions(old: Node, next: Node): ActionType {
  let actions = 0;
  if (!sameJson(old.status?.allocatable, next.status?.allocatable)) actions |= ActionType.UpdateNodeAllocatable;
  if (!sameJson(old.metadata.labels, next.metadata.labels)) actions |= ActionType.UpdateNodeLabel;
  if (!sameJson(old.spec?.taints, next.spec?.taints) || Boolean(old.spec?.unschedulable) !== Boolean(next.spec?.unschedulable)) {
    actions |= ActionType.UpdateNodeTaint;
  }
  if (!sameJson(old.status?.conditions, next.status?.conditions)) actions |= ActionType.UpdateNodeCondition;
  if (!sameJson(old.metadata.annotations, next.metadata.annotations)) actions |= ActionType.UpdateNodeAnnotation;
  return actions;
}

/** Which kinds of pod change happened (labels, resources scaled down, tolerations, gates removed). */
export function podUpdateActions(old: Pod, next: Pod): ActionType {
  let actions = 0;
  if (!sameJson(old.metadata.labels, next.metadata.labels)) actions |= ActionType.UpdatePodLabel;
  if (!sameJson(old.spec.containers.map((c) => c.resources), next.spec.containers.map((c) => c.resources))) actions |= ActionType.UpdatePodScaleDown;
  if (!sameJson(old.spec.tolerations, next.spec.tolerations)) actions |= ActionType.UpdatePodToleration;
  if ((old.spec.schedulingGates?.length ?? 0) > 0 && (next.spec.schedulingGates?.length ?? 0) === 0) {
    actions |= ActionType.UpdatePodSchedulingGatesEliminated;
  }
  return actions === 0 && podSpecChanged(old, next) ? ActionType.UpdateOther : actions;
}

/** True when anything but status and resourceVersion changed. */
export function podSpecChanged(old: Pod, next: Pod): boolean {
  return old.spec !== next.spec && !sameJson(old.spec, next.spec)
    ? true
    : !sameJson({ ...old.metadata, resourceVersion: undefined }, { ...next.metadata, resourceVersion: undefined });
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
