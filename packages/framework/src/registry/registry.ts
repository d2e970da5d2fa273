import semver from 'semver';
import type { DependencyContainer } from 'tsyringe';
import { constructInjectable, type FrameworkCopy, injectionProtocol, thisFrameworkCopy } from '../di.js';
import type { Plugin } from '../plugins/extension-points.js';
import type { Handle } from '../plugins/handle.js';
import { frameworkVersion } from '../version.js';
import { Tokens } from './tokens.js';

export { frameworkVersion } from '../version.js';

/** A schema that validates and defaults a plugin's args (a zod schema fits). */
export interface ArgsSchema<A> {
  safeParse(input: unknown): { success: true; data: A } | { success: false; error: { issues: readonly ArgsIssue[] } };
}

/** One problem found in a plugin's args. */
export interface ArgsIssue {
  path: readonly PropertyKey[];
  message: string;
}

/** A class whose constructor tsyringe can resolve (every parameter has an `@inject` token). */
export type PluginClass = new (...args: never[]) => Plugin;

/** What a plugin module gives the registry for one plugin. */
export interface PluginRegistration<A = unknown> {
  /** The name configurations use (kube's name for kube's plugins). */
  name: string;
  /** The plugin class, resolved through the profile's container with {@link Tokens}. */
  plugin: PluginClass;
  /** Validates and defaults the args; without it the plugin takes `undefined`/any args it is given. */
  args?: ArgsSchema<A>;
}

/** A module that provides plugins: what a plugin package exports (its default export or `plugin` export). */
export interface PluginModule {
  /** The package name, for errors and listings. */
  name: string;
  /** The semver range of `@schedkit/framework` this module works with. */
  frameworkRange: string;
  /**
   * Registers the module's plugins. Must not touch any global container. `options` is the second element of a
   * `[specifier, options]` entry of the configuration's `plugins:` list, when given.
   */
  register(registry: Registry, options?: unknown): void;
  /**
   * The framework copy the module was built with, set by {@link definePlugin}: lets the registry name both copies
   * when a plugin resolved another, incompatible copy of `@schedkit/framework`.
   */
  framework?: FrameworkCopy;
}

interface Entry {
  registration: PluginRegistration;
  registeredBy: string;
}


/** Raised for duplicate names, incompatible modules and bad args; the message names the plugin and the problem. */
export class RegistryError extends Error {
  override name = 'RegistryError';
}

/**
 * Plugin name -> registration. The framework instantiates plugins from it per profile, each in its own child
 * container of the profile's container, so every plugin sees its own args and the profile's Handle.
 */
export class Registry {
  private readonly entries = new Map<string, Entry>();
  private currentModule = 'the application';

  /** Adds a plugin. A duplicate name is an error that names both registrants (packages, or "the application"). */
  register<A>(registration: PluginRegistration<A>): this {
    const existing = this.entries.get(registration.name);
    if (existing) {
      throw new RegistryError(
        `plugin "${registration.name}" is registered twice: by ${existing.registeredBy} and by ${this.currentModule}`,
      );
    }
    this.entries.set(registration.name, { registration: registration as PluginRegistration, registeredBy: this.currentModule });
    return this;
  }

  /**
   * Loads a plugin module: checks that it is shaped as a module and that its `frameworkRange` accepts this
   * framework's version, then lets it register its plugins.
   */
  use(module: PluginModule, options?: unknown): this {
    assertPluginModule(module, 'plugin module');
    const theirs = module.framework;
    if (theirs !== undefined && theirs.protocol !== injectionProtocol) {
      throw new RegistryError(
        `${module.name} was built with @schedkit/framework ${theirs.version} at ${theirs.path}, which cannot share plugins with @schedkit/framework ${thisFrameworkCopy.version} at ${thisFrameworkCopy.path}: install one compatible version (npm ls @schedkit/framework shows both; npm dedupe)`,
      );
    }
    if (!semver.satisfies(frameworkVersion, module.frameworkRange, { includePrerelease: true })) {
      throw new RegistryError(
        `${module.name} needs @schedkit/framework ${module.frameworkRange}, but this is ${frameworkVersion}`,
      );
    }
    const previous = this.currentModule;
    this.currentModule = module.name;
    try {
      module.register(this, options);
    } finally {
      this.currentModule = previous;
    }
    return this;
  }

  /** True when `name` is registered. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The registration of `name`, or undefined. */
  get(name: string): PluginRegistration | undefined {
    return this.entries.get(name)?.registration;
  }

  /** Which module registered `name`. */
  registeredBy(name: string): string | undefined {
    return this.entries.get(name)?.registeredBy;
  }

  /** Every registered name, in registration order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Validates `rawArgs` with the plugin's schema. Throws a RegistryError listing each problem as
   * `<where>.<path>: <message>`.
   */
  parseArgs(name: string, rawArgs: unknown, where = `pluginConfig[${name}].args`): unknown {
    const registration = this.entries.get(name)?.registration;
    if (!registration) throw new RegistryError(`unknown plugin "${name}"`);
    if (!registration.args) return rawArgs;
    const parsed = registration.args.safeParse(rawArgs ?? {});
    if (parsed.success) return parsed.data;
    const lines = parsed.error.issues.map((issue) => `${joinPath(where, issue.path)}: ${issue.message}`);
    throw new RegistryError(lines.join('\n'));
  }

  /** Instantiates plugin `name` in a child of `container` with its args and the handle injected. */
  instantiate(name: string, args: unknown, handle: Handle, container: DependencyContainer): Plugin {
    const registration = this.entries.get(name)?.registration;
    if (!registration) throw new RegistryError(`unknown plugin "${name}"`);
    const scope = container.createChildContainer();
    scope.register(Tokens.Handle, { useValue: handle });
    // A factory, not a value provider: tsyringe ignores `useValue: undefined`, and a plugin may have no args.
    scope.register(Tokens.Args, { useFactory: () => args });
    scope.register(Tokens.Name, { useValue: name });
    const plugin = constructInjectable(registration.plugin, scope, { what: `plugin "${name}"`, registeredBy: this.registeredBy(name) ?? 'the application' });
    if (!plugin || typeof plugin.name !== 'string') {
      throw new RegistryError(`plugin "${name}" (${this.registeredBy(name)}) did not construct an object with a name`);
    }
    return plugin;
  }
}

/** Throws a RegistryError naming `source` when `value` is not a {@link PluginModule}. */
export function assertPluginModule(value: unknown, source: string): asserts value is PluginModule {
  const candidate = value as Partial<PluginModule> | null;
  const problems: string[] = [];
  if (typeof candidate !== 'object' || candidate === null) problems.push('it is not an object');
  else {
    if (typeof candidate.name !== 'string' || candidate.name === '') problems.push('"name" must be a non-empty string');
    if (typeof candidate.frameworkRange !== 'string' || semver.validRange(candidate.frameworkRange) === null) {
      problems.push('"frameworkRange" must be a semver range such as "^0.1.0"');
    }
    if (typeof candidate.register !== 'function') problems.push('"register" must be a function (registry) => void');
  }
  if (problems.length > 0) throw new RegistryError(`${source} is not a schedkit plugin module: ${problems.join('; ')}`);
}

function joinPath(base: string, path: readonly PropertyKey[]): string {
  let out = base;
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return out;
}
