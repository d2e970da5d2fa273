/**
 * `@schedkit/plugin-filter-node-name`: kube-scheduler's NodeName filter.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { NodeName, NodeNameArgsSchema, NodeNameName } from './node-name.js';

export * from './node-name.js';

/** Registers NodeName. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-filter-node-name',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: NodeNameName, plugin: NodeName, args: NodeNameArgsSchema });
  },
};

export default plugin;
