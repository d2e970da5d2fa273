/**
 * The configured extenders of a scheduler, built once per configuration and shared by its profiles (kube's
 * buildExtenders): the HTTP clients in kube's order, and the extended resources the scheduler must leave alone.
 */
import { ConfigError } from '../config/errors.js';
import type { ExtenderConfig } from '../config/extenders.js';
import type { PluginConfigEntry } from '../config/types.js';
import type { Extender } from './extender.js';
import { HTTPExtender } from './http-extender.js';

/** The plugin kube hands the extenders' `ignoredByScheduler` resources to, as its args' `ignoredResources`. */
export const NodeResourcesFitName = 'NodeResourcesFit';

/** The extenders of one configuration. */
export class ExtenderSet {
  /** No extender: what a framework built without any uses. */
  static readonly none = new ExtenderSet([], []);

  constructor(
    /** In calling order: as configured, the ignorable ones moved to the end (kube's order). */
    readonly list: readonly Extender[],
    /** Managed resources marked ignoredByScheduler, in configuration order. */
    readonly ignoredResources: readonly string[],
  ) {}

  get size(): number {
    return this.list.length;
  }

  /** Closes the HTTP extenders' idle connections. */
  close(): void {
    for (const extender of this.list) if (extender instanceof HTTPExtender) extender.close();
  }

  /**
   * `pluginConfig` with NodeResourcesFit's `ignoredResources` replaced by the extenders' ignored resources, as kube
   * replaces them (the extenders win over the args written). Unchanged when no resource is ignored.
   */
  applyIgnoredResources(pluginConfig: readonly PluginConfigEntry[]): PluginConfigEntry[] {
    if (this.ignoredResources.length === 0) return [...pluginConfig];
    let found = false;
    const out = pluginConfig.map((entry) => {
      if (entry.name !== NodeResourcesFitName) return entry;
      found = true;
      const args = typeof entry.args === 'object' && entry.args !== null ? (entry.args as Record<string, unknown>) : {};
      return { ...entry, args: { ...args, ignoredResources: [...this.ignoredResources] } };
    });
    if (!found) out.push({ name: NodeResourcesFitName, args: { ignoredResources: [...this.ignoredResources] } });
    return out;
  }
}

/**
 * Builds the HTTP extenders of `configs` (already validated). Ignorable extenders go last, as in kube.
 * @throws ConfigError when a TLS file cannot be read.
 */
export function buildExtenders(configs: readonly ExtenderConfig[], sourceFile?: string): ExtenderSet {
  if (configs.length === 0) return ExtenderSet.none;
  const required: Extender[] = [];
  const ignorable: Extender[] = [];
  const ignored: string[] = [];
  const built: HTTPExtender[] = [];
  try {
    configs.forEach((config, index) => {
      const extender = new HTTPExtender(config, `extenders[${index}]`);
      built.push(extender);
      (config.ignorable ? ignorable : required).push(extender);
      for (const resource of config.managedResources) if (resource.ignoredByScheduler) ignored.push(resource.name);
    });
  } catch (error) {
    for (const extender of built) extender.close();
    throw new ConfigError([{ path: '', message: (error as Error).message }], sourceFile);
  }
  return new ExtenderSet([...required, ...ignorable], ignored);
}
