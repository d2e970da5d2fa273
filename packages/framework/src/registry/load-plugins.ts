import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginPackageRef } from '../config/types.js';
import { assertPluginModule, type PluginModule, type Registry, RegistryError } from './registry.js';

/**
 * Loads the plugin packages a configuration names (its `plugins:` list) into `registry`. Bare names resolve
 * as Node resolves an `import` written in a file of `baseDir` (the configuration file's folder): the package
 * `baseDir` belongs to, by its own name, then `node_modules` folders above `baseDir`. Relative paths resolve
 * against `baseDir`. Each module is imported, shape-checked and version-checked; any problem is one
 * RegistryError naming the package.
 */
export async function loadPluginPackages(refs: readonly PluginPackageRef[], registry: Registry, baseDir: string): Promise<PluginModule[]> {
  const modules: PluginModule[] = [];
  for (const ref of refs) {
    const module = await importPluginModule(ref.specifier, baseDir);
    try {
      registry.use(module, ref.options);
    } catch (error) {
      throw new RegistryError(`plugin package "${ref.specifier}": ${(error as Error).message}`, { cause: error });
    }
    modules.push(module);
  }
  return modules;
}

/** Imports one plugin package and returns its module (the `default` or `plugin` export). */
export async function importPluginModule(specifier: string, baseDir: string): Promise<PluginModule> {
  const file = resolvePluginSpecifier(specifier, baseDir);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new RegistryError(`plugin package "${specifier}" (${file}) failed to load: ${(error as Error).message}`, { cause: error });
  }
  const candidate = namespace.default ?? namespace.plugin;
  assertPluginModule(candidate, `plugin package "${specifier}"`);
  return candidate;
}

/** The file a plugin specifier names; throws a RegistryError naming the specifier when it cannot be found. */
export function resolvePluginSpecifier(specifier: string, baseDir: string): string {
  if (specifier === '') throw new RegistryError('plugin package "": the name is empty');
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    const path = isAbsolute(specifier) ? specifier : resolve(baseDir, specifier);
    const file = resolveFileOrDirectory(specifier, path);
    if (!file) throw new RegistryError(`plugin package "${specifier}": no such file (looked for ${path})`);
    return file;
  }
  const { name, subpath } = splitPackageSpecifier(specifier);
  // As Node's self-reference: a plugin's own folder (or a config file inside it) names the plugin by its name.
  const scope = enclosingPackage(specifier, resolve(baseDir));
  if (scope && scope.manifest.name === name && scope.manifest.exports !== undefined) {
    return resolvePackageEntry(specifier, scope.dir, subpath, scope.manifest);
  }
  for (let dir = resolve(baseDir); ; dir = dirname(dir)) {
    const packageDir = join(dir, 'node_modules', name);
    if (existsSync(join(packageDir, 'package.json'))) return resolvePackageEntry(specifier, packageDir, subpath, readManifest(specifier, packageDir));
    if (dirname(dir) === dir) break;
  }
  throw new RegistryError(`plugin package "${specifier}" is not installed (no node_modules/${name} above ${baseDir}); install it with npm i ${name}`);
}

function splitPackageSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const nameParts = specifier.startsWith('@') ? 2 : 1;
  if (parts.length < nameParts || parts.slice(0, nameParts).some((p) => p === '')) {
    throw new RegistryError(`plugin package "${specifier}" is not a valid package name`);
  }
  const rest = parts.slice(nameParts).join('/');
  return { name: parts.slice(0, nameParts).join('/'), subpath: rest === '' ? '.' : `./${rest}` };
}

type ExportsField = string | null | ExportsField[] | { [key: string]: ExportsField };

interface Manifest {
  name?: string;
  exports?: ExportsField;
  main?: string;
  module?: string;
}

/** The conditions Node matches for an `import` (in the order the package lists them, first match wins). */
const conditions = ['import', 'node', 'default'];

function readManifest(specifier: string, packageDir: string): Manifest {
  const file = join(packageDir, 'package.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (error) {
    throw new RegistryError(`plugin package "${specifier}": cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** The package `dir` belongs to (Node's package scope): the nearest package.json at or above it, not past node_modules. */
function enclosingPackage(specifier: string, dir: string): { dir: string; manifest: Manifest } | undefined {
  for (let current = dir; basename(current) !== 'node_modules'; current = dirname(current)) {
    if (existsSync(join(current, 'package.json'))) {
      try {
        return { dir: current, manifest: readManifest(specifier, current) };
      } catch {
        // An unreadable manifest of the folder the config sits in is not the plugin's problem: fall back to node_modules.
        return undefined;
      }
    }
    if (dirname(current) === current) break;
  }
  return undefined;
}

/** The file `subpath` of the package in `packageDir` names: its `exports` when it has them, else main/module. */
function resolvePackageEntry(specifier: string, packageDir: string, subpath: string, manifest: Manifest): string {
  if (manifest.exports !== undefined) {
    const target = exportsTarget(manifest.exports, subpath);
    if (target === undefined) throw new RegistryError(`plugin package "${specifier}" does not export "${subpath}" for import`);
    if (!target.startsWith('./') || target.split('/').some((segment) => segment === '..' || segment === 'node_modules')) {
      throw new RegistryError(`plugin package "${specifier}" exports "${subpath}" as "${target}", which is not a path inside the package`);
    }
    const file = join(packageDir, target);
    if (!existsSync(file)) {
      throw new RegistryError(`plugin package "${specifier}" exports "${subpath}" as ${target}, but ${file} does not exist (is the package built?)`);
    }
    return file;
  }
  if (subpath !== '.') {
    const file = resolveFileOrDirectory(specifier, join(packageDir, subpath));
    if (file) return file;
    throw new RegistryError(`plugin package "${specifier}": no file for "${subpath}"`);
  }
  const file = resolveFileOrDirectory(specifier, join(packageDir, manifest.module ?? manifest.main ?? 'index.js'));
  if (!file) throw new RegistryError(`plugin package "${specifier}" has no entry point (main/exports)`);
  return file;
}

/** The target of `subpath` in an `exports` field (subpath keys, `*` patterns, condition objects), as Node picks it. */
function exportsTarget(exportsField: ExportsField, subpath: string): string | undefined {
  const isSubpathMap =
    typeof exportsField === 'object' && exportsField !== null && !Array.isArray(exportsField) && Object.keys(exportsField).some((k) => k.startsWith('.'));
  if (!isSubpathMap) return subpath === '.' ? pickCondition(exportsField, undefined) : undefined;
  const map = exportsField as Record<string, ExportsField>;
  const exact = map[subpath];
  if (exact !== undefined && !subpath.includes('*')) return pickCondition(exact, undefined);
  // Node's pattern match: the key with the longest prefix before its `*` wins.
  let best: { key: string; match: string } | undefined;
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*');
    if (star < 0 || key.indexOf('*', star + 1) >= 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.length < key.length || !subpath.startsWith(prefix) || !subpath.endsWith(suffix)) continue;
    if (!best || prefix.length > best.key.indexOf('*')) best = { key, match: subpath.slice(star, subpath.length - suffix.length) };
  }
  return best ? pickCondition(map[best.key]!, best.match) : undefined;
}

function pickCondition(target: ExportsField, patternMatch: string | undefined): string | undefined {
  if (typeof target === 'string') return patternMatch === undefined ? target : target.replaceAll('*', patternMatch);
  if (target === null) return undefined;
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = pickCondition(item, patternMatch);
      if (found) return found;
    }
    return undefined;
  }
  for (const [condition, value] of Object.entries(target)) {
    if (conditions.includes(condition)) {
      const found = pickCondition(value, patternMatch);
      if (found) return found;
    }
  }
  return undefined;
}

/** A file, the file with `.js`/`.mjs` added, or a folder's entry (a package folder's exports or main, else index.js). */
function resolveFileOrDirectory(specifier: string, path: string): string | undefined {
  if (existsSync(path) && statSync(path).isFile()) return path;
  for (const extension of ['.js', '.mjs']) if (existsSync(path + extension)) return path + extension;
  if (existsSync(path) && statSync(path).isDirectory()) {
    if (existsSync(join(path, 'package.json'))) {
      const manifest = readManifest(specifier, path);
      if (manifest.exports !== undefined || manifest.module !== undefined || manifest.main !== undefined) {
        return resolvePackageEntry(specifier, path, '.', manifest);
      }
    }
    for (const index of ['index.js', 'index.mjs']) if (existsSync(join(path, index))) return join(path, index);
  }
  return undefined;
}
