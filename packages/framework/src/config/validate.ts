import { isDeepStrictEqual } from 'node:util';
import { childPath, type ConfigIssue } from './errors.js';
import {
  type PluginConfigEntry,
  PluginPoints,
  type PluginSet,
  type ProfileConfig,
  type SchedulerConfiguration,
  SchedulerConfigurationApiVersion,
} from './types.js';

/** The lowest score weight a configuration may give: kube reads 0 (and an absent weight) as 1. */
export const MinScoreWeight = 0;
/**
 * The highest score weight a configuration may give: any int32, as kube's v1 field is an int32 (kube's only
 * other bound is that the weighted total of all score plugins must not overflow int64, which int32 weights
 * times a node score of 100 cannot reach with fewer than 4 * 10⁷ plugins).
 */
export const MaxScoreWeight = 2_147_483_647;

/** In-tree plugins kube's v1 configuration rejects by name at the extension points and in pluginConfig. */
const removedPlugins = new Set(['AzureDiskLimits', 'CinderLimits', 'EBSLimits', 'GCEPDLimits']);

/**
 * Checks a configuration as kube's v1 validation does, plus schedkit's weight and duplicate rules; returns every
 * issue (empty when valid). Use it on configurations built in code; the loader runs the same checks.
 */
export function validateConfiguration(configuration: SchedulerConfiguration): ConfigIssue[] {
  return [
    ...settingIssues(configuration),
    ...configuration.profiles.flatMap((profile, index) => profileIssues(profile, `profiles[${index}]`)),
    ...crossProfileIssues(configuration.profiles),
  ];
}

/** Checks the global settings: parallelism, percentage of nodes to score, backoffs, plugin packages. */
export function settingIssues(configuration: SchedulerConfiguration): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!(configuration.parallelism > 0)) {
    issues.push({ path: 'parallelism', message: `Invalid value: ${configuration.parallelism}: should be an integer value greater than zero` });
  }
  checkPercentage(configuration.percentageOfNodesToScore, 'percentageOfNodesToScore', issues);
  if (!(configuration.podInitialBackoffSeconds > 0)) {
    issues.push({ path: 'podInitialBackoffSeconds', message: `Invalid value: ${configuration.podInitialBackoffSeconds}: must be greater than 0` });
  }
  if (configuration.podMaxBackoffSeconds < configuration.podInitialBackoffSeconds) {
    issues.push({ path: 'podMaxBackoffSeconds', message: `Invalid value: ${configuration.podMaxBackoffSeconds}: must be greater than or equal to PodInitialBackoffSeconds` });
  }
  const seen = new Map<string, number>();
  configuration.pluginPackages.forEach((ref, index) => {
    const path = `plugins[${index}]`;
    if (ref.specifier === '') issues.push({ path, message: 'must not be empty' });
    const first = seen.get(ref.specifier);
    if (first === undefined) seen.set(ref.specifier, index);
    else issues.push({ path, message: `duplicate plugin package "${ref.specifier}" (also plugins[${first}])` });
  });
  return issues;
}

/**
 * Checks one profile's own fields: a non-empty name, its percentage, no plugin enabled twice at a point,
 * score and multiPoint weights that are int32 values of at least 0 (0 means 1, as kube reads it), no plugin removed from v1, one pluginConfig entry
 * per plugin. `path` is the profile's path, e.g. `profiles[0]`.
 */
export function profileIssues(profile: ProfileConfig, path: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (profile.schedulerName === '') issues.push({ path: childPath(path, 'schedulerName'), message: 'is required' });
  if (profile.percentageOfNodesToScore !== undefined) {
    checkPercentage(profile.percentageOfNodesToScore, childPath(path, 'percentageOfNodesToScore'), issues);
  }
  for (const point of PluginPoints) {
    const enabled = profile.plugins[point]?.enabled ?? [];
    const enabledPath = `${path}.plugins.${point}.enabled`;
    const firstIndex = new Map<string, number>();
    enabled.forEach((entry, index) => {
      const entryPath = `${enabledPath}[${index}]`;
      const first = firstIndex.get(entry.name);
      if (first === undefined) firstIndex.set(entry.name, index);
      else issues.push({ path: `${entryPath}.name`, message: `duplicate plugin "${entry.name}" (also enabled[${first}])` });
      if (point !== 'multiPoint' && removedPlugins.has(entry.name)) {
        issues.push({ path: `${entryPath}.name`, message: removedMessage(entry.name) });
      }
      if ((point === 'score' || point === 'multiPoint') && entry.weight !== undefined) {
        const weightIssue = checkWeight(entry.weight);
        if (weightIssue) issues.push({ path: `${entryPath}.weight`, message: weightIssue });
      }
    });
  }
  issues.push(...pluginConfigIssues(profile.pluginConfig, path));
  return issues;
}

/** Checks what profiles must agree on: at least one, unique names, and one common queueSort configuration. */
export function crossProfileIssues(profiles: readonly ProfileConfig[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (profiles.length === 0) return [{ path: 'profiles', message: 'must have at least one profile' }];
  const firstByName = new Map<string, number>();
  profiles.forEach((profile, index) => {
    if (profile.schedulerName === '') return;
    const first = firstByName.get(profile.schedulerName);
    if (first === undefined) firstByName.set(profile.schedulerName, index);
    else {
      issues.push({
        path: `profiles[${index}].schedulerName`,
        message: `duplicate scheduler name "${profile.schedulerName}" (also profiles[${first}].schedulerName)`,
      });
    }
  });
  issues.push(...commonQueueSortIssues(profiles));
  return issues;
}

/**
 * kube's rule that every profile configures the queueSort point identically (after merging with the defaults),
 * and gives the first profile's queueSort plugin the same args wherever it has an entry for it.
 */
function commonQueueSortIssues(profiles: readonly ProfileConfig[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const canon = profiles[0]!.plugins.queueSort;
  const canonEnabled = canon?.enabled ?? [];
  if (canonEnabled.length > 1) {
    issues.push({
      path: 'profiles[0].plugins.queueSort.enabled',
      message: `only one queueSort plugin can be enabled, got ${canonEnabled.length}`,
    });
  }
  const queueSortName = canonEnabled[0]?.name;
  const canonArgs = queueSortName === undefined ? undefined : argsOf(profiles[0]!.pluginConfig, queueSortName);
  for (let i = 1; i < profiles.length; i++) {
    const profile = profiles[i]!;
    if (!samePluginSet(canon, profile.plugins.queueSort)) {
      issues.push({ path: `profiles[${i}].plugins.queueSort`, message: 'must be the same for all profiles' });
    }
    if (queueSortName === undefined) continue;
    profile.pluginConfig.forEach((entry, j) => {
      if (entry.name === queueSortName && !isDeepStrictEqual(entry.args, canonArgs)) {
        issues.push({
          path: `profiles[${i}].pluginConfig[${j}].args`,
          message: `args of queueSort plugin "${queueSortName}" must be the same for all profiles`,
        });
      }
    });
  }
  return issues;
}

function pluginConfigIssues(pluginConfig: readonly PluginConfigEntry[], path: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const firstIndex = new Map<string, number>();
  pluginConfig.forEach((entry, index) => {
    const namePath = `${path}.pluginConfig[${index}].name`;
    const first = firstIndex.get(entry.name);
    if (first === undefined) firstIndex.set(entry.name, index);
    else issues.push({ path: namePath, message: `duplicate config for plugin "${entry.name}" (also pluginConfig[${first}])` });
    if (removedPlugins.has(entry.name)) issues.push({ path: namePath, message: removedMessage(entry.name) });
  });
  return issues;
}

function checkPercentage(value: number, path: string, issues: ConfigIssue[]): void {
  if (!(value >= 0 && value <= 100)) issues.push({ path, message: `Invalid value: ${value}: not in valid range [0-100]` });
}

function checkWeight(weight: number): string | undefined {
  if (!Number.isInteger(weight)) return `Invalid value: ${weight}: must be an integer`;
  if (weight < MinScoreWeight) return `Invalid value: ${weight}: must be greater than or equal to 0 (0 means 1)`;
  if (weight > MaxScoreWeight) return `Invalid value: ${weight}: must fit in an int32 (at most ${MaxScoreWeight})`;
  return undefined;
}

function removedMessage(name: string): string {
  return `plugin "${name}" is no longer valid in ${SchedulerConfigurationApiVersion}`;
}

function argsOf(pluginConfig: readonly PluginConfigEntry[], name: string): unknown {
  return pluginConfig.find((entry) => entry.name === name)?.args;
}

/** Equality of two plugin sets as kube's semantic comparison sees it: an absent set equals an empty one, an absent weight equals 0. */
function samePluginSet(a: PluginSet | undefined, b: PluginSet | undefined): boolean {
  const enabledA = a?.enabled ?? [];
  const enabledB = b?.enabled ?? [];
  const disabledA = a?.disabled ?? [];
  const disabledB = b?.disabled ?? [];
  return (
    enabledA.length === enabledB.length &&
    disabledA.length === disabledB.length &&
    enabledA.every((entry, i) => entry.name === enabledB[i]!.name && (entry.weight ?? 0) === (enabledB[i]!.weight ?? 0)) &&
    disabledA.every((entry, i) => entry.name === disabledB[i]!.name)
  );
}
