/**
 * `@schedkit/plugin-filter-node-resources-fit`: kube-scheduler's NodeResourcesFit PreFilter, Filter, PreScore and
 * Score. The resource-allocation helpers it shares with NodeResourcesBalancedAllocation are the framework's
 * (`podResourceRequestList`, `fillAllocatableAndRequested`, `requestsNothing`, `ResourceSpec`).
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { NodeResourcesFitArgsSchema } from './args.js';
import { NodeResourcesFit, NodeResourcesFitName } from './node-resources-fit.js';

export * from './args.js';
export * from './fits.js';
export * from './node-resources-fit.js';
export * from './scorers.js';

/** Registers NodeResourcesFit. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-filter-node-resources-fit',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: NodeResourcesFitName, plugin: NodeResourcesFit, args: NodeResourcesFitArgsSchema });
  },
};

export default plugin;
