import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfiguration } from '@schedkit/framework';
import { run } from './cli.js';
import { defaultFrameworkRange } from './framework-range.js';
import { assertPackageName, kebabCase, parsePoints, pluginNameFor, ScaffoldError } from './names.js';
import { scaffoldPlugin } from './scaffold.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const frameworkDir = join(repo, 'packages/framework');
const frameworkVersion = (JSON.parse(readFileSync(join(frameworkDir, 'package.json'), 'utf8')) as { version: string }).version;

describe('names', () => {
  const pluginNames: [string, string][] = [
    ['@acme/schedkit-plugin-gpu-binpack', 'GpuBinpack'],
    ['schedkit-plugin-node-load', 'NodeLoad'],
    ['@acme/zone-picker-schedkit-plugin', 'ZonePicker'],
    ['@acme/cost.aware_v2', 'CostAwareV2'],
    ['schedkit-plugin-3d', 'Plugin3d'],
  ];
  it.each(pluginNames)('names the plugin of %s %s', (packageName, expected) => {
    expect(pluginNameFor(packageName)).toBe(expected);
  });

  it.each([
    ['GpuBinpack', 'gpu-binpack'],
    ['NodeLoad', 'node-load'],
    ['HTTPLoad', 'http-load'],
    ['CostAwareV2', 'cost-aware-v2'],
  ])('kebab-cases %s as %s', (pascal, expected) => {
    expect(kebabCase(pascal)).toBe(expected);
  });

  it.each(['@acme/schedkit-plugin-gpu', 'schedkit-plugin-x', 'a.b_c-d'])('accepts the package name %s', (name) => {
    expect(() => assertPackageName(name)).not.toThrow();
  });

  const characters = 'use lowercase letters, digits, "-", "." or "_" (not starting with "." or "_"), optionally scoped (@acme/schedkit-plugin-gpu)';
  it.each([
    ['Acme-Plugin', characters],
    ['@acme/', characters],
    ['has space', characters],
    ['.hidden', characters],
    ['_private', characters],
    ['tilde~name', characters],
    ["it's", characters],
    ['@/x', characters],
    ['', characters],
    ['node_modules', 'npm reserves it'],
    ['http', 'it is the name of a Node.js core module'],
    [`x${'y'.repeat(214)}`, 'it is longer than 214 characters'],
  ])('rejects the package name "%s"', (name, problem) => {
    expect(() => assertPackageName(name)).toThrow(new ScaffoldError(`"${name}" is not a valid npm package name: ${problem}`));
  });
});

describe('parsePoints', () => {
  it('takes comma lists and repeated flags, and orders points as a pod meets them', () => {
    expect(parsePoints(['score,prefilter', 'filter', 'QueueSort'])).toEqual(['queueSort', 'preFilter', 'filter', 'score']);
  });

  it('drops duplicates', () => {
    expect(parsePoints(['score', 'score'])).toEqual(['score']);
  });

  const errors: [string[], string][] = [
    [[], 'name at least one extension point with --point (preenqueue, queuesort, prefilter, filter, postfilter, prescore, score, reserve, permit, prebind, bind, postbind)'],
    [['scores'], 'unknown extension point "scores": choose from preenqueue, queuesort, prefilter, filter, postfilter, prescore, score, reserve, permit, prebind, bind, postbind'],
    [['prescore'], '--point prescore needs score too: PreScore prepares per-cycle state for Score'],
  ];
  it.each(errors)('rejects %j', (values, message) => {
    expect(() => parsePoints(values)).toThrow(new ScaffoldError(message));
  });
});

describe('defaultFrameworkRange', () => {
  it("is ^ the workspace framework's version when run from the repository", () => {
    expect(defaultFrameworkRange()).toBe(`^${frameworkVersion}`);
  });
});

describe('scaffoldPlugin', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'schedkit-scaffold-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the package files, declaring the framework range as a peer and in the module', () => {
    const result = scaffoldPlugin({ packageName: '@acme/schedkit-plugin-gpu', points: ['filter'], cwd: dir, frameworkRange: '^7.1.0' });
    expect(result.directory).toBe(join(dir, 'schedkit-plugin-gpu'));
    expect(result.files).toEqual([
      'package.json',
      'LICENSE',
      '.github/workflows/ci.yml',
      'tsconfig.json',
      'tsconfig.build.json',
      'vitest.config.ts',
      '.gitignore',
      'README.md',
      'src/index.ts',
      'src/gpu.ts',
      'src/gpu.test.ts',
      'demo.yaml',
      'demo/nodes.yaml',
      'demo/pods.yaml',
    ]);
    const manifest = JSON.parse(readFileSync(join(result.directory, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(manifest.peerDependencies).toEqual({ '@schedkit/framework': '^7.1.0' });
    expect(manifest.devDependencies?.['@schedkit/framework']).toBe('^7.1.0');
    expect(readFileSync(join(result.directory, 'src/index.ts'), 'utf8')).toContain("frameworkRange: '^7.1.0',");
    expect(readFileSync(join(result.directory, 'vitest.config.ts'), 'utf8')).toContain("setupFiles: ['reflect-metadata']");
  });

  it('refuses a directory that is not empty', () => {
    mkdirSync(join(dir, 'taken'));
    writeFileSync(join(dir, 'taken/file'), '');
    expect(() => scaffoldPlugin({ packageName: 'x', points: ['score'], cwd: dir, directory: 'taken' })).toThrow(
      new ScaffoldError(`${join(dir, 'taken')} is not empty: choose another --dir or remove it`),
    );
  });

  it.each([
    [{ pluginName: 'gpu' }, '"gpu" is not a usable plugin name: use PascalCase letters and digits, as kube\'s plugins do (NodeAffinity)'],
    [{ frameworkRange: 'workspace:^' }, '"workspace:^" is not a semver range for @schedkit/framework (for example ^0.1.0)'],
  ])('rejects %j', (extra, message) => {
    expect(() => scaffoldPlugin({ packageName: 'x', points: ['score'], cwd: dir, directory: 'unused', ...extra })).toThrow(new ScaffoldError(message));
  });
});

describe('the CLI', () => {
  const capture = (args: string[]): { code: number; out: string; err: string } => {
    const out: string[] = [];
    const err: string[] = [];
    const code = run(
      args,
      (line) => out.push(line),
      (line) => err.push(line),
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('prints its usage with --help', () => {
    const { code, out } = capture(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: create-schedkit-plugin <package-name> --point <point>');
  });

  it.each([
    [['--point', 'score'], 2, 'create-schedkit-plugin: give exactly one package name'],
    [['a', 'b', '--point', 'score'], 2, 'create-schedkit-plugin: give exactly one package name'],
    [['a', '--colour'], 2, "create-schedkit-plugin: Unknown option '--colour'"],
    [['a', '--point', 'binds'], 1, 'create-schedkit-plugin: unknown extension point "binds": choose from preenqueue, queuesort, prefilter, filter, postfilter, prescore, score, reserve, permit, prebind, bind, postbind'],
  ])('rejects %j with exit code %i', (args, expected, message) => {
    const { code, err } = capture(args);
    expect(code).toBe(expected);
    expect(err.split('\n')[0]).toContain(message);
  });
});

/**
 * The generated package works: its own tests pass under its own vitest config, it type-checks, and it lints clean.
 * It is generated inside the repository (.tmp/ is gitignored) with node_modules linking the workspace's framework
 * and zod, as `npm install` would provide them; vitest, typescript and @types/node come from the repository root.
 */
describe('a generated plugin package', () => {
  const scratchRoot = join(repo, '.tmp/scaffold-test');
  let scratch: string;
  beforeAll(() => {
    if (!existsSync(join(frameworkDir, 'dist/index.js')) || !existsSync(join(frameworkDir, 'dist/testing/index.d.ts'))) {
      throw new Error('packages/framework/dist is missing: build first (pnpm build, or pnpm --filter @schedkit/framework build)');
    }
    mkdirSync(scratchRoot, { recursive: true });
    scratch = mkdtempSync(join(scratchRoot, 'run-'));
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  // Environment for a child vitest: without the parent's worker variables.
  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_OPTIONS'));
  const node = (args: string[], cwd: string) => spawnSync(process.execPath, args, { cwd, env: childEnv, encoding: 'utf8', timeout: 120_000 });

  const combinations: [string, string, number][] = [
    ['@acme/schedkit-plugin-everything', 'preenqueue,queuesort,prefilter,filter,prescore,score', 16],
    ['schedkit-plugin-filter-score', 'filter,score', 10],
    ['@acme/narrow-schedkit-plugin', 'prefilter', 8],
    ['@acme/schedkit-plugin-binding', 'postfilter,reserve,permit,prebind,bind,postbind', 10],
  ];
  it.each(combinations)('%s (--point %s) passes its %i tests, type-checks and lints clean', (packageName, points, tests) => {
    const dir = join(scratch, kebabCase(pluginNameFor(packageName)));
    const errors: string[] = [];
    const code = run([packageName, '--point', points, '--dir', dir], () => {}, (line) => errors.push(line));
    expect(errors).toEqual([]);
    expect(code).toBe(0);
    // Inside the repository the package links the workspace's framework; its module still declares a real range.
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(manifest.peerDependencies).toEqual({ '@schedkit/framework': 'workspace:^' });
    expect(readFileSync(join(dir, 'src/index.ts'), 'utf8')).toContain(`frameworkRange: '^${frameworkVersion}',`);
    mkdirSync(join(dir, 'node_modules/@schedkit'), { recursive: true });
    symlinkSync(frameworkDir, join(dir, 'node_modules/@schedkit/framework'), 'dir');
    symlinkSync(join(repo, 'packages/preset-default'), join(dir, 'node_modules/@schedkit/preset-default'), 'dir');
    symlinkSync(realpathSync(join(frameworkDir, 'node_modules/zod')), join(dir, 'node_modules/zod'), 'dir');

    // The YAML it writes is valid, scoped names included, and demo.yaml is a configuration enabling the plugin.
    const demo = parseConfiguration(readFileSync(join(dir, 'demo.yaml'), 'utf8'), { file: 'demo.yaml' });
    expect(demo.pluginPackages).toEqual([{ specifier: packageName }]);
    expect(demo.profiles[0]?.plugins.multiPoint?.enabled.map((entry) => entry.name)).toContain(pluginNameFor(packageName));
    const readmeYaml = /```yaml\n([\s\S]*?)```/.exec(readFileSync(join(dir, 'README.md'), 'utf8'))?.[1] ?? '';
    expect(parseConfiguration(readmeYaml, { file: 'README.md' }).pluginPackages).toEqual([{ specifier: packageName }]);
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/^Apache License\n\nVersion 2\.0, January 2004\n/);
    expect(readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8')).toContain('- run: npm test');

    const report = join(dir, 'vitest-report.json');
    const vitest = node([join(repo, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--reporter=json', `--outputFile=${report}`], dir);
    expect(vitest.status, `${vitest.stdout}\n${vitest.stderr}`).toBe(0);
    const results = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numTotalTests: number };
    expect({ passed: results.numPassedTests, failed: results.numFailedTests, total: results.numTotalTests }).toEqual({ passed: tests, failed: 0, total: tests });

    const tsc = node([join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json'), '--noEmit'], dir);
    expect(tsc.status, `${tsc.stdout}\n${tsc.stderr}`).toBe(0);

    const biome = node([join(repo, 'node_modules/@biomejs/biome/bin/biome'), 'check', dir], repo);
    expect(biome.status, `${biome.stdout}\n${biome.stderr}`).toBe(0);
  });
});
