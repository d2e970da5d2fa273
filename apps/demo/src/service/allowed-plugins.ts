import { loadConfigurationFile } from '@schedkit/framework';
import { defaultPluginConfig, defaultPlugins } from '@schedkit/preset-default';
import { InputError } from '../errors.js';

/** Whether `specifier` matches one of `patterns` (package names, `*` matching any run of characters). */
export function pluginAllowed(specifier: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`).test(specifier));
}

/**
 * Refuses a configuration naming a plugin package outside `--allowed-plugins`, before anything is imported: a
 * plugin package runs with the scheduler's rights. No list allows every package (as `simulate` does).
 * @throws InputError naming the file, the entry and the package.
 */
export async function checkAllowedPlugins(file: string, patterns: readonly string[] | undefined): Promise<void> {
  if (!patterns) return;
  const configuration = await loadConfigurationFile(file, { defaultPlugins, defaultPluginConfig });
  for (const [index, ref] of configuration.pluginPackages.entries()) {
    if (!pluginAllowed(ref.specifier, patterns)) {
      throw new InputError(`${file}: plugins[${index}]: package "${ref.specifier}" is not allowed by --allowed-plugins (${patterns.join(', ') || 'empty'})`);
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
}
