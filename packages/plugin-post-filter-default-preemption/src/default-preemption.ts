import {
  Code,
  type CycleState,
  type Handle,
  inject,
  injectable,
  type NodeInfo,
  type NodeToStatus,
  type Pod,
  type PostFilterPlugin,
  type PostFilterResult,
  Status,
  Tokens,
} from '@schedkit/framework';
import { z } from 'zod';
import { moreImportant, type NodeVictims, numCandidatesFor, pickOneNodeForPreemption, podPriority } from './victims.js';

/** The name kube-scheduler configurations use. */
export const DefaultPreemptionName = 'DefaultPreemption';

/** kube's DefaultPreemptionArgs with its defaults and bounds. */
export const DefaultPreemptionArgsSchema = z
  .object({
    /** Candidate nodes to find, as a percentage of all nodes (0..100, default 10). */
    minCandidateNodesPercentage: z.number().int().min(0).max(100).default(10),
    /** ...but at least this many (default 100). */
    minCandidateNodesAbsolute: z.number().int().min(0).default(100),
  })
  .strict()
  .refine((a) => a.minCandidateNodesPercentage > 0 || a.minCandidateNodesAbsolute > 0, {
    message: 'minCandidateNodesPercentage and minCandidateNodesAbsolute cannot both be zero',
  });

/** The args of {@link DefaultPreemption}. */
export type DefaultPreemptionArgs = z.infer<typeof DefaultPreemptionArgsSchema>;

/**
 * kube-scheduler's DefaultPreemption (PostFilter). When no node fits, it looks for nodes where evicting
 * lower-priority pods would make room: on each candidate it removes every lower-priority pod, checks the
 * preemptor fits, then gives back ("reprieves") as many victims as possible, most important first. Among the
 * candidates it picks by kube's tie-breakers, deletes the victims through the store and nominates the node.
 */
@injectable()
export class DefaultPreemption implements PostFilterPlugin {
  readonly name = DefaultPreemptionName;

  constructor(
    @inject(Tokens.Handle) private readonly handle: Handle,
    @inject(Tokens.Args) private readonly args: DefaultPreemptionArgs,
  ) {}

  async postFilter(state: CycleState, pod: Pod, statuses: NodeToStatus): Promise<{ result?: PostFilterResult; status: Status }> {
    if (pod.spec.preemptionPolicy === 'Never') {
      return { status: Status.unschedulable('preemption: not eligible due to preemptionPolicy=Never.') };
    }
    const allNodes = this.handle.snapshot().list();
    const potential = allNodes.filter((n) => statuses.get(n.name)?.code !== Code.UnschedulableAndUnresolvable);
    if (!this.mayFindVictims(allNodes, pod)) {
      // No pod anywhere has a lower priority: every dry run would find no victim. kube runs them all (on 1,000
      // nodes ~11 ms a pod); the answer, message included, is the same without them. The random start offset
      // is still drawn, so that later tie-breaks see the same random sequence as with the dry runs.
      if (potential.length > 0) this.handle.random();
      return { result: { nominatedNodeName: '' }, status: Status.unschedulable(`preemption: ${noVictimsMessage(allNodes.length, potential.length)}`) };
    }
    const nodeStatuses = new Map<string, Status>();
    const notHelpful = Status.unresolvable(notHelpfulReason);
    const eligible = new Set(potential);
    for (const n of allNodes) if (!eligible.has(n)) nodeStatuses.set(n.name, notHelpful);

    const candidates: NodeVictims[] = [];
    if (potential.length > 0) {
      const wanted = numCandidatesFor(potential.length, this.args.minCandidateNodesPercentage, this.args.minCandidateNodesAbsolute);
      // kube starts the search at a random offset to spread preemptions across nodes.
      const offset = Math.floor(this.handle.random() * potential.length);
      for (let i = 0; i < potential.length && candidates.length < wanted; i++) {
        const nodeInfo = potential[(offset + i) % potential.length]!;
        const outcome = await this.selectVictimsOnNode(state, pod, nodeInfo);
        if (outcome instanceof Status) nodeStatuses.set(nodeInfo.name, outcome);
        else candidates.push(outcome);
      }
    }
    // The preempt extenders may narrow the candidates or change their victims (kube's callExtenders).
    const narrowed = await this.handle.processPreemptionWithExtenders(pod, candidates);
    if (narrowed instanceof Status) return { status: narrowed };
    const chosen = pickOneNodeForPreemption(narrowed);
    if (!chosen) {
      return { result: { nominatedNodeName: '' }, status: Status.unschedulable(`preemption: ${noCandidateMessage(allNodes.length, nodeStatuses)}`) };
    }
    for (const victim of chosen.pods) {
      const waiting = victim.metadata.uid ? this.handle.getWaitingPod(victim.metadata.uid) : undefined;
      if (waiting) waiting.reject(this.name, 'preempted');
      else await this.handle.podDeleter.deletePod(victim.metadata.namespace ?? 'default', victim.metadata.name);
    }
    return { result: { nominatedNodeName: chosen.nodeName }, status: new Status(Code.Success) };
  }

  /**
   * False when no pod on any node has a lower priority than `pod`: then no dry run can find a victim, and
   * postFilter answers without running them (same status and message as after running them all).
   */
  protected mayFindVictims(nodes: readonly NodeInfo[], pod: Pod): boolean {
    return anyPodBelow(nodes, podPriority(pod));
  }

  /** kube's SelectVictimsOnNode: the fewest lower-priority pods whose removal lets `pod` fit, or why none. */
  private async selectVictimsOnNode(state: CycleState, pod: Pod, original: NodeInfo): Promise<NodeVictims | Status> {
    const priority = podPriority(pod);
    // Checked before copying anything: most nodes of a full cluster have no victim to offer.
    if (lowestPriorityOn(original) >= priority) return noVictims;
    const nodeInfo = original.clone();
    const simulated = state.clone();
    const potential = nodeInfo.pods.filter((p) => podPriority(p.pod) < priority);
    for (const victim of potential) {
      nodeInfo.removePod(victim.pod);
      const status = await this.handle.runPreFilterExtensionRemovePod(simulated, pod, victim, nodeInfo);
      if (status && status.code !== Code.Success) return status;
    }
    const fits = await this.handle.runFilterPlugins(simulated, pod, nodeInfo);
    if (fits) return fits;
    potential.sort((a, b) => (moreImportant(a.pod, b.pod) ? -1 : moreImportant(b.pod, a.pod) ? 1 : 0));
    const victims: Pod[] = [];
    for (const candidate of potential) {
      const info = candidate;
      nodeInfo.addPod(info);
      const added = await this.handle.runPreFilterExtensionAddPod(simulated, pod, info, nodeInfo);
      if (added && added.code !== Code.Success) return added;
      const stillFits = await this.handle.runFilterPlugins(simulated, pod, nodeInfo);
      if (stillFits) {
        nodeInfo.removePod(info.pod);
        const removed = await this.handle.runPreFilterExtensionRemovePod(simulated, pod, info, nodeInfo);
        if (removed && removed.code !== Code.Success) return removed;
        victims.push(info.pod);
      }
    }
    return { nodeName: original.name, pods: victims, numPDBViolations: 0 };
  }
}

const noVictimsReason = 'No preemption victims found for incoming pod';
const notHelpfulReason = 'Preemption is not helpful for scheduling';
/** One status serves every node without victims (statuses are not changed once made). */
const noVictims = Status.unresolvable(noVictimsReason);

/** True when some pod on `nodes` has a priority below `priority` (a victim could exist). */
function anyPodBelow(nodes: readonly NodeInfo[], priority: number): boolean {
  for (const node of nodes) if (lowestPriorityOn(node) < priority) return true;
  return false;
}

/** The lowest priority among a node's pods, kept per NodeInfo until its generation moves (any pod change). */
const lowest = new WeakMap<NodeInfo, { generation: number; priority: number }>();
function lowestPriorityOn(node: NodeInfo): number {
  const known = lowest.get(node);
  if (known !== undefined && known.generation === node.generation) return known.priority;
  let priority = Number.POSITIVE_INFINITY;
  for (const info of node.pods) {
    const p = podPriority(info.pod);
    if (p < priority) priority = p;
  }
  lowest.set(node, { generation: node.generation, priority });
  return priority;
}

/** {@link noCandidateMessage} when no node has a victim: `potential` nodes without victims, the rest not helped. */
function noVictimsMessage(numAllNodes: number, potential: number): string {
  const parts: string[] = [];
  if (potential > 0) parts.push(`${potential} ${noVictimsReason}`);
  if (numAllNodes - potential > 0) parts.push(`${numAllNodes - potential} ${notHelpfulReason}`);
  return `0/${numAllNodes} nodes are available: ${parts.sort().join(', ')}.`;
}

/** kube's message when preemption found no candidate: a FitError text over the per-node reasons. */
function noCandidateMessage(numAllNodes: number, statuses: ReadonlyMap<string, Status>): string {
  const counts = new Map<string, number>();
  for (const status of statuses.values()) for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const parts = [...counts].map(([reason, count]) => `${count} ${reason}`).sort();
  return `0/${numAllNodes} nodes are available: ${parts.join(', ')}.`;
}
