import type { Pod } from '../model/types.js';
import type { StoreKind, StoreKinds } from './kinds.js';

/**
 * Where a binding is written. The scheduler never talks to whoever runs pods: it writes the binding here and
 * the node agent watches the store. The cluster store implements it; tests may pass their own.
 */
export interface Binder {
  /** Binds `pod` to `nodeName`. Rejects when the pod is gone or already bound elsewhere. */
  bind(pod: Pod, nodeName: string): Promise<void>;
}

/** Deletes pods: preemption evicts its victims through it (the cluster store implements it). */
export interface PodDeleter {
  /** Deletes `pod`; resolves false when it was already gone. */
  deletePod(namespace: string, name: string): boolean | Promise<boolean>;
}

/**
 * Writes objects other than bindings: VolumeBinding's PreBind records its decisions on claims and volumes through
 * it (the cluster store implements it).
 */
export interface ObjectWriter {
  /**
   * Replaces the stored object of `object`'s key; when `object.metadata.resourceVersion` is set the write is
   * conditional on it (a ConflictError when the object changed since it was read).
   */
  update<K extends StoreKind>(kind: K, object: StoreKinds[K]): Promise<StoreKinds[K]>;
}
