import { recordOrigin } from './provenance.js';
import { type PluginConfigEntry, type PluginPoint, PluginPoints, type PluginRef, type PluginSet, type PluginsConfig } from './types.js';

/** kube's v1 default `parallelism`. */
export const DefaultParallelism = 16;
/** kube's v1 default `percentageOfNodesToScore`: 0, the adaptive percentage. */
export const DefaultPercentageOfNodesToScore = 0;
/** kube's v1 default `podInitialBackoffSeconds`. */
export const DefaultPodInitialBackoffSeconds = 1;
/** kube's v1 default `podMaxBackoffSeconds`. */
export const DefaultPodMaxBackoffSeconds = 10;

/**
 * Merges a profile's plugins into the defaults, point by point, as kube's v1 defaulting does: at each point,
 * disabled `*` drops every default, a disabled name drops that default, an enabled entry naming a default replaces
 * it in place (keeping the default's position, taking the entry's weight), and other enabled entries follow the
 * defaults in the order written. Disabled lists are kept (custom first, then the defaults' own), because
 * multiPoint expansion reads them later. Points empty on both sides are left out.
 */
export function mergePlugins(defaults: PluginsConfig | undefined, custom: PluginsConfig | undefined): PluginsConfig {
  const merged: PluginsConfig = {};
  for (const point of PluginPoints) {
    const set = mergePluginSet(defaults?.[point], custom?.[point]);
    if (set.enabled.length > 0 || set.disabled.length > 0) merged[point] = set;
  }
  return merged;
}

/** kube's mergePluginSet for one point; see {@link mergePlugins}. */
export function mergePluginSet(defaults: PluginSet | undefined, custom: PluginSet | undefined): PluginSet {
  const disabled = [...(custom?.disabled ?? []), ...(defaults?.disabled ?? [])].map((entry) => ({ name: entry.name }));
  const disabledNames = new Set(disabled.map((entry) => entry.name));
  const customEnabled = custom?.enabled ?? [];
  // As Go's map does, a name enabled twice resolves to its last entry.
  const customIndexByName = new Map(customEnabled.map((entry, index) => [entry.name, index]));

  const enabled: PluginRef[] = [];
  const replaced = new Set<number>();
  if (!disabledNames.has('*')) {
    for (const entry of defaults?.enabled ?? []) {
      if (disabledNames.has(entry.name)) continue;
      const customIndex = customIndexByName.get(entry.name);
      if (customIndex === undefined) {
        enabled.push(copyDefault(entry));
      } else {
        enabled.push(customEnabled[customIndex]!);
        replaced.add(customIndex);
      }
    }
  }
  customEnabled.forEach((entry, index) => {
    if (!replaced.has(index)) enabled.push(entry);
  });
  return { enabled, disabled };
}

/**
 * The profile's plugin config completed with the defaults: entries written are kept as they are, and each plugin
 * enabled at any point that has no entry gets its default entry (when `defaults` has one), appended in name order
 * as kube does. Default args are deep-copied, so profiles never share them.
 */
export function withDefaultPluginConfig(
  plugins: PluginsConfig,
  pluginConfig: readonly PluginConfigEntry[],
  defaults: readonly PluginConfigEntry[],
): PluginConfigEntry[] {
  const result = [...pluginConfig];
  if (defaults.length === 0) return result;
  const configured = new Set(pluginConfig.map((entry) => entry.name));
  const defaultByName = new Map(defaults.map((entry) => [entry.name, entry]));
  for (const name of [...enabledNames(plugins)].sort()) {
    const entry = defaultByName.get(name);
    if (configured.has(name) || entry === undefined) continue;
    const copy: PluginConfigEntry = { name, args: structuredClone(entry.args) };
    recordOrigin(copy, 'defaults');
    result.push(copy);
  }
  return result;
}

/** Every plugin name enabled at some point of `plugins`. */
export function enabledNames(plugins: PluginsConfig): Set<string> {
  const names = new Set<string>();
  for (const point of Object.keys(plugins) as PluginPoint[]) {
    for (const entry of plugins[point]?.enabled ?? []) names.add(entry.name);
  }
  return names;
}

function copyDefault(entry: PluginRef): PluginRef {
  const copy: PluginRef = entry.weight === undefined ? { name: entry.name } : { name: entry.name, weight: entry.weight };
  recordOrigin(copy, 'defaults');
  return copy;
}
