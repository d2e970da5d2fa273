/**
 * `@schedkit/plugin-permit-coscheduling`: gang scheduling at Permit, with its QueueSort companion.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { Coscheduling, CoschedulingArgsSchema, CoschedulingName } from './coscheduling.js';

export * from './coscheduling.js';
export * from './pod-group.js';

/** Registers Coscheduling. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-permit-coscheduling',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: CoschedulingName, plugin: Coscheduling, args: CoschedulingArgsSchema });
  },
};

export default plugin;
