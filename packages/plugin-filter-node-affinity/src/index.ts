/**
 * `@schedkit/plugin-filter-node-affinity`: kube-scheduler's NodeAffinity PreFilter, Filter, PreScore and Score.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { NodeAffinityArgsSchema } from './args.js';
import { NodeAffinity, NodeAffinityName } from './node-affinity.js';

export * from './args.js';
export * from './node-affinity.js';

/** Registers NodeAffinity with its args schema. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-filter-node-affinity',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: NodeAffinityName, plugin: NodeAffinity, args: NodeAffinityArgsSchema });
  },
};

export default plugin;
