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
import { splitByPDBViolation } from './pdb.js';
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
    const nodeStatuses = new Map<string, Status>();
    for (const n of allNodes) if (!potential.includes(n)) nodeStatuses.set(n.name, Status.unresolvable('Preemption is not helpful for scheduling'));

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
    const chosen = pickOneNodeForPreemption(candidates);
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

  /** kube's SelectVictimsOnNode: the fewest lower-priority pods whose removal lets `pod` fit, or why none. */
  private async selectVictimsOnNode(state: CycleState, pod: Pod, original: NodeInfo): Promise<NodeVictims | Status> {
    const nodeInfo = original.clone();
    const simulated = state.clone();
    const priority = podPriority(pod);
    const potential = nodeInfo.pods.filter((p) => podPriority(p.pod) < priority);
    if (potential.length === 0) return Status.unresolvable('No preemption victims found for incoming pod');
    for (const victim of potential) {
      nodeInfo.removePod(victim.pod);
      const status = await this.handle.runPreFilterExtensionRemovePod(simulated, pod, victim, nodeInfo);
      if (status && status.code !== Code.Success) return status;
    }
    const fits = await this.handle.runFilterPlugins(simulated, pod, nodeInfo);
    if (fits) return fits;
    potential.sort((a, b) => (moreImportant(a.pod, b.pod) ? -1 : moreImportant(b.pod, a.pod) ? 1 : 0));
    // kube reprieves the pods whose eviction would violate a PodDisruptionBudget first, and counts those it cannot.
    const { violating, nonViolating } = splitByPDBViolation(
      potential.map((info) => info.pod),
      this.handle.objects.list('PodDisruptionBudget'),
    );
    const infoOf = new Map(potential.map((info) => [info.pod, info]));
    const victims: Pod[] = [];
    let numPDBViolations = 0;
    const reprieve = async (victim: Pod): Promise<Status | boolean> => {
      const info = infoOf.get(victim)!;
      nodeInfo.addPod(info);
      const added = await this.handle.runPreFilterExtensionAddPod(simulated, pod, info, nodeInfo);
      if (added && added.code !== Code.Success) return added;
      const stillFits = await this.handle.runFilterPlugins(simulated, pod, nodeInfo);
      if (!stillFits) return false;
      nodeInfo.removePod(info.pod);
      const removed = await this.handle.runPreFilterExtensionRemovePod(simulated, pod, info, nodeInfo);
      if (removed && removed.code !== Code.Success) return removed;
      victims.push(info.pod);
      return true;
    };
    for (const victim of violating) {
      const outcome = await reprieve(victim);
      if (outcome instanceof Status) return outcome;
      if (outcome) numPDBViolations++;
    }
    for (const victim of nonViolating) {
      const outcome = await reprieve(victim);
      if (outcome instanceof Status) return outcome;
    }
    // kube lists the victims most important first whichever group they came from.
    victims.sort((a, b) => (moreImportant(a, b) ? -1 : moreImportant(b, a) ? 1 : 0));
    return { nodeName: original.name, pods: victims, numPDBViolations };
  }
}

/** kube's message when preemption found no candidate: a FitError text over the per-node reasons. */
function noCandidateMessage(numAllNodes: number, statuses: ReadonlyMap<string, Status>): string {
  const counts = new Map<string, number>();
  for (const status of statuses.values()) for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const parts = [...counts].map(([reason, count]) => `${count} ${reason}`).sort();
  return `0/${numAllNodes} nodes are available: ${parts.join(', ')}.`;
}
