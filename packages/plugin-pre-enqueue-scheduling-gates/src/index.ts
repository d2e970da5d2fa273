/**
 * `@schedkit/plugin-pre-enqueue-scheduling-gates`: kube-scheduler's SchedulingGates PreEnqueue plugin.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { SchedulingGates, SchedulingGatesArgsSchema, SchedulingGatesName } from './scheduling-gates.js';

export * from './scheduling-gates.js';

/** Registers SchedulingGates. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-pre-enqueue-scheduling-gates',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: SchedulingGatesName, plugin: SchedulingGates, args: SchedulingGatesArgsSchema });
  },
};

export default plugin;
