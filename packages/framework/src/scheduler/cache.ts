import { PodInfo } from '../model/pod-info.js';
import type { Node, Pod } from '../model/types.js';
import { type ImageStateSummary, NodeInfo } from '../node-info/node-info.js';
import { interleaveByZone, Snapshot } from '../node-info/snapshot.js';

interface PodState {
  pod: Pod;
  nodeName: string;
  /** Assumed by the scheduler, not yet confirmed by the store. */
  assumed: boolean;
}

/** The cache's error for impossible transitions (assuming a pod twice). */
export class CacheError extends Error {
  override name = 'CacheError';
}

/**
 * The scheduler's view of the cluster, fed by the store's watch and by the scheduler's own assumptions.
 * A pod is assumed on its node as soon as the scheduling cycle picks it (so the next cycle sees the resources
 * taken), forgotten if binding fails, and confirmed when the store reports it bound. Each cycle refreshes a
 * {@link Snapshot} by copying only the NodeInfos that changed since the last refresh, into the snapshot's own
 * NodeInfos (as kube overwrites its snapshot's NodeInfo structs).
 */
export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();
  /** Nodes changed since the last snapshot refresh. */
  private readonly dirty = new Set<string>();
  /** The node order changed (node added or removed). */
  private orderChanged = true;
  private readonly images = new Map<string, { size: number; nodes: Set<string> }>();
  private changes = 0;

  /**
   * Raised on every change that can make a pending pod schedulable: nodes added, changed or removed, pods added,
   * changed, removed or forgotten. Not raised when the store confirms an assumed pod where it was assumed (the
   * cycles after the assumption already saw it) nor for status-only pod writes.
   */
  get generation(): number {
    return this.changes;
  }

  /** Number of nodes. */
  get nodeCount(): number {
    return this.nodes.size;
  }

  /** Number of pods (assumed or confirmed). */
  get podCount(): number {
    return this.podStates.size;
  }

  /** True when the pod is assumed and not yet confirmed. */
  isAssumed(pod: Pod): boolean {
    return this.podStates.get(uidOf(pod))?.assumed ?? false;
  }

  /** The node the cache has the pod on, if any. */
  nodeOf(pod: Pod): string | undefined {
    return this.podStates.get(uidOf(pod))?.nodeName;
  }

  addNode(node: Node): void {
    const name = node.metadata.name;
    let info = this.nodes.get(name);
    if (!info) {
      info = new NodeInfo();
      this.nodes.set(name, info);
      this.orderChanged = true;
    } else if (info.node) {
      this.removeImages(info.node);
    }
    this.changes++;
    info.setNode(node);
    this.addImages(node);
    this.dirty.add(name);
  }

  updateNode(node: Node): void {
    this.addNode(node);
  }

  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    this.changes++;
    if (info.node) this.removeImages(info.node);
    // Pods still on the node keep a node-less NodeInfo until they are removed, as kube's cache does.
    if (info.pods.length > 0) {
      info.node = undefined;
      info.generation++;
    } else {
      this.nodes.delete(name);
    }
    this.orderChanged = true;
    this.dirty.add(name);
  }

  /** Assumes `pod` runs on `nodeName` before the binding is confirmed. */
  assumePod(pod: Pod, nodeName: string): void {
    const uid = uidOf(pod);
    if (this.podStates.has(uid)) throw new CacheError(`pod ${podName(pod)} (uid ${uid}) is already in the cache`);
    const placed: Pod = pod.spec.nodeName === nodeName ? pod : { ...pod, spec: { ...pod.spec, nodeName } };
    this.changes++;
    this.addToNode(placed, nodeName);
    this.podStates.set(uid, { pod: placed, nodeName, assumed: true });
  }

  /**
   * Forgets an assumed pod (its binding failed). Returns false, changing nothing, when the pod is not assumed:
   * unknown to the cache, or already confirmed by the store's watch (the binding landed although its caller
   * saw an error; the store is the truth, as kube treats it).
   */
  forgetPod(pod: Pod): boolean {
    const uid = uidOf(pod);
    const state = this.podStates.get(uid);
    if (!state?.assumed) return false;
    this.changes++;
    this.removeFromNode(state.pod, state.nodeName);
    this.podStates.delete(uid);
    this.dropEmptyNodeless(state.nodeName);
    return true;
  }

  /** A bound pod reported by the store (confirms an assumed one). */
  addPod(pod: Pod): void {
    const nodeName = pod.spec.nodeName;
    if (!nodeName) return;
    const uid = uidOf(pod);
    const state = this.podStates.get(uid);
    if (state) {
      // Confirmation of an assumed pod, possibly on another node than assumed; or an update of a bound pod.
      if (state.nodeName !== nodeName || !(state.assumed || sameSchedulingInputs(state.pod, pod))) this.changes++;
      this.removeFromNode(state.pod, state.nodeName);
      if (state.nodeName !== nodeName) this.dropEmptyNodeless(state.nodeName);
    } else {
      this.changes++;
    }
    this.addToNode(pod, nodeName);
    this.podStates.set(uid, { pod, nodeName, assumed: false });
  }

  /** A bound pod changed in the store. */
  updatePod(pod: Pod): void {
    this.addPod(pod);
  }

  /** A pod left the store. */
  removePod(pod: Pod): void {
    const uid = uidOf(pod);
    const state = this.podStates.get(uid);
    if (!state) return;
    this.changes++;
    this.removeFromNode(state.pod, state.nodeName);
    this.podStates.delete(uid);
    this.dropEmptyNodeless(state.nodeName);
  }

  /** Drops the node-less NodeInfo of a deleted node once its last pod left. */
  private dropEmptyNodeless(nodeName: string): void {
    const info = this.nodes.get(nodeName);
    if (info && !info.node && info.pods.length === 0) {
      this.nodes.delete(nodeName);
      this.orderChanged = true;
    }
  }

  /**
   * Brings `snapshot` up to date: copies the NodeInfos that changed since the last call, and rebuilds the
   * node order only when nodes were added or removed. Cost: O(changed nodes), plus O(nodes) on order changes.
   */
  updateSnapshot(snapshot: Snapshot): void {
    if (this.dirty.size === 0 && !this.orderChanged) return;
    if (this.orderChanged) {
      const infos: NodeInfo[] = [];
      for (const info of this.nodes.values()) if (info.node) infos.push(this.cloneWithImages(info));
      snapshot.reindex(interleaveByZone(infos));
      this.orderChanged = false;
    } else {
      const changed: NodeInfo[] = [];
      for (const name of this.dirty) {
        const info = this.nodes.get(name);
        if (info?.node) changed.push(info);
      }
      snapshot.refresh(changed, this.copyWithImages);
    }
    this.dirty.clear();
  }

  /** A fresh snapshot of the whole cache. */
  snapshot(): Snapshot {
    // Independent of the scheduler's incremental snapshot: the dirty set and node order are left untouched.
    const infos: NodeInfo[] = [];
    for (const info of this.nodes.values()) if (info.node) infos.push(this.cloneWithImages(info));
    return new Snapshot(interleaveByZone(infos));
  }

  /** Every pod the cache holds, with whether it is only assumed. */
  pods(): { pod: Pod; nodeName: string; assumed: boolean }[] {
    return [...this.podStates.values()].map((s) => ({ ...s }));
  }

  private addToNode(pod: Pod, nodeName: string): void {
    let info = this.nodes.get(nodeName);
    if (!info) {
      // A pod reported before its node: keep it on a node-less NodeInfo (hidden from snapshots).
      info = new NodeInfo();
      this.nodes.set(nodeName, info);
    }
    info.addPod(PodInfo.of(pod));
    this.dirty.add(nodeName);
  }

  private removeFromNode(pod: Pod, nodeName: string): void {
    const info = this.nodes.get(nodeName);
    if (!info) return;
    info.removePod(pod);
    this.dirty.add(nodeName);
  }

  private cloneWithImages(info: NodeInfo): NodeInfo {
    const copy = info.clone();
    copy.imageStates = this.imageStatesOf(info);
    return copy;
  }

  /** Refreshes a snapshot NodeInfo from the cache's, in place (see {@link NodeInfo.copyFrom}). */
  private readonly copyWithImages = (target: NodeInfo, source: NodeInfo): void => {
    target.copyFrom(source);
    // A node without images keeps its (empty) map rather than getting a new one each refresh.
    if (target.imageStates.size > 0 || (source.node?.status?.images?.length ?? 0) > 0) target.imageStates = this.imageStatesOf(source);
  };

  /** Image states of the cache's NodeInfo `info`: per image name, its size and on how many nodes it is. */
  private imageStatesOf(info: NodeInfo): Map<string, ImageStateSummary> {
    const states = new Map<string, ImageStateSummary>();
    for (const image of info.node?.status?.images ?? []) {
      for (const name of image.names ?? []) {
        states.set(name, { size: image.sizeBytes ?? 0, numNodes: this.images.get(name)?.nodes.size ?? 1 });
      }
    }
    return states;
  }

  private addImages(node: Node): void {
    for (const image of node.status?.images ?? []) {
      for (const name of image.names ?? []) {
        let state = this.images.get(name);
        if (!state) this.images.set(name, (state = { size: image.sizeBytes ?? 0, nodes: new Set() }));
        state.nodes.add(node.metadata.name);
      }
    }
  }

  private removeImages(node: Node): void {
    for (const image of node.status?.images ?? []) {
      for (const name of image.names ?? []) {
        const state = this.images.get(name);
        if (!state) continue;
        state.nodes.delete(node.metadata.name);
        if (state.nodes.size === 0) this.images.delete(name);
      }
    }
  }
}

/** True when a bound pod's update changed nothing a scheduling decision reads (a status write: phase, conditions). */
function sameSchedulingInputs(old: Pod, next: Pod): boolean {
  return old.spec === next.spec && old.metadata.labels === next.metadata.labels && old.metadata.annotations === next.metadata.annotations;
}

function uidOf(pod: Pod): string {
  return pod.metadata.uid ?? `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

function podName(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}
