/**
 * `@schedkit/plugin-filter-taint-toleration`: kube-scheduler's TaintToleration Filter, PreScore and Score.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { TaintToleration, TaintTolerationArgsSchema, TaintTolerationName } from './taint-toleration.js';

export * from './taint-toleration.js';

/** Registers TaintToleration. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-filter-taint-toleration',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: TaintTolerationName, plugin: TaintToleration, args: TaintTolerationArgsSchema });
  },
};

export default plugin;
