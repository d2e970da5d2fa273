/**
 * `@schedkit/plugin-filter-volume-restrictions`: kube-scheduler's VolumeRestrictions PreFilter and Filter.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { VolumeRestrictions, VolumeRestrictionsArgsSchema, VolumeRestrictionsName } from './volume-restrictions.js';

export * from './volume-restrictions.js';

/** Registers VolumeRestrictions. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-filter-volume-restrictions',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: VolumeRestrictionsName, plugin: VolumeRestrictions, args: VolumeRestrictionsArgsSchema });
  },
};

export default plugin;
