import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPluginModule, loadPluginPackages, resolvePluginSpecifier } from './load-plugins.js';
import { frameworkVersion, Registry, RegistryError } from './registry.js';

const compatibleRange = `^${frameworkVersion}`;
const nextMajorRange = `^${semver.major(frameworkVersion) + 1}.0.0`;

/**
 * A plugin module as a package would ship it, in plain ESM: it registers one plugin named by the `pluginName`
 * option (default `defaultName`), so a test sees which options reached `register`.
 */
function moduleSource(moduleName: string, defaultName: string, range = compatibleRange): string {
  return `class Probe { constructor() { this.name = ${JSON.stringify(defaultName)}; } }
export const plugin = {
  name: ${JSON.stringify(moduleName)},
  frameworkRange: ${JSON.stringify(range)},
  register(registry, options) {
    registry.register({ name: options?.pluginName ?? ${JSON.stringify(defaultName)}, plugin: Probe });
  },
};
export default plugin;
`;
}

let root: string;

/** Asserts that `fn` throws a RegistryError with exactly `message`. */
function expectThrown(fn: () => unknown, message: string): void {
  let error: unknown;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(RegistryError);
  expect((error as Error).message).toBe(message);
}

/** Asserts that `promise` rejects with a RegistryError with exactly `message`. */
async function expectRejected(promise: Promise<unknown>, message: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RegistryError);
  expect((error as Error).message).toBe(message);
}

/** Writes `files` (path relative to `root` -> text; objects are written as JSON). */
function write(files: Record<string, string | object>): void {
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'schedkit-load-plugins-'));
  write({
    // A project: the configuration sits in config/, packages are installed in node_modules/.
    'project/package.json': { name: 'project', private: true, type: 'module' },
    'project/config/.keep': '',
    'project/config/nested/.keep': '',
    'project/node_modules/@acme/gpu/package.json': {
      name: '@acme/gpu',
      type: 'module',
      exports: {
        '.': { types: './dist/index.d.ts', require: './dist/index.cjs', import: './dist/index.js' },
        './extra': { import: './dist/extra.js' },
        './plugins/*': { import: './dist/plugins/*.js' },
        './package.json': './package.json',
      },
    },
    'project/node_modules/@acme/gpu/dist/index.js': moduleSource('@acme/gpu', 'Gpu'),
    'project/node_modules/@acme/gpu/dist/index.cjs': 'throw new Error("the require entry must not be loaded");',
    'project/node_modules/@acme/gpu/dist/extra.js': moduleSource('@acme/gpu/extra', 'GpuExtra'),
    'project/node_modules/@acme/gpu/dist/plugins/binpack.js': moduleSource('@acme/gpu/plugins/binpack', 'GpuBinpack'),
    // Conditions are matched in the order the package lists them: `node` before `import` wins.
    'project/node_modules/node-first/package.json': { name: 'node-first', type: 'module', exports: { node: './node.js', import: './import.js' } },
    'project/node_modules/node-first/node.js': moduleSource('node-first', 'NodeFirst'),
    'project/node_modules/node-first/import.js': moduleSource('node-first (import)', 'ImportEntry'),
    // No exports: main is the entry.
    'project/node_modules/legacy/package.json': { name: 'legacy', type: 'module', main: 'lib/main.js' },
    'project/node_modules/legacy/lib/main.js': moduleSource('legacy', 'Legacy'),
    // Problems.
    'project/node_modules/@acme/shapeless/package.json': { name: '@acme/shapeless', type: 'module', exports: './index.js' },
    'project/node_modules/@acme/shapeless/index.js': 'export default { name: "@acme/shapeless" };\n',
    'project/node_modules/@acme/function-export/package.json': { name: '@acme/function-export', type: 'module', exports: './index.js' },
    'project/node_modules/@acme/function-export/index.js': 'export default function register() {}\n',
    'project/node_modules/@acme/future/package.json': { name: '@acme/future', type: 'module', exports: './index.js' },
    'project/node_modules/@acme/future/index.js': moduleSource('@acme/future', 'Future', nextMajorRange),
    'project/node_modules/@acme/cjs-only/package.json': { name: '@acme/cjs-only', exports: { require: './index.cjs' } },
    'project/node_modules/@acme/cjs-only/index.cjs': 'module.exports = {};\n',
    'project/node_modules/@acme/unbuilt/package.json': { name: '@acme/unbuilt', type: 'module', exports: { '.': { import: './dist/index.js' } } },
    'project/node_modules/@acme/escaping/package.json': { name: '@acme/escaping', type: 'module', exports: { '.': '../legacy/lib/main.js' } },
    'project/node_modules/@acme/throws/package.json': { name: '@acme/throws', type: 'module', exports: './index.js' },
    'project/node_modules/@acme/throws/index.js': 'throw new Error("GPU driver not found");\n',
    'project/node_modules/@acme/bad-options/package.json': { name: '@acme/bad-options', type: 'module', exports: './index.js' },
    'project/node_modules/@acme/bad-options/index.js': `export default {
  name: '@acme/bad-options',
  frameworkRange: ${JSON.stringify(compatibleRange)},
  register(_registry, options) {
    if (typeof options?.endpoint !== 'string') throw new Error('options.endpoint must be a URL string');
  },
};
`,
    // Relative specifiers: a file, a file named without its extension, and a package folder with exports.
    'project/config/local/plugin.js': moduleSource('./local/plugin.js', 'LocalFile'),
    'project/config/local-package/package.json': { name: 'local-package', type: 'module', exports: { '.': { import: './dist/index.js' } } },
    'project/config/local-package/dist/index.js': moduleSource('local-package', 'LocalPackage'),
    // A plugin's own folder names the plugin by its package name (Node's self-reference), e.g. a demo config in it.
    'own-plugin/package.json': { name: '@acme/own-plugin', type: 'module', exports: { '.': { import: './dist/index.js' } } },
    'own-plugin/dist/index.js': moduleSource('@acme/own-plugin', 'OwnPlugin'),
    'own-plugin/examples/.keep': '',
  });
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('resolvePluginSpecifier', () => {
  const config = (): string => join(root, 'project/config');
  const cases: [string, string, () => string][] = [
    ['a scoped package by name, through its import condition', '@acme/gpu', () => 'project/node_modules/@acme/gpu/dist/index.js'],
    ['a subpath export', '@acme/gpu/extra', () => 'project/node_modules/@acme/gpu/dist/extra.js'],
    ['a subpath pattern export', '@acme/gpu/plugins/binpack', () => 'project/node_modules/@acme/gpu/dist/plugins/binpack.js'],
    ['the first listed matching condition', 'node-first', () => 'project/node_modules/node-first/node.js'],
    ['main when there are no exports', 'legacy', () => 'project/node_modules/legacy/lib/main.js'],
    ['a relative file, against the config folder', './local/plugin.js', () => 'project/config/local/plugin.js'],
    ['a relative file named without .js', './local/plugin', () => 'project/config/local/plugin.js'],
    ['a relative package folder, through its exports', './local-package', () => 'project/config/local-package/dist/index.js'],
    ['a path going up from the config folder', '../node_modules/legacy/lib/main.js', () => 'project/node_modules/legacy/lib/main.js'],
  ];
  it.each(cases)('resolves %s (%s)', (_what, specifier, expected) => {
    expect(resolvePluginSpecifier(specifier, config())).toBe(join(root, expected()));
  });

  it('finds node_modules in any folder above the config folder', () => {
    expect(resolvePluginSpecifier('@acme/gpu', join(root, 'project/config/nested'))).toBe(join(root, 'project/node_modules/@acme/gpu/dist/index.js'));
  });

  it('resolves relative paths against the config folder, not the working directory', () => {
    expect(process.cwd()).not.toBe(config());
    expect(resolvePluginSpecifier('./local/plugin.js', config())).toBe(join(root, 'project/config/local/plugin.js'));
    expectThrown(() => resolvePluginSpecifier('./local/plugin.js', join(root, 'project')), `plugin package "./local/plugin.js": no such file (looked for ${join(root, 'project/local/plugin.js')})`);
  });

  it('resolves an absolute path as is', () => {
    const file = join(root, 'project/config/local/plugin.js');
    expect(resolvePluginSpecifier(file, join(root, 'own-plugin'))).toBe(file);
  });

  it('lets a config inside a plugin package name that package (self-reference)', () => {
    expect(resolvePluginSpecifier('@acme/own-plugin', join(root, 'own-plugin/examples'))).toBe(join(root, 'own-plugin/dist/index.js'));
  });

  const errors: [string, string, string][] = [
    ['an empty name', '', 'plugin package "": the name is empty'],
    ['a scope without a name', '@acme', 'plugin package "@acme" is not a valid package name'],
    ['a package exporting no import entry', '@acme/cjs-only', 'plugin package "@acme/cjs-only" does not export "." for import'],
    ['an unexported subpath', '@acme/gpu/internal', 'plugin package "@acme/gpu/internal" does not export "./internal" for import'],
    [
      'an export target outside the package',
      '@acme/escaping',
      'plugin package "@acme/escaping" exports "." as "../legacy/lib/main.js", which is not a path inside the package',
    ],
  ];
  it.each(errors)('rejects %s with one error naming it', (_what, specifier, message) => {
    expectThrown(() => resolvePluginSpecifier(specifier, config()), message);
  });

  it('says how to install a package that is missing', () => {
    expectThrown(() => resolvePluginSpecifier('@acme/missing', config()), `plugin package "@acme/missing" is not installed (no node_modules/@acme/missing above ${config()}); install it with npm i @acme/missing`);
  });

  it('asks whether a package whose export is missing was built', () => {
    const file = join(root, 'project/node_modules/@acme/unbuilt/dist/index.js');
    expectThrown(() => resolvePluginSpecifier('@acme/unbuilt', config()), `plugin package "@acme/unbuilt" exports "." as ./dist/index.js, but ${file} does not exist (is the package built?)`);
  });
});

describe('importPluginModule', () => {
  it('returns the module a package exports', async () => {
    const module = await importPluginModule('@acme/gpu', join(root, 'project/config'));
    expect(module.name).toBe('@acme/gpu');
    expect(module.frameworkRange).toBe(compatibleRange);
  });

  const shapes: [string, string, string][] = [
    [
      'a module missing frameworkRange and register',
      '@acme/shapeless',
      'plugin package "@acme/shapeless" is not a schedkit plugin module: "frameworkRange" must be a semver range such as "^0.1.0"; "register" must be a function (registry) => void',
    ],
    ['a function instead of a module', '@acme/function-export', 'plugin package "@acme/function-export" is not a schedkit plugin module: it is not an object'],
  ];
  it.each(shapes)('rejects %s', async (_what, specifier, message) => {
    await expectRejected(importPluginModule(specifier, join(root, 'project/config')), message);
  });

  it('reports a module that throws while loading, with the package and the file', async () => {
    const file = join(root, 'project/node_modules/@acme/throws/index.js');
    await expectRejected(importPluginModule('@acme/throws', join(root, 'project/config')), `plugin package "@acme/throws" (${file}) failed to load: GPU driver not found`);
  });
});

describe('loadPluginPackages', () => {
  const baseDir = (): string => join(root, 'project/config');

  it('registers each package in the order listed and returns the modules', async () => {
    const registry = new Registry();
    const modules = await loadPluginPackages([{ specifier: '@acme/gpu' }, { specifier: './local/plugin.js' }, { specifier: 'legacy' }], registry, baseDir());
    expect(modules.map((module) => module.name)).toEqual(['@acme/gpu', './local/plugin.js', 'legacy']);
    expect(registry.names()).toEqual(['Gpu', 'LocalFile', 'Legacy']);
    expect(registry.registeredBy('LocalFile')).toBe('./local/plugin.js');
  });

  it('hands the options of a [specifier, options] entry to register', async () => {
    const registry = new Registry();
    await loadPluginPackages([{ specifier: '@acme/gpu/extra', options: { pluginName: 'GpuFromOptions' } }], registry, baseDir());
    expect(registry.names()).toEqual(['GpuFromOptions']);
  });

  it('fails with one error naming the package when it needs another framework major', async () => {
    await expectRejected(loadPluginPackages([{ specifier: '@acme/future' }], new Registry(), baseDir()), `plugin package "@acme/future": @acme/future needs @schedkit/framework ${nextMajorRange}, but this is ${frameworkVersion}`);
  });

  it('fails with one error naming the package when it is missing, and stops there', async () => {
    const registry = new Registry();
    const loading = loadPluginPackages([{ specifier: 'legacy' }, { specifier: 'not-there' }, { specifier: '@acme/gpu' }], registry, baseDir());
    await expectRejected(loading, `plugin package "not-there" is not installed (no node_modules/not-there above ${baseDir()}); install it with npm i not-there`);
    expect(registry.names()).toEqual(['Legacy']);
  });

  it('names the package when its register rejects the options', async () => {
    await expectRejected(loadPluginPackages([{ specifier: '@acme/bad-options', options: { endpoint: 42 } }], new Registry(), baseDir()), 'plugin package "@acme/bad-options": options.endpoint must be a URL string');
  });

  it('names the package when one of its plugins is already registered', async () => {
    const registry = new Registry();
    await expectRejected(loadPluginPackages([{ specifier: '@acme/gpu' }, { specifier: '@acme/gpu/extra', options: { pluginName: 'Gpu' } }], registry, baseDir()), 'plugin package "@acme/gpu/extra": plugin "Gpu" is registered twice: by @acme/gpu and by @acme/gpu/extra');
  });
});
