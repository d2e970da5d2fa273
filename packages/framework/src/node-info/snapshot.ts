import type { Node, Pod } from '../model/types.js';
import { type ImageStateSummary, NodeInfo } from './node-info.js';
import { nodeZoneKey } from './zones.js';

/**
 * What plugins may read of the cluster during a cycle: kube's `SharedLister.NodeInfos()`.
 * Lists are in the order the scheduler evaluates nodes (zones interleaved, as kube's node tree does).
 */
export interface NodeInfoLister {
  /** Every node. */
  list(): readonly NodeInfo[];
  /** Nodes that have at least one pod with pod affinity or anti-affinity. */
  havePodsWithAffinityList(): readonly NodeInfo[];
  /** Nodes that have at least one pod with required pod anti-affinity. */
  havePodsWithRequiredAntiAffinityList(): readonly NodeInfo[];
  /** The node named `name`, or undefined. */
  get(name: string): NodeInfo | undefined;
  /** Number of nodes. */
  readonly size: number;
  /**
   * Change tracking, for plugins that keep per-node results between cycles (optional: a lister without it is
   * read in full every cycle). `generation` moves on every change of the lister's NodeInfos.
   */
  readonly generation?: number;
  /**
   * The NodeInfos changed after `generation` (a NodeInfo may appear more than once), or undefined when that
   * cannot be told: the node list was rebuilt since (its array is then a new one), or the record no longer
   * reaches back that far.
   */
  changedSince?(generation: number): readonly NodeInfo[] | undefined;
}

/**
 * An immutable view of the cluster for one scheduling cycle. The scheduler's cache refreshes it
 * incrementally; tests and tools build one directly with {@link Snapshot.from}.
 */
export class Snapshot implements NodeInfoLister {
  private readonly byName = new Map<string, NodeInfo>();
  private readonly positions = new Map<string, number>();
  private withAffinity: NodeInfo[] = [];
  private withRequiredAntiAffinity: NodeInfo[] = [];
  /** Moves on every change: {@link Snapshot.reindex}, {@link Snapshot.replace}, {@link Snapshot.refresh}. */
  generation = 0;
  /** The NodeInfos each generation after `recordedAfter` changed, oldest first (see {@link Snapshot.changedSince}). */
  private changes: { generation: number; infos: readonly NodeInfo[] }[] = [];
  private changedCount = 0;
  private recordedAfter = 0;

  constructor(private nodes: NodeInfo[] = []) {
    this.reindex(nodes);
  }

  /**
   * Builds a snapshot from nodes and pods (pods whose `spec.nodeName` names a listed node are placed on it;
   * others are ignored). Nodes are ordered zone by zone round-robin, as kube's node tree lists them, and image
   * states count on how many nodes each image is.
   */
  static from(nodes: readonly Node[], pods: readonly Pod[] = []): Snapshot {
    const infos = new Map<string, NodeInfo>();
    for (const node of nodes) infos.set(node.metadata.name, new NodeInfo(node));
    for (const pod of pods) {
      const nodeName = pod.spec.nodeName;
      if (nodeName) infos.get(nodeName)?.addPod(pod);
    }
    attachImageStates([...infos.values()]);
    return new Snapshot(interleaveByZone([...infos.values()]));
  }

  /** Replaces the node list (the cache calls this after refreshing NodeInfos). */
  reindex(nodes: NodeInfo[]): void {
    this.generation++;
    this.changes = [];
    this.changedCount = 0;
    this.recordedAfter = this.generation;
    this.nodes = nodes;
    this.byName.clear();
    this.positions.clear();
    nodes.forEach((info, index) => {
      this.byName.set(info.name, info);
      this.positions.set(info.name, index);
    });
    this.rebuildAffinityLists();
  }

  /**
   * Swaps in new copies of some NodeInfos (same node names, same order). The affinity lists are rebuilt only
   * when a replaced node entered or left them.
   */
  replace(infos: readonly NodeInfo[]): void {
    this.record(infos);
    let affinityChanged = false;
    for (const info of infos) {
      const index = this.positions.get(info.name);
      if (index === undefined) throw new Error(`snapshot has no node "${info.name}" to replace`);
      const old = this.nodes[index]!;
      if (
        old.podsWithAffinity.length > 0 !== info.podsWithAffinity.length > 0 ||
        old.podsWithRequiredAntiAffinity.length > 0 !== info.podsWithRequiredAntiAffinity.length > 0 ||
        info.podsWithAffinity.length > 0 ||
        info.podsWithRequiredAntiAffinity.length > 0
      ) {
        affinityChanged = true;
      }
      this.nodes[index] = info;
      this.byName.set(info.name, info);
    }
    if (affinityChanged) this.rebuildAffinityLists();
  }

  /**
   * Brings the snapshot's NodeInfos named like `sources` up to date in place, `copy` writing each source into
   * the snapshot's NodeInfo of the same name (the node order stays). The NodeInfo objects keep their identity
   * and their place in memory; the affinity lists change only for nodes that entered or left them.
   */
  refresh(sources: readonly NodeInfo[], copy: (target: NodeInfo, source: NodeInfo) => void): void {
    const targets: NodeInfo[] = [];
    for (const source of sources) {
      const index = this.positions.get(source.name);
      if (index === undefined) throw new Error(`snapshot has no node "${source.name}" to refresh`);
      const target = this.nodes[index]!;
      targets.push(target);
      const hadAffinity = target.podsWithAffinity.length > 0;
      const hadRequiredAntiAffinity = target.podsWithRequiredAntiAffinity.length > 0;
      copy(target, source);
      const hasAffinity = target.podsWithAffinity.length > 0;
      const hasRequiredAntiAffinity = target.podsWithRequiredAntiAffinity.length > 0;
      if (hadAffinity !== hasAffinity) this.toggle(this.withAffinity, target, index, hasAffinity);
      if (hadRequiredAntiAffinity !== hasRequiredAntiAffinity) this.toggle(this.withRequiredAntiAffinity, target, index, hasRequiredAntiAffinity);
    }
    this.record(targets);
  }

  changedSince(generation: number): readonly NodeInfo[] | undefined {
    if (generation < this.recordedAfter) return undefined;
    const changed: NodeInfo[] = [];
    for (let i = this.changes.length - 1; i >= 0; i--) {
      const batch = this.changes[i]!;
      if (batch.generation <= generation) break;
      for (const info of batch.infos) changed.push(info);
    }
    return changed;
  }

  /** A new generation in which `infos` changed; the oldest records go once they outnumber the nodes (min 1024). */
  private record(infos: readonly NodeInfo[]): void {
    this.generation++;
    this.changes.push({ generation: this.generation, infos });
    this.changedCount += infos.length;
    const limit = Math.max(1024, this.nodes.length);
    let drop = 0;
    while (this.changedCount > limit && drop < this.changes.length - 1) {
      this.changedCount -= this.changes[drop]!.infos.length;
      this.recordedAfter = this.changes[drop]!.generation;
      drop++;
    }
    if (drop > 0) this.changes.splice(0, drop);
  }

  /** Adds `info` (at node position `index`) to, or removes it from, `list`, which is kept in node order. */
  private toggle(list: NodeInfo[], info: NodeInfo, index: number, add: boolean): void {
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.positions.get(list[middle]!.name)! < index) low = middle + 1;
      else high = middle;
    }
    if (add) list.splice(low, 0, info);
    else if (list[low] === info) list.splice(low, 1);
  }

  private rebuildAffinityLists(): void {
    const withAffinity: NodeInfo[] = [];
    const withRequiredAntiAffinity: NodeInfo[] = [];
    for (const info of this.nodes) {
      if (info.podsWithAffinity.length > 0) withAffinity.push(info);
      if (info.podsWithRequiredAntiAffinity.length > 0) withRequiredAntiAffinity.push(info);
    }
    this.withAffinity = withAffinity;
    this.withRequiredAntiAffinity = withRequiredAntiAffinity;
  }

  list(): readonly NodeInfo[] {
    return this.nodes;
  }

  havePodsWithAffinityList(): readonly NodeInfo[] {
    return this.withAffinity;
  }

  havePodsWithRequiredAntiAffinityList(): readonly NodeInfo[] {
    return this.withRequiredAntiAffinity;
  }

  get(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }

  get size(): number {
    return this.nodes.length;
  }
}

/**
 * Sets each NodeInfo's image states: every name of every image on the node maps to the image's size and the
 * number of nodes that have an image by that name (kube's cache keeps the same per-name counts).
 */
export function attachImageStates(infos: readonly NodeInfo[]): void {
  const nodesByImage = new Map<string, { size: number; nodes: Set<string> }>();
  for (const info of infos) {
    for (const image of info.node?.status?.images ?? []) {
      for (const name of image.names ?? []) {
        let state = nodesByImage.get(name);
        if (!state) nodesByImage.set(name, (state = { size: image.sizeBytes ?? 0, nodes: new Set() }));
        state.nodes.add(info.name);
      }
    }
  }
  const summaries = new Map<string, ImageStateSummary>();
  for (const [name, state] of nodesByImage) summaries.set(name, { size: state.size, numNodes: state.nodes.size });
  for (const info of infos) {
    const own = new Map<string, ImageStateSummary>();
    for (const image of info.node?.status?.images ?? []) {
      for (const name of image.names ?? []) {
        const summary = summaries.get(name)!;
        own.set(name, { size: image.sizeBytes ?? 0, numNodes: summary.numNodes });
      }
    }
    info.imageStates = own;
  }
}

/** Orders nodes zone by zone round-robin (zones in order of first appearance), like kube's node tree. */
export function interleaveByZone(infos: readonly NodeInfo[]): NodeInfo[] {
  const zones = new Map<string, NodeInfo[]>();
  for (const info of infos) {
    const zone = info.node ? nodeZoneKey(info.node) : '';
    let list = zones.get(zone);
    if (!list) zones.set(zone, (list = []));
    list.push(info);
  }
  if (zones.size <= 1) return infos.slice();
  const lists = [...zones.values()];
  const out: NodeInfo[] = [];
  for (let i = 0; out.length < infos.length; i++) {
    for (const list of lists) if (i < list.length) out.push(list[i]!);
  }
  return out;
}
