import type { Labels, Node, Pod, ReplicaSetLike, Service } from '../model/types.js';
import type { StoreListener, Unsubscribe, WatchOptions } from './cluster-store.js';
import type { StoreKind, StoreKinds } from './kinds.js';
import { MemoryClusterStore } from './memory-store.js';

/**
 * The read half of a remote `ClusterStore` (etcd, the Kubernetes API): every read and watch answers from a local
 * view, an in-memory store the subclass keeps current from its backend's watch, as kube's informer caches do.
 * Watchers watch that view, so they get its de-duplicated batches and the backend's writers never wait on them.
 * A subclass adds the writes, `bind`, `updatePodStatus`, `deletePod` and `close`, and feeds `view`.
 */
export abstract class LocalViewStore {
  /** The local view: written only from the backend's list and watch. */
  protected readonly view = new MemoryClusterStore();

  list<K extends StoreKind>(kind: K): StoreKinds[K][] {
    return this.view.list(kind);
  }

  get<K extends StoreKind>(kind: K, key: string): StoreKinds[K] | undefined {
    return this.view.get(kind, key);
  }

  listNodes(): Node[] {
    return this.view.listNodes();
  }

  listPods(): Pod[] {
    return this.view.listPods();
  }

  getNode(name: string): Node | undefined {
    return this.view.getNode(name);
  }

  getPod(namespace: string, name: string): Pod | undefined {
    return this.view.getPod(namespace, name);
  }

  namespaceLabels(name: string): Labels | undefined {
    return this.view.namespaceLabels(name);
  }

  services(namespace: string): readonly Service[] {
    return this.view.services(namespace);
  }

  controllers(namespace: string): readonly ReplicaSetLike[] {
    return this.view.controllers(namespace);
  }

  watch(listener: StoreListener, options?: WatchOptions): Unsubscribe {
    return this.view.watch(listener, options);
  }
}
