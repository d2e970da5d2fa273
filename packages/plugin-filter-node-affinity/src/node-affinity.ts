import {
  ActionType,
  type ClusterEventWithHint,
  type CompiledNodeSelector,
  type CompiledPreferredSchedulingTerms,
  type CycleState,
  defaultNormalizeScore,
  compileNodeSelector,
  compilePreferredSchedulingTerms,
  type EnqueueExtensions,
  type FilterPlugin,
  inject,
  injectable,
  type Labels,
  MaxNodeScore,
  matchesNodeSelectorMap,
  type Node,
  type NodeInfo,
  type NodeScore,
  type Pod,
  type PreFilterPlugin,
  PreFilterResult,
  type PreScorePlugin,
  QueueingHint,
  type ScorePlugin,
  StateKey,
  Status,
  Tokens,
} from '@schedkit/framework';
import type { NodeAffinityArgs } from './args.js';

/** The name kube-scheduler configurations use for this plugin. */
export const NodeAffinityName = 'NodeAffinity';

/** kube's reason when the pod's nodeSelector or required node affinity does not match the node. */
export const ErrReasonPod = "node(s) didn't match Pod's node affinity/selector";
/** kube's reason when the profile's `addedAffinity` does not match the node. */
export const ErrReasonEnforced = "node(s) didn't match scheduler-enforced node affinity";
/** kube's PreFilter reason when every required term pins `metadata.name` and no name survives. */
export const ErrReasonConflict = 'pod affinity terms conflict';

/** A pod's required placement (kube's RequiredNodeAffinity): its `spec.nodeSelector` and its required node affinity. */
export interface RequiredNodeAffinity {
  /** Every pair must be a label of the node; null when the pod has none. */
  readonly nodeSelector: Labels | null;
  /** The compiled required node affinity; null when the pod has none. */
  readonly affinity: CompiledNodeSelector | null;
}

/** A pod's {@link RequiredNodeAffinity} (kube's GetRequiredNodeAffinity). */
export function requiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return { nodeSelector: pod.spec.nodeSelector ?? null, affinity: required ? compileNodeSelector(required) : null };
}

/**
 * True when `node` satisfies the nodeSelector and the required node affinity. A term that does not parse
 * matches nothing; kube ignores those parse errors here "for backwards compatibility".
 */
export function matchesRequiredNodeAffinity(required: RequiredNodeAffinity, node: Node): boolean {
  if (required.nodeSelector && !matchesNodeSelectorMap(node.metadata.labels, required.nodeSelector)) return false;
  return required.affinity ? required.affinity.matches(node) : true;
}

/**
 * The node names a pod's required terms pin through `matchFields` `metadata.name In [...]`: within a term the
 * pins intersect, across terms they unite. Null when some term pins no name (every node stays eligible) or there
 * are no terms; an empty set when the pins contradict each other.
 */
export function pinnedNodeNames(pod: Pod): Set<string> | null {
  const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return null;
  const union = new Set<string>();
  for (const term of terms) {
    let termNames: Set<string> | null = null;
    for (const requirement of term.matchFields ?? []) {
      if (requirement.key !== 'metadata.name' || requirement.operator !== 'In') continue;
      termNames = intersect(termNames, requirement.values ?? []);
    }
    if (termNames === null) return null;
    for (const name of termNames) union.add(name);
  }
  return union;
}

/** `names` ∩ `values`, or the set of `values` when `names` is null (no requirement seen yet). */
function intersect(names: ReadonlySet<string> | null, values: readonly string[]): Set<string> {
  if (names === null) return new Set(values);
  const both = new Set<string>();
  for (const value of values) if (names.has(value)) both.add(value);
  return both;
}

/** The pod's preferred terms: null when the field is absent, an Error status when a term does not parse (as kube). */
function podPreferredTerms(pod: Pod): CompiledPreferredSchedulingTerms | Status | null {
  const terms = pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
  if (terms == null) return null;
  const compiled = compilePreferredSchedulingTerms(terms);
  if (compiled.error !== undefined) return Status.error(new Error(compiled.error));
  return compiled;
}

const preFilterStateKey = new StateKey<RequiredNodeAffinity>('NodeAffinity/preFilter');
const preScoreStateKey = new StateKey<{ preferred: CompiledPreferredSchedulingTerms | null }>('NodeAffinity/preScore');

/**
 * kube-scheduler's NodeAffinity plugin.
 * - PreFilter: Skip when the pod has no nodeSelector (an empty map counts as set), no required node affinity and
 *   the profile has no required `addedAffinity`. Otherwise it keeps the requirements for Filter and, when every
 *   required term pins node names through `matchFields metadata.name In`, narrows the cycle to those names
 *   (UnschedulableAndUnresolvable "pod affinity terms conflict" when none remain).
 * - Filter: UnschedulableAndUnresolvable when `addedAffinity`, or the pod's nodeSelector / required affinity,
 *   does not match.
 * - PreScore: Skip when neither the pod (field absent) nor `addedAffinity` has preferred terms. Score: the sum
 *   of the weights of the matching preferred terms. NormalizeScore scales to 0..100 (highest sum = 100).
 */
@injectable()
export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = NodeAffinityName;

  private readonly addedNodeSelector: CompiledNodeSelector | null;
  private readonly addedPreferred: CompiledPreferredSchedulingTerms | null;
  private readonly podRejection = Status.unresolvable(ErrReasonPod).withPlugin(NodeAffinityName);
  private readonly enforcedRejection = Status.unresolvable(ErrReasonEnforced).withPlugin(NodeAffinityName);

  constructor(@inject(Tokens.Args) args: NodeAffinityArgs | undefined) {
    const required = args?.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.addedNodeSelector = required ? compileNodeSelector(required) : null;
    const preferred = args?.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    this.addedPreferred = preferred && preferred.length > 0 ? compilePreferredSchedulingTerms(preferred) : null;
    // The args schema already refuses these; a plugin built by hand gets the same answer kube's New gives.
    const error = this.addedNodeSelector?.error ?? this.addedPreferred?.error;
    if (error !== undefined) throw new Error(`NodeAffinity: invalid addedAffinity: ${error}`);
  }

  preFilter(state: CycleState, pod: Pod): PreFilterResult | Status | null {
    const hasRequiredAffinity = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution != null;
    if (!hasRequiredAffinity && this.addedNodeSelector === null && pod.spec.nodeSelector == null) return Status.skip;
    state.write(preFilterStateKey, requiredNodeAffinity(pod));
    const pinned = pinnedNodeNames(pod);
    if (pinned === null) return null;
    if (pinned.size === 0) return Status.unresolvable(ErrReasonConflict);
    return new PreFilterResult(pinned);
  }

  /** The state does not depend on other pods, so there is nothing to update incrementally. */
  preFilterExtensions(): undefined {
    return undefined;
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | null {
    const node = nodeInfo.node;
    if (!node) return Status.error(new Error('node not found'));
    if (this.addedNodeSelector && !this.addedNodeSelector.matches(node)) return this.enforcedRejection;
    // Without PreFilter (disabled in the profile) the requirements are read here.
    const required = state.read(preFilterStateKey) ?? requiredNodeAffinity(pod);
    return matchesRequiredNodeAffinity(required, node) ? null : this.podRejection;
  }

  preScore(state: CycleState, pod: Pod): Status | null {
    const preferred = podPreferredTerms(pod);
    if (preferred instanceof Status) return preferred;
    if (preferred === null && this.addedPreferred === null) return Status.skip;
    state.write(preScoreStateKey, { preferred });
    return null;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number | Status {
    const node = nodeInfo.node;
    if (!node) return Status.error(new Error('node not found'));
    let total = this.addedPreferred ? this.addedPreferred.score(node) : 0;
    // Without PreScore (disabled in the profile) the terms are read here.
    const preferred = state.read(preScoreStateKey)?.preferred ?? podPreferredTerms(pod);
    if (preferred instanceof Status) return preferred;
    if (preferred) total += preferred.score(node);
    return total;
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): null {
    defaultNormalizeScore(MaxNodeScore, false, scores);
    return null;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel },
        queueingHintFn: (pod, oldObj, newObj) => this.isSchedulableAfterNodeChange(pod, oldObj as Node | undefined, newObj as Node | undefined),
      },
    ];
  }

  /** Requeue when a matching node was added, or a node's labels changed from not matching to matching. */
  private isSchedulableAfterNodeChange(pod: Pod, original: Node | undefined, modified: Node | undefined): QueueingHint {
    if (!modified) return QueueingHint.Queue;
    if (this.addedNodeSelector && !this.addedNodeSelector.matches(modified)) return QueueingHint.QueueSkip;
    const required = requiredNodeAffinity(pod);
    if (!matchesRequiredNodeAffinity(required, modified)) return QueueingHint.QueueSkip;
    if (!original) return QueueingHint.Queue;
    return matchesRequiredNodeAffinity(required, original) ? QueueingHint.QueueSkip : QueueingHint.Queue;
  }
}
