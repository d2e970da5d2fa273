import {
  ActionType,
  type ClusterEventWithHint,
  Code,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  fillAllocatableAndRequested,
  inject,
  injectable,
  type Node,
  NodeInfo,
  type Pod,
  type PreFilterPlugin,
  type PreScorePlugin,
  podRequests,
  podResourceRequestList,
  QueueingHint,
  type Resource,
  type ScorePlugin,
  StateKey,
  Status,
  Tokens,
} from '@schedkit/framework';
import type { NodeResourcesFitArgs } from './args.js';
import { fitsRequest, type IgnoredResources, isEmptyRequest } from './fits.js';
import { type ResourceScorer, scorerFor } from './scorers.js';

/** The name kube-scheduler configurations use for this plugin. */
export const NodeResourcesFitName = 'NodeResourcesFit';

/** The pod's requests as Filter compares them, computed once per cycle by PreFilter. */
const preFilterStateKey = new StateKey<Resource>('NodeResourcesFit/preFilter');
/** The pod's request of each scored resource (strategy order), computed once per cycle by PreScore. */
const preScoreStateKey = new StateKey<readonly number[]>('NodeResourcesFit/preScore');

/**
 * kube-scheduler's NodeResourcesFit plugin.
 *
 * - PreFilter computes the pod's requests once (containers plus sidecars, at least each init container's
 *   need, pod-level requests, overhead). It never skips: even a pod requesting nothing counts against the
 *   node's pod limit.
 * - Filter rejects a node that already runs its maximum number of pods ("Too many pods") or lacks any requested
 *   cpu, memory, ephemeral storage or extended resource ("Insufficient cpu", ...). All missing resources are
 *   listed. The code is Unschedulable, or UnschedulableAndUnresolvable when some request exceeds the node's whole
 *   allocatable, since evicting pods cannot help then. Extended resources named by `ignoredResources` or
 *   `ignoredResourceGroups` are not checked.
 * - PreScore/Score rank nodes by the configured strategy over the requests of the node's pods plus the pod's, a
 *   missing cpu/memory request counting as 100m/200Mi. PreScore never skips.
 */
@injectable()
export class NodeResourcesFit implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = NodeResourcesFitName;

  private readonly ignored: IgnoredResources;
  private readonly resourceNames: readonly string[];
  private readonly scorer: ResourceScorer;
  /** Score scratch space: Score is synchronous, so calls never interleave. */
  private readonly requested: number[];
  private readonly allocatable: number[];

  constructor(@inject(Tokens.Args) args: NodeResourcesFitArgs) {
    this.ignored = { names: new Set(args.ignoredResources), groups: new Set(args.ignoredResourceGroups) };
    this.resourceNames = args.scoringStrategy.resources.map((r) => r.name);
    this.scorer = scorerFor(args.scoringStrategy);
    this.requested = new Array<number>(this.resourceNames.length).fill(0);
    this.allocatable = new Array<number>(this.resourceNames.length).fill(0);
  }

  preFilter(state: CycleState, pod: Pod): null {
    state.write(preFilterStateKey, podRequests(pod));
    return null;
  }

  /** The state does not depend on other pods, so there is nothing to update incrementally. */
  preFilterExtensions(): undefined {
    return undefined;
  }

  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status | null {
    const missing = fitsRequest(state.get(preFilterStateKey), nodeInfo, this.ignored);
    if (missing.length === 0) return null;
    const reasons = missing.map((m) => m.reason);
    const code = missing.some((m) => m.unresolvable) ? Code.UnschedulableAndUnresolvable : Code.Unschedulable;
    return new Status(code, reasons);
  }

  preScore(state: CycleState, pod: Pod): null {
    state.write(preScoreStateKey, podResourceRequestList(pod, this.resourceNames, 'nonZero'));
    return null;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const podRequestList = state.read(preScoreStateKey) ?? podResourceRequestList(pod, this.resourceNames, 'nonZero');
    fillAllocatableAndRequested(nodeInfo, this.resourceNames, podRequestList, 'nonZero', this.requested, this.allocatable);
    return this.scorer(this.requested, this.allocatable);
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      // A deleted pod frees its requests; an in-place scale-down frees part of them.
      { event: { resource: 'Pod', actionType: ActionType.Delete | ActionType.UpdatePodScaleDown }, queueingHintFn: isSchedulableAfterPodEvent },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable }, queueingHintFn: isSchedulableAfterNodeChange },
    ];
  }
}

/** Requeue after a pod event only when it may have freed resources the pod needs. */
function isSchedulableAfterPodEvent(pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint {
  const original = oldObj as Pod | undefined;
  const modified = newObj as Pod | undefined;
  if (!modified) {
    if (!original) return QueueingHint.Queue;
    // A pod that held no node (nor a nomination) frees nothing.
    return original.spec.nodeName || original.status?.nominatedNodeName ? QueueingHint.Queue : QueueingHint.QueueSkip;
  }
  if (!original) return QueueingHint.Queue;
  return isSchedulableAfterPodScaleDown(pod, original, modified) ? QueueingHint.Queue : QueueingHint.QueueSkip;
}

/** The pod itself shrank, or a scheduled pod shrank a resource the pod requests. */
function isSchedulableAfterPodScaleDown(target: Pod, original: Pod, modified: Pod): boolean {
  if ((modified.metadata.uid ?? '') === (target.metadata.uid ?? '')) return true;
  if (!modified.spec.nodeName) return false;
  const before = podRequests(original);
  const after = podRequests(modified);
  const wanted = podRequests(target);
  if (wanted.milliCPU !== 0 && before.milliCPU > after.milliCPU) return true;
  if (wanted.memory !== 0 && before.memory > after.memory) return true;
  if (wanted.ephemeralStorage !== 0 && before.ephemeralStorage > after.ephemeralStorage) return true;
  for (const [name, amount] of wanted.scalarResources) {
    if (amount !== 0 && (before.scalarResources.get(name) ?? 0) > (after.scalarResources.get(name) ?? 0)) return true;
  }
  return false;
}

/** Requeue after a node event only when the node could hold the pod and offers more of what it needs. */
function isSchedulableAfterNodeChange(pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint {
  const original = oldObj as Node | undefined;
  const modified = newObj as Node | undefined;
  if (!modified) return QueueingHint.QueueSkip;
  // An empty node of this shape: without room the pod will not fit whatever else changed.
  const emptyModified = new NodeInfo(modified);
  if (fitsRequest(podRequests(pod), emptyModified).length > 0) return QueueingHint.QueueSkip;
  if (!original) return QueueingHint.Queue;
  return anyRequestedResourceIncreased(pod, new NodeInfo(original).allocatable, emptyModified.allocatable)
    ? QueueingHint.Queue
    : QueueingHint.QueueSkip;
}

/** The node allows more pods, or offers more of some resource the pod requests. */
function anyRequestedResourceIncreased(pod: Pod, before: Resource, after: Resource): boolean {
  if (after.allowedPodNumber > before.allowedPodNumber) return true;
  const request = podRequests(pod);
  if (isEmptyRequest(request)) return false;
  if (request.milliCPU > 0 && after.milliCPU > before.milliCPU) return true;
  if (request.memory > 0 && after.memory > before.memory) return true;
  if (request.ephemeralStorage > 0 && after.ephemeralStorage > before.ephemeralStorage) return true;
  for (const [name, amount] of request.scalarResources) {
    if (amount !== 0 && (after.scalarResources.get(name) ?? 0) > (before.scalarResources.get(name) ?? 0)) return true;
  }
  return false;
}
