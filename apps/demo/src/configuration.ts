import { dirname, resolve } from 'node:path';
import {
  ConfigError,
  Framework,
  importPluginModule,
  loadConfigurationFile,
  parseConfiguration,
  Registry,
  type SchedulerConfiguration,
  unimplementedPluginsIn,
  unimplementedPluginsWarning,
  validateCommonQueueSort,
  validateExpanded,
} from '@schedkit/framework';
import { plugin as coscheduling } from '@schedkit/plugin-permit-coscheduling';
import { defaultConfiguration, defaultPluginConfig, defaultPlugins, registerDefaultPlugins } from '@schedkit/preset-default';
import { InputError } from './errors.js';

/** The plugin Coscheduling registers; gangs need it at queueSort, reserve and permit. */
export const CoschedulingPlugin = 'Coscheduling';

/**
 * The configuration `--gangs` uses when no `--config` is given: kube's default profile with Coscheduling in
 * place of PrioritySort (one queue order serves gangs and ordinary pods) and at Reserve and Permit.
 */
export const GangConfiguration = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
  - schedulerName: default-scheduler
    plugins:
      queueSort:
        enabled: [{ name: ${CoschedulingPlugin} }]
        disabled: [{ name: "*" }]
      reserve:
        enabled: [{ name: ${CoschedulingPlugin} }]
      permit:
        enabled: [{ name: ${CoschedulingPlugin} }]
`;

/** A configuration ready to run, with the registry holding its plugins. */
export interface LoadedConfiguration {
  configuration: SchedulerConfiguration;
  registry: Registry;
  /** Where the configuration came from, for the summary. */
  source: string;
  /** Plugin modules already in the registry, by module name (a reload loads only new ones). */
  loadedModules: Set<string>;
  /** What the configuration means that the user should know (kube plugins schedkit does not have yet). */
  warnings: string[];
}

/**
 * A registry with kube's default plugins and Coscheduling (the demo ships it for `--gangs`); plugin packages a
 * configuration file lists are added by {@link loadConfiguration}.
 */
export function demoRegistry(): { registry: Registry; loadedModules: Set<string> } {
  const registry = registerDefaultPlugins(new Registry());
  registry.use(coscheduling);
  const loadedModules = new Set(registry.names().map((name) => registry.registeredBy(name)!));
  return { registry, loadedModules };
}

/**
 * The configuration of a run: the file's (read as kube-scheduler reads `--config`, starting from the default
 * profile, with the plugin packages its `plugins:` list names), else the built-in one for gangs, else kube's
 * default configuration. Every profile is built once here, so that an unknown plugin or bad args are reported
 * before the run starts.
 * @throws ConfigError / InputError naming the file and the field.
 */
export async function loadConfiguration(options: { file?: string; gangs: number }): Promise<LoadedConfiguration> {
  const { registry, loadedModules } = demoRegistry();
  if (options.file) {
    const configuration = await readConfigurationFile(options.file, registry, loadedModules);
    return { configuration, registry, source: options.file, loadedModules, warnings: unimplementedWarnings(configuration, registry, options.file) };
  }
  if (options.gangs > 0) {
    const configuration = parseConfiguration(GangConfiguration, { defaultPlugins, defaultPluginConfig, file: 'built-in gang configuration' });
    checkProfiles(configuration, registry, undefined);
    return { configuration, registry, source: "kube's default configuration with Coscheduling", loadedModules, warnings: [] };
  }
  return { configuration: defaultConfiguration(), registry, source: "kube's default configuration", loadedModules, warnings: [] };
}

/**
 * Reads a configuration file and loads the plugin packages it lists into `registry` (packages already loaded are
 * skipped), then builds each profile to check it.
 */
export async function readConfigurationFile(file: string, registry: Registry, loadedModules: Set<string>): Promise<SchedulerConfiguration> {
  const configuration = await loadConfigurationFile(file, { defaultPlugins, defaultPluginConfig });
  const baseDir = dirname(resolve(file));
  for (const [index, ref] of configuration.pluginPackages.entries()) {
    try {
      const module = await importPluginModule(ref.specifier, baseDir);
      if (loadedModules.has(module.name)) continue;
      registry.use(module, ref.options);
      loadedModules.add(module.name);
    } catch (error) {
      throw new InputError(`${file}: plugins[${index}]: ${(error as Error).message}`);
    }
  }
  checkProfiles(configuration, registry, file);
  return configuration;
}

/** Builds every profile's framework once, as the scheduler will: unknown plugins, bad args and bad point lists throw. */
export function checkProfiles(configuration: SchedulerConfiguration, registry: Registry, file: string | undefined): void {
  const frameworks = configuration.profiles.map((profile, profileIndex) => {
    const framework = new Framework({
      profile,
      registry,
      profileIndex,
      percentageOfNodesToScore: configuration.percentageOfNodesToScore,
      parallelism: configuration.parallelism,
      ...(file ? { sourceFile: file } : {}),
    });
    withFile(file, () => validateExpanded(framework.expanded, `profiles[${profileIndex}].plugins`));
    return framework;
  });
  withFile(file, () =>
    validateCommonQueueSort(frameworks.map((framework, i) => ({ expanded: framework.expanded, pluginConfig: configuration.profiles[i]!.pluginConfig }))),
  );
}

/** The profile pods are given: `--profile` when set (it must exist), else the first profile. */
export function chooseProfile(configuration: SchedulerConfiguration, requested: string | undefined, source: string): string {
  const names = configuration.profiles.map((profile) => profile.schedulerName);
  if (requested === undefined) return names[0]!;
  if (!names.includes(requested)) {
    throw new InputError(`--profile: no profile named "${requested}" in ${source} (profiles: ${names.join(', ')})`);
  }
  return requested;
}

/** Gangs only hold together when the profile runs Coscheduling at Permit. */
export function checkGangProfile(loaded: LoadedConfiguration, profileName: string): void {
  const profile = loaded.configuration.profiles.find((p) => p.schedulerName === profileName)!;
  const framework = new Framework({ profile, registry: loaded.registry });
  const points = framework.describe();
  const missing = (['queueSort', 'reserve', 'permit'] as const).filter((point) => !points[point].some((p) => p.name === CoschedulingPlugin));
  if (missing.length > 0) {
    throw new InputError(
      `--gangs: profile "${profileName}" of ${loaded.source} does not run ${CoschedulingPlugin} at ${missing.join(', ')}; enable it at queueSort, reserve and permit (see fixtures/gangs.yaml)`,
    );
  }
}

function withFile(file: string | undefined, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof ConfigError && file && !error.file) throw new ConfigError(error.issues, file);
    throw error;
  }
}

/** The warning for kube plugins the configuration names that schedkit does not have (none when it names none). */
function unimplementedWarnings(configuration: SchedulerConfiguration, registry: Registry, file: string): string[] {
  const warning = unimplementedPluginsWarning(unimplementedPluginsIn(configuration, (name) => registry.has(name)));
  return warning ? [`${file}: ${warning}`] : [];
}
