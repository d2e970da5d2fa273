import { parseConfiguration, type SchedulerConfiguration, SchedulerConfigurationApiVersion, SchedulerConfigurationKind } from '@schedkit/framework';
import { defaultPluginConfig, defaultPlugins } from './default-plugins.js';

/** The smallest configuration kube accepts: every field takes its default. */
const emptyConfiguration = `apiVersion: ${SchedulerConfigurationApiVersion}\nkind: ${SchedulerConfigurationKind}\n`;

/**
 * Reads a KubeSchedulerConfiguration (YAML or JSON) whose profiles start from kube's default plugins and default
 * plugin args, as kube-scheduler reads its `--config`: a profile's `plugins` is merged into
 * {@link defaultPlugins} and each enabled plugin without a `pluginConfig` entry gets its entry from
 * {@link defaultPluginConfig}. Without `text`, the configuration is kube's default one: a single
 * `default-scheduler` profile with the default plugins.
 *
 * @param text the configuration; absent means the empty configuration.
 * @param file the name errors give the configuration (usually its file name).
 * @throws ConfigError listing every problem, each with its path.
 */
export function loadDefaultConfiguration(text?: string, file?: string): SchedulerConfiguration {
  return parseConfiguration(text ?? emptyConfiguration, { defaultPlugins, defaultPluginConfig, file });
}

/** kube-scheduler's default configuration: one `default-scheduler` profile with the default plugins and args. */
export function defaultConfiguration(): SchedulerConfiguration {
  return loadDefaultConfiguration();
}
