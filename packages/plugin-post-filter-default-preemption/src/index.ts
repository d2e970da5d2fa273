/**
 * `@schedkit/plugin-post-filter-default-preemption`: kube-scheduler's DefaultPreemption.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { DefaultPreemption, DefaultPreemptionArgsSchema, DefaultPreemptionName } from './default-preemption.js';

export * from './default-preemption.js';
export * from './pdb.js';
export * from './victims.js';

/** Registers DefaultPreemption. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-post-filter-default-preemption',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: DefaultPreemptionName, plugin: DefaultPreemption, args: DefaultPreemptionArgsSchema });
  },
};

export default plugin;
