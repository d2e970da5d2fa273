import type {
  CSIDriver,
  CSINode,
  PersistentVolume,
  PersistentVolumeClaim,
  PodDisruptionBudget,
  PriorityClass,
  StorageClass,
} from '../model/cluster-objects.js';
import type { Labels, Namespace, ReplicaSetLike, Service } from '../model/types.js';
import { type StoreKind, type StoreKinds, storeKey } from './kinds.js';

/**
 * Read access to the cluster objects other than the snapshot's nodes and pods that plugins consult: Services and
 * controllers (PodTopologySpread's system default constraints take their selectors), Namespaces (pod affinity's
 * namespaceSelector matches their labels), and any other kind by `list`/`get` (PriorityClasses,
 * PodDisruptionBudgets, the storage objects the volume plugins read).
 */
export interface ObjectLister {
  /** Services in `namespace`. */
  services(namespace: string): readonly Service[];
  /** ReplicaSets, StatefulSets and ReplicationControllers in `namespace`. */
  controllers(namespace: string): readonly ReplicaSetLike[];
  /** The labels of namespace `name`, or undefined when it is unknown. */
  namespaceLabels(name: string): Labels | undefined;
  /** Every object of `kind`. */
  list<K extends StoreKind>(kind: K): readonly StoreKinds[K][];
  /** The object of `kind` with `key` (`namespace/name`, or the name for cluster-scoped kinds: see `storeKey`). */
  get<K extends StoreKind>(kind: K, key: string): StoreKinds[K] | undefined;
}

/** The objects other than nodes and pods a cluster has, for a {@link StaticObjectLister}. */
export interface ClusterObjects {
  services?: readonly Service[];
  controllers?: readonly ReplicaSetLike[];
  namespaces?: readonly Namespace[];
  priorityClasses?: readonly PriorityClass[];
  podDisruptionBudgets?: readonly PodDisruptionBudget[];
  persistentVolumeClaims?: readonly PersistentVolumeClaim[];
  persistentVolumes?: readonly PersistentVolume[];
  storageClasses?: readonly StorageClass[];
  csiNodes?: readonly CSINode[];
  csiDrivers?: readonly CSIDriver[];
}

/** Which {@link ClusterObjects} field holds each kind (nodes and pods live in the snapshot). */
const clusterObjectFields: { [K in Exclude<StoreKind, 'Node' | 'Pod'>]: keyof ClusterObjects } = {
  Service: 'services',
  Controller: 'controllers',
  Namespace: 'namespaces',
  PriorityClass: 'priorityClasses',
  PodDisruptionBudget: 'podDisruptionBudgets',
  PersistentVolumeClaim: 'persistentVolumeClaims',
  PersistentVolume: 'persistentVolumes',
  StorageClass: 'storageClasses',
  CSINode: 'csiNodes',
  CSIDriver: 'csiDrivers',
};

/** An ObjectLister over fixed lists (tests, simulations). Namespaces get kube's `kubernetes.io/metadata.name` label. */
export class StaticObjectLister implements ObjectLister {
  private readonly servicesByNamespace = new Map<string, Service[]>();
  private readonly controllersByNamespace = new Map<string, ReplicaSetLike[]>();
  private readonly labelsByNamespace = new Map<string, Labels>();
  private readonly byKind = new Map<StoreKind, Map<string, StoreKinds[StoreKind]>>();

  constructor(objects: ClusterObjects = {}) {
    for (const service of objects.services ?? []) group(this.servicesByNamespace, service.metadata.namespace ?? 'default', service);
    for (const controller of objects.controllers ?? []) group(this.controllersByNamespace, controller.metadata.namespace ?? 'default', controller);
    for (const namespace of objects.namespaces ?? []) {
      this.labelsByNamespace.set(namespace.metadata.name, { 'kubernetes.io/metadata.name': namespace.metadata.name, ...namespace.metadata.labels });
    }
    for (const [kind, field] of Object.entries(clusterObjectFields) as [StoreKind, keyof ClusterObjects][]) {
      const list = objects[field];
      if (!list?.length) continue;
      const byKey = new Map<string, StoreKinds[StoreKind]>();
      for (const object of list) byKey.set(storeKey(kind, object), object);
      this.byKind.set(kind, byKey);
    }
  }

  services(namespace: string): readonly Service[] {
    return this.servicesByNamespace.get(namespace) ?? [];
  }

  controllers(namespace: string): readonly ReplicaSetLike[] {
    return this.controllersByNamespace.get(namespace) ?? [];
  }

  namespaceLabels(name: string): Labels | undefined {
    return this.labelsByNamespace.get(name);
  }

  list<K extends StoreKind>(kind: K): readonly StoreKinds[K][] {
    const byKey = this.byKind.get(kind);
    return byKey ? ([...byKey.values()] as StoreKinds[K][]) : [];
  }

  get<K extends StoreKind>(kind: K, key: string): StoreKinds[K] | undefined {
    return this.byKind.get(kind)?.get(key) as StoreKinds[K] | undefined;
  }
}

function group<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
