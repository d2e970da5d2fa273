import { type ExtensionPoint, ExtensionPoints } from '../plugins/extension-points.js';
import type { ExtenderConfig } from './extenders.js';

/** The only `apiVersion` a configuration may declare (kube-scheduler's v1 component config). */
export const SchedulerConfigurationApiVersion = 'kubescheduler.config.k8s.io/v1';
/** The `kind` a configuration must declare. */
export const SchedulerConfigurationKind = 'KubeSchedulerConfiguration';
/** The profile name kube gives a lone profile without one, and the scheduler name pods get by default. */
export const DefaultSchedulerName = 'default-scheduler';

/** A key of a profile's `plugins`: an extension point, or `multiPoint` (a plugin enabled at every point it implements). */
export type PluginPoint = ExtensionPoint | 'multiPoint';

/** Every key of a profile's `plugins`, `multiPoint` first (the order kube merges and lists them). */
export const PluginPoints: readonly PluginPoint[] = ['multiPoint', ...ExtensionPoints];

/** A plugin enabled at a point. */
export interface PluginRef {
  name: string;
  /** Score weight; kube reads an absent weight as 1. Ignored at points other than score and multiPoint. */
  weight?: number;
}

/** The plugins enabled and disabled at one point. */
export interface PluginSet {
  enabled: PluginRef[];
  /** Names removed from the defaults at this point; `*` removes every default (and, at an extension point, every multiPoint plugin). */
  disabled: { name: string }[];
}

/** A profile's `plugins`: a set per extension point plus `multiPoint`. Absent keys are empty sets. */
export type PluginsConfig = Partial<Record<PluginPoint, PluginSet>>;

/** Arguments for one plugin of a profile (validated later by the plugin's args schema). */
export interface PluginConfigEntry {
  name: string;
  args: unknown;
}

/** One scheduling profile: the plugins that serve pods whose `spec.schedulerName` is `schedulerName`. */
export interface ProfileConfig {
  schedulerName: string;
  plugins: PluginsConfig;
  pluginConfig: PluginConfigEntry[];
  /** The profile's own percentage of nodes to score; absent means the configuration's value applies. */
  percentageOfNodesToScore?: number;
}

/**
 * A plugin package to load, from schedkit's top-level `plugins:` list (an extension of kube's format):
 * `"@acme/schedkit-plugin-gpu"` or `["./local-plugin.js", { ...options }]`.
 */
export interface PluginPackageRef {
  /** A package name or a path; relative paths are relative to the configuration file ({@link SchedulerConfiguration.sourcePath}). */
  specifier: string;
  /** The second element of a `[specifier, options]` pair, handed to the package as is. */
  options?: unknown;
}

/** A complete, defaulted and validated scheduler configuration (kube's `KubeSchedulerConfiguration`, v1). */
export interface SchedulerConfiguration {
  apiVersion: typeof SchedulerConfigurationApiVersion;
  kind: typeof SchedulerConfigurationKind;
  /** Concurrency of Filter and Score across nodes (kube default 16). */
  parallelism: number;
  /** Percentage of nodes to find feasible before scoring; 0 means kube's adaptive percentage. */
  percentageOfNodesToScore: number;
  /** Backoff of a pod's first failed attempt (seconds, doubled per attempt). */
  podInitialBackoffSeconds: number;
  /** Upper bound of the backoff (seconds). */
  podMaxBackoffSeconds: number;
  profiles: ProfileConfig[];
  /** Plugin packages to load before building the profiles, in the order listed. */
  pluginPackages: PluginPackageRef[];
  /** HTTP extenders every profile calls, in the order written (kube's `extenders`); absent means none. */
  extenders?: ExtenderConfig[];
  /** Absolute path of the file the configuration was read from, if any. */
  sourcePath?: string;
}
