/**
 * `@schedkit/plugin-filter-node-volume-limits`: kube-scheduler's NodeVolumeLimits (CSI attach limits) PreFilter and Filter.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { NodeVolumeLimits, NodeVolumeLimitsArgsSchema, NodeVolumeLimitsName } from './node-volume-limits.js';

export * from './node-volume-limits.js';

/** Registers NodeVolumeLimits. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-filter-node-volume-limits',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: NodeVolumeLimitsName, plugin: NodeVolumeLimits, args: NodeVolumeLimitsArgsSchema });
  },
};

export default plugin;
