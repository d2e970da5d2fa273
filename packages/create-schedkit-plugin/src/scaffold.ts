import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defaultFrameworkRange, releasedRange } from './framework-range.js';
import { assertPackageName, assertPluginName, parsePoints, pluginNameFor, ScaffoldError, type ScaffoldPoint, unscopedName } from './names.js';
import { pluginPackageFiles } from './templates.js';

/** What to scaffold. */
export interface ScaffoldOptions {
  /** The npm package name (`@acme/schedkit-plugin-gpu`). */
  packageName: string;
  /** Extension points as the CLI takes them: `score`, `prefilter,filter`, ... */
  points: readonly string[];
  /** Where to write the package (default `<cwd>/<package name without scope>`). It must be absent or empty. */
  directory?: string;
  /** The plugin's name and class name (default: from the package name, `GpuBinpack`). */
  pluginName?: string;
  /** The `@schedkit/framework` range to declare (default: the one this scaffold was released with). */
  frameworkRange?: string;
  /** The folder relative paths are taken from (default `process.cwd()`). */
  cwd?: string;
}

/** What was written. */
export interface ScaffoldResult {
  /** The absolute path of the new package. */
  directory: string;
  /** The files written, relative to `directory`. */
  files: string[];
  pluginName: string;
  points: ScaffoldPoint[];
  frameworkRange: string;
  /** The schedkit repository the package was created in, if any (its dependency on the framework is then `workspace:^`). */
  workspace?: string;
}

/**
 * Writes a new plugin package: package.json (peer dependency on the framework; the default preset and schedkit's
 * CLI as dev dependencies), tsconfig, vitest config, a plugin module (definePlugin), the plugin class for the chosen
 * points with each point's contract in its doc comment, tests through PluginTester and schedulePods, a README, a
 * LICENSE (Apache-2.0), a CI workflow, and a demo (demo.yaml, demo/) that `npm run demo` runs in the CLI.
 * @throws ScaffoldError when an input is invalid or the directory is not empty.
 */
export function scaffoldPlugin(options: ScaffoldOptions): ScaffoldResult {
  assertPackageName(options.packageName);
  const points = parsePoints(options.points);
  const pluginName = options.pluginName ?? pluginNameFor(options.packageName);
  assertPluginName(pluginName);
  const frameworkRange = options.frameworkRange ?? defaultFrameworkRange();
  if (frameworkRange.trim() === '' || frameworkRange.startsWith('workspace:')) {
    throw new ScaffoldError(`"${frameworkRange}" is not a semver range for @schedkit/framework (for example ^0.1.0)`);
  }
  const cwd = options.cwd ?? process.cwd();
  const directory = resolve(cwd, options.directory ?? unscopedName(options.packageName));
  if (existsSync(directory) && readdirSync(directory).length > 0) {
    throw new ScaffoldError(`${directory} is not empty: choose another --dir or remove it`);
  }
  const workspace = schedkitWorkspaceAbove(directory);
  const files = pluginPackageFiles({
    packageName: options.packageName,
    pluginName,
    points,
    frameworkRange,
    presetRange: releasedRange('@schedkit/preset-default'),
    cliRange: releasedRange('@schedkit/cli'),
    ...(workspace ? { frameworkDependency: 'workspace:^' } : {}),
  });
  for (const file of files) {
    const path = join(directory, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
  return { directory, files: files.map((file) => file.path), pluginName, points, frameworkRange, ...(workspace ? { workspace } : {}) };
}

/**
 * The root of the schedkit repository when `directory` lies inside it (a pnpm workspace whose packages/framework
 * is @schedkit/framework): there the new package links the workspace's framework (`workspace:^`) instead of
 * installing a published one.
 */
export function schedkitWorkspaceAbove(directory: string): string | undefined {
  for (let dir = directory; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) {
      const framework = join(dir, 'packages/framework/package.json');
      if (!existsSync(framework)) return undefined;
      const { name } = JSON.parse(readFileSync(framework, 'utf8')) as { name?: string };
      return name === '@schedkit/framework' ? dir : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}
