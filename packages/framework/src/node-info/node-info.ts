import { PodInfo } from '../model/pod-info.js';
import { Resource } from '../model/resource.js';
import type { Node, Pod } from '../model/types.js';
import { HostPortInfo } from './host-ports.js';

/** An image present on a node: its size and on how many nodes of the cluster it is. */
export interface ImageStateSummary {
  size: number;
  numNodes: number;
}

let generationCounter = 0;

/** A process-wide increasing number: every mutation of a NodeInfo takes the next one. */
export function nextGeneration(): number {
  generationCounter += 1;
  return generationCounter;
}

/**
 * Everything the scheduler knows about one node: the node, its pods and their aggregated requests,
 * host ports and images. Mirrors kube's `framework.NodeInfo`. The cache mutates NodeInfos; a cycle reads
 * a snapshot copy (see {@link NodeInfo.clone}), so plugins see a consistent view.
 */
export class NodeInfo {
  /** The node; undefined while the cache knows pods of a node it has not seen yet. */
  node: Node | undefined;
  pods: PodInfo[] = [];
  /** Pods with any pod affinity or anti-affinity (required or preferred). */
  podsWithAffinity: PodInfo[] = [];
  /** Pods with required pod anti-affinity. */
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  usedPorts = new HostPortInfo();
  /** Sum of the pods' requests (kube's `Requested`). */
  requested = new Resource();
  /** Sum of the pods' requests with missing cpu/memory requests counted as 100m / 200Mi (for scoring). */
  nonZeroRequested = new Resource();
  /** The node's allocatable resources. */
  allocatable = new Resource();
  /** Images on the node by every name it is known by. */
  imageStates = new Map<string, ImageStateSummary>();
  /** Changes on every mutation; the snapshot copies only NodeInfos whose generation moved. */
  generation = nextGeneration();
  /** The node {@link NodeInfo.name} last read the name of, and that name: hot loops read it without touching the node. */
  private namedNode: Node | undefined = undefined;
  private nodeName = '';

  constructor(node?: Node, pods: readonly Pod[] = []) {
    if (node) this.setNode(node);
    for (const pod of pods) this.addPod(pod);
  }

  /** The node's name ('' while the node is unknown). */
  get name(): string {
    const node = this.node;
    if (node !== this.namedNode) {
      this.namedNode = node;
      this.nodeName = node?.metadata.name ?? '';
    }
    return this.nodeName;
  }

  /** Sets or replaces the node; recomputes allocatable. */
  setNode(node: Node): void {
    this.node = node;
    this.allocatable = Resource.fromResourceList(node.status?.allocatable ?? {}, `node ${node.metadata.name} status.allocatable`);
    this.generation = nextGeneration();
  }

  /** Adds a pod (or its PodInfo) and updates the aggregates. */
  addPod(pod: Pod | PodInfo): void {
    const info = pod instanceof PodInfo ? pod : PodInfo.of(pod);
    this.pods.push(info);
    if (hasAffinity(info)) this.podsWithAffinity.push(info);
    if (info.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity.push(info);
    this.update(info, 1);
  }

  /** Removes the pod with the pod's uid (or namespace/name); returns whether it was there. */
  removePod(pod: Pod): boolean {
    const index = this.pods.findIndex((p) => samePod(p.pod, pod));
    if (index < 0) return false;
    const info = this.pods[index]!;
    removeAt(this.pods, index);
    removeInfo(this.podsWithAffinity, info);
    removeInfo(this.podsWithRequiredAntiAffinity, info);
    this.update(info, -1);
    return true;
  }

  /** A copy that shares the immutable node and PodInfos but owns its lists and aggregates. */
  clone(): NodeInfo {
    const copy = Object.create(NodeInfo.prototype) as NodeInfo;
    copy.node = this.node;
    copy.pods = this.pods.slice();
    copy.podsWithAffinity = this.podsWithAffinity.slice();
    copy.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.slice();
    copy.usedPorts = this.usedPorts.clone();
    copy.requested = this.requested.clone();
    copy.nonZeroRequested = this.nonZeroRequested.clone();
    copy.allocatable = this.allocatable;
    copy.imageStates = this.imageStates;
    copy.generation = this.generation;
    copy.namedNode = this.namedNode;
    copy.nodeName = this.nodeName;
    return copy;
  }

  /**
   * Makes this NodeInfo what {@link NodeInfo.clone} of `source` would be, reusing this object's lists and
   * aggregates: the scheduler's snapshot refreshes its NodeInfos in place, so that a cycle allocates nothing per
   * changed node and the NodeInfos stay where they were laid out in memory. Image states are left to the caller.
   */
  copyFrom(source: NodeInfo): void {
    this.node = source.node;
    copyList(this.pods, source.pods);
    copyList(this.podsWithAffinity, source.podsWithAffinity);
    copyList(this.podsWithRequiredAntiAffinity, source.podsWithRequiredAntiAffinity);
    this.usedPorts.copyFrom(source.usedPorts);
    this.requested.copyFrom(source.requested);
    this.nonZeroRequested.copyFrom(source.nonZeroRequested);
    this.allocatable = source.allocatable;
    this.generation = source.generation;
  }

  private update(info: PodInfo, sign: 1 | -1): void {
    if (sign > 0) this.requested.add(info.requests);
    else this.requested.sub(info.requests);
    this.nonZeroRequested.milliCPU += sign * info.nonZeroRequests.milliCPU;
    this.nonZeroRequested.memory += sign * info.nonZeroRequests.memory;
    for (const container of info.pod.spec.containers) updatePorts(this.usedPorts, container.ports, sign);
    // Only sidecars (restartable init containers) hold their host ports while the pod runs, as kube counts them.
    for (const container of info.pod.spec.initContainers ?? []) {
      if (container.restartPolicy === 'Always') updatePorts(this.usedPorts, container.ports, sign);
    }
    this.generation = nextGeneration();
  }
}

function updatePorts(used: HostPortInfo, ports: readonly { hostIP?: string; protocol?: string; hostPort?: number }[] | undefined, sign: 1 | -1): void {
  if (!ports) return;
  for (const port of ports) {
    const hostPort = port.hostPort ?? 0;
    if (hostPort <= 0) continue;
    if (sign > 0) used.add(port.hostIP, port.protocol, hostPort);
    else used.remove(port.hostIP, port.protocol, hostPort);
  }
}

function hasAffinity(info: PodInfo): boolean {
  const affinity = info.pod.spec.affinity;
  return Boolean(affinity && (affinity.podAffinity || affinity.podAntiAffinity));
}

function samePod(a: Pod, b: Pod): boolean {
  if (a.metadata.uid && b.metadata.uid) return a.metadata.uid === b.metadata.uid;
  return a.metadata.name === b.metadata.name && (a.metadata.namespace ?? '') === (b.metadata.namespace ?? '');
}

/** Makes `target` hold the elements of `source`, reusing its storage. */
function copyList<T>(target: T[], source: readonly T[]): void {
  const length = source.length;
  if (target.length !== length) target.length = length;
  for (let i = 0; i < length; i++) target[i] = source[i]!;
}

function removeInfo(list: PodInfo[], info: PodInfo): void {
  const index = list.indexOf(info);
  if (index >= 0) removeAt(list, index);
}

/** Order-insensitive O(1) removal, as kube does (swap with the last). */
function removeAt<T>(list: T[], index: number): void {
  const last = list.length - 1;
  if (index !== last) list[index] = list[last]!;
  list.pop();
}
