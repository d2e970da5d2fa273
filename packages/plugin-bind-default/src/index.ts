/**
 * `@schedkit/plugin-bind-default`: kube-scheduler's DefaultBinder.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { DefaultBinder, DefaultBinderArgsSchema, DefaultBinderName } from './default-binder.js';

export * from './default-binder.js';

/** Registers DefaultBinder. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-bind-default',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: DefaultBinderName, plugin: DefaultBinder, args: DefaultBinderArgsSchema });
  },
};

export default plugin;
