import type { ConfigIssue } from './errors.js';
import { originOf } from './provenance.js';
import { PluginPoints, type PluginSet, type ProfileConfig, type SchedulerConfiguration } from './types.js';

/**
 * Reports every plugin a profile names that `isKnown` does not know (a registry's `has`): enabled entries at each
 * point as `profiles[i].plugins.<point>.enabled[j].name: unknown plugin "X"` and pluginConfig entries as
 * `profiles[i].pluginConfig[j].name: unknown plugin "X"`. Entries read from a file are named by their path in the
 * file; a plugin that only the defaults enable is reported once per point as `profiles[i].plugins.<point>: unknown
 * plugin "X" (enabled by the default plugins)`. Disabled names are not checked (disabling an absent plugin is
 * harmless, as in kube). Returns the issues; empty when every name is known.
 */
export function checkKnownPlugins(
  profile: ProfileConfig,
  isKnown: (name: string) => boolean,
  profileIndex: number,
  knownNames: readonly string[] = [],
): ConfigIssue[] {
  const unknownMessage = (name: string): string => {
    const suggestion = closestName(name, [...knownNames, ...KubePluginNames]);
    return `unknown plugin "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
  };
  const issues: ConfigIssue[] = [];
  const profilePath = `profiles[${profileIndex}]`;
  for (const point of PluginPoints) {
    const pointPath = `${profilePath}.plugins.${point}`;
    (profile.plugins[point]?.enabled ?? []).forEach((ref, index) => {
      if (isKnown(ref.name)) return;
      const origin = originOf(ref);
      if (origin === 'defaults') {
        issues.push({ path: pointPath, message: `unknown plugin "${ref.name}" (enabled by the default plugins)` });
      } else {
        const path = origin?.path ?? `${pointPath}.enabled[${index}]`;
        issues.push({ path: `${path}.name`, message: unknownMessage(ref.name) });
      }
    });
  }
  profile.pluginConfig.forEach((entry, index) => {
    const origin = originOf(entry);
    // Default args exist only for enabled plugins, which are reported above.
    if (isKnown(entry.name) || origin === 'defaults') return;
    const path = origin?.path ?? `${profilePath}.pluginConfig[${index}]`;
    issues.push({ path: `${path}.name`, message: unknownMessage(entry.name) });
  });
  return issues;
}

/**
 * kube-scheduler v1.35's in-tree plugins that schedkit does not implement yet. A configuration that names them
 * loads (kube's own configurations and `--write-config-to` output name them), without them: see
 * {@link withoutUnimplementedPlugins}. A name drops out of effect as soon as a registry has a plugin by that name,
 * so when a plugin package registers one of these it simply runs.
 */
export const UnimplementedKubePlugins: readonly string[] = ['VolumeBinding', 'VolumeRestrictions', 'VolumeZone', 'NodeVolumeLimits', 'DynamicResources'];

/** Every in-tree plugin name of kube-scheduler v1.35 (for "did you mean" suggestions). */
export const KubePluginNames: readonly string[] = [
  'PrioritySort',
  'SchedulingGates',
  'NodeUnschedulable',
  'NodeName',
  'TaintToleration',
  'NodeAffinity',
  'NodePorts',
  'NodeResourcesFit',
  'NodeResourcesBalancedAllocation',
  'ImageLocality',
  'InterPodAffinity',
  'PodTopologySpread',
  'DefaultPreemption',
  'DefaultBinder',
  ...UnimplementedKubePlugins,
];

/** What a configuration names among {@link UnimplementedKubePlugins} that `isRegistered` does not have, sorted. */
export function unimplementedPluginsIn(configuration: Pick<SchedulerConfiguration, 'profiles'>, isRegistered: (name: string) => boolean): string[] {
  const found = new Set<string>();
  for (const profile of configuration.profiles) {
    for (const point of PluginPoints) for (const ref of profile.plugins[point]?.enabled ?? []) if (isUnimplemented(ref.name, isRegistered)) found.add(ref.name);
    for (const entry of profile.pluginConfig) if (isUnimplemented(entry.name, isRegistered)) found.add(entry.name);
  }
  return [...found].sort();
}

/**
 * The profile without the {@link UnimplementedKubePlugins} that `isRegistered` does not have (at every point and
 * in pluginConfig); the same profile object when it names none. The Framework builds profiles through this, so a
 * kube configuration naming VolumeBinding runs with the plugins schedkit has.
 */
export function withoutUnimplementedPlugins(profile: ProfileConfig, isRegistered: (name: string) => boolean): ProfileConfig {
  if (unimplementedPluginsIn({ profiles: [profile] }, isRegistered).length === 0) return profile;
  const keep = (name: string): boolean => !isUnimplemented(name, isRegistered);
  const plugins: ProfileConfig['plugins'] = {};
  for (const point of PluginPoints) {
    const set: PluginSet | undefined = profile.plugins[point];
    if (!set) continue;
    plugins[point] = { ...set, enabled: (set.enabled ?? []).filter((ref) => keep(ref.name)) };
  }
  return { ...profile, plugins, pluginConfig: profile.pluginConfig.filter((entry) => keep(entry.name)) };
}

/** The one-line warning for the plugins {@link unimplementedPluginsIn} found (undefined when there are none). */
export function unimplementedPluginsWarning(names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  return `kube plugins schedkit does not have yet are left out: ${names.join(', ')}; decisions ignore what they check (volume binding, volume topology and attach limits, conflicting volumes, dynamic resource claims)`;
}

function isUnimplemented(name: string, isRegistered: (name: string) => boolean): boolean {
  return UnimplementedKubePlugins.includes(name) && !isRegistered(name);
}

/** The known name closest to `name` by edit distance (case-insensitive), when it is close enough to be a typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of new Set(known)) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
