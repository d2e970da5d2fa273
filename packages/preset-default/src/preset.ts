import type { Preset } from '@schedkit/framework/testing';
import { defaultPluginConfig, defaultPlugins } from './default-plugins.js';
import { defaultPluginModules } from './modules.js';

/**
 * kube's default profile as one value: its plugin modules, plugins and default args. `schedulePods` of
 * `@schedkit/framework/testing` starts from it (`schedulePods({ preset: defaultPreset, plugins: [plugin], ... })`).
 */
export const defaultPreset: Preset = Object.freeze({ modules: defaultPluginModules, defaultPlugins, defaultPluginConfig });
