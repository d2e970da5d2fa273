import type { Labels, Namespace, Node, Pod, PodStatus } from '../model/types.js';
import type { Binder, PodDeleter } from './binder.js';
import type { StoreKind, StoreKinds } from './kinds.js';
import type { ObjectLister } from './object-lister.js';
import type { WatchEvent } from './watch-queue.js';

export type { StoreKind, StoreKinds, StoreObject } from './kinds.js';

/** A store event: a watch event tagged with its kind. */
export type StoreEvent = { [K in keyof StoreKinds]: WatchEvent<StoreKinds[K]> & { kind: K } }[keyof StoreKinds];

/** Receives batches of de-duplicated events; it runs after the write returned, never inside it. */
export type StoreListener = (events: readonly StoreEvent[]) => void;

/** Stops a watch. */
export type Unsubscribe = () => void;

/** Conditions a delete is made on: it fails with a ConflictError when the stored object no longer matches. */
export interface DeletePreconditions {
  /** The object must still be this one (not deleted and created again under the same name). */
  uid?: string;
  /** The object must not have changed since it was read. */
  resourceVersion?: string;
}

/** How a watch starts. */
export interface WatchOptions {
  /** Deliver the objects the store holds first, as adds (kinds in {@link StoreKindNames} order). */
  replay?: boolean;
}

/**
 * The cluster state the scheduler reads and writes, as the API server serves it. The scheduler writes bindings,
 * pod conditions and evictions here; whoever runs pods watches the store. `MemoryClusterStore` is the embedded
 * default; etcd and the Kubernetes API plug in behind the same interface, and one contract suite
 * (`clusterStoreContract` in `@schedkit/framework/testing`) holds them all to it.
 *
 * Reads (`list`, `get` and the lister methods) are synchronous: they answer from the store's local view, which a
 * remote store keeps current from its watch, as kube's informer caches do. Writes are asynchronous and go to the
 * store of record; the local view and every watcher see a write through the watch, never before it committed.
 *
 * Every object a store hands out is shared and must be treated as immutable: to change one, write a new object.
 */
export interface ClusterStore extends Binder, PodDeleter, ObjectLister {
  /** Every object of `kind` in the local view. */
  list<K extends StoreKind>(kind: K): StoreKinds[K][];
  /** The object of `kind` with `key` (see `storeKey`: `namespace/name`, or the name when cluster-scoped). */
  get<K extends StoreKind>(kind: K, key: string): StoreKinds[K] | undefined;

  listNodes(): Node[];
  listPods(): Pod[];
  getNode(name: string): Node | undefined;
  getPod(namespace: string, name: string): Pod | undefined;
  /** The labels of namespace `name` (with kube's `kubernetes.io/metadata.name`), or undefined when unknown. */
  namespaceLabels(name: string): Labels | undefined;

  /**
   * Creates `object`; rejects with an AlreadyExistsError when one with its key exists. Resolves to the object as
   * stored (with its `metadata.resourceVersion`, and a `uid` when it had none).
   */
  create<K extends StoreKind>(kind: K, object: StoreKinds[K]): Promise<StoreKinds[K]>;
  /**
   * Replaces the stored object of `object`'s key. When `object.metadata.resourceVersion` is set, the write is
   * conditional on it (optimistic concurrency): a ConflictError when the object changed since, a NotFoundError
   * when it is gone.
   */
  update<K extends StoreKind>(kind: K, object: StoreKinds[K]): Promise<StoreKinds[K]>;
  /** Creates `object`, or replaces the stored one unconditionally (what `kubectl apply` of a whole object does). */
  apply<K extends StoreKind>(kind: K, object: StoreKinds[K]): Promise<StoreKinds[K]>;
  /** Deletes the object with `key`; resolves false when it was already gone. */
  delete(kind: StoreKind, key: string, preconditions?: DeletePreconditions): Promise<boolean>;

  /**
   * Binds `pod` to `nodeName` atomically: succeeds only if the pod still exists with the same uid and has no
   * node. A NotFoundError when it is gone or replaced; a ConflictError when it is already bound (to any node):
   * two schedulers can never bind one pod twice.
   */
  bind(pod: Pod, nodeName: string): Promise<void>;
  /** Merges `status` into the pod's status (conditions merged by type). A NotFoundError when the pod is gone. */
  updatePodStatus(namespace: string, name: string, status: Partial<PodStatus>): Promise<void>;
  /**
   * Delivers every later change to `listener` in batches, asynchronously, with the events of one object
   * de-duplicated while they wait (kube's DeltaFIFO). A remote store that loses its connection resumes from the
   * last revision it delivered; when that revision is gone (compacted) it relists and delivers the difference as
   * events, so a consumer's view always converges to the store's.
   */
  watch(listener: StoreListener, options?: WatchOptions): Unsubscribe;

  /** Releases connections and watches. The memory store has nothing to release. */
  close(): Promise<void>;
}

/** Returns the labels a namespace is matched by (kube adds `kubernetes.io/metadata.name`). */
export function namespaceMatchLabels(namespace: Namespace): Labels {
  return { 'kubernetes.io/metadata.name': namespace.metadata.name, ...namespace.metadata.labels };
}
