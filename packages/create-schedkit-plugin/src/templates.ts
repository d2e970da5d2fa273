import { readFileSync } from 'node:fs';
import { kebabCase, type ScaffoldPoint } from './names.js';

/** What a generated plugin package is made from. */
export interface TemplateInput {
  /** The npm package name (`@acme/schedkit-plugin-gpu`). */
  packageName: string;
  /** The plugin's name, also its class name (`Gpu`). */
  pluginName: string;
  /** The extension points to implement, in the order a pod meets them. */
  points: readonly ScaffoldPoint[];
  /** The semver range of `@schedkit/framework` the plugin works with (`^0.1.0`). */
  frameworkRange: string;
  /** The package.json range of `@schedkit/framework` when it differs from `frameworkRange` (`workspace:^` in the schedkit repository). */
  frameworkDependency?: string;
  /** The ranges of `@schedkit/preset-default` (the placement test) and `@schedkit/cli` (the demo script). */
  presetRange: string;
  cliRange: string;
}

/** One file of the generated package. */
export interface GeneratedFile {
  /** Relative to the package folder, with `/`. */
  path: string;
  content: string;
}

/** The versions of the tools the generated package builds and tests with (those schedkit itself uses). */
export const ToolVersions = {
  '@types/node': '^20.19.0',
  'reflect-metadata': '^0.2.2',
  typescript: '^6.0.3',
  vitest: '^4.1.12',
  zod: '^4.1.12',
} as const;

/** Every file of a new plugin package. */
export function pluginPackageFiles(input: TemplateInput): GeneratedFile[] {
  const base = kebabCase(input.pluginName);
  return [
    { path: 'package.json', content: packageJson(input) },
    { path: 'LICENSE', content: apacheLicense() },
    { path: '.github/workflows/ci.yml', content: ciWorkflow },
    { path: 'tsconfig.json', content: tsconfigJson },
    { path: 'tsconfig.build.json', content: tsconfigBuildJson },
    { path: 'vitest.config.ts', content: vitestConfig },
    { path: '.gitignore', content: 'node_modules/\ndist/\n' },
    { path: 'README.md', content: readme(input) },
    { path: 'src/index.ts', content: indexSource(input, base) },
    { path: `src/${base}.ts`, content: pluginSource(input) },
    { path: `src/${base}.test.ts`, content: testSource(input, base) },
    { path: 'demo.yaml', content: demoConfiguration(input) },
    { path: 'demo/nodes.yaml', content: demoNodes(input) },
    { path: 'demo/pods.yaml', content: demoPods(input) },
  ];
}

/** The label the generated plugin reads by default: `example.com/<plugin-name>`. */
export function defaultLabelKey(pluginName: string): string {
  return `example.com/${kebabCase(pluginName)}`;
}

const pointKeywords: Record<ScaffoldPoint, string> = {
  preEnqueue: 'pre-enqueue',
  queueSort: 'queue-sort',
  preFilter: 'pre-filter',
  filter: 'filter',
  postFilter: 'post-filter',
  preScore: 'pre-score',
  score: 'score',
  reserve: 'reserve',
  permit: 'permit',
  preBind: 'pre-bind',
  bind: 'bind',
  postBind: 'post-bind',
};

function packageJson(input: TemplateInput): string {
  const manifest = {
    name: input.packageName,
    version: '0.1.0',
    description: `A schedkit plugin: ${input.pluginName} (${input.points.join(', ')}).`,
    keywords: ['schedkit', 'schedkit-plugin', 'kubernetes', 'scheduler', ...input.points.map((point) => pointKeywords[point])],
    license: 'Apache-2.0',
    type: 'module',
    sideEffects: false,
    exports: {
      '.': { types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' },
      './package.json': './package.json',
    },
    files: ['dist', 'src', '!src/**/*.test.ts'],
    engines: { node: '>=20.11' },
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json --noEmit',
      test: 'vitest run',
      // The plugin in schedkit's CLI on a small cluster (demo/), with the scores of each plugin for one pod.
      demo: `npm run build && schedkit simulate --config demo.yaml --nodes demo/nodes.yaml --pods demo/pods.yaml --explain ${demoPodName} --seed 1 --no-progress`,
      prepublishOnly: 'npm run build && npm test',
    },
    dependencies: { zod: ToolVersions.zod },
    peerDependencies: { '@schedkit/framework': input.frameworkDependency ?? input.frameworkRange },
    devDependencies: {
      '@schedkit/cli': input.frameworkDependency ?? input.cliRange,
      '@schedkit/framework': input.frameworkDependency ?? input.frameworkRange,
      '@schedkit/preset-default': input.frameworkDependency ?? input.presetRange,
      '@types/node': ToolVersions['@types/node'],
      'reflect-metadata': ToolVersions['reflect-metadata'],
      typescript: ToolVersions.typescript,
      vitest: ToolVersions.vitest,
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const tsconfigJson = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noUncheckedIndexedAccess: true,
      // The plugin class uses the decorators of tsyringe, which @schedkit/framework re-exports.
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      useDefineForClassFields: false,
      declaration: true,
      declarationMap: true,
      sourceMap: true,
      skipLibCheck: true,
      isolatedModules: true,
      rootDir: 'src',
      outDir: 'dist',
      types: ['node'],
    },
    include: ['src'],
  },
  null,
  2,
)}\n`;

const tsconfigBuildJson = `${JSON.stringify({ extends: './tsconfig.json', exclude: ['src/**/*.test.ts'] }, null, 2)}\n`;

const vitestConfig = `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // tsyringe (inside @schedkit/framework) reads decorator metadata through the Reflect API reflect-metadata adds.
    setupFiles: ['reflect-metadata'],
  },
});
`;

function indexSource(input: TemplateInput, base: string): string {
  const name = input.pluginName;
  return `/**
 * \`${input.packageName}\`: the ${name} schedkit plugin.
 * @packageDocumentation
 */
import { definePlugin } from '@schedkit/framework';
import { ${name}, ${name}ArgsSchema, ${name}Name } from './${base}.js';

export * from './${base}.js';

/**
 * The plugin module schedkit loads: list \`${input.packageName}\` in a configuration's \`plugins:\` or call
 * \`registry.use(plugin)\`. \`frameworkRange\` says which @schedkit/framework versions this build works with (keep it
 * equal to the peer dependency range: a test checks). definePlugin ties the args schema to the constructor's type.
 */
export const plugin = definePlugin({
  packageName: '${input.packageName}',
  name: ${name}Name,
  frameworkRange: '${input.frameworkRange}',
  args: ${name}ArgsSchema,
  plugin: ${name},
});

export default plugin;
`;
}

/** Collects the framework imports a source needs and prints them as one sorted import. */
class Imports {
  private readonly names = new Map<string, boolean>();

  value(...names: string[]): void {
    for (const name of names) this.names.set(name, false);
  }

  type(...names: string[]): void {
    for (const name of names) if (!this.names.has(name)) this.names.set(name, true);
  }

  print(from: string): string {
    const sorted = [...this.names].sort(([a], [b]) => a.localeCompare(b, 'en', { sensitivity: 'base' }) || a.localeCompare(b));
    return `import {\n${sorted.map(([name, typeOnly]) => `  ${typeOnly ? 'type ' : ''}${name},\n`).join('')}} from '${from}';\n`;
  }
}

function pluginSource(input: TemplateInput): string {
  const name = input.pluginName;
  const has = (point: ScaffoldPoint): boolean => input.points.includes(point);
  const imports = new Imports();
  imports.value('inject', 'injectable', 'Tokens');
  const interfaces: string[] = [];
  /** Module-level declarations (state keys and their types). */
  const topLevel: string[] = [];
  /** Class fields. */
  const fields: string[] = [];
  const members: string[] = [];
  const behaviour: string[] = [];

  if (has('preEnqueue')) {
    imports.type('PreEnqueuePlugin', 'Pod');
    imports.value('Status');
    interfaces.push('PreEnqueuePlugin');
    behaviour.push('PreEnqueue holds back pods labelled `<labelKey>=hold`.');
    members.push(`  /**
   * PreEnqueue: runs when a pod is added to the queue and before it moves to the active queue. Return null to
   * let it in, or a non-success status (usually UnschedulableAndUnresolvable) to park it until a cluster event
   * lets it through. Must be cheap: it runs for every queued pod.
   */
  preEnqueue(pod: Pod): Status | null {
    return pod.metadata.labels?.[this.args.labelKey] === 'hold' ? this.held : null;
  }`);
    fields.push('  private readonly held: Status;');
  }

  if (has('queueSort')) {
    imports.type('QueueSortPlugin', 'QueuedPodInfo');
    interfaces.push('QueueSortPlugin');
    behaviour.push('QueueSort puts higher `spec.priority` first, then the pod queued earlier.');
    members.push(`  /**
   * QueueSort: orders the active queue; a profile has exactly one QueueSort plugin, so enabling this one replaces
   * PrioritySort. True when \`a\` goes before \`b\`. Synchronous and pure: it runs inside the queue's heap.
   */
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const priorityA = a.podInfo.pod.spec.priority ?? 0;
    const priorityB = b.podInfo.pod.spec.priority ?? 0;
    return priorityA > priorityB || (priorityA === priorityB && a.timestamp < b.timestamp);
  }`);
  }

  if (has('preFilter') && has('filter')) {
    imports.type('CycleState', 'FilterPlugin', 'NodeInfo', 'Pod', 'PreFilterPlugin');
    imports.value('StateKey', 'Status');
    interfaces.push('PreFilterPlugin', 'FilterPlugin');
    behaviour.push(
      'PreFilter reads the pod label `<labelKey>` once per cycle (pods without it skip the Filter); Filter keeps the nodes whose label `<labelKey>` has the same value.',
    );
    topLevel.push(`/** What PreFilter computes once per cycle for Filter. */
interface PreFilterState {
  /** The value nodes must have. */
  wanted: string;
  /** The status of a node without it, built once per cycle rather than once per node. */
  rejection: Status;
}

const preFilterKey = new StateKey<PreFilterState>(\`\${${name}Name}/preFilter\`);
`);
    members.push(`  /**
   * PreFilter: runs once per scheduling cycle, before Filter, with every node. Do per-pod work here and store it
   * in the CycleState under a StateKey for Filter. Return Status.skip to have this plugin's Filter skipped for the
   * pod, a non-success status to reject the pod on every node, a PreFilterResult to narrow the nodes, or null.
   */
  preFilter(state: CycleState, pod: Pod): Status | null {
    const wanted = pod.metadata.labels?.[this.args.labelKey];
    if (wanted === undefined) return Status.skip;
    const rejection = Status.unresolvable(\`node(s) didn't have label \${this.args.labelKey}=\${wanted}\`).withPlugin(${name}Name);
    state.write(preFilterKey, { wanted, rejection });
    return null;
  }`);
    members.push(`  /**
   * Filter: may the pod run on this node? Return null when it fits, Unschedulable when preemption could make room,
   * UnschedulableAndUnresolvable when it cannot. Runs concurrently across nodes: read the CycleState, never write
   * it, and keep it cheap (it runs for up to every node of the cluster).
   */
  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status | null {
    const { wanted, rejection } = state.get(preFilterKey);
    return nodeInfo.node?.metadata.labels?.[this.args.labelKey] === wanted ? null : rejection;
  }`);
  } else if (has('preFilter')) {
    imports.type('CycleState', 'NodeInfo', 'Pod', 'PreFilterPlugin');
    imports.value('PreFilterResult', 'Status');
    interfaces.push('PreFilterPlugin');
    behaviour.push('PreFilter narrows the nodes to those whose label `<labelKey>` has the value of the pod label `<labelKey>`.');
    members.push(`  /**
   * PreFilter: runs once per scheduling cycle, before Filter, with every node. Return a PreFilterResult to narrow
   * the nodes Filter runs on (results of several plugins are intersected), a non-success status to reject the pod
   * on every node, or null for every node.
   */
  preFilter(_state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): PreFilterResult | Status | null {
    const wanted = pod.metadata.labels?.[this.args.labelKey];
    if (wanted === undefined) return null;
    const names = new Set<string>();
    for (const nodeInfo of nodes) if (nodeInfo.node?.metadata.labels?.[this.args.labelKey] === wanted) names.add(nodeInfo.name);
    return new PreFilterResult(names);
  }`);
  } else if (has('filter')) {
    imports.type('CycleState', 'FilterPlugin', 'NodeInfo', 'Pod');
    imports.value('Status');
    interfaces.push('FilterPlugin');
    behaviour.push('Filter keeps the nodes whose label `<labelKey>` has the value of the pod label `<labelKey>` (pods without it fit everywhere).');
    members.push(`  /**
   * Filter: may the pod run on this node? Return null when it fits, Unschedulable when preemption could make room,
   * UnschedulableAndUnresolvable when it cannot. Runs concurrently across nodes: never write the CycleState, and
   * keep it cheap (it runs for up to every node of the cluster; per-pod work belongs in a PreFilter).
   */
  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | null {
    const wanted = pod.metadata.labels?.[this.args.labelKey];
    if (wanted === undefined || nodeInfo.node?.metadata.labels?.[this.args.labelKey] === wanted) return null;
    return Status.unresolvable(\`node(s) didn't have label \${this.args.labelKey}=\${wanted}\`);
  }`);
  }

  if (has('preScore')) {
    imports.type('CycleState', 'NodeInfo', 'Pod', 'PreScorePlugin', 'ScorePlugin');
    imports.value('MaxNodeScore', 'StateKey', 'Status');
    interfaces.push('PreScorePlugin', 'ScorePlugin');
    behaviour.push(
      'PreScore reads the pod label `<labelKey>` as a target number (pods without it skip Score); Score gives `100 - |node label - target|` (0 for nodes without a number).',
    );
    topLevel.push(`/** What PreScore computes once per cycle for Score. */
interface PreScoreState {
  target: number;
}

const preScoreKey = new StateKey<PreScoreState>(\`\${${name}Name}/preScore\`);
`);
    members.push(`  /**
   * PreScore: runs once per cycle with the feasible nodes, before Score. Store per-pod work in the CycleState for
   * Score. Return Status.skip to have this plugin's Score skipped for the pod, or null.
   */
  preScore(state: CycleState, pod: Pod): Status | null {
    const target = Number.parseInt(pod.metadata.labels?.[this.args.labelKey] ?? '', 10);
    if (!Number.isFinite(target)) return Status.skip;
    state.write(preScoreKey, { target });
    return null;
  }`);
    members.push(`  /**
   * Score: ranks one feasible node. Return an integer in [0, MaxNodeScore] (or any integer when the plugin has a
   * normalizeScore that maps the scores into that range). The configured weight multiplies it. Runs concurrently
   * across nodes: read the CycleState, never write it. May return a promise (for I/O); the framework bounds how
   * many nodes are scored at once by its parallelism.
   */
  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    const { target } = state.get(preScoreKey);
    const value = Number.parseInt(nodeInfo.node?.metadata.labels?.[this.args.labelKey] ?? '', 10);
    if (!Number.isFinite(value)) return 0;
    return Math.max(0, MaxNodeScore - Math.abs(value - target));
  }`);
  } else if (has('score')) {
    imports.type('CycleState', 'NodeInfo', 'NodeScore', 'Pod', 'ScorePlugin');
    imports.value('MaxNodeScore');
    interfaces.push('ScorePlugin');
    behaviour.push('Score prefers nodes with a higher number in their label `<labelKey>`; NormalizeScore scales the highest to 100.');
    members.push(`  /**
   * Score: ranks one feasible node. Return an integer; without a normalizeScore it must be in [0, MaxNodeScore].
   * The configured weight multiplies the final score. Runs concurrently across nodes: never write the CycleState.
   * May return a promise (for I/O); the framework bounds how many nodes are scored at once by its parallelism.
   */
  score(_state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    const value = Number.parseInt(nodeInfo.node?.metadata.labels?.[this.args.labelKey] ?? '', 10);
    return Number.isFinite(value) && value > 0 ? value : 0;
  }`);
    members.push(`  /**
   * NormalizeScore: runs once after every node is scored and rewrites the scores in place into [0, MaxNodeScore].
   * Here the highest raw score becomes MaxNodeScore and the others keep their proportion (rounded down).
   */
  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): null {
    let highest = 0;
    for (const { score } of scores) highest = Math.max(highest, score);
    if (highest === 0) return null;
    for (const entry of scores) entry.score = Math.floor((entry.score * MaxNodeScore) / highest);
    return null;
  }`);
  }

  if (has('postFilter')) {
    imports.type('CycleState', 'NodeToStatus', 'Pod', 'PostFilterPlugin', 'PostFilterResult');
    imports.value('Status');
    interfaces.push('PostFilterPlugin');
    behaviour.push('PostFilter, for a pod no node can take, counts the nodes that rejected it over `<labelKey>` and says so (it frees no room).');
    members.push(`  /**
   * PostFilter: runs only when no node passed Filter, with every node's rejection. Preemption is a PostFilter: it
   * may return a PostFilterResult nominating a node it made room on. Return Unschedulable when it cannot help
   * (the next PostFilter plugin then runs), Success with a nominated node when it made room.
   */
  postFilter(_state: CycleState, _pod: Pod, statuses: NodeToStatus): { result?: PostFilterResult; status: Status } {
    let rejected = 0;
    for (const [, status] of statuses.entries()) if (status.reasons.some((reason) => reason.includes(this.args.labelKey))) rejected++;
    return { status: Status.unschedulable(\`\${rejected} node(s) rejected the pod over \${this.args.labelKey}; ${name} cannot make room\`) };
  }`);
  }

  if (has('reserve')) {
    imports.type('CycleState', 'Pod', 'ReservePlugin');
    interfaces.push('ReservePlugin');
    behaviour.push('Reserve counts the pods with the label `<labelKey>` reserved on each node until they are unreserved (`reservedOn(node)`).');
    fields.push('  private readonly reserved = new Map<string, Set<string>>();');
    members.push(`  /**
   * Reserve: the pod is assumed on the node; claim what the plugin tracks for it (reserve before the binding is
   * written, so the next cycle sees it). A non-success status aborts the cycle and runs Unreserve.
   */
  reserve(_state: CycleState, pod: Pod, nodeName: string): null {
    if (pod.metadata.labels?.[this.args.labelKey] === undefined) return null;
    const pods = this.reserved.get(nodeName) ?? new Set<string>();
    pods.add(\`\${pod.metadata.namespace ?? 'default'}/\${pod.metadata.name}\`);
    this.reserved.set(nodeName, pods);
    return null;
  }`);
    members.push(`  /**
   * Unreserve: undoes Reserve when a later step fails. Runs in reverse plugin order; must be idempotent and must
   * not fail.
   */
  unreserve(_state: CycleState, pod: Pod, nodeName: string): void {
    this.reserved.get(nodeName)?.delete(\`\${pod.metadata.namespace ?? 'default'}/\${pod.metadata.name}\`);
  }`);
    members.push(`  /** How many pods are reserved on \\\`nodeName\\\` and not unreserved. */
  reservedOn(nodeName: string): number {
    return this.reserved.get(nodeName)?.size ?? 0;
  }`);
  }

  if (has('permit')) {
    imports.type('CycleState', 'Pod', 'PermitPlugin', 'PermitVerdict');
    imports.value('Status');
    interfaces.push('PermitPlugin');
    behaviour.push('Permit turns away pods labelled `<labelKey>=deny` before they are bound.');
    members.push(`  /**
   * Permit: the last say before binding. Return { status: null } to allow, an Unschedulable status to reject, or
   * a Wait status with timeoutMs to hold the pod until another plugin allows it through the Handle's waiting pods
   * (gang scheduling does this).
   */
  permit(_state: CycleState, pod: Pod, _nodeName: string): PermitVerdict {
    if (pod.metadata.labels?.[this.args.labelKey] !== 'deny') return { status: null };
    return { status: Status.unschedulable(\`pod is denied by label \${this.args.labelKey}=deny\`).withPlugin(${name}Name) };
  }`);
  }

  if (has('preBind')) {
    imports.type('CycleState', 'Pod', 'PreBindPlugin');
    imports.value('Status');
    interfaces.push('PreBindPlugin');
    behaviour.push('PreBind refuses to bind pods labelled `<labelKey>=no-bind` (where a real plugin would, say, attach a volume first).');
    members.push(`  /**
   * PreBind: work that must finish before the binding is written (attach a volume, create a resource). It may be
   * async. A non-success status aborts the binding and runs Unreserve.
   */
  preBind(_state: CycleState, pod: Pod, _nodeName: string): Status | null {
    if (pod.metadata.labels?.[this.args.labelKey] !== 'no-bind') return null;
    return Status.unschedulable(\`binding refused by label \${this.args.labelKey}=no-bind\`);
  }`);
  }

  if (has('bind')) {
    imports.type('BindPlugin', 'CycleState', 'Handle', 'Pod');
    imports.value('Status');
    interfaces.push('BindPlugin');
    behaviour.push('Bind writes the binding of pods labelled `<labelKey>` itself (through the Handle\'s binder) and leaves the others to the next binder.');
    members.push(`  /**
   * Bind: writes the binding. Binders run in order until one does not return Skip: return Status.skip to leave
   * the pod to the next binder (DefaultBinder), null once bound, an Error status when binding failed.
   */
  async bind(_state: CycleState, pod: Pod, nodeName: string): Promise<Status | null> {
    if (pod.metadata.labels?.[this.args.labelKey] === undefined) return Status.skip;
    try {
      await this.handle.binder.bind(pod, nodeName);
    } catch (error) {
      return Status.error(error);
    }
    return null;
  }`);
  }

  if (has('postBind')) {
    imports.type('CycleState', 'Pod', 'PostBindPlugin');
    interfaces.push('PostBindPlugin');
    behaviour.push('PostBind counts the pods with the label `<labelKey>` bound to each node (`boundTo(node)`).');
    fields.push('  private readonly bound = new Map<string, number>();');
    members.push(`  /** PostBind: informational, after a successful binding (metrics, clean-up). It cannot fail the pod. */
  postBind(_state: CycleState, pod: Pod, nodeName: string): void {
    if (pod.metadata.labels?.[this.args.labelKey] === undefined) return;
    this.bound.set(nodeName, (this.bound.get(nodeName) ?? 0) + 1);
  }`);
    members.push(`  /** How many pods this plugin saw bound to \\\`nodeName\\\`. */
  boundTo(nodeName: string): number {
    return this.bound.get(nodeName) ?? 0;
  }`);
  }

  const constructorBody = has('preEnqueue')
    ? ` {
    this.held = Status.unresolvable(\`pod is held by label \${args.labelKey}=hold\`).withPlugin(${name}Name);
  }`
    : ' {}';
  const frameworkImports = imports.print('@schedkit/framework');
  const constructorParameters = has('bind')
    ? `\n    @inject(Tokens.Args) private readonly args: ${name}Args,\n    @inject(Tokens.Handle) private readonly handle: Handle,\n  `
    : `@inject(Tokens.Args) private readonly args: ${name}Args`;

  return `${frameworkImports}import { z } from 'zod';

/** The name configurations use for this plugin. */
export const ${name}Name = '${name}';

/** The args of {@link ${name}}, validated and defaulted; unknown keys are rejected so that typos surface. */
export const ${name}ArgsSchema = z
  .object({
    /** The label this plugin reads on pods and nodes. */
    labelKey: z.string().min(1).default('${defaultLabelKey(name)}'),
  })
  .strict();

/** {@link ${name}}'s args after validation and defaults. */
export type ${name}Args = z.infer<typeof ${name}ArgsSchema>;

${topLevel.map((text) => `${text}\n`).join('')}/**
 * ${name}. ${behaviour.join('\n * ')}
 *
 * The framework builds one instance per profile through dependency injection: @injectable() marks the class and
 * every constructor parameter names its token with @inject (Tokens.Args: the validated args, first; Tokens.Handle:
 * the framework Handle; Tokens.Name: the configured name), both imported from @schedkit/framework.
 */
@injectable()
export class ${name} implements ${[...new Set(interfaces)].join(', ')} {
  readonly name = ${name}Name;
${fields.map((text) => `${text}\n`).join('')}
  constructor(${constructorParameters})${constructorBody}

${members.join('\n\n')}
}
`;
}

function testSource(input: TemplateInput, base: string): string {
  const name = input.pluginName;
  const has = (point: ScaffoldPoint): boolean => input.points.includes(point);
  const label = defaultLabelKey(name);
  const testingImports = new Set(['makeNode', 'makePod', 'PluginTester']);
  const frameworkImports = new Set(['ConfigError', 'frameworkVersion']);
  const blocks: string[] = [];

  if (has('preEnqueue')) {
    blocks.push(`describe('${name} PreEnqueue', () => {
  const tester = new PluginTester({ plugin });

  it('holds back a pod labelled hold', async () => {
    const status = await tester.preEnqueue(makePod('held').label(label, 'hold'));
    expect({ code: status?.code, reasons: status?.reasons }).toEqual({ code: Code.UnschedulableAndUnresolvable, reasons: [\`pod is held by label \${label}=hold\`] });
  });

  it('lets other pods in', async () => {
    expect(await tester.preEnqueue(makePod('free').label(label, 'go'))).toBeNull();
    expect(await tester.preEnqueue(makePod('plain'))).toBeNull();
  });
});`);
  }

  if (has('queueSort')) {
    testingImports.add('queuedPod');
    blocks.push(`describe('${name} QueueSort', () => {
  const tester = new PluginTester({ plugin });
  const pod = (name: string, priority: number, timestamp: number) => queuedPod(makePod(name).priority(priority), { timestamp });

  const cases: [string, ReturnType<typeof pod>, ReturnType<typeof pod>, boolean][] = [
    ['higher priority first', pod('a', 10, 2), pod('b', 0, 1), true],
    ['lower priority later', pod('a', 0, 1), pod('b', 10, 2), false],
    ['same priority: earlier first', pod('a', 5, 1), pod('b', 5, 2), true],
    ['same priority and time: neither first', pod('a', 5, 1), pod('b', 5, 1), false],
  ];
  it.each(cases)('%s', (_what, a, b, expected) => {
    expect(tester.less(a, b)).toBe(expected);
  });
});`);
  }

  if (has('preFilter') || has('filter')) {
    const skipsFilter = has('preFilter') && has('filter');
    const narrowsOnly = has('preFilter') && !has('filter');
    const rejected = narrowsOnly
      ? `    expect(report.nodes.filter((entry) => entry.node !== 'blue').map((entry) => [entry.node, entry.stage, entry.status?.code])).toEqual([
      ['green', 'preFilterResult', Code.UnschedulableAndUnresolvable],
      ['unlabelled', 'preFilterResult', Code.UnschedulableAndUnresolvable],
    ]);`
      : `    for (const node of ['green', 'unlabelled']) {
      const status = report.nodes.find((entry) => entry.node === node)?.status;
      expect({ node, code: status?.code, reasons: status?.reasons }).toEqual({
        node,
        code: Code.UnschedulableAndUnresolvable,
        reasons: [\`node(s) didn't have label \${label}=blue\`],
      });
    }`;
    blocks.push(`describe('${name} ${[has('preFilter') ? 'PreFilter' : '', has('filter') ? 'Filter' : ''].filter(Boolean).join(' and ')}', () => {
  const nodes = [makeNode('blue').label(label, 'blue'), makeNode('green').label(label, 'green'), makeNode('unlabelled')];

  it('keeps the nodes whose label matches the pod', async () => {
    const report = await new PluginTester({ plugin, nodes }).filter(makePod('p').label(label, 'blue'));
    expect(report.feasible).toEqual(['blue']);
${rejected}
  });

  it('lets a pod without the label run anywhere', async () => {
    const report = await new PluginTester({ plugin, nodes }).filter(makePod('p'));
    expect(report.feasible).toEqual(['blue', 'green', 'unlabelled']);${skipsFilter ? '\n    expect(report.preFilter.skipped).toBe(true);' : ''}
  });

  it('reads the label the args name', async () => {
    const report = await new PluginTester({ plugin, args: { labelKey: 'team' }, nodes: [makeNode('a').label('team', 'ml'), makeNode('b')] }).filter(
      makePod('p').label('team', 'ml'),
    );
    expect(report.feasible).toEqual(['a']);
  });
});`);
  }

  if (has('preScore')) {
    blocks.push(`describe('${name} PreScore and Score', () => {
  const nodes = [makeNode('ten').label(label, '10'), makeNode('forty').label(label, '40'), makeNode('unlabelled')];

  it('scores 100 minus the distance to the target, times the weight', async () => {
    const report = await new PluginTester({ plugin, weight: 2, nodes }).score(makePod('p').label(label, '30'));
    expect(report.scores.map((score) => [score.node, score.raw, score.weighted])).toEqual([
      ['ten', 80, 160],
      ['forty', 90, 180],
      ['unlabelled', 0, 0],
    ]);
  });

  it('skips Score for a pod without a target', async () => {
    const report = await new PluginTester({ plugin, nodes }).score(makePod('p'));
    expect(report.preScore.skipped).toBe(true);
    expect(report.scores).toEqual([]);
  });
});`);
  } else if (has('score')) {
    blocks.push(`describe('${name} Score', () => {
  const nodes = [makeNode('ten').label(label, '10'), makeNode('forty').label(label, '40'), makeNode('unlabelled')];

  it('prefers higher labels; the highest normalizes to 100', async () => {
    const report = await new PluginTester({ plugin, weight: 2, nodes }).score(makePod('p'));
    expect(report.status).toBeNull();
    expect(report.scores.map((score) => [score.node, score.raw, score.normalized, score.weighted])).toEqual([
      ['ten', 10, 25, 50],
      ['forty', 40, 100, 200],
      ['unlabelled', 0, 0, 0],
    ]);
  });

  it('gives every node 0 when no node has a number', async () => {
    const report = await new PluginTester({ plugin, nodes: [makeNode('a'), makeNode('b').label(label, 'many')] }).score(makePod('p'));
    expect(report.scores.map((score) => score.normalized)).toEqual([0, 0]);
  });
});`);
  }

  const direct = has('postFilter') || has('reserve') || has('bind') || has('postBind');
  const placement = has('filter') || has('preFilter') || has('score') || has('permit') || has('preBind');
  if (placement) testingImports.add('schedulePods');
  if (direct) frameworkImports.add('CycleState');

  if (has('postFilter')) {
    frameworkImports.add('NodeStatusMap');
    frameworkImports.add('Status');
    blocks.push(`describe('${name} PostFilter', () => {
  it('counts the nodes that rejected the pod over the label and frees no room', () => {
    const statuses = new NodeStatusMap();
    statuses.set('a', Status.unresolvable(\`node(s) didn't have label \${label}=blue\`));
    statuses.set('b', Status.unschedulable('Insufficient cpu'));
    const { result, status } = new ${name}(${name}ArgsSchema.parse({})${has('bind') ? ', fakeHandle(new Snapshot())' : ''}).postFilter(new CycleState(), makePod('p').obj(), statuses);
    expect(result).toBeUndefined();
    expect({ code: status?.code, reasons: status?.reasons }).toEqual({ code: Code.Unschedulable, reasons: [\`1 node(s) rejected the pod over \${label}; ${name} cannot make room\`] });
  });
});`);
  }

  if (has('reserve')) {
    blocks.push(`describe('${name} Reserve', () => {
  it('counts a labelled reserved pod until it is unreserved, once however often', () => {
    const plugin = new ${name}(${name}ArgsSchema.parse({})${has('bind') ? ', fakeHandle(new Snapshot())' : ''});
    const pod = makePod('p').label(label, 'x').obj();
    expect(plugin.reserve(new CycleState(), pod, 'a')).toBeNull();
    expect(plugin.reserve(new CycleState(), makePod('plain').obj(), 'a')).toBeNull();
    expect(plugin.reservedOn('a')).toBe(1);
    plugin.unreserve(new CycleState(), pod, 'a');
    plugin.unreserve(new CycleState(), pod, 'a');
    expect(plugin.reservedOn('a')).toBe(0);
  });
});`);
  }

  if (has('bind')) {
    testingImports.add('fakeHandle');
    frameworkImports.add('Snapshot');
    blocks.push(`describe('${name} Bind', () => {
  const bindings: string[] = [];
  const handle = fakeHandle(new Snapshot(), {}, { binder: { bind: async (pod, node) => void bindings.push(\`\${pod.metadata.name} -> \${node}\`) } });
  const plugin = new ${name}(${name}ArgsSchema.parse({}), handle);

  it('binds pods with the label itself and leaves the others to the next binder', async () => {
    expect(await plugin.bind(new CycleState(), makePod('labelled').label(label, 'x').obj(), 'a')).toBeNull();
    expect((await plugin.bind(new CycleState(), makePod('plain').obj(), 'a'))?.code).toBe(Code.Skip);
    expect(bindings).toEqual(['labelled -> a']);
  });
});`);
  }

  if (has('postBind')) {
    blocks.push(`describe('${name} PostBind', () => {
  it('counts the labelled pods bound to each node', () => {
    const plugin = new ${name}(${name}ArgsSchema.parse({})${has('bind') ? ', fakeHandle(new Snapshot())' : ''});
    plugin.postBind(new CycleState(), makePod('p').label(label, 'x').obj(), 'a');
    plugin.postBind(new CycleState(), makePod('q').label(label, 'y').obj(), 'a');
    plugin.postBind(new CycleState(), makePod('plain').obj(), 'a');
    expect([plugin.boundTo('a'), plugin.boundTo('b')]).toEqual([2, 0]);
  });
});`);
  }

  if (placement) {
    const cases: string[] = [];
    if (has('filter') || has('preFilter')) {
      cases.push(`  it('puts a labelled pod on the node with the same label value', async () => {
    const { placements } = await schedulePods({ ...cluster, enable: [${name}Name] }, [makePod('p').label(label, 'blue').req({ cpu: '1' })]);
    expect(placements).toEqual({ p: 'blue' });
  });`);
    }
    if (has('score') && !has('filter') && !has('preFilter')) {
      const pod = has('preScore') ? `makePod('p').label(label, '40').req({ cpu: '1' })` : `makePod('p').req({ cpu: '1' })`;
      cases.push(`  it('prefers the node its Score ranks first, among the default plugins', async () => {
    const { placements } = await schedulePods({ ...cluster, enable: [{ name: ${name}Name, weight: 10 }] }, [${pod}]);
    expect(placements).toEqual({ p: 'forty' });
  });`);
    }
    if (has('permit')) {
      cases.push(`  it('turns away a pod labelled deny at Permit and binds the others', async () => {
    const { placements } = await schedulePods({ ...cluster, enable: [${name}Name] }, [makePod('denied').label(label, 'deny'), makePod('welcome')]);
    expect(placements.denied).toBeNull();
    expect(placements.welcome).not.toBeNull();
  });`);
    }
    if (has('preBind')) {
      cases.push(`  it('leaves a pod labelled no-bind unbound', async () => {
    const { placements } = await schedulePods({ ...cluster, enable: [${name}Name] }, [makePod('kept').label(label, 'no-bind'), makePod('bound')]);
    expect(placements.kept).toBeNull();
    expect(placements.bound).not.toBeNull();
  });`);
    }
    const nodeLabels = has('filter') || has('preFilter') ? ['blue', 'green'] : ['10', '40'];
    const nodeNames = has('filter') || has('preFilter') ? ['blue', 'green'] : ['ten', 'forty'];
    blocks.push(`describe('${name} with kube\\'s default plugins (a whole scheduler)', () => {
  // schedulePods runs the real scheduler with the default preset plus this plugin, and reports where pods went.
  const nodes = [makeNode('${nodeNames[0]}').label(label, '${nodeLabels[0]}'), makeNode('${nodeNames[1]}').label(label, '${nodeLabels[1]}'), makeNode('unlabelled')].map((node) =>
    node.capacity({ cpu: '4', memory: '8Gi', pods: '10' }),
  );
  const cluster = { preset: defaultPreset, plugins: [plugin], nodes${has('queueSort') ? ", disable: ['PrioritySort'] /* one queueSort plugin per profile */" : ''} };

${cases.join('\n\n')}
});`);
  }

  blocks.push(`describe('${name} package', () => {
  it('declares the framework range of its peer dependency', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { peerDependencies: Record<string, string> };
    const peer = manifest.peerDependencies['@schedkit/framework'];
    // Inside the schedkit repository the peer is workspace:^, which pnpm publishes as ^ the framework's version.
    expect(plugin.frameworkRange).toBe(peer === 'workspace:^' ? \`^\${frameworkVersion}\` : peer);
  });
});`);

  blocks.push(`describe('${name} args', () => {
  it('defaults the label key', () => {
    expect(${name}ArgsSchema.parse({})).toEqual({ labelKey: label });
  });

  const invalid: [string, unknown, string][] = [
    ['an empty label key', { labelKey: '' }, '.labelKey: Too small: expected string to have >=1 characters'],
    ['an unknown key', { labelkey: 'team' }, ': Unrecognized key: "labelkey"'],
  ];
  it.each(invalid)('rejects %s, naming the field', (_what, args, problem) => {
    let error: unknown;
    try {
      new PluginTester({ plugin, args });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(\`profiles[0].pluginConfig[0].args\${problem}\`);
  });
});`);

  if (blocks.some((block) => block.includes('Code.'))) frameworkImports.add('Code');
  for (const helper of ['makeNode', 'PluginTester']) if (!blocks.some((block) => block.includes(helper))) testingImports.delete(helper);
  const framework = [...frameworkImports].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })).join(', ');
  const testing = [...testingImports].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })).join(', ');
  const classImport = direct ? `${name}, ${name}ArgsSchema` : `${name}ArgsSchema`;
  const presetImport = placement ? "import { defaultPreset } from '@schedkit/preset-default';\n" : '';
  const nameImport = placement ? `, ${name}Name` : '';
  return `import { readFileSync } from 'node:fs';
import { ${framework} } from '@schedkit/framework';
import { ${testing} } from '@schedkit/framework/testing';
${presetImport}import { describe, expect, it } from 'vitest';
import { ${classImport}${nameImport} } from './${base}.js';
import { plugin } from './index.js';

// PluginTester runs the plugin through the real framework runtime, as the scheduler would, over the nodes and pods
// given: see the "Testing" section of schedkit's docs/writing-a-plugin.md.
const label = '${label}';

${blocks.join('\n\n')}
`;
}

/** The pod the demo script explains. */
const demoPodName = 'demo-0';

/** The YAML scalar for a package name: quoted, as a scoped name starts with the reserved `@`. */
function yamlString(value: string): string {
  return JSON.stringify(value);
}

function demoConfiguration(input: TemplateInput): string {
  const name = input.pluginName;
  const weight = input.points.includes('score') ? '\n            weight: 5' : '';
  const disabled = input.points.includes('queueSort') ? '\n        disabled:\n          - name: PrioritySort # a profile has one QueueSort plugin' : '';
  return `# kube's default profile plus ${name}, for \`npm run demo\` (schedkit's CLI). Inside this package its own name
# resolves to the package itself, as Node resolves a package's own name; elsewhere, install the package next to this file.
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
plugins:
  - ${yamlString(input.packageName)}
profiles:
  - schedulerName: default-scheduler
    plugins:
      multiPoint:
        enabled:
          - name: ${name}${weight}${disabled}
    pluginConfig:
      - name: ${name}
        args:
          labelKey: ${yamlString(defaultLabelKey(name))}
`;
}

function demoNodes(input: TemplateInput): string {
  const label = defaultLabelKey(input.pluginName);
  const node = (name: string, value: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
    ${yamlString(label)}: ${yamlString(value)}
status:
  allocatable: { cpu: "4", memory: 16Gi, pods: "110" }
  capacity: { cpu: "4", memory: 16Gi, pods: "110" }
`;
  return [node('node-a', '10'), node('node-b', '40'), node('node-c', '90')].join('---\n');
}

function demoPods(input: TemplateInput): string {
  const label = defaultLabelKey(input.pluginName);
  // A (Pre)Filter on the label would leave one feasible node, and the scheduler scores only when there are several.
  const filters = input.points.includes('filter') || input.points.includes('preFilter');
  const labels = filters ? '' : `\n  labels:\n    ${yamlString(label)}: "40"`;
  const pod = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: default${labels}
spec:
  containers:
    - name: main
      image: registry.example.com/demo:1
      resources:
        requests: { cpu: 500m, memory: 1Gi }
`;
  return [pod(demoPodName), pod('demo-1'), pod('demo-2')].join('---\n');
}

const ciWorkflow = `name: ci
on:
  push:
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        node: [20, 22]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: \${{ matrix.node }}
      - run: npm install
      - run: npm run typecheck
      - run: npm test
      - run: npm run build
`;

/** The Apache License 2.0, the license the package.json declares. */
function apacheLicense(): string {
  return readFileSync(new URL('../templates/LICENSE-Apache-2.0.txt', import.meta.url), 'utf8');
}

function readme(input: TemplateInput): string {
  const name = input.pluginName;
  const points = input.points.map((point) => `\`${point}\``).join(', ');
  const weight = input.points.includes('score') ? '\n            weight: 1' : '';
  return `# ${input.packageName}

${name}: a [schedkit](https://www.npmjs.com/package/@schedkit/framework) scheduler plugin (extension points: ${points}).

## What it does

Describe here what ${name} decides and why, the reasons it gives when it rejects a node, and how it scores.

## Args

| field | default | meaning |
| --- | --- | --- |
| \`labelKey\` | \`${defaultLabelKey(name)}\` | the label ${name} reads on pods and nodes |

## Use it

\`\`\`sh
npm install ${input.packageName}
\`\`\`

List the package in the configuration's \`plugins:\` and enable the plugin in a profile:

\`\`\`yaml
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
plugins:
  - ${yamlString(input.packageName)}
profiles:
  - schedulerName: default-scheduler
    plugins:
      multiPoint:
        enabled:
          - name: ${name}${weight}
    pluginConfig:
      - name: ${name}
        args:
          labelKey: ${yamlString(defaultLabelKey(name))}
\`\`\`

Or register it in code: \`registry.use(plugin)\` with \`import { plugin } from '${input.packageName}'\`.

## Develop

\`\`\`sh
npm install
npm test          # vitest, through @schedkit/framework/testing's PluginTester
npm run typecheck
npm run build     # dist/, what the package ships
npm run demo      # the plugin in schedkit's CLI on demo/'s three nodes: --explain shows its score column
\`\`\`

This package works with \`@schedkit/framework\` ${input.frameworkRange} (its \`frameworkRange\` and peer dependency).
`;
}
