import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginPackageRef } from '../config/types.js';
import { assertPluginModule, type PluginModule, type Registry, RegistryError } from './registry.js';

/**
 * Loads the plugin packages a configuration names (its `plugins:` list) into `registry`. Bare names resolve
 * from `node_modules` folders above `baseDir` (the configuration file's folder), relative paths against
 * `baseDir`, as eslint and changesets resolve theirs. Each module is imported, shape-checked and
 * version-checked; any problem is one RegistryError naming the package.
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
    const file = resolveFileOrDirectory(path);
    if (!file) throw new RegistryError(`plugin package "${specifier}": no such file (looked for ${path})`);
    return file;
  }
  const { name, subpath } = splitPackageSpecifier(specifier);
  for (let dir = resolve(baseDir); ; dir = dirname(dir)) {
    const packageDir = join(dir, 'node_modules', name);
    if (existsSync(join(packageDir, 'package.json'))) return resolvePackageEntry(specifier, packageDir, subpath);
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

const conditions = ['import', 'node', 'default'];

function resolvePackageEntry(specifier: string, packageDir: string, subpath: string): string {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports?: ExportsField; main?: string; module?: string };
  if (manifest.exports !== undefined) {
    const exportsField = manifest.exports;
    const isSubpathMap = typeof exportsField === 'object' && exportsField !== null && !Array.isArray(exportsField) && Object.keys(exportsField).some((k) => k.startsWith('.'));
    const target = isSubpathMap ? (exportsField as Record<string, ExportsField>)[subpath] : subpath === '.' ? exportsField : undefined;
    const chosen = target === undefined ? undefined : pickCondition(target);
    if (!chosen) throw new RegistryError(`plugin package "${specifier}" does not export "${subpath}" for import`);
    return join(packageDir, chosen);
  }
  if (subpath !== '.') {
    const file = resolveFileOrDirectory(join(packageDir, subpath));
    if (file) return file;
    throw new RegistryError(`plugin package "${specifier}": no file for "${subpath}"`);
  }
  const file = resolveFileOrDirectory(join(packageDir, manifest.module ?? manifest.main ?? 'index.js'));
  if (!file) throw new RegistryError(`plugin package "${specifier}" has no entry point (main/exports)`);
  return file;
}

function pickCondition(target: ExportsField): string | undefined {
  if (typeof target === 'string') return target;
  if (target === null) return undefined;
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = pickCondition(item);
      if (found) return found;
    }
    return undefined;
  }
  for (const [condition, value] of Object.entries(target)) {
    if (conditions.includes(condition)) {
      const found = pickCondition(value);
      if (found) return found;
    }
  }
  return undefined;
}

function resolveFileOrDirectory(path: string): string | undefined {
  if (existsSync(path) && statSync(path).isFile()) return path;
  for (const extension of ['.js', '.mjs']) if (existsSync(path + extension)) return path + extension;
  if (existsSync(path) && statSync(path).isDirectory()) {
    const manifest = join(path, 'package.json');
    if (existsSync(manifest)) {
      const main = (JSON.parse(readFileSync(manifest, 'utf8')) as { main?: string }).main;
      if (main) return resolveFileOrDirectory(join(path, main));
    }
    for (const index of ['index.js', 'index.mjs']) if (existsSync(join(path, index))) return join(path, index);
  }
  return undefined;
}
