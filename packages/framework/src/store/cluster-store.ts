import type { Labels, Namespace, Node, Pod, PodStatus, ReplicaSetLike, Service } from '../model/types.js';
import type { Binder } from './binder.js';
import type { ObjectLister } from './object-lister.js';
import type { WatchEvent } from './watch-queue.js';

/** The kinds of objects a cluster store holds. */
export interface StoreKinds {
  Node: Node;
  Pod: Pod;
  Service: Service;
  Namespace: Namespace;
  Controller: ReplicaSetLike;
}

/** A store event: a watch event tagged with its kind. */
export type StoreEvent = { [K in keyof StoreKinds]: WatchEvent<StoreKinds[K]> & { kind: K } }[keyof StoreKinds];

/** Receives batches of de-duplicated events; it runs after the write returned, never inside it. */
export type StoreListener = (events: readonly StoreEvent[]) => void;

/** Stops a watch. */
export type Unsubscribe = () => void;

/**
 * The cluster state the scheduler reads and writes, as the API server would serve it. The scheduler writes
 * bindings and pod conditions here; whoever runs pods watches the store. `MemoryClusterStore` is the embedded
 * default; a distributed store plugs in behind the same interface.
 */
export interface ClusterStore extends Binder, ObjectLister {
  listNodes(): Node[];
  listPods(): Pod[];
  getNode(name: string): Node | undefined;
  getPod(namespace: string, name: string): Pod | undefined;

  /** Creates or replaces a node. */
  applyNode(node: Node): void;
  deleteNode(name: string): boolean;
  /** Creates or replaces a pod. */
  applyPod(pod: Pod): void;
  deletePod(namespace: string, name: string): boolean;
  applyService(service: Service): void;
  applyNamespace(namespace: Namespace): void;
  applyController(controller: ReplicaSetLike): void;

  /** Merges `status` into the pod's status (conditions are merged by type). */
  updatePodStatus(namespace: string, name: string, status: Partial<PodStatus>): Promise<void>;

  /**
   * Delivers every later change to `listener` in batches, asynchronously, with events for one object
   * de-duplicated while they wait. With `replay`, the current objects arrive first as adds.
   */
  watch(listener: StoreListener, options?: { replay?: boolean }): Unsubscribe;
}

/** Returns the labels a namespace is matched by (kube adds `kubernetes.io/metadata.name`). */
export function namespaceMatchLabels(namespace: Namespace): Labels {
  return { 'kubernetes.io/metadata.name': namespace.metadata.name, ...namespace.metadata.labels };
}
