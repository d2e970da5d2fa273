import {
  Code,
  type CycleState,
  type Handle,
  inject,
  injectable,
  type NodeInfo,
  type NodeToStatus,
  type Pod,
  type PodDisruptionBudget,
  type PodInfo,
  type PostFilterPlugin,
  type PostFilterResult,
  Status,
  Tokens,
} from '@schedkit/framework';
import { z } from 'zod';
import { filterPodsWithPDBViolation } from './pdb.js';
import { candidatesTiedForPreemption, moreImportant, type NodeVictims, numCandidatesFor, podPriority } from './victims.js';

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
    const offset = (potentialNodes: number) => Math.floor(this.handle.random() * potentialNodes);
    const dryRun = await this.dryRun(state, pod, statuses, offset);
    if (!dryRun.eligible) return { status: Status.unschedulable(`preemption: ${dryRun.ineligibleReason}`) };
    if (dryRun.error && dryRun.candidates.length === 0) return { status: dryRun.error };
    // The preempt extenders may narrow the candidates or change their victims (kube's callExtenders).
    const narrowed = await this.handle.processPreemptionWithExtenders(pod, dryRun.candidates);
    if (narrowed instanceof Status) return { status: narrowed };
    const chosen = (narrowed === dryRun.candidates ? dryRun.tiedCandidates : candidatesTiedForPreemption(narrowed))[0];
    if (!chosen) {
      const numAllNodes = this.handle.snapshot().list().length;
      return { result: { nominatedNodeName: '' }, status: Status.unschedulable(`preemption: ${noCandidateMessage(numAllNodes, dryRun.nodeStatuses)}`) };
    }
    for (const victim of chosen.pods) {
      // A victim already terminating needs no second deletion (kube's prepareCandidate).
      if (victim.metadata.deletionTimestamp) continue;
      const waiting = victim.metadata.uid ? this.handle.getWaitingPod(victim.metadata.uid) : undefined;
      if (waiting) waiting.reject(this.name, 'preempted');
      else await this.handle.podDeleter.deletePod(victim.metadata.namespace ?? 'default', victim.metadata.name);
    }
    return { result: { nominatedNodeName: chosen.nodeName }, status: new Status(Code.Success) };
  }

  /**
   * Everything preemption decides short of evicting, as kube's Evaluator.Preempt works it out: whether the pod may
   * preempt (PodEligibleToPreemptOthers), the nodes where it might help (Filter said Unschedulable, not
   * UnschedulableAndUnresolvable), the candidates of DryRunPreemption searched from `offset` (a number, or a
   * function of the number of potential nodes) with their victims, the candidates left tied by every tie-break of
   * pickOneNodeForPreemption, and why each other node is no candidate.
   */
  async dryRun(
    state: CycleState,
    pod: Pod,
    statuses: NodeToStatus,
    offset: number | ((potentialNodes: number) => number) = 0,
  ): Promise<PreemptionDryRun> {
    const allNodes = this.handle.snapshot().list();
    const nodeStatuses = new Map<string, Status>();
    const ineligibleReason = this.podEligibleToPreemptOthers(pod, statuses);
    if (ineligibleReason !== undefined) {
      return { eligible: false, ineligibleReason, potentialNodes: [], candidates: [], tiedCandidates: [], nodeStatuses };
    }
    // kube's NodesForStatusCode(Unschedulable): nodes without an entry share the absent status.
    const potential = allNodes.filter((n) => statuses.get(n.name)?.code === Code.Unschedulable);
    const potentialNames = new Set(potential.map((n) => n.name));
    for (const n of allNodes) if (!potentialNames.has(n.name)) nodeStatuses.set(n.name, Status.unresolvable(notHelpful));

    const nonViolating: NodeVictims[] = [];
    const violating: NodeVictims[] = [];
    let error: Status | undefined;
    if (potential.length > 0) {
      const budgets = this.handle.objects.list('PodDisruptionBudget');
      const wanted = numCandidatesFor(potential.length, this.args.minCandidateNodesPercentage, this.args.minCandidateNodesAbsolute);
      const start = typeof offset === 'number' ? offset : offset(potential.length);
      if (!this.mayFindVictims(potential, pod)) {
        // No pod on any potential node has a lower priority: every dry run would find no victim. kube runs them all
        // (on 1,000 nodes ~11 ms a pod); the statuses, and so the message, are the same without them. The random
        // start offset is still drawn above, so later tie-breaks see the same random sequence.
        for (const nodeInfo of potential) nodeStatuses.set(nodeInfo.name, noVictims);
      } else for (let i = 0; i < potential.length; i++) {
        // kube's DryRunPreemption stops once it has a non-violating candidate and enough candidates in all.
        if (nonViolating.length > 0 && nonViolating.length + violating.length >= wanted) break;
        const nodeInfo = potential[(start + i) % potential.length]!;
        const outcome = await this.selectVictimsOnNode(state.clone(), pod, nodeInfo, budgets);
        if (outcome instanceof Status) {
          if (outcome.code === Code.Error) error ??= outcome;
          nodeStatuses.set(nodeInfo.name, outcome);
        } else if (outcome.pods.length === 0) {
          const status = Status.error(`expected at least one victim pod on node "${nodeInfo.name}"`);
          error ??= status;
          nodeStatuses.set(nodeInfo.name, status);
        } else {
          (outcome.numPDBViolations === 0 ? nonViolating : violating).push(outcome);
        }
      }
    }
    const candidates = [...nonViolating, ...violating];
    return {
      eligible: true,
      potentialNodes: potential.map((n) => n.name),
      candidates,
      tiedCandidates: candidatesTiedForPreemption(candidates),
      nodeStatuses,
      ...(error ? { error } : {}),
    };
  }

  /**
   * kube's PodEligibleToPreemptOthers: undefined when `pod` may preempt, else why not. A pod with
   * `preemptionPolicy: Never` may not; nor may a pod whose nominated node (unless Filter found it
   * UnschedulableAndUnresolvable) still has a lower-priority pod terminating because the scheduler preempted it.
   */
  podEligibleToPreemptOthers(pod: Pod, statuses: NodeToStatus): string | undefined {
    if (pod.spec.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
    const nominated = pod.status?.nominatedNodeName;
    if (!nominated) return undefined;
    if (statuses.get(nominated)?.code === Code.UnschedulableAndUnresolvable) return undefined;
    const nodeInfo = this.handle.snapshot().get(nominated);
    const priority = podPriority(pod);
    for (const info of nodeInfo?.pods ?? []) {
      if (podPriority(info.pod) < priority && terminatingByPreemption(info.pod)) {
        return 'not eligible due to a terminating pod on the nominated node.';
      }
    }
    return undefined;
  }

  /**
   * False when no pod on `nodes` has a lower priority than `pod`: then no dry run can find a victim, and the dry
   * runs are skipped (same statuses and message as after running them all).
   */
  protected mayFindVictims(nodes: readonly NodeInfo[], pod: Pod): boolean {
    const priority = podPriority(pod);
    for (const node of nodes) if (lowestPriorityOn(node) < priority) return true;
    return false;
  }

  /**
   * kube's SelectVictimsOnNode: removes every lower-priority pod, checks the preemptor fits, then gives back
   * ("reprieves") as many pods as possible, most important first: the pods whose eviction would violate a
   * PodDisruptionBudget before the others. The victims come most important first.
   */
  private async selectVictimsOnNode(
    simulated: CycleState,
    pod: Pod,
    original: NodeInfo,
    budgets: readonly PodDisruptionBudget[],
  ): Promise<NodeVictims | Status> {
    const priority = podPriority(pod);
    // Checked before copying anything: most nodes of a full cluster have no victim to offer.
    if (lowestPriorityOn(original) >= priority) return noVictims;
    const nodeInfo = original.clone();
    const potential = nodeInfo.pods.filter((p) => podPriority(p.pod) < priority);
    for (const victim of potential) {
      nodeInfo.removePod(victim.pod);
      const status = await this.handle.runPreFilterExtensionRemovePod(simulated, pod, victim, nodeInfo);
      if (status && status.code !== Code.Success) return status;
    }
    if (potential.length === 0) return noVictims;
    const fits = await this.handle.runFilterPlugins(simulated, pod, nodeInfo);
    if (fits) return fits;
    const now = Date.now();
    potential.sort((a, b) => (moreImportant(a.pod, b.pod, now) ? -1 : moreImportant(b.pod, a.pod, now) ? 1 : 0));
    const { violating, nonViolating } = filterPodsWithPDBViolation(potential, budgets);
    const victims: PodInfo[] = [];
    let numPDBViolations = 0;
    const reprieve = async (info: PodInfo): Promise<boolean | Status> => {
      nodeInfo.addPod(info);
      const added = await this.handle.runPreFilterExtensionAddPod(simulated, pod, info, nodeInfo);
      if (added && added.code !== Code.Success) return added;
      const stillFits = (await this.handle.runFilterPlugins(simulated, pod, nodeInfo)) === null;
      if (!stillFits) {
        nodeInfo.removePod(info.pod);
        const removed = await this.handle.runPreFilterExtensionRemovePod(simulated, pod, info, nodeInfo);
        if (removed && removed.code !== Code.Success) return removed;
        victims.push(info);
      }
      return stillFits;
    };
    for (const info of violating) {
      const fits = await reprieve(info);
      if (fits instanceof Status) return fits;
      if (!fits) numPDBViolations++;
    }
    for (const info of nonViolating) {
      const fits = await reprieve(info);
      if (fits instanceof Status) return fits;
    }
    // Violating victims came first: put them back in order of importance.
    if (violating.length > 0 && nonViolating.length > 0) {
      victims.sort((a, b) => (moreImportant(a.pod, b.pod, now) ? -1 : moreImportant(b.pod, a.pod, now) ? 1 : 0));
    }
    return { nodeName: original.name, pods: victims.map((info) => info.pod), numPDBViolations };
  }
}

/** What {@link DefaultPreemption.dryRun} found. */
export interface PreemptionDryRun {
  /** Whether the pod may preempt at all. */
  eligible: boolean;
  /** Why not, when it may not. */
  ineligibleReason?: string;
  /** The nodes where preemption might help, in node order. */
  potentialNodes: string[];
  /** Every node where evicting victims lets the pod fit: those violating no budget first, each in search order. */
  candidates: NodeVictims[];
  /** The candidates still tied after every tie-break; the first is the one nominated. */
  tiedCandidates: NodeVictims[];
  /** Why each node that is no candidate is none (nodes the search did not reach have no entry). */
  nodeStatuses: Map<string, Status>;
  /** The first error a node's dry run returned. */
  error?: Status;
}

/** The reason of nodes where preemption cannot help. */
const notHelpful = 'Preemption is not helpful for scheduling';
/** One status serves every node without victims (statuses are not changed once made). */
const noVictims = Status.unresolvable('No preemption victims found for incoming pod');

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

/** kube's podTerminatingByPreemption: terminating, with the DisruptionTarget condition the scheduler's preemption sets. */
function terminatingByPreemption(pod: Pod): boolean {
  if (!pod.metadata.deletionTimestamp) return false;
  const condition = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
  return condition !== undefined && condition.status === 'True' && condition.reason === 'PreemptionByScheduler';
}

/**
 * kube's message when preemption found no candidate: a FitError text over the per-node reasons, nodes without an
 * entry counting as "Preemption is not helpful for scheduling".
 */
function noCandidateMessage(numAllNodes: number, statuses: ReadonlyMap<string, Status>): string {
  const counts = new Map<string, number>();
  for (const status of statuses.values()) for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  if (statuses.size < numAllNodes) counts.set(notHelpful, (counts.get(notHelpful) ?? 0) + numAllNodes - statuses.size);
  const parts = [...counts].map(([reason, count]) => `${count} ${reason}`).sort();
  return `0/${numAllNodes} nodes are available: ${parts.join(', ')}.`;
}
