/**
 * `@schedkit/preset-default`: kube-scheduler v1.35's default profile for schedkit, its plugins, their order,
 * weights and default args, and a configuration loader that starts from them.
 * @packageDocumentation
 */
export { defaultConfiguration, loadDefaultConfiguration } from './configuration.js';
export { defaultPluginConfig, defaultPlugins } from './default-plugins.js';
export { defaultPluginModules, registerDefaultPlugins } from './modules.js';
export { defaultPreset } from './preset.js';
