import { isDeepStrictEqual } from 'node:util';
import { type ExtensionPoint, ExtensionPoints } from '../plugins/extension-points.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { documentPathOr } from './provenance.js';
import type { PluginConfigEntry, PluginRef, PluginsConfig } from './types.js';

/** A plugin as it runs at one extension point. */
export interface ExpandedPlugin {
  name: string;
  /** The score weight (absent or 0 in the configuration reads as 1, as kube reads it). Only score uses it. */
  weight: number;
}

/** The plugins that run at each extension point, in order. */
export type ExpandedPlugins = Record<ExtensionPoint, ExpandedPlugin[]>;

/**
 * Explains why plugin `name` does not serve `point` (or, without `point`, any point): text appended to the
 * error, starting with ": ". The runtime gives one, as it has the plugin instances.
 */
export type MissingMethodExplainer = (name: string, point?: ExtensionPoint) => string;

/**
 * Resolves a profile's (merged) plugins into the list each extension point runs, as kube's framework does when it
 * expands multiPoint:
 * - a point's own enabled list must name plugins that implement the point, each once;
 * - disabled `*` at a point keeps only the point's own list there; a disabled name drops that multiPoint plugin there;
 * - every multiPoint plugin that implements the point joins it, unless the point's own list names it: then the
 *   point's entry wins (its position and its weight);
 * - order: the point's own entries that override a multiPoint plugin (in the point's order), then the multiPoint
 *   plugins (in multiPoint order), then the point's other entries;
 * - a multiPoint plugin enabled twice is an error if it would run twice at some point (not where the point
 *   disables it or names it itself).
 * A weight comes from the point's own entry when there is one, else from the multiPoint entry.
 *
 * `implementsPoint` answers for known plugins; an unknown name is treated as implementing nothing (check names
 * first with checkKnownPlugins). `path` prefixes the issue paths of entries built in code (entries read from a
 * file are named by their path in the file). With `explainMissing`, a multiPoint plugin that serves no point is
 * an error too, and each such error says which method is missing.
 * @throws ConfigError listing every problem found.
 */
export function expandPlugins(
  plugins: PluginsConfig,
  implementsPoint: (name: string, point: ExtensionPoint) => boolean,
  path = 'plugins',
  explainMissing?: MissingMethodExplainer,
): ExpandedPlugins {
  const issues: ConfigIssue[] = [];
  const multiPoint = plugins.multiPoint?.enabled ?? [];
  const multiPointPath = (index: number) => entryPath(multiPoint, index, `${path}.multiPoint.enabled`);
  const reportedDuplicates = new Set<number>();
  const expanded = {} as ExpandedPlugins;
  for (const point of ExtensionPoints) {
    const own = plugins[point]?.enabled ?? [];
    const disabled = new Set((plugins[point]?.disabled ?? []).map((entry) => entry.name));

    const ownPath = (index: number) => entryPath(own, index, `${path}.${point}.enabled`);
    const ownByName = new Map<string, PluginRef>();
    const ownFirstIndex = new Map<string, number>();
    own.forEach((ref, index) => {
      if (!implementsPoint(ref.name, point)) {
        const hint = explainMissing?.(ref.name, point) ?? '';
        issues.push({ path: `${ownPath(index)}.name`, message: `plugin "${ref.name}" does not implement the ${point} extension point${hint}` });
      }
      const first = ownFirstIndex.get(ref.name);
      if (first !== undefined) {
        issues.push({ path: `${ownPath(index)}.name`, message: `duplicate plugin "${ref.name}" (also ${ownPath(first)})` });
        return;
      }
      ownFirstIndex.set(ref.name, index);
      ownByName.set(ref.name, ref);
    });

    let ordered: PluginRef[];
    if (disabled.has('*')) {
      ordered = [...ownByName.values()];
    } else {
      const overriding = new Set<string>();
      const fromMultiPoint = new Map<string, PluginRef>();
      const multiPointFirstIndex = new Map<string, number>();
      multiPoint.forEach((ref, index) => {
        if (!implementsPoint(ref.name, point) || disabled.has(ref.name)) return;
        if (ownByName.has(ref.name)) {
          overriding.add(ref.name);
          return;
        }
        const first = multiPointFirstIndex.get(ref.name);
        if (first !== undefined) {
          // Reported once, though the duplicate breaks every point where it would run.
          if (!reportedDuplicates.has(index)) {
            reportedDuplicates.add(index);
            issues.push({ path: `${multiPointPath(index)}.name`, message: `duplicate plugin "${ref.name}" (also ${multiPointPath(first)})` });
          }
          return;
        }
        multiPointFirstIndex.set(ref.name, index);
        fromMultiPoint.set(ref.name, ref);
      });
      const ownEntries = [...ownByName.values()];
      ordered = [
        ...ownEntries.filter((ref) => overriding.has(ref.name)),
        ...fromMultiPoint.values(),
        ...ownEntries.filter((ref) => !overriding.has(ref.name)),
      ];
    }
    expanded[point] = ordered.map((ref) => ({ name: ref.name, weight: effectiveWeight(ref.weight) }));
  }
  if (explainMissing) {
    // A multiPoint plugin that serves no point at all is an authoring mistake (a misspelt method), not a choice.
    multiPoint.forEach((ref, index) => {
      if (ExtensionPoints.some((point) => implementsPoint(ref.name, point))) return;
      const hint = explainMissing(ref.name);
      issues.push({ path: `${multiPointPath(index)}.name`, message: `plugin "${ref.name}" is enabled in multiPoint but implements no extension point${hint}` });
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return expanded;
}

/**
 * The checks kube makes once a profile's plugins are expanded: exactly one queueSort plugin and at least one
 * bind plugin. `path` is the profile's plugins path, e.g. `profiles[0].plugins`.
 * @throws ConfigError naming the point.
 */
export function validateExpanded(expanded: ExpandedPlugins, path = 'plugins'): void {
  const issues: ConfigIssue[] = [];
  const queueSort = expanded.queueSort;
  if (queueSort.length === 0) {
    issues.push({ path: `${path}.queueSort`, message: 'no queueSort plugin is enabled' });
  } else if (queueSort.length > 1) {
    issues.push({
      path: `${path}.queueSort`,
      message: `only one queueSort plugin can be enabled, got ${queueSort.length}: ${queueSort.map((p) => p.name).join(', ')}`,
    });
  }
  if (expanded.bind.length === 0) issues.push({ path: `${path}.bind`, message: 'at least one bind plugin must be enabled' });
  if (issues.length > 0) throw new ConfigError(issues);
}

/** One profile's expanded plugins and plugin config, as {@link validateCommonQueueSort} compares them. */
export interface ExpandedProfile {
  expanded: ExpandedPlugins;
  pluginConfig: readonly PluginConfigEntry[];
}

/**
 * kube's rule across profiles once they are expanded: every profile sorts the queue with the same plugin, given
 * the same args (one queue serves them all). `profiles[i]` in the issues is the position in `profiles`.
 * @throws ConfigError naming each profile that differs from the first.
 */
export function validateCommonQueueSort(profiles: readonly ExpandedProfile[]): void {
  const first = profiles[0];
  if (!first) return;
  const name = first.expanded.queueSort[0]?.name;
  const args = argsOf(first.pluginConfig, name);
  const issues: ConfigIssue[] = [];
  profiles.forEach((profile, i) => {
    if (i === 0) return;
    const own = profile.expanded.queueSort[0]?.name;
    if (own !== name) {
      issues.push({
        path: `profiles[${i}].plugins.queueSort`,
        message: `queueSort plugin must be the same for all profiles: profiles[0] uses "${name ?? ''}", this one "${own ?? ''}"`,
      });
    } else if (!isDeepStrictEqual(argsOf(profile.pluginConfig, own), args)) {
      issues.push({
        path: `profiles[${i}].pluginConfig`,
        message: `args of queueSort plugin "${own}" must be the same for all profiles`,
      });
    }
  });
  if (issues.length > 0) throw new ConfigError(issues);
}

/** The path of `list[index]`: its place in the file when it was read from one, else its place in `listPath`. */
function entryPath(list: readonly PluginRef[], index: number, listPath: string): string {
  return documentPathOr(list[index]!, `${listPath}[${index}]`);
}

function effectiveWeight(weight: number | undefined): number {
  return weight === undefined || weight === 0 ? 1 : weight;
}

function argsOf(pluginConfig: readonly PluginConfigEntry[], name: string | undefined): unknown {
  return name === undefined ? undefined : pluginConfig.find((entry) => entry.name === name)?.args;
}
