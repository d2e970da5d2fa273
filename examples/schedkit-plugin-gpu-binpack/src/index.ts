/**
 * `@acme/schedkit-plugin-gpu-binpack`: an example third-party schedkit plugin that bin-packs GPU pods.
 * @packageDocumentation
 */
import { definePlugin } from '@schedkit/framework';
import { GpuBinpack, GpuBinpackArgsSchema, GpuBinpackName } from './gpu-binpack.js';

export * from './gpu-binpack.js';

/** Registers GpuBinpack. schedkit loads it by package name from a configuration's `plugins:` list. */
export const plugin = definePlugin({
  packageName: '@acme/schedkit-plugin-gpu-binpack',
  name: GpuBinpackName,
  frameworkRange: '^0.1.0',
  args: GpuBinpackArgsSchema,
  plugin: GpuBinpack,
});

export default plugin;
