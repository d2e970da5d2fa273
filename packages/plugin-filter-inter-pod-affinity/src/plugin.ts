import {
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
  StateKey,
  Status,
  Tokens,
} from '@schedkit/framework';
import type { InterPodAffinityArgs } from './args.js';
import { interPodAffinityEvents } from './events.js';
import {
  countExistingAntiAffinity,
  countIncomingTermMatches,
  filterNode,
  type IncomingRequiredTerms,
  type IncomingTermCounter,
  PreFilterState,
  updateWithPod,
} from './filtering.js';
import { matchesAllIncomingTerms, type NamespaceLabelsLookup, resolveIncomingTerms, resolveIncomingWeightedTerms } from './incoming-terms.js';
import { computeTopologyScores, normalizeScores, PreScoreState } from './scoring.js';

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

  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status | null {
    const info = PodInfo.of(pod);
    if (info.affinityError !== undefined) return Status.unresolvable(`parsing pod: ${info.affinityError}`);
    const terms: IncomingRequiredTerms = {
      affinity: resolveIncomingTerms(info.requiredAffinityTerms, this.namespaceLabels),
      antiAffinity: resolveIncomingTerms(info.requiredAntiAffinityTerms, this.namespaceLabels),
    };
    const namespaceLabels = this.namespaceLabelsOf(pod);
    const existing = countExistingAntiAffinity(pod, namespaceLabels, this.handle.snapshot().havePodsWithRequiredAntiAffinityList());
    if (existing.size === 0 && terms.affinity.length === 0 && terms.antiAffinity.length === 0) return Status.skip;
    const incoming = this.countIncoming(terms, nodes);
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
    if (preFilter === undefined) return missingState(preFilterStateKey);
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
    const scores = computeTopologyScores(
      {
        pod,
        namespaceLabels: this.namespaceLabelsOf(pod),
        preferredAffinity: resolveIncomingWeightedTerms(info.preferredAffinityTerms, this.namespaceLabels),
        preferredAntiAffinity: resolveIncomingWeightedTerms(info.preferredAntiAffinityTerms, this.namespaceLabels),
        hardPodAffinityWeight: this.hardPodAffinityWeight,
        allPods: hasPreferredTerms,
      },
      nodes,
    );
    if (scores === null) return Status.skip;
    state.write(preScoreStateKey, new PreScoreState(scores));
    return null;
  }

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number | Status {
    const preScore = state.read(preScoreStateKey);
    if (preScore === undefined) return missingState(preScoreStateKey);
    return preScore.topologyScores.scoreOf(nodeInfo.node?.metadata.labels);
  }

  normalizeScore(state: CycleState, _pod: Pod, scores: NodeScore[]): Status | null {
    const preScore = state.read(preScoreStateKey);
    if (preScore === undefined) return missingState(preScoreStateKey);
    if (preScore.topologyScores.size === 0) return null;
    normalizeScores(scores);
    return null;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return interPodAffinityEvents(this.namespaceLabels);
  }

  private namespaceLabelsOf(pod: Pod): Labels | undefined {
    return this.handle.objects.namespaceLabels(podNamespace(pod));
  }

  private updateState(state: CycleState, changed: PodInfo, nodeInfo: NodeInfo, delta: 1 | -1): Status | null {
    const preFilter = state.read(preFilterStateKey);
    if (preFilter === undefined) return missingState(preFilterStateKey);
    updateWithPod(preFilter, changed, nodeInfo.node, delta);
    return null;
  }
}

function missingState(key: StateKey<unknown>): Status {
  return Status.error(new Error(`reading "${key.description}" from cycleState: not found`));
}
