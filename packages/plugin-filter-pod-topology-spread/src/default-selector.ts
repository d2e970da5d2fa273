import { type LabelSelector, type Labels, labelsFromMap, type ObjectLister, type Pod, podNamespace, type ReplicaSetLike } from '@schedkit/framework';
import { SpreadSelector } from './selector.js';

/**
 * The selector of the pods "like" `pod`, used by the default constraints (kube's `helper.DefaultSelector`):
 * the union of the selectors of the Services in the pod's namespace that select it, plus the selector of the
 * pod's controller when that is a ReplicationController (`v1`), ReplicaSet or StatefulSet (`apps/v1`).
 * An empty result means the pod has no such owner or service, and then no default constraint applies.
 * Throws nothing: a malformed controller selector is ignored, as kube ignores it.
 */
export function defaultSelector(pod: Pod, objects: ObjectLister): SpreadSelector {
  const namespace = podNamespace(pod);
  const podLabels = pod.metadata.labels ?? {};
  let labelSet: Labels = {};
  for (const service of objects.services(namespace)) {
    const selector = service.spec?.selector;
    // A Service without a selector selects nothing (not everything).
    if (selector == null) continue;
    if (labelsFromMap(selector).matches(podLabels)) labelSet = { ...labelSet, ...selector };
  }
  let selector = SpreadSelector.fromLabels(labelSet);

  const owner = pod.metadata.ownerReferences?.find((ref) => ref.controller === true);
  if (!owner) return selector;
  const kind = controllerKind(owner.apiVersion, owner.kind);
  if (kind === undefined) return selector;
  const controller = findController(objects.controllers(namespace), kind, owner.name);
  if (!controller) return selector;
  const controllerSelector = controller.spec?.selector;
  if (kind === 'ReplicationController') {
    // A ReplicationController's selector is a plain label map, merged into the services' labels.
    labelSet = { ...labelSet, ...((controllerSelector as Labels | null | undefined) ?? {}) };
    return SpreadSelector.fromLabels(labelSet);
  }
  try {
    const parsed = SpreadSelector.fromLabelSelector(controllerSelector as LabelSelector | null | undefined);
    if (parsed.requirements !== null) selector = selector.and(parsed.requirements);
  } catch {
    // kube skips a controller whose selector does not parse.
  }
  return selector;
}

type ControllerKind = ReplicaSetLike['kind'];

/** The supported controller kind named by an owner reference, checking its API group/version as kube does. */
function controllerKind(apiVersion: string | undefined, kind: string): ControllerKind | undefined {
  if (kind === 'ReplicationController' && apiVersion === 'v1') return kind;
  if ((kind === 'ReplicaSet' || kind === 'StatefulSet') && apiVersion === 'apps/v1') return kind;
  return undefined;
}

function findController(controllers: readonly ReplicaSetLike[], kind: ControllerKind, name: string): ReplicaSetLike | undefined {
  for (const controller of controllers) {
    if (controller.kind === kind && controller.metadata.name === name) return controller;
  }
  return undefined;
}
