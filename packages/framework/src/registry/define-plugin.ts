import type { Plugin } from '../plugins/extension-points.js';
import { thisFrameworkCopy } from '../di.js';
import type { ArgsSchema, PluginModule, Registry } from './registry.js';

/** A plugin class whose first constructor parameter is its validated args (`@inject(Tokens.Args)`). */
export type PluginClassWithArgs<A> = new (args: A, ...dependencies: never[]) => Plugin;

/** A plugin package with one plugin, as {@link definePlugin} takes it. */
export interface PluginDefinition<A> {
  /** The package name (`@acme/schedkit-plugin-gpu`), used in errors and listings. */
  packageName: string;
  /** The name configurations use for the plugin (`GpuBinpack`). */
  name: string;
  /** The semver range of `@schedkit/framework` the package works with; keep it equal to its peer dependency range. */
  frameworkRange: string;
  /** Validates and defaults the args (a zod schema fits); its output type is the constructor's args type. */
  args: ArgsSchema<A>;
  /** The plugin class, `@injectable()`, taking the args as its first parameter. */
  plugin: PluginClassWithArgs<NoInfer<A>>;
}

/** A plugin package with one plugin that takes no args. */
export interface PluginDefinitionWithoutArgs {
  packageName: string;
  name: string;
  frameworkRange: string;
  args?: undefined;
  plugin: new (...dependencies: never[]) => Plugin;
}

/** What {@link definePlugin} returns: a plugin module that also tells which plugin it registers. */
export interface DefinedPlugin extends PluginModule {
  /** The plugin's configured name. */
  readonly pluginName: string;
}

/**
 * The plugin module of a package with one plugin. Ties the args schema to the constructor: a schema whose output
 * is not what the constructor's first parameter takes fails type-checking. Records the framework copy it was
 * built with, so that a registry of an incompatible copy names both.
 *
 * ```ts
 * export const plugin = definePlugin({
 *   packageName: '@acme/schedkit-plugin-rack',
 *   name: RackName,
 *   frameworkRange: '^0.1.0',
 *   args: RackArgsSchema,
 *   plugin: Rack,
 * });
 * export default plugin;
 * ```
 */
export function definePlugin<A>(definition: PluginDefinition<A>): DefinedPlugin;
export function definePlugin(definition: PluginDefinitionWithoutArgs): DefinedPlugin;
export function definePlugin(definition: PluginDefinition<unknown> | PluginDefinitionWithoutArgs): DefinedPlugin {
  const { packageName, name, frameworkRange, args, plugin } = definition;
  return {
    name: packageName,
    pluginName: name,
    frameworkRange,
    framework: thisFrameworkCopy,
    register(registry: Registry): void {
      registry.register({ name, plugin, ...(args ? { args } : {}) });
    },
  };
}
