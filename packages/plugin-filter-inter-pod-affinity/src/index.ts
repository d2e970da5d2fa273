/**
 * `@schedkit/plugin-filter-inter-pod-affinity`: kube-scheduler's InterPodAffinity plugin for schedkit.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { InterPodAffinityArgsSchema } from './args.js';
import { InterPodAffinity, InterPodAffinityName } from './plugin.js';

export {
  DefaultHardPodAffinityWeight,
  type InterPodAffinityArgs,
  InterPodAffinityArgsSchema,
  MaxHardPodAffinityWeight,
  MinHardPodAffinityWeight,
} from './args.js';
export { hintAfterNodeChange, hintAfterPodChange, interPodAffinityEvents, type NamespaceLabelsOf } from './events.js';
export {
  countExistingAntiAffinity,
  countIncomingTermMatches,
  ErrReasonAffinityRulesNotMatch,
  ErrReasonAntiAffinityRulesNotMatch,
  ErrReasonExistingAntiAffinityRulesNotMatch,
  filterNode,
  type IncomingCounts,
  type IncomingRequiredTerms,
  type IncomingTermCounter,
  PreFilterState,
  satisfiesExistingPodsAntiAffinity,
  satisfiesPodAffinity,
  satisfiesPodAntiAffinity,
  updateWithPod,
} from './filtering.js';
export {
  type IncomingTerm,
  type IncomingWeightedTerm,
  incomingTermMatches,
  matchesAllIncomingTerms,
  type NamespaceLabelsLookup,
  NamespaceScope,
  resolveIncomingTerms,
  resolveIncomingWeightedTerms,
} from './incoming-terms.js';
export { InterPodAffinity, InterPodAffinityName } from './plugin.js';
export {
  computeTopologyScores,
  normalizeScores,
  PreScoreState,
  type ScoreAddition,
  type ScoreSink,
  type ScoringInputs,
  scoreAdditionsOnNode,
  TopologyScores,
} from './scoring.js';
export { labelValue, type ReadonlyTopologyPairCounts, TopologyPairCounts } from './topology-counts.js';

/** The plugin module: registers InterPodAffinity with its args schema. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-filter-inter-pod-affinity',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: InterPodAffinityName, plugin: InterPodAffinity, args: InterPodAffinityArgsSchema });
  },
};

export default plugin;
