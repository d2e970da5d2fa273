import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import {
  DefaultParallelism,
  DefaultPercentageOfNodesToScore,
  DefaultPodInitialBackoffSeconds,
  DefaultPodMaxBackoffSeconds,
  mergePlugins,
  withDefaultPluginConfig,
} from './defaults.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { recordOrigin } from './provenance.js';
import { checkDocumentShape, type ConfigurationDocument, type PluginsDocument, type ProfileDocument } from './schema.js';
import {
  DefaultSchedulerName,
  type PluginConfigEntry,
  type PluginPackageRef,
  PluginPoints,
  type PluginRef,
  type PluginsConfig,
  type ProfileConfig,
  type SchedulerConfiguration,
  SchedulerConfigurationApiVersion,
  SchedulerConfigurationKind,
} from './types.js';
import { crossProfileIssues, profileIssues, settingIssues } from './validate.js';

/** The defaults merged into every profile (kube's are its default plugins and their default args). */
export interface ConfigurationDefaults {
  /** Plugins every profile starts from; a profile's `plugins` is merged into them as kube merges. */
  defaultPlugins?: PluginsConfig;
  /** Default args, added to a profile for each enabled plugin that has no pluginConfig entry. */
  defaultPluginConfig?: readonly PluginConfigEntry[];
}

/** How to read a configuration. */
export interface ParseConfigurationOptions extends ConfigurationDefaults {
  /** The name errors give the configuration (usually the file name as the user wrote it). */
  file?: string;
  /** Recorded as the result's `sourcePath`, against which relative plugin package specifiers resolve. */
  sourcePath?: string;
}

/**
 * Reads a KubeSchedulerConfiguration (v1) from YAML or JSON text, applies kube's v1 defaults, merges each profile
 * with `defaultPlugins`, and validates it.
 *
 * `apiVersion: kubescheduler.config.k8s.io/v1` and `kind: KubeSchedulerConfiguration` are required, as kube
 * requires them. Unknown fields are errors; kube's process fields (leaderElection, clientConnection,
 * healthzBindAddress, metricsBindAddress, enableProfiling, enableContentionProfiling, delayCacheUntilActive) are
 * accepted and ignored; a non-empty `extenders` is an error, as schedkit has no extenders. The top-level
 * `plugins:` list (schedkit's extension) names plugin packages to load.
 *
 * @throws ConfigError listing every problem, each with its path (or line and column for a syntax error).
 */
export function parseConfiguration(text: string, options: ParseConfigurationOptions = {}): SchedulerConfiguration {
  return configurationFromDocument(parseText(text, options.file), options);
}

/**
 * Reads a configuration file (see {@link parseConfiguration}) and records its absolute path as `sourcePath`.
 * Errors name the file as `path` was given.
 * @throws ConfigError when the file cannot be read or the configuration is invalid.
 */
export async function loadConfigurationFile(path: string, options: ConfigurationDefaults = {}): Promise<SchedulerConfiguration> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([{ path: '', message: readFailure(error) }], path);
  }
  return parseConfiguration(text, { ...options, file: path, sourcePath: resolve(path) });
}

/**
 * Builds a configuration from an already parsed document (a plain object shaped like the file), with the same
 * checks and defaults as {@link parseConfiguration}.
 * @throws ConfigError listing every problem.
 */
export function configurationFromDocument(input: unknown, options: ParseConfigurationOptions = {}): SchedulerConfiguration {
  if (input === null || input === undefined) throw new ConfigError([{ path: '', message: 'the configuration is empty' }], options.file);
  const shape = checkDocumentShape(input);
  if ('issues' in shape) throw new ConfigError(shape.issues, options.file);
  const document = shape.document;

  const written = profilesAsWritten(document.profiles ?? []);
  const configuration: SchedulerConfiguration = {
    apiVersion: SchedulerConfigurationApiVersion,
    kind: SchedulerConfigurationKind,
    parallelism: document.parallelism ?? DefaultParallelism,
    percentageOfNodesToScore: document.percentageOfNodesToScore ?? DefaultPercentageOfNodesToScore,
    podInitialBackoffSeconds: document.podInitialBackoffSeconds ?? DefaultPodInitialBackoffSeconds,
    podMaxBackoffSeconds: document.podMaxBackoffSeconds ?? DefaultPodMaxBackoffSeconds,
    profiles: written.map((profile) => withDefaults(profile, options)),
    pluginPackages: (document.plugins ?? []).map(packageRef),
  };
  if (options.sourcePath !== undefined) configuration.sourcePath = options.sourcePath;

  // Entry checks run on the profiles as written, so that paths index the user's lists, not the merged ones.
  const issues: ConfigIssue[] = [
    ...unsupportedIssues(document),
    ...argsTypeIssues(document.profiles ?? []),
    ...settingIssues(configuration),
    ...written.flatMap((profile, index) => profileIssues(profile, `profiles[${index}]`)),
    ...crossProfileIssues(configuration.profiles),
  ];
  if (issues.length > 0) throw new ConfigError(issues, options.file);
  return configuration;
}

/** Parses YAML (JSON is YAML too); a syntax error names its line and column. */
function parseText(text: string, file: string | undefined): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        const message = error.code === 'MULTIPLE_DOCS' ? 'a configuration holds a single document' : error.message;
        return { path: `line ${line}, column ${col}`, message };
      }),
      file,
    );
  }
  try {
    return document.toJS();
  } catch (error) {
    throw new ConfigError([{ path: '', message: error instanceof Error ? error.message : String(error) }], file);
  }
}

/**
 * The profiles as written, in the shape of {@link ProfileConfig} but without defaults: none written means kube's
 * single empty profile, and a lone profile without a name is `default-scheduler` (kube names no profile when there
 * are several; validation then asks for the names). Each plugin entry records its document path.
 */
function profilesAsWritten(profiles: readonly ProfileDocument[]): ProfileConfig[] {
  const documents: readonly ProfileDocument[] = profiles.length > 0 ? profiles : [{}];
  return documents.map((document, index) => {
    const path = `profiles[${index}]`;
    const schedulerName = document.schedulerName ?? (documents.length === 1 ? DefaultSchedulerName : '');
    const profile: ProfileConfig = {
      schedulerName,
      plugins: pluginsAsWritten(document.plugins, `${path}.plugins`),
      pluginConfig: (document.pluginConfig ?? []).map((entry, j) => {
        const copy: PluginConfigEntry = { name: entry.name, args: withoutTypeMeta(entry.args) };
        recordOrigin(copy, { path: `${path}.pluginConfig[${j}]` });
        return copy;
      }),
    };
    if (document.percentageOfNodesToScore != null) profile.percentageOfNodesToScore = document.percentageOfNodesToScore;
    return profile;
  });
}

function pluginsAsWritten(plugins: PluginsDocument | null | undefined, path: string): PluginsConfig {
  const result: PluginsConfig = {};
  if (!plugins) return result;
  for (const point of PluginPoints) {
    const set = plugins[point];
    if (!set) continue;
    result[point] = {
      enabled: (set.enabled ?? []).map((entry, j) => {
        const ref: PluginRef = entry.weight == null ? { name: entry.name } : { name: entry.name, weight: entry.weight };
        recordOrigin(ref, { path: `${path}.${point}.enabled[${j}]` });
        return ref;
      }),
      disabled: (set.disabled ?? []).map((entry) => ({ name: entry.name })),
    };
  }
  return result;
}

/** The profile merged with the defaults: plugins as kube's mergePlugins, then default args for enabled plugins. */
function withDefaults(profile: ProfileConfig, defaults: ConfigurationDefaults): ProfileConfig {
  const plugins = mergePlugins(defaults.defaultPlugins, profile.plugins);
  return {
    ...profile,
    plugins,
    pluginConfig: withDefaultPluginConfig(plugins, profile.pluginConfig, defaults.defaultPluginConfig ?? []),
  };
}

function packageRef(entry: string | [string, unknown]): PluginPackageRef {
  if (typeof entry === 'string') return { specifier: entry };
  const [specifier, options] = entry;
  return options === undefined ? { specifier } : { specifier, options };
}

/**
 * Plugin args may carry `apiVersion` and `kind`, as `kube-scheduler --write-config-to` writes them: the kind must
 * be the plugin's (`<plugin>Args`, e.g. NodeResourcesFitArgs), and the version the configuration's group.
 */
function argsTypeIssues(profiles: readonly ProfileDocument[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  profiles.forEach((profile, i) => {
    (profile.pluginConfig ?? []).forEach((entry, j) => {
      const args = entry.args;
      if (typeof args !== 'object' || args === null || Array.isArray(args)) return;
      const { apiVersion, kind } = args as { apiVersion?: unknown; kind?: unknown };
      const path = `profiles[${i}].pluginConfig[${j}].args`;
      const expected = `${entry.name}Args`;
      if (kind !== undefined && kind !== expected) {
        issues.push({ path: `${path}.kind`, message: `args of kind ${JSON.stringify(kind)} do not match plugin "${entry.name}" (its args are ${expected})` });
      }
      if (apiVersion !== undefined && (typeof apiVersion !== 'string' || !apiVersion.startsWith('kubescheduler.config.k8s.io/') && !apiVersion.includes('/'))) {
        issues.push({ path: `${path}.apiVersion`, message: `must be an API group version such as ${SchedulerConfigurationApiVersion}, got ${JSON.stringify(apiVersion)}` });
      }
    });
  });
  return issues;
}

/** Plugin args without the `apiVersion`/`kind` that typed them (plugins' schemas read the fields only). */
function withoutTypeMeta(args: unknown): unknown {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return args;
  if (!('apiVersion' in args) && !('kind' in args)) return args;
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = args as Record<string, unknown>;
  return rest;
}

function unsupportedIssues(document: ConfigurationDocument): ConfigIssue[] {
  if (document.extenders && document.extenders.length > 0) {
    return [{ path: 'extenders', message: 'scheduler extenders are not supported' }];
  }
  return [];
}

function readFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot read file: permission denied';
  if (code === 'EISDIR') return 'cannot read file: it is a directory';
  return `cannot read file: ${error instanceof Error ? error.message : String(error)}`;
}
