/**
 * `@schedkit/plugin-filter-volume-binding`: kube-scheduler's VolumeBinding PreFilter, Filter, Reserve and PreBind.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { VolumeBinding, VolumeBindingArgsSchema, VolumeBindingName } from './volume-binding.js';

export * from './assume-cache.js';
export * from './binder.js';
export * from './volume-binding.js';

/** Registers VolumeBinding. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-filter-volume-binding',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: VolumeBindingName, plugin: VolumeBinding, args: VolumeBindingArgsSchema });
  },
};

export default plugin;
