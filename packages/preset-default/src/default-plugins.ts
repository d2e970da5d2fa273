import type { PluginConfigEntry, PluginsConfig } from '@schedkit/framework';

/**
 * kube-scheduler v1.35's default plugins (`getDefaultPlugins`), all enabled at `multiPoint` in kube's order and
 * with kube's score weights, less DynamicResources, which schedkit does not implement (it has nothing to do for
 * pods without resource claims, which is all schedkit models).
 *
 * A plugin enabled at multiPoint runs at every extension point it implements, so this one list gives the
 * queue, filter, score, preemption and bind plugins of the default profile.
 */
export const defaultPlugins: PluginsConfig = deepFreeze({
  multiPoint: {
    enabled: [
      { name: 'SchedulingGates' },
      { name: 'PrioritySort' },
      { name: 'NodeUnschedulable' },
      { name: 'NodeName' },
      { name: 'TaintToleration', weight: 3 },
      { name: 'NodeAffinity', weight: 2 },
      { name: 'NodePorts' },
      { name: 'NodeResourcesFit', weight: 1 },
      { name: 'VolumeRestrictions' },
      { name: 'NodeVolumeLimits' },
      { name: 'VolumeBinding' },
      { name: 'VolumeZone' },
      { name: 'PodTopologySpread', weight: 2 },
      { name: 'InterPodAffinity', weight: 2 },
      { name: 'DefaultPreemption' },
      { name: 'NodeResourcesBalancedAllocation', weight: 1 },
      { name: 'ImageLocality', weight: 1 },
      { name: 'DefaultBinder' },
    ],
    disabled: [],
  },
});

/** kube's default `resources` of NodeResourcesFit's scoring strategy and of NodeResourcesBalancedAllocation. */
const defaultResourceSpec = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/**
 * The args kube's v1 defaulting gives the default plugins that take args, by plugin name (in name order, as kube
 * appends them). The configuration loader adds the entry of each enabled plugin the user gave no args for; a
 * user's entry replaces the default one whole, and the plugin's schema defaults the fields it leaves out.
 */
export const defaultPluginConfig: readonly PluginConfigEntry[] = deepFreeze([
  { name: 'DefaultPreemption', args: { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 } },
  { name: 'InterPodAffinity', args: { hardPodAffinityWeight: 1 } },
  { name: 'NodeAffinity', args: {} },
  { name: 'NodeResourcesBalancedAllocation', args: { resources: defaultResourceSpec } },
  { name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'LeastAllocated', resources: defaultResourceSpec } } },
  { name: 'PodTopologySpread', args: { defaultingType: 'System' } },
  { name: 'VolumeBinding', args: { bindTimeoutSeconds: 600 } },
]);

/** Freezes `value` and everything reachable from it, so that no caller can change the shared defaults. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
