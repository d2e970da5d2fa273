/**
 * `@schedkit/plugin-filter-pod-topology-spread`: kube-scheduler's PodTopologySpread plugin for schedkit.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { PodTopologySpreadArgsSchema } from './args.js';
import { PodTopologySpread, PodTopologySpreadName } from './plugin.js';

export { type DefaultingType, type PodTopologySpreadArgs, PodTopologySpreadArgsSchema, systemDefaultConstraints } from './args.js';
export {
  constraintsFor,
  type DefaultConstraintSource,
  hasAllTopologyKeys,
  type NodeInclusionPolicy,
  parseConstraints,
  type SpreadConstraint,
  type UnsatisfiableAction,
} from './constraints.js';
export { countMatchingPods, type MatchingPodCounter } from './counting.js';
export { CriticalPaths } from './critical-paths.js';
export { defaultSelector } from './default-selector.js';
export { hintAfterNodeChange, hintAfterPodChange } from './events.js';
export { ErrReasonConstraintsNotMatch, ErrReasonNodeLabelNotMatch, PreFilterState } from './filtering.js';
export { PodTopologySpread, PodTopologySpreadName } from './plugin.js';
export { PreScoreState, topologyNormalizingWeight } from './scoring.js';
export { type LabelRequirement, type RequirementOperator, SelectorError, SpreadSelector } from './selector.js';

/** The plugin module: registers PodTopologySpread with its args schema. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-filter-pod-topology-spread',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: PodTopologySpreadName, plugin: PodTopologySpread, args: PodTopologySpreadArgsSchema });
  },
};

export default plugin;
