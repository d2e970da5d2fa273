import {
  type AffinityTerm,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  inject,
  injectable,
  type Labels,
  type NodeInfo,
  type NodeScore,
  type Pod,
  PodInfo,
  podNamespace,
  type PreFilterExtensions,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  type Selector,
  StateKey,
  stateNotFound,
  Status,
  Tokens,
  type WeightedAffinityTerm,
} from '@schedkit/framework';
import type { InterPodAffinityArgs } from './args.js';
import { interPodAffinityEvents } from './events.js';
import {
  countExistingAntiAffinity,
  countIncomingTermMatches,
  existingAntiAffinityOnNode,
  filterNode,
  type IncomingAdditions,
  type IncomingCounts,
  type IncomingRequiredTerms,
  type IncomingTermCounter,
  incomingMatchesOnNode,
  type PairAddition,
  PreFilterState,
  updateWithPod,
} from './filtering.js';
import { matchesAllIncomingTerms, type NamespaceLabelsLookup, resolveIncomingTerms, resolveIncomingWeightedTerms } from './incoming-terms.js';
import { NodeMemos, type TrackingLister, trackingLister } from './node-memo.js';
import { ExistingAntiAffinityTotals, IncomingTotals, ScoreTotals } from './running-totals.js';
import {
  computeTopologyScores,
  normalizeScores,
  PreScoreState,
  type ScoreAddition,
  type ScoringInputs,
  scoreAdditionsOnNode,
  type TopologyScores,
} from './scoring.js';
import { type ReadonlyTopologyPairCounts, TopologyPairCounts } from './topology-counts.js';

/** The plugin's name in configurations. */
export const InterPodAffinityName = 'InterPodAffinity';

const preFilterStateKey = new StateKey<PreFilterState>('PreFilterInterPodAffinity');
const preScoreStateKey = new StateKey<PreScoreState>('PreScoreInterPodAffinity');

/**
 * kube-scheduler's InterPodAffinity: places pods relative to the pods already running, by topology domain.
 *
 * - PreFilter/Filter enforce required terms: a node is rejected when an existing pod's required anti-affinity
 *   selects the incoming pod in one of the node's domains, when the incoming pod's required affinity finds no
 *   matching pod in the node's domains (unless no pod in the cluster matches and the pod matches its own terms),
 *   or when its required anti-affinity finds one. PreFilter skips pods with no required terms that no existing
 *   pod's anti-affinity selects.
 * - PreScore/Score/NormalizeScore rank nodes by the incoming pod's preferred terms and by existing pods'
 *   preferred terms and required affinity (at `hardPodAffinityWeight`) that select the incoming pod. PreScore
 *   skips when nothing scores.
 */
@injectable()
export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = InterPodAffinityName;
  private readonly hardPodAffinityWeight: number;
  private readonly ignorePreferredTermsOfExistingPods: boolean;
  private readonly extensions: PreFilterExtensions;
  private readonly namespaceLabels: NamespaceLabelsLookup;

  constructor(
    @inject(Tokens.Handle) private readonly handle: Handle,
    @inject(Tokens.Args) args: InterPodAffinityArgs | undefined,
  ) {
    this.hardPodAffinityWeight = args?.hardPodAffinityWeight ?? 1;
    this.ignorePreferredTermsOfExistingPods = args?.ignorePreferredTermsOfExistingPods ?? false;
    this.namespaceLabels = (name) => handle.objects.namespaceLabels(name);
    this.extensions = {
      addPod: (state, _podToSchedule, podToAdd, nodeInfo) => this.updateState(state, podToAdd, nodeInfo, 1),
      removePod: (state, _podToSchedule, podToRemove, nodeInfo) => this.updateState(state, podToRemove, nodeInfo, -1),
    };
  }

  /** How the existing pods the incoming pod's required terms select are counted (a cache-backed counter may replace the walk). */
  protected readonly countIncoming: IncomingTermCounter = countIncomingTermMatches;

  /**
   * What each node adds to the counts, and their sums, kept between cycles per incoming-pod signature: only nodes
   * the snapshot reports as changed are walked again and re-summed (the counts come out the same pair for pair;
   * only their key order may differ, which no answer depends on).
   */
  private readonly existingMemos = new NodeMemos<PairAddition[] | null, ExistingAntiAffinityTotals>(() => new ExistingAntiAffinityTotals());
  private readonly incomingMemos = new NodeMemos<IncomingAdditions | null, IncomingTotals>(() => new IncomingTotals());
  private readonly scoreMemos = new NodeMemos<ScoreAddition[] | null, ScoreTotals>(() => new ScoreTotals());

  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status | null {
    const info = PodInfo.of(pod);
    if (info.affinityError !== undefined) return Status.unresolvable(`parsing pod: ${info.affinityError}`);
    const terms: IncomingRequiredTerms = {
      affinity: resolveIncomingTerms(info.requiredAffinityTerms, this.namespaceLabels),
      antiAffinity: resolveIncomingTerms(info.requiredAntiAffinityTerms, this.namespaceLabels),
    };
    const namespaceLabels = this.namespaceLabelsOf(pod);
    const snapshot = this.handle.snapshot();
    const lister = trackingLister(snapshot);
    const existing = lister
      ? this.existingCounts(pod, namespaceLabels, lister)
      : countExistingAntiAffinity(pod, namespaceLabels, snapshot.havePodsWithRequiredAntiAffinityList());
    if (existing.size === 0 && terms.affinity.length === 0 && terms.antiAffinity.length === 0) return Status.skip;
    const incoming = this.incomingCounts(info, terms, nodes, lister);
    state.write(
      preFilterStateKey,
      new PreFilterState(
        pod,
        terms,
        namespaceLabels,
        existing,
        incoming.affinity,
        incoming.antiAffinity,
        matchesAllIncomingTerms(terms.affinity, pod),
      ),
    );
    return null;
  }

  preFilterExtensions(): PreFilterExtensions {
    return this.extensions;
  }

  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status | null {
    const preFilter = state.read(preFilterStateKey);
    if (preFilter === undefined) return stateNotFound(preFilterStateKey);
    const node = nodeInfo.node;
    if (!node) return Status.error(new Error('node not found'));
    return filterNode(preFilter, node);
  }

  preScore(state: CycleState, pod: Pod, _nodes: readonly NodeInfo[]): Status | null {
    const affinity = pod.spec.affinity;
    const hasPreferredTerms =
      (affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0 ||
      (affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
    if (this.ignorePreferredTermsOfExistingPods && !hasPreferredTerms) return Status.skip;
    const info = PodInfo.of(pod);
    if (info.affinityError !== undefined) return Status.error(new Error(`failed to parse pod: ${info.affinityError}`));
    // Unless the pod has preferred terms of its own, only pods with (anti-)affinity can contribute.
    const snapshot = this.handle.snapshot();
    const nodes = hasPreferredTerms ? snapshot.list() : snapshot.havePodsWithAffinityList();
    if (nodes.length === 0) return Status.skip;
    const inputs: ScoringInputs = {
      pod,
      namespaceLabels: this.namespaceLabelsOf(pod),
      preferredAffinity: resolveIncomingWeightedTerms(info.preferredAffinityTerms, this.namespaceLabels),
      preferredAntiAffinity: resolveIncomingWeightedTerms(info.preferredAntiAffinityTerms, this.namespaceLabels),
      hardPodAffinityWeight: this.hardPodAffinityWeight,
      allPods: hasPreferredTerms,
    };
    const scores = this.topologyScores(inputs, info, nodes, trackingLister(snapshot));
    if (scores === null) return Status.skip;
    state.write(preScoreStateKey, new PreScoreState(scores));
    return null;
  }

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number | Status {
    const preScore = state.read(preScoreStateKey);
    if (preScore === undefined) return stateNotFound(preScoreStateKey);
    return preScore.topologyScores.scoreOf(nodeInfo.node?.metadata.labels);
  }

  normalizeScore(state: CycleState, _pod: Pod, scores: NodeScore[]): Status | null {
    const preScore = state.read(preScoreStateKey);
    if (preScore === undefined) return stateNotFound(preScoreStateKey);
    if (preScore.topologyScores.size === 0) return null;
    normalizeScores(scores);
    return null;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return interPodAffinityEvents(this.namespaceLabels);
  }

  /**
   * {@link countExistingAntiAffinity} over the snapshot: the running totals of the pod's signature, brought up to
   * date by walking only the nodes changed since they were last used (counted from scratch the first time a
   * signature comes, see {@link NodeMemos}). Shared with the cycle's state, which copies before writing.
   */
  private existingCounts(pod: Pod, namespaceLabels: Labels | undefined, lister: TrackingLister): ReadonlyTopologyPairCounts {
    const nodesWithAntiAffinity = lister.havePodsWithRequiredAntiAffinityList();
    if (nodesWithAntiAffinity.length === 0) return new TopologyPairCounts();
    const memo = this.existingMemos.get(existingSignature(pod, namespaceLabels), lister);
    if (memo === undefined) return countExistingAntiAffinity(pod, namespaceLabels, nodesWithAntiAffinity);
    return memo.update((nodeInfo) => existingAntiAffinityOnNode(pod, namespaceLabels, nodeInfo)).counts;
  }

  /** The configured counter's answer; running totals (as {@link existingCounts}) when the counter is the default walk over the snapshot. */
  private incomingCounts(info: PodInfo, terms: IncomingRequiredTerms, nodes: readonly NodeInfo[], lister: TrackingLister | undefined): IncomingCounts {
    const memoized = lister !== undefined && this.countIncoming === countIncomingTermMatches && nodes === lister.list();
    if (!memoized || (terms.affinity.length === 0 && terms.antiAffinity.length === 0)) return this.countIncoming(terms, nodes);
    const key = incomingSignature(info);
    const memo = key === undefined ? undefined : this.incomingMemos.get(key, lister);
    if (memo === undefined) return this.countIncoming(terms, nodes);
    return memo.update((nodeInfo) => incomingMatchesOnNode(terms, nodeInfo));
  }

  /**
   * {@link computeTopologyScores} over `nodes`; from the running totals of the pod's signature (as
   * {@link existingCounts}) when the snapshot records its changes. The totals are shared with the cycle's state,
   * which never writes them.
   */
  private topologyScores(inputs: ScoringInputs, info: PodInfo, nodes: readonly NodeInfo[], lister: TrackingLister | undefined): TopologyScores | null {
    const key = lister === undefined ? undefined : scoringSignature(inputs, info);
    const memo = key === undefined || lister === undefined ? undefined : this.scoreMemos.get(key, lister);
    if (memo === undefined) return computeTopologyScores(inputs, nodes);
    const scores = memo.update((nodeInfo) => scoreAdditionsOnNode(inputs, nodeInfo)).scores;
    return scores.size === 0 ? null : scores;
  }

  private namespaceLabelsOf(pod: Pod): Labels | undefined {
    return this.handle.objects.namespaceLabels(podNamespace(pod));
  }

  private updateState(state: CycleState, changed: PodInfo, nodeInfo: NodeInfo, delta: 1 | -1): Status | null {
    const preFilter = state.read(preFilterStateKey);
    if (preFilter === undefined) return stateNotFound(preFilterStateKey);
    updateWithPod(preFilter, changed, nodeInfo.node, delta);
    return null;
  }
}

/** What decides whether an existing pod's anti-affinity term selects `pod`: its namespace, labels and namespace's labels. */
function existingSignature(pod: Pod, namespaceLabels: Labels | undefined): string {
  return `${podNamespace(pod)}\u0000${JSON.stringify(pod.metadata.labels ?? null)}\u0000${JSON.stringify(namespaceLabels ?? null)}`;
}

/**
 * What decides which existing pods the pod's required terms select, or undefined when a term's namespaceSelector
 * reads Namespace objects (which may change between cycles without a node changing).
 */
function incomingSignature(info: PodInfo): string | undefined {
  const parts: string[] = [];
  return addTermsSignature(parts, 'a', info.requiredAffinityTerms) && addTermsSignature(parts, 'n', info.requiredAntiAffinityTerms)
    ? parts.join('\u0000')
    : undefined;
}

/**
 * What decides the scores the existing pods give the pod: what their terms match of it and, when every pod is
 * walked, its own preferred terms; undefined when those read Namespace objects (see {@link incomingSignature}).
 */
function scoringSignature(inputs: ScoringInputs, info: PodInfo): string | undefined {
  const parts = [existingSignature(inputs.pod, inputs.namespaceLabels), inputs.allPods ? 'all' : 'affinity'];
  if (!inputs.allPods) return parts.join('\u0000');
  return addTermsSignature(parts, 'p', info.preferredAffinityTerms) && addTermsSignature(parts, 'q', info.preferredAntiAffinityTerms)
    ? parts.join('\u0000')
    : undefined;
}

/** Appends what identifies `terms` to `parts`; false when a term's namespaceSelector reads Namespace objects. */
function addTermsSignature(parts: string[], kind: string, terms: readonly (AffinityTerm | WeightedAffinityTerm)[]): boolean {
  for (const term of terms) {
    const namespaceSelector = term.namespaceSelector;
    if (!namespaceSelector.empty && namespaceSelector.requirements.length > 0) return false;
    parts.push(
      kind,
      term.topologyKey,
      selectorKey(term.selector),
      [...term.namespaces].sort().join(','),
      selectorKey(namespaceSelector),
      'weight' in term ? String(term.weight) : '',
    );
  }
  return true;
}

function selectorKey(selector: Selector): string {
  const requirements = selector.requirements.map((r) => `${r.key}\u0001${r.operator}\u0001${r.values.join('\u0002')}`).join('\u0003');
  return `${selector.empty}\u0004${selector.error ?? ''}\u0004${requirements}`;
}
