/**
 * `@schedkit/plugin-filter-node-ports`: kube-scheduler's NodePorts PreFilter and Filter.
 * @packageDocumentation
 */
import type { PluginModule } from '@schedkit/framework';
import { NodePorts, NodePortsArgsSchema, NodePortsName } from './node-ports.js';

export * from './host-ports.js';
export * from './node-ports.js';

/** Registers NodePorts. */
export const plugin: PluginModule = {
  name: '@schedkit/plugin-filter-node-ports',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: NodePortsName, plugin: NodePorts, args: NodePortsArgsSchema });
  },
};

export default plugin;
