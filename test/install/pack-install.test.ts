import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, packPackages, repoRoot, type WorkspacePackage, workspacePackages } from '../packages/workspace.js';

const run = promisify(execFile);

/**
 * The real install check: the packages a user installs are packed as npm would publish them, installed from the
 * tarballs into a project outside the workspace (their third-party dependencies come from the npm registry), and
 * used there by plain node and by tsc, so that a missing file, a wrong `exports` entry, a `workspace:` range left
 * in a manifest or broken `types` fails here rather than for the first user.
 */
const exampleName = '@acme/schedkit-plugin-gpu-binpack';
const scaffoldName = '@schedkit/create-plugin';

/** The packages installed: the preset, everything it needs from the workspace, the example plugin, the scaffold. */
function packagesToInstall(): WorkspacePackage[] {
  const all = workspacePackages();
  const pick = (name: string): WorkspacePackage => {
    const pkg = all.get(name);
    if (!pkg) throw new Error(`no workspace package ${name}`);
    return pkg;
  };
  const preset = pick('@schedkit/preset-default');
  const presetDependencies = Object.keys(preset.manifest.dependencies ?? {}).filter((name) => all.has(name));
  const names = new Set(['@schedkit/framework', '@schedkit/parallelizer', preset.name, ...presetDependencies, exampleName, scaffoldName]);
  return [...names].map(pick);
}

/** The scheduler configuration of the project: the default profile plus the example plugin, loaded by package name. */
const configuration = `apiVersion: kubescheduler.config.k8s.io/v1
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

describe('install from packed tarballs, outside the workspace', () => {
  let project: string;
  let tarballs: Map<string, string>;

  beforeAll(async () => {
    const packages = packagesToInstall();
    assertBuilt(packages);
    project = mkdtempSync(join(tmpdir(), 'schedkit-install-'));
    const packed = join(project, 'tarballs');
    mkdirSync(packed);
    tarballs = await packPackages(packages, packed);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'schedkit-install-check', private: true, type: 'module' }, null, 2)}\n`);
    // npm fetches tsyringe, zod, yaml, semver, reflect-metadata and @types/node from the registry (through its cache).
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs.values(), '@types/node@^20.19.0'], {
      cwd: project,
      maxBuffer: 16 * 1024 * 1024,
    });
    writeFileSync(join(project, 'scheduler.yaml'), configuration);
    writeFileSync(join(project, 'place.mjs'), placeScript);
    writeFileSync(join(project, 'types.ts'), typesSource);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  }, 600_000);

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('installs manifests without workspace: ranges', () => {
    for (const name of tarballs.keys()) {
      const manifest = readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8');
      expect(manifest, name).not.toContain('workspace:');
    }
  });

  it('schedules with the preset and the example plugin loaded by package name, in plain node', async () => {
    const { stdout } = await run(process.execPath, ['place.mjs'], { cwd: project });
    const lines = stdout.trim().split('\n');
    expect(lines).toEqual([
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
    const result = await run(process.execPath, [tsc, '-p', join(project, 'tsconfig.json')], { cwd: project }).then(
      () => ({ code: 0, output: '' }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, output: error.stdout ?? '' }),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('scaffolds a plugin with the installed create-schedkit-plugin, declaring the released framework range', async () => {
    const frameworkVersion = (JSON.parse(readFileSync(join(project, 'node_modules/@schedkit/framework/package.json'), 'utf8')) as { version: string }).version;
    await run(join(project, 'node_modules/.bin/create-schedkit-plugin'), ['@acme/schedkit-plugin-rack', '--point', 'filter'], { cwd: project });
    const manifest = JSON.parse(readFileSync(join(project, 'schedkit-plugin-rack/package.json'), 'utf8')) as { peerDependencies: Record<string, string> };
    expect(manifest.peerDependencies).toEqual({ '@schedkit/framework': `^${frameworkVersion}` });
  });
});
