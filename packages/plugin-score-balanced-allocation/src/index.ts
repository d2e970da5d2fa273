/**
 * `@schedkit/plugin-score-balanced-allocation`: kube-scheduler's NodeResourcesBalancedAllocation PreScore and Score.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import {
  NodeResourcesBalancedAllocation,
  NodeResourcesBalancedAllocationArgsSchema,
  NodeResourcesBalancedAllocationName,
} from './balanced-allocation.js';

export * from './balanced-allocation.js';

/** Registers NodeResourcesBalancedAllocation. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-score-balanced-allocation',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: NodeResourcesBalancedAllocationName, plugin: NodeResourcesBalancedAllocation, args: NodeResourcesBalancedAllocationArgsSchema });
  },
};

export default plugin;
