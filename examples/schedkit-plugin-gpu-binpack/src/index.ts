/**
 * `@acme/schedkit-plugin-gpu-binpack`: an example third-party schedkit plugin that bin-packs GPU pods.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { GpuBinpack, GpuBinpackArgsSchema, GpuBinpackName } from './gpu-binpack.js';

export * from './gpu-binpack.js';

/** Registers GpuBinpack. schedkit loads it by package name from a configuration's `plugins:` list. */
export const plugin: PluginModule = {
  name: '@acme/schedkit-plugin-gpu-binpack',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: GpuBinpackName, plugin: GpuBinpack, args: GpuBinpackArgsSchema });
  },
};

export default plugin;
