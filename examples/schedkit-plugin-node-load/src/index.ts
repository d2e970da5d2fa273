/**
 * `@acme/schedkit-plugin-node-load`: an example asynchronous schedkit plugin that scores nodes by the load a
 * metrics service reports over HTTP.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { NodeLoad, NodeLoadArgsSchema, NodeLoadName } from './node-load.js';

export * from './node-load.js';

/** Registers NodeLoad. schedkit loads it by package name from a configuration's `plugins:` list. */
export const plugin: PluginModule = {
  name: '@acme/schedkit-plugin-node-load',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: NodeLoadName, plugin: NodeLoad, args: NodeLoadArgsSchema });
  },
};

export default plugin;
