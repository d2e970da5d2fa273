import { type NodeInfo, type NodeInfoLister, type Pod, podNamespace } from '@schedkit/framework';
import { hasAllTopologyKeys, NodeInclusion, type SpreadConstraint } from './constraints.js';
import { type MatchingPodCounter, NodeMatchCounts } from './counting.js';
import { RequiredNodeAffinity } from './node-inclusion.js';

/**
 * Counts, per hard constraint, the matching pods of every domain in one pass over `nodes` (kube's
 * `calPreFilterState` counting). A node forms domains only when it has every constraint's topology key and
 * passes the constraint's node inclusion policies; a domain with no matching pod still counts as a domain.
 * Domains appear in the order of their first node.
 */
export function countDomains(pod: Pod, constraints: readonly SpreadConstraint[], nodes: readonly NodeInfo[], countPods: MatchingPodCounter): Map<string, number>[] {
  const domainCounts = constraints.map(() => new Map<string, number>());
  const inclusion = new NodeInclusion(pod, RequiredNodeAffinity.of(pod));
  const matches = new NodeMatchCounts(constraints, countPods, podNamespace(pod));
  for (let n = 0; n < nodes.length; n++) {
    const nodeInfo = nodes[n]!;
    const node = nodeInfo.node;
    if (!node) continue;
    const labels = node.metadata.labels;
    if (!hasAllTopologyKeys(labels, constraints)) continue;
    matches.reset(nodeInfo);
    for (let i = 0; i < constraints.length; i++) {
      const constraint = constraints[i]!;
      if (!inclusion.includes(constraint, node)) continue;
      const value = labels![constraint.topologyKey]!;
      const counts = domainCounts[i]!;
      counts.set(value, (counts.get(value) ?? 0) + matches.count(i));
    }
  }
  return domainCounts;
}

/** What one set of constraints counted on each node of one node list, kept between cycles. */
interface Entry {
  readonly nodes: readonly NodeInfo[];
  /** The lister's generation the entry is up to date with. */
  generation: number;
  readonly positions: Map<NodeInfo, number>;
  /** Per constraint, per node position: the node's domain id, or -1 when the node forms no domain. */
  readonly domainOf: Int32Array[];
  /** Per constraint, per node position: the node's matching pods. */
  readonly matches: Int32Array[];
  /** Per constraint: domain value by id, and id by value. */
  readonly values: string[][];
  readonly ids: Map<string, number>[];
}

/** How many constraint sets are remembered (most clusters spread a handful of workloads). */
const maxEntries = 16;

/**
 * {@link countDomains} kept up to date incrementally: per constraint set (constraints, selector, namespace and
 * whatever the node inclusion policies read of the pod), the per-node domain and match count of the last
 * cycle, of which only the nodes the lister reports as changed are counted again. The result is the same maps,
 * in the same order, as a full count; listers without change tracking are counted in full.
 */
export class DomainCountCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly countPods: MatchingPodCounter) {}

  /** The domain counts of `constraints` for `pod` over `nodes` (the lister's full list to benefit). */
  counts(pod: Pod, constraints: readonly SpreadConstraint[], nodes: readonly NodeInfo[], lister: NodeInfoLister | undefined): Map<string, number>[] {
    if (lister === undefined || lister.changedSince === undefined || lister.generation === undefined || lister.list() !== nodes) {
      return countDomains(pod, constraints, nodes, this.countPods);
    }
    const key = signature(pod, constraints);
    let entry = this.entries.get(key);
    const changed = entry && entry.nodes === nodes ? lister.changedSince(entry.generation) : undefined;
    if (entry === undefined || changed === undefined || !this.recount(entry, pod, constraints, changed)) {
      entry = this.build(pod, constraints, nodes);
      this.entries.delete(key);
      if (this.entries.size >= maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, entry);
    }
    entry.generation = lister.generation;
    return domainMaps(entry, nodes.length);
  }

  private build(pod: Pod, constraints: readonly SpreadConstraint[], nodes: readonly NodeInfo[]): Entry {
    const count = nodes.length;
    const entry: Entry = {
      nodes,
      generation: 0,
      positions: new Map(),
      domainOf: constraints.map(() => new Int32Array(count)),
      matches: constraints.map(() => new Int32Array(count)),
      values: constraints.map(() => []),
      ids: constraints.map(() => new Map()),
    };
    const counter = new NodeCounter(pod, constraints, this.countPods);
    for (let p = 0; p < count; p++) {
      entry.positions.set(nodes[p]!, p);
      counter.count(entry, p, nodes[p]!);
    }
    return entry;
  }

  /** Counts the changed nodes again; false when one is not in the entry's list (then it is rebuilt). */
  private recount(entry: Entry, pod: Pod, constraints: readonly SpreadConstraint[], changed: readonly NodeInfo[]): boolean {
    if (changed.length === 0) return true;
    const counter = new NodeCounter(pod, constraints, this.countPods);
    for (const nodeInfo of changed) {
      const position = entry.positions.get(nodeInfo);
      if (position === undefined) return false;
      counter.count(entry, position, nodeInfo);
    }
    return true;
  }
}

/** Records one node's domain and match count per constraint into an entry. */
class NodeCounter {
  private readonly inclusion: NodeInclusion;
  private readonly matches: NodeMatchCounts;

  constructor(
    pod: Pod,
    private readonly constraints: readonly SpreadConstraint[],
    countPods: MatchingPodCounter,
  ) {
    this.inclusion = new NodeInclusion(pod, RequiredNodeAffinity.of(pod));
    this.matches = new NodeMatchCounts(constraints, countPods, podNamespace(pod));
  }

  count(entry: Entry, position: number, nodeInfo: NodeInfo): void {
    const constraints = this.constraints;
    for (let i = 0; i < constraints.length; i++) {
      entry.domainOf[i]![position] = -1;
      entry.matches[i]![position] = 0;
    }
    const node = nodeInfo.node;
    if (!node) return;
    const labels = node.metadata.labels;
    if (!hasAllTopologyKeys(labels, constraints)) return;
    this.matches.reset(nodeInfo);
    for (let i = 0; i < constraints.length; i++) {
      const constraint = constraints[i]!;
      if (!this.inclusion.includes(constraint, node)) continue;
      const value = labels![constraint.topologyKey]!;
      const ids = entry.ids[i]!;
      let id = ids.get(value);
      if (id === undefined) {
        id = entry.values[i]!.length;
        entry.values[i]!.push(value);
        ids.set(value, id);
      }
      entry.domainOf[i]![position] = id;
      entry.matches[i]![position] = this.matches.count(i);
    }
  }
}

/** The entry's per-domain sums as maps, domains in the order of their first node (as {@link countDomains} builds them). */
function domainMaps(entry: Entry, count: number): Map<string, number>[] {
  const out: Map<string, number>[] = [];
  for (let i = 0; i < entry.domainOf.length; i++) {
    const domainOf = entry.domainOf[i]!;
    const matches = entry.matches[i]!;
    const values = entry.values[i]!;
    const sums = new Float64Array(values.length).fill(-1);
    const order: number[] = [];
    for (let p = 0; p < count; p++) {
      const id = domainOf[p]!;
      if (id < 0) continue;
      if (sums[id] === -1) {
        sums[id] = 0;
        order.push(id);
      }
      sums[id]! += matches[p]!;
    }
    const counts = new Map<string, number>();
    for (const id of order) counts.set(values[id]!, sums[id]!);
    out.push(counts);
  }
  return out;
}

/**
 * Everything the per-node counts depend on besides the node: the pod's namespace, each constraint's topology
 * key, selector and inclusion policies, and the pod's node affinity / tolerations when a policy honors them.
 */
function signature(pod: Pod, constraints: readonly SpreadConstraint[]): string {
  const parts: string[] = [podNamespace(pod)];
  let honorAffinity = false;
  let honorTaints = false;
  for (const constraint of constraints) {
    parts.push(constraint.topologyKey, JSON.stringify(constraint.selector.requirements), constraint.nodeAffinityPolicy, constraint.nodeTaintsPolicy);
    if (constraint.nodeAffinityPolicy === 'Honor') honorAffinity = true;
    if (constraint.nodeTaintsPolicy === 'Honor') honorTaints = true;
  }
  if (honorAffinity) {
    parts.push(JSON.stringify(pod.spec.nodeSelector ?? null), JSON.stringify(pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null));
  }
  if (honorTaints) parts.push(JSON.stringify(pod.spec.tolerations ?? null));
  return parts.join('\u0000');
}
