/**
 * `@schedkit/plugin-score-image-locality`: kube-scheduler's ImageLocality Score.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { ImageLocality, ImageLocalityArgsSchema, ImageLocalityName } from './image-locality.js';

export * from './image-locality.js';
export * from './scoring.js';

/** Registers ImageLocality. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-score-image-locality',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: ImageLocalityName, plugin: ImageLocality, args: ImageLocalityArgsSchema });
  },
};

export default plugin;
