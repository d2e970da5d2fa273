/**
 * `@schedkit/plugin-queue-sort-priority`: kube-scheduler's PrioritySort queue order.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { PrioritySort, PrioritySortArgsSchema, PrioritySortName } from './priority-sort.js';

export * from './priority-sort.js';

/** Registers PrioritySort. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-queue-sort-priority',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: PrioritySortName, plugin: PrioritySort, args: PrioritySortArgsSchema });
  },
};

export default plugin;
