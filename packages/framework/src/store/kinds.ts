import type {
  CSIDriver,
  CSINode,
  PersistentVolume,
  PersistentVolumeClaim,
  PodDisruptionBudget,
  PriorityClass,
  StorageClass,
} from '../model/cluster-objects.js';
import type { Namespace, Node, ObjectMeta, Pod, ReplicaSetLike, Service } from '../model/types.js';

/**
 * The kinds of objects a cluster store holds, by kind name. `Controller` holds the ReplicaSets, StatefulSets and
 * ReplicationControllers whose selectors PodTopologySpread's system defaults read (their own `kind` tells them
 * apart).
 */
export interface StoreKinds {
  Node: Node;
  Pod: Pod;
  Service: Service;
  Namespace: Namespace;
  Controller: ReplicaSetLike;
  PriorityClass: PriorityClass;
  PodDisruptionBudget: PodDisruptionBudget;
  PersistentVolumeClaim: PersistentVolumeClaim;
  PersistentVolume: PersistentVolume;
  StorageClass: StorageClass;
  CSINode: CSINode;
  CSIDriver: CSIDriver;
}

/** A kind a cluster store holds. */
export type StoreKind = keyof StoreKinds;

/** An object of any kind a store holds. */
export type StoreObject = StoreKinds[StoreKind];

/**
 * Every kind, in the order a replaying watch delivers them: the objects plugins consult before the nodes, and the
 * nodes before the pods on them, so a consumer that builds a cache never sees a pod before its node.
 */
export const StoreKindNames: readonly StoreKind[] = [
  'Namespace',
  'PriorityClass',
  'StorageClass',
  'CSIDriver',
  'Service',
  'Controller',
  'PodDisruptionBudget',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CSINode',
  'Node',
  'Pod',
];

const clusterScoped: ReadonlySet<StoreKind> = new Set<StoreKind>(['Node', 'Namespace', 'PriorityClass', 'PersistentVolume', 'StorageClass', 'CSINode', 'CSIDriver']);

/** Whether objects of `kind` live outside namespaces (their key is the bare name). */
export function isClusterScoped(kind: StoreKind): boolean {
  return clusterScoped.has(kind);
}

/**
 * The key of an object in a store: `namespace/name` for namespaced kinds (an absent namespace is `default`, as
 * the API server defaults it), the name for cluster-scoped ones. `Controller` keys carry the object's own kind
 * (`StatefulSet/ns/name`), so a ReplicaSet and a StatefulSet of one name are two objects.
 */
export function storeKey(kind: StoreKind, object: { kind?: string; metadata: Pick<ObjectMeta, 'name' | 'namespace'> }): string {
  if (clusterScoped.has(kind)) return object.metadata.name;
  const key = `${object.metadata.namespace || 'default'}/${object.metadata.name}`;
  return kind === 'Controller' ? `${object.kind}/${key}` : key;
}
