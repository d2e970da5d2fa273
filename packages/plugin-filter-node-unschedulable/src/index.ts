/**
 * `@schedkit/plugin-filter-node-unschedulable`: kube-scheduler's NodeUnschedulable filter.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { NodeUnschedulable, NodeUnschedulableArgsSchema, NodeUnschedulableName } from './node-unschedulable.js';

export * from './node-unschedulable.js';

/** Registers NodeUnschedulable. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-filter-node-unschedulable',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: NodeUnschedulableName, plugin: NodeUnschedulable, args: NodeUnschedulableArgsSchema });
  },
};

export default plugin;
