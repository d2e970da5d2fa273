/**
 * Injection tokens a plugin constructor asks for with `@inject(...)`. They are strings so that they stay equal
 * even if a bundler ever duplicates this module.
 */
export const Tokens = {
  /** The framework {@link Handle} of the profile the plugin belongs to. */
  Handle: 'schedkit:Handle',
  /** The plugin's validated args (its `pluginConfig` entry after its schema parsed it). */
  Args: 'schedkit:PluginArgs',
  /** The plugin's configured name. */
  Name: 'schedkit:PluginName',
} as const;
