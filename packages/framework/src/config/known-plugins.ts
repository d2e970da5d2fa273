import type { ConfigIssue } from './errors.js';
import { unknownPluginMessage } from '../registry/authoring-errors.js';
import { originOf } from './provenance.js';
import { PluginPoints, type ProfileConfig } from './types.js';

/** The plugins a registry knows (a {@link Registry} is one). */
export interface KnownPlugins {
  has(name: string): boolean;
  names(): readonly string[];
}

/**
 * Reports every plugin a profile names that `known` (a Registry) does not know: enabled entries at each
 * point as `profiles[i].plugins.<point>.enabled[j].name: unknown plugin "X"` and pluginConfig entries as
 * `profiles[i].pluginConfig[j].name: unknown plugin "X"`. Entries read from a file are named by their path in the
 * file; a plugin that only the defaults enable is reported once per point as `profiles[i].plugins.<point>: unknown
 * plugin "X" (enabled by the default plugins)`. Disabled names are not checked (disabling an absent plugin is
 * harmless, as in kube). Each message suggests the closest known name and says where plugins come from. Returns
 * the issues; empty when every name is known.
 */
export function checkKnownPlugins(profile: ProfileConfig, known: KnownPlugins, profileIndex: number): ConfigIssue[] {
  const isKnown = (name: string): boolean => known.has(name);
  const unknown = (name: string, note?: string): string => unknownPluginMessage(name, known.names(), note);
  const issues: ConfigIssue[] = [];
  const profilePath = `profiles[${profileIndex}]`;
  for (const point of PluginPoints) {
    const pointPath = `${profilePath}.plugins.${point}`;
    (profile.plugins[point]?.enabled ?? []).forEach((ref, index) => {
      if (isKnown(ref.name)) return;
      const origin = originOf(ref);
      if (origin === 'defaults') {
        issues.push({ path: pointPath, message: unknown(ref.name, 'enabled by the default plugins') });
      } else {
        const path = origin?.path ?? `${pointPath}.enabled[${index}]`;
        issues.push({ path: `${path}.name`, message: unknown(ref.name) });
      }
    });
  }
  profile.pluginConfig.forEach((entry, index) => {
    const origin = originOf(entry);
    // Default args exist only for enabled plugins, which are reported above.
    if (isKnown(entry.name) || origin === 'defaults') return;
    const path = origin?.path ?? `${profilePath}.pluginConfig[${index}]`;
    issues.push({ path: `${path}.name`, message: unknown(entry.name) });
  });
  return issues;
}
