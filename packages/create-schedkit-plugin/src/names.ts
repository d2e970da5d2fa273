import { builtinModules } from 'node:module';

/** The extension points the scaffold writes code for, by the name the CLI takes. */
export const ScaffoldPoints = {
  preenqueue: 'preEnqueue',
  queuesort: 'queueSort',
  prefilter: 'preFilter',
  filter: 'filter',
  postfilter: 'postFilter',
  prescore: 'preScore',
  score: 'score',
  reserve: 'reserve',
  permit: 'permit',
  prebind: 'preBind',
  bind: 'bind',
  postbind: 'postBind',
} as const;

/** A point name as the CLI takes it (`prefilter`). */
export type ScaffoldPointName = keyof typeof ScaffoldPoints;
/** A point name as the framework spells it (`preFilter`). */
export type ScaffoldPoint = (typeof ScaffoldPoints)[ScaffoldPointName];

/** Raised for input the scaffold cannot use; the message says what to change. */
export class ScaffoldError extends Error {
  override name = 'ScaffoldError';
}

// npm's rules for new package names: lowercase, URL-safe, no ~'!()*, not starting with . or _, at most 214
// characters, optionally scoped; not a Node.js core module name, and not node_modules or favicon.ico.
const packageNamePattern = /^(?:@[a-z0-9-][a-z0-9._-]*\/)?[a-z0-9-][a-z0-9._-]*$/;
const reservedNames = new Set(['node_modules', 'favicon.ico']);

/** Throws a ScaffoldError unless `name` is a valid name for a new npm package. */
export function assertPackageName(name: string): void {
  const problem =
    name.length > 214
      ? 'it is longer than 214 characters'
      : !packageNamePattern.test(name)
        ? 'use lowercase letters, digits, "-", "." or "_" (not starting with "." or "_"), optionally scoped (@acme/schedkit-plugin-gpu)'
        : reservedNames.has(name)
          ? 'npm reserves it'
          : builtinModules.includes(name)
            ? 'it is the name of a Node.js core module'
            : undefined;
  if (problem) throw new ScaffoldError(`"${name}" is not a valid npm package name: ${problem}`);
}

/** The package name without its scope: `@acme/schedkit-plugin-gpu` -> `schedkit-plugin-gpu`. */
export function unscopedName(packageName: string): string {
  return packageName.slice(packageName.indexOf('/') + 1);
}

/**
 * The plugin name (and class name) a package name suggests: the scope and a `schedkit-plugin-` prefix or
 * `-schedkit-plugin` suffix are dropped, the rest is PascalCased: `@acme/schedkit-plugin-gpu-binpack` -> `GpuBinpack`.
 */
export function pluginNameFor(packageName: string): string {
  const core = unscopedName(packageName)
    .replace(/^schedkit-plugin-/, '')
    .replace(/-schedkit-plugin$/, '');
  const name = core
    .split(/[^a-zA-Z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
  return /^[0-9]/.test(name) ? `Plugin${name}` : name || 'Plugin';
}

/** Throws a ScaffoldError unless `name` can be a TypeScript class name and a plugin name. */
export function assertPluginName(name: string): void {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) {
    throw new ScaffoldError(`"${name}" is not a usable plugin name: use PascalCase letters and digits, as kube's plugins do (NodeAffinity)`);
  }
}

/** `GpuBinpack` -> `gpu-binpack`: the file name of the plugin's source. */
export function kebabCase(pascal: string): string {
  return pascal.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

/**
 * The points the CLI was given (`score`, `prefilter,filter`, repeated flags), checked and in the order a pod
 * meets them. PreScore alone is refused: it only prepares state for Score.
 */
export function parsePoints(values: readonly string[]): ScaffoldPoint[] {
  const names = values.flatMap((value) => value.split(',')).map((value) => value.trim().toLowerCase()).filter((value) => value !== '');
  if (names.length === 0) throw new ScaffoldError(`name at least one extension point with --point (${Object.keys(ScaffoldPoints).join(', ')})`);
  const chosen = new Set<ScaffoldPoint>();
  for (const name of names) {
    const point = (ScaffoldPoints as Record<string, ScaffoldPoint>)[name];
    if (!point) throw new ScaffoldError(`unknown extension point "${name}": choose from ${Object.keys(ScaffoldPoints).join(', ')}`);
    chosen.add(point);
  }
  if (chosen.has('preScore') && !chosen.has('score')) {
    throw new ScaffoldError('--point prescore needs score too: PreScore prepares per-cycle state for Score');
  }
  return Object.values(ScaffoldPoints).filter((point) => chosen.has(point));
}
