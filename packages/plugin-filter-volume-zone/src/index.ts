/**
 * `@schedkit/plugin-filter-volume-zone`: kube-scheduler's VolumeZone PreFilter and Filter.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { VolumeZone, VolumeZoneArgsSchema, VolumeZoneName } from './volume-zone.js';

export * from './volume-zone.js';

/** Registers VolumeZone. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-filter-volume-zone',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: VolumeZoneName, plugin: VolumeZone, args: VolumeZoneArgsSchema });
  },
};

export default plugin;
