import type { PluginModule, Registry } from '@schedkit/framework';
import { plugin as defaultBinder } from '@schedkit/plugin-bind-default';
import { plugin as interPodAffinity } from '@schedkit/plugin-filter-inter-pod-affinity';
import { plugin as nodeAffinity } from '@schedkit/plugin-filter-node-affinity';
import { plugin as nodeName } from '@schedkit/plugin-filter-node-name';
import { plugin as nodePorts } from '@schedkit/plugin-filter-node-ports';
import { plugin as nodeResourcesFit } from '@schedkit/plugin-filter-node-resources-fit';
import { plugin as nodeUnschedulable } from '@schedkit/plugin-filter-node-unschedulable';
import { plugin as nodeVolumeLimits } from '@schedkit/plugin-filter-node-volume-limits';
import { plugin as podTopologySpread } from '@schedkit/plugin-filter-pod-topology-spread';
import { plugin as taintToleration } from '@schedkit/plugin-filter-taint-toleration';
import { plugin as volumeBinding } from '@schedkit/plugin-filter-volume-binding';
import { plugin as volumeRestrictions } from '@schedkit/plugin-filter-volume-restrictions';
import { plugin as volumeZone } from '@schedkit/plugin-filter-volume-zone';
import { plugin as defaultPreemption } from '@schedkit/plugin-post-filter-default-preemption';
import { plugin as schedulingGates } from '@schedkit/plugin-pre-enqueue-scheduling-gates';
import { plugin as prioritySort } from '@schedkit/plugin-queue-sort-priority';
import { plugin as balancedAllocation } from '@schedkit/plugin-score-balanced-allocation';
import { plugin as imageLocality } from '@schedkit/plugin-score-image-locality';

/** The plugin modules that provide every plugin of {@link defaultPlugins}, in the order the plugins are listed. */
export const defaultPluginModules: readonly PluginModule[] = Object.freeze([
  schedulingGates,
  prioritySort,
  nodeUnschedulable,
  nodeName,
  taintToleration,
  nodeAffinity,
  nodePorts,
  nodeResourcesFit,
  volumeRestrictions,
  nodeVolumeLimits,
  volumeBinding,
  volumeZone,
  podTopologySpread,
  interPodAffinity,
  defaultPreemption,
  balancedAllocation,
  imageLocality,
  defaultBinder,
]);

/**
 * Registers every default plugin in `registry` (through `registry.use`, so each module's framework range is
 * checked) and returns the registry. Registering twice in one registry is an error, as for any plugin.
 */
export function registerDefaultPlugins(registry: Registry): Registry {
  for (const module of defaultPluginModules) registry.use(module);
  return registry;
}
