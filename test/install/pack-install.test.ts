import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, packPackages, publishablePackages, repoRoot, type WorkspacePackage, workspacePackages } from '../packages/workspace.js';

const execFileAsync = promisify(execFile);

/**
 * The real install check, as a third party meets schedkit: every publishable package is packed as npm would
 * publish it, and the tarballs are installed with npm (not pnpm) into folders outside the workspace, their
 * third-party dependencies coming from the npm registry (through npm's cache):
 *
 * - `app/`: an application with the preset, the example GPU plugin, the scaffold, the CLI and the plugin scaffolded
 *   here (from its packed tarball): one framework copy. Plain node, tsc, CommonJS, an esbuild bundle and
 *   `npx schedkit` run there.
 * - `rack/`: the plugin package create-schedkit-plugin writes, with its devDependencies; its own tests run there.
 * - `linked/`: an application with the plugin installed from its local folder (`npm i ../rack`), so that the plugin
 *   resolves the framework copy of rack/node_modules: a second copy.
 */
const exampleName = '@acme/schedkit-plugin-gpu-binpack';
const rackName = '@acme/schedkit-plugin-rack';
const rackLabel = 'example.com/rack';

/** Every publishable package, and the example plugin (private, installed as a third-party plugin would be). */
function packagesToPack(): WorkspacePackage[] {
  const example = workspacePackages().get(exampleName);
  if (!example) throw new Error(`no workspace package ${exampleName}`);
  return [...publishablePackages(), example];
}

/** Runs a command; rejects with its output on failure. */
async function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync(command, [...args], { cwd, maxBuffer: 32 * 1024 * 1024, env: { ...childEnv, NO_COLOR: '1', FORCE_COLOR: '0', ...env } });
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed: ${failure.message}\n${failure.stdout ?? ''}\n${failure.stderr ?? ''}`);
  }
}

/** The environment of child processes: without vitest's variables, so that the plugin's own vitest runs as a user's. */
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_OPTIONS' && !key.startsWith('npm_')));
const npmInstall = ['install', '--no-audit', '--no-fund', '--loglevel=error'];

/** The scheduler configuration of the app: the default profile plus the example plugin, loaded by package name. */
const gpuConfiguration = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
plugins:
  - "${exampleName}"
profiles:
  - schedulerName: default-scheduler
    plugins:
      multiPoint:
        enabled:
          - name: GpuBinpack
            weight: 5
`;

/** The scaffolded plugin enabled in the default profile, loaded by package name. */
const rackConfiguration = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
plugins:
  - "${rackName}"
profiles:
  - schedulerName: default-scheduler
    plugins:
      multiPoint:
        enabled:
          - name: Rack
            weight: 5
`;

/** A user's script: plain node, ESM, nothing but the installed packages. */
const placeScript = `import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPluginPackages, MemoryClusterStore, parseConfiguration, Registry, Scheduler } from '@schedkit/framework';
import { makeNode, makePod } from '@schedkit/framework/testing';
import { defaultPluginConfig, defaultPlugins, registerDefaultPlugins } from '@schedkit/preset-default';

const file = fileURLToPath(new URL('./scheduler.yaml', import.meta.url));
const configuration = parseConfiguration(await readFile(file, 'utf8'), { defaultPlugins, defaultPluginConfig, file: 'scheduler.yaml', sourcePath: file });
const registry = registerDefaultPlugins(new Registry());
const modules = await loadPluginPackages(configuration.pluginPackages, registry, dirname(file));
console.log('loaded ' + modules.map((module) => module.name).join(', '));

const gpu = 'nvidia.com/gpu';
const store = new MemoryClusterStore();
store.applyNode(makeNode('cpu-1').capacity({ cpu: '8', memory: '32Gi' }).obj());
store.applyNode(makeNode('gpu-a').capacity({ cpu: '32', memory: '128Gi', [gpu]: '8' }).obj());
store.applyNode(makeNode('gpu-b').capacity({ cpu: '32', memory: '128Gi', [gpu]: '8' }).obj());
store.applyPod(makePod('running').node('gpu-a').req({ cpu: '4', memory: '8Gi', [gpu]: '6' }).obj());

const placement = new Map();
const scheduler = new Scheduler({
  store,
  registry,
  configuration,
  onEvent: (event) => {
    if (event.type === 'bound') placement.set(event.pod.metadata.name, '-> ' + event.nodeName);
    if (event.type === 'unschedulable') placement.set(event.pod.metadata.name, 'unschedulable: ' + event.message);
  },
});
scheduler.start();
store.applyPod(makePod('train-1').req({ cpu: '1', memory: '4Gi', [gpu]: '2' }).obj());
store.applyPod(makePod('train-2').req({ cpu: '1', memory: '4Gi', [gpu]: '4' }).obj());
store.applyPod(makePod('web-1').req({ cpu: '1', memory: '1Gi' }).obj());
store.applyPod(makePod('web-2').req({ cpu: '1', memory: '1Gi' }).obj());
store.applyPod(makePod('train-3').req({ cpu: '1', memory: '4Gi', [gpu]: '8' }).obj());
await scheduler.waitForIdle();
await scheduler.stop();
for (const name of [...placement.keys()].sort()) console.log(name + ' ' + placement.get(name));
`;

/**
 * An app that loads the scaffolded plugin by package name from rack.yaml (or schedules without it when run with
 * --without) and prints where four pods labelled for the blue rack go. Bundled with esbuild too.
 */
const rackScript = `import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadPluginPackages, MemoryClusterStore, parseConfiguration, Registry, Scheduler } from '@schedkit/framework';
import { makeNode, makePod } from '@schedkit/framework/testing';
import { defaultPluginConfig, defaultPlugins, registerDefaultPlugins } from '@schedkit/preset-default';

const without = process.argv.includes('--without');
const file = join(process.cwd(), 'rack.yaml');
const text = without ? 'apiVersion: kubescheduler.config.k8s.io/v1\\nkind: KubeSchedulerConfiguration\\n' : readFileSync(file, 'utf8');
const configuration = parseConfiguration(text, { defaultPlugins, defaultPluginConfig, file: 'rack.yaml', sourcePath: file });
const registry = registerDefaultPlugins(new Registry());
await loadPluginPackages(configuration.pluginPackages, registry, dirname(file));

const store = new MemoryClusterStore();
for (const [name, rack] of [['blue-1', 'blue'], ['green-1', 'green'], ['plain-1', undefined]]) {
  const node = makeNode(name).capacity({ cpu: '8', memory: '32Gi', pods: '110' });
  if (rack) node.label('${rackLabel}', rack);
  store.applyNode(node.obj());
}
const placement = [];
const scheduler = new Scheduler({
  store,
  registry,
  configuration,
  random: () => 0,
  onEvent: (event) => {
    if (event.type === 'bound') placement.push(event.pod.metadata.name + ' -> ' + event.nodeName);
    if (event.type === 'error') placement.push(event.pod.metadata.name + ' error: ' + event.error.message);
  },
});
scheduler.start();
for (let i = 0; i < 4; i++) {
  store.applyPod(makePod('web-' + i).label('${rackLabel}', 'blue').req({ cpu: '1', memory: '1Gi' }).obj());
  await scheduler.waitForIdle();
}
await scheduler.stop();
console.log(placement.sort().join('\\n'));
`;

/** A user's TypeScript: it must compile against the shipped declarations, and a wrong type must not. */
const typesSource = `import { type PluginModule, Registry, type ScorePlugin, Status } from '@schedkit/framework';
import { makePod, PluginTester } from '@schedkit/framework/testing';
import { Parallelizer } from '@schedkit/parallelizer';
import { defaultPlugins, registerDefaultPlugins } from '@schedkit/preset-default';
import gpu, { GpuBinpack, type GpuBinpackArgs, GpuBinpackArgsSchema } from '${exampleName}';

const registry: Registry = registerDefaultPlugins(new Registry()).use(gpu);
const module: PluginModule = gpu;
const args: GpuBinpackArgs = GpuBinpackArgsSchema.parse({});
const scorer: ScorePlugin = new GpuBinpack(args);
const tester = new PluginTester({ plugin: module, nodes: [] });
const parallelizer = new Parallelizer(4);
const skip: Status = Status.skip;
const scoreEnabled: boolean = defaultPlugins.multiPoint !== undefined;
// @ts-expect-error resourceName is a string: the declarations carry real types, not any.
const wrong: GpuBinpackArgs = { resourceName: 1, reserveGpuNodes: true };
export { registry, scorer, tester, parallelizer, skip, scoreEnabled, wrong, makePod };
`;

const tsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    experimentalDecorators: true,
    types: ['node'],
  },
  files: ['types.ts'],
};

/**
 * A CommonJS consumer, the promise README makes: on Node >= 20.19 `require('@schedkit/framework')` loads the ESM
 * build (require(esm)), one module instance with `import`; a CommonJS TypeScript project type-checks against the
 * same declarations (module nodenext) and then runs.
 */
const commonJsSource = `import { Registry, Status, frameworkVersion } from '@schedkit/framework';
import { makeNode } from '@schedkit/framework/testing';
import { registerDefaultPlugins } from '@schedkit/preset-default';

const registry = registerDefaultPlugins(new Registry());
const skip: Status = Status.skip;
console.log([frameworkVersion, registry.names().length, makeNode('n').obj().metadata.name, skip.code].join(' '));
`;

const commonJsTsconfig = {
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'dist', types: ['node'], skipLibCheck: false },
  files: ['main.ts'],
};

describe('installed with npm from packed tarballs, outside the workspace', () => {
  let base: string;
  let app: string;
  let rack: string;
  let linked: string;
  let tarballs: Map<string, string>;
  let rackTest: string;

  beforeAll(async () => {
    const packages = packagesToPack();
    assertBuilt(packages);
    base = realpathSync(mkdtempSync(join(tmpdir(), 'schedkit-install-')));
    const packed = join(base, 'tarballs');
    app = join(base, 'app');
    rack = join(base, 'rack');
    linked = join(base, 'linked');
    for (const dir of [packed, app, linked]) mkdirSync(dir);
    tarballs = await packPackages(packages, packed);
    const schedkitTarballs = [...tarballs].filter(([name]) => name.startsWith('@schedkit/')).map(([, file]) => file);
    const project = (name: string) => `${JSON.stringify({ name, private: true, type: 'module' }, null, 2)}\n`;

    // The app: npm fetches tsyringe, zod, yaml, semver, commander, ... from the registry (through its cache).
    writeFileSync(join(app, 'package.json'), project('schedkit-install-app'));
    await run('npm', [...npmInstall, ...tarballs.values(), '@types/node@^20.19.0', 'esbuild@^0.28.0'], app);

    // The plugin a third-party author starts from, scaffolded by the installed create-schedkit-plugin.
    await run(join(app, 'node_modules/.bin/create-schedkit-plugin'), [rackName, '--point', 'filter,score', '--dir', rack], app);
    // Before schedkit is on npm, the author installs its packages from tarballs (docs/writing-a-plugin.md).
    await run('npm', [...npmInstall, '--save-dev', ...schedkitTarballs], rack);
    rackTest = (await run('npm', ['test'], rack)).stdout;
    await run('npm', ['run', 'build'], rack);
    const { stdout: packedRack } = await run('npm', ['pack', '--pack-destination', packed, '--silent'], rack);
    await run('npm', [...npmInstall, join(packed, packedRack.trim().split('\n').pop()!)], app);

    // The same plugin from its local folder: npm links it, and it resolves rack/node_modules' framework.
    writeFileSync(join(linked, 'package.json'), project('schedkit-install-linked'));
    await run('npm', [...npmInstall, ...schedkitTarballs, rack], linked);

    for (const dir of [app, linked]) {
      writeFileSync(join(dir, 'rack.yaml'), rackConfiguration);
      writeFileSync(join(dir, 'rack.mjs'), rackScript);
    }
    writeFileSync(join(app, 'scheduler.yaml'), gpuConfiguration);
    writeFileSync(join(app, 'place.mjs'), placeScript);
    writeFileSync(join(app, 'types.ts'), typesSource);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  }, 900_000);

  afterAll(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('installs manifests without workspace: ranges', () => {
    for (const name of tarballs.keys()) {
      const manifest = readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8');
      expect(manifest, name).not.toContain('workspace:');
    }
  });

  it('schedules with the preset and the example plugin loaded by package name, in plain node', async () => {
    const { stdout } = await run(process.execPath, ['place.mjs'], app);
    expect(stdout.trim().split('\n')).toEqual([
      `loaded ${exampleName}`,
      // Bin-packing: the busier GPU node while the pod fits there, then the idle one.
      'train-1 -> gpu-a',
      'train-2 -> gpu-b',
      // No node has 8 free GPUs; kube's message, its double period included (cpu-1 has no GPUs at all, so
      // preemption cannot help there; the pod on gpu-a has the same priority, so it is no victim).
      'train-3 unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..',
      // GpuBinpack keeps pods without GPUs off the GPU nodes.
      'web-1 -> cpu-1',
      'web-2 -> cpu-1',
    ]);
  });

  it("type-checks a user's TypeScript against the shipped declarations", async () => {
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const result = await execFileAsync(process.execPath, [tsc, '-p', join(app, 'tsconfig.json')], { cwd: app }).then(
      () => ({ code: 0, output: '' }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, output: error.stdout ?? '' }),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it("scaffolds a plugin whose own tests pass with npm, declaring the released framework range", () => {
    const frameworkVersion = (JSON.parse(readFileSync(join(app, 'node_modules/@schedkit/framework/package.json'), 'utf8')) as { version: string }).version;
    const manifest = JSON.parse(readFileSync(join(rack, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };
    expect(manifest.peerDependencies).toEqual({ '@schedkit/framework': `^${frameworkVersion}` });
    expect(readFileSync(join(rack, 'src/index.ts'), 'utf8')).toContain(`frameworkRange: '^${frameworkVersion}',`);
    // vitest's summary: every test of the scaffold passed, and there are some.
    expect(rackTest).toMatch(/Tests\s+\d+ passed \(\d+\)/);
    expect(rackTest).not.toMatch(/failed/);
  });

  // Without Rack the default scores spread the pods; with it, every pod labelled for the blue rack goes there.
  const packedOnBlue = ['web-0 -> blue-1', 'web-1 -> blue-1', 'web-2 -> blue-1', 'web-3 -> blue-1'];

  it('an app loads the scaffolded plugin by package name and it changes placement', async () => {
    const without = (await run(process.execPath, ['rack.mjs', '--without'], app)).stdout.trim().split('\n');
    expect(without).toHaveLength(4);
    expect(new Set(without.map((line) => line.split(' -> ')[1])).size).toBeGreaterThan(1);
    expect((await run(process.execPath, ['rack.mjs'], app)).stdout.trim().split('\n')).toEqual(packedOnBlue);
  });

  it('works the same with the plugin installed from a local folder, which resolves a second framework copy', async () => {
    const appFramework = realpathSync(join(linked, 'node_modules/@schedkit/framework'));
    const pluginFramework = realpathSync(join(linked, 'node_modules', rackName, 'node_modules/@schedkit/framework'));
    expect(pluginFramework).not.toBe(appFramework);
    expect((await run(process.execPath, ['rack.mjs'], linked)).stdout.trim().split('\n')).toEqual(packedOnBlue);
  });

  it('runs as an esbuild bundle of the app, the plugin still loaded by name from node_modules', async () => {
    // As docs/writing-a-plugin.md says: ESM output needs a require() for the CommonJS inside (yaml's Node build).
    const banner = "--banner:js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";
    await run(join(app, 'node_modules/.bin/esbuild'), ['rack.mjs', '--bundle', '--platform=node', '--format=esm', banner, '--outfile=bundle/rack.mjs', '--log-level=warning'], app);
    // The bundle carries its own framework; the plugin, loaded at run time, imports node_modules' copy.
    const bundle = readFileSync(join(app, 'bundle/rack.mjs'), 'utf8');
    expect(bundle).toContain('MemoryClusterStore');
    expect(bundle).not.toMatch(/from ["']@schedkit\/framework/);
    expect((await run(process.execPath, [join(app, 'bundle/rack.mjs')], app)).stdout.trim().split('\n')).toEqual(packedOnBlue);
  });

  it('`npx schedkit run --config` loads the plugin installed next to the file and --explain shows its column', async () => {
    const args = ['schedkit', 'run', '--config', 'rack.yaml', '--nodes', '6', '--pods', '6', '--seed', '7', '--no-progress'];
    const { stdout: json } = await run('npx', [...args, '--json'], app);
    const [pod] = Object.keys((JSON.parse(json) as { placements: Record<string, string> }).placements);
    const { stdout } = await run('npx', [...args, '--explain', pod!], app);
    expect(stdout).toContain(`Explain ${pod}`);
    expect(stdout).toMatch(/NODE\s+TOTAL\s.*\bRack x5\b/);
  });

  it("the scaffold's npm run demo shows the plugin's column in --explain", async () => {
    const { stdout } = await run('npm', ['run', 'demo', '--silent'], rack);
    expect(stdout).toContain('Explain default/demo-0');
    expect(stdout).toMatch(/NODE\s+TOTAL\s.*\bRack x5\b/);
  });

  it('a CommonJS project require()s the packages (Node >= 20.19) and its TypeScript type-checks, then runs', async () => {
    const cjs = join(app, 'cjs');
    mkdirSync(cjs);
    writeFileSync(join(cjs, 'package.json'), `${JSON.stringify({ name: 'cjs-consumer', private: true, type: 'commonjs' })}\n`);
    writeFileSync(join(cjs, 'plain.cjs'), "const { Status, frameworkVersion } = require('@schedkit/framework');\nconst esm = import('@schedkit/framework');\nesm.then((m) => console.log(frameworkVersion, m.Status === Status));\n");
    writeFileSync(join(cjs, 'main.ts'), commonJsSource);
    writeFileSync(join(cjs, 'tsconfig.json'), JSON.stringify(commonJsTsconfig, null, 2));
    const frameworkVersion = (JSON.parse(readFileSync(join(app, 'node_modules/@schedkit/framework/package.json'), 'utf8')) as { version: string }).version;
    // One module instance for require() and import().
    expect((await run(process.execPath, ['plain.cjs'], cjs)).stdout.trim()).toBe(`${frameworkVersion} true`);
    await run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], cjs);
    expect(readFileSync(join(cjs, 'dist/main.js'), 'utf8')).toContain('require("@schedkit/framework")');
    const [version, plugins, node, skip] = (await run(process.execPath, ['dist/main.js'], cjs)).stdout.trim().split(' ');
    // kube's default plugins, registered; Code.Skip is kube's 5.
    expect({ version, plugins: Number(plugins) > 10, node, skip }).toEqual({ version: frameworkVersion, plugins: true, node: 'n', skip: '5' });
  });
});
