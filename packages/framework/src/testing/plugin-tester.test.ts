import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CycleState, StateKey } from '../cycle-state/cycle-state.js';
import { inject, injectable } from '../di.js';
import type { Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import { Snapshot } from '../node-info/snapshot.js';
import {
  type FilterPlugin,
  type NodeScore,
  type PreEnqueuePlugin,
  type PreFilterPlugin,
  PreFilterResult,
  type PreScorePlugin,
  type QueuedPodInfo,
  type QueueSortPlugin,
  type ScorePlugin,
} from '../plugins/extension-points.js';
import type { Handle } from '../plugins/handle.js';
import type { PluginModule } from '../registry/registry.js';
import { Tokens } from '../registry/tokens.js';
import { Code, Status } from '../status/status.js';
import { makeNode } from './node-builder.js';
import { fakeHandle, PluginTester, queuedPod } from './plugin-tester.js';
import { makePod } from './pod-builder.js';

const ColorArgsSchema = z.object({ labelKey: z.string().default('color') });
type ColorArgs = z.infer<typeof ColorArgsSchema>;

const preScoreKey = new StateKey<{ bonusLabel: string }>('Color/preScore');

/**
 * A small plugin serving every scheduling point, driven by labels:
 * - PreFilter: Skip without the args' label; `color=none` rejects; annotation `only` narrows to one node.
 * - Filter: the node's label must equal the pod's; a node labelled `boom` makes Filter throw.
 * - PreScore: Skip without a `bonus` label on the pod. Score: the node's `points` label (`throw` throws).
 * - NormalizeScore: scales so that the highest score is 100 (integer division, as kube's helpers do).
 * - PreEnqueue: holds pods with scheduling gates. QueueSort: higher priority first, then earlier timestamp.
 */
@injectable()
class Color implements PreEnqueuePlugin, QueueSortPlugin, PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = 'Color';

  constructor(
    @inject(Tokens.Handle) private readonly handle: Handle,
    @inject(Tokens.Args) private readonly args: ColorArgs,
  ) {}

  preEnqueue(pod: Pod): Status | null {
    const gates = pod.spec.schedulingGates ?? [];
    return gates.length === 0 ? null : Status.unresolvable(`waiting for scheduling gate(s): ${gates.map((g) => g.name).join(',')}`);
  }

  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const pa = a.podInfo.pod.spec.priority ?? 0;
    const pb = b.podInfo.pod.spec.priority ?? 0;
    return pa > pb || (pa === pb && a.timestamp < b.timestamp);
  }

  preFilter(_state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status | PreFilterResult | null {
    const color = pod.metadata.labels?.[this.args.labelKey];
    if (color === undefined) return Status.skip;
    if (color === 'none') return Status.unresolvable('pod has no usable color');
    const only = pod.metadata.annotations?.['only'];
    if (only !== undefined) return new PreFilterResult(new Set(nodes.filter((n) => n.name === only).map((n) => n.name)));
    return null;
  }

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | null {
    const labels = nodeInfo.node?.metadata.labels ?? {};
    if (labels['boom'] !== undefined) throw new Error('filter exploded');
    if (labels[this.args.labelKey] === pod.metadata.labels?.[this.args.labelKey]) return null;
    return Status.unschedulable("node(s) didn't match the pod's color");
  }

  preScore(state: CycleState, pod: Pod): Status | null {
    const bonus = pod.metadata.labels?.['bonus'];
    if (bonus === undefined) return Status.skip;
    state.write(preScoreKey, { bonusLabel: bonus });
    return null;
  }

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    state.get(preScoreKey);
    const points = nodeInfo.node?.metadata.labels?.['points'] ?? '0';
    if (points === 'throw') throw new Error('score exploded');
    // The handle is the framework's: the snapshot it exposes is the tester's.
    if (!this.handle.snapshot().get(nodeInfo.name)) throw new Error('node not in the handle snapshot');
    return Number(points);
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): null {
    const max = Math.max(0, ...scores.map((s) => s.score));
    for (const s of scores) s.score = max === 0 ? 0 : Math.trunc((s.score * 100) / max);
    return null;
  }
}

/** A plugin with Filter only (no scoring points). */
@injectable()
class FilterOnly implements FilterPlugin {
  readonly name = 'FilterOnly';
  filter(): null {
    return null;
  }
}

const colorModule: PluginModule = {
  name: '@test/color',
  frameworkRange: '^0.1.0',
  register(registry) {
    registry.register({ name: 'Color', plugin: Color, args: ColorArgsSchema });
  },
};

const nodes = [
  makeNode('red-a').label('color', 'red').label('points', '10'),
  makeNode('red-b').label('color', 'red').label('points', '40'),
  makeNode('blue').label('color', 'blue').label('points', '20'),
];

function tester(overrides: Partial<ConstructorParameters<typeof PluginTester>[0]> = {}): PluginTester {
  return new PluginTester({ plugin: colorModule, weight: 3, nodes, ...overrides });
}

/** `{node, code, reasons, plugin, stage}` rows, for comparing whole verdict tables. */
function verdicts(report: Awaited<ReturnType<PluginTester['filter']>>) {
  return report.nodes.map(({ node, status, stage }) => ({
    node,
    stage,
    code: status?.code ?? Code.Success,
    reasons: status?.reasons ?? [],
    plugin: status?.plugin,
  }));
}

describe('PluginTester.filter', () => {
  it('runs PreFilter then Filter on every node', async () => {
    const report = await tester().filter(makePod('p').label('color', 'red'));
    expect(report.preFilter).toStrictEqual({ status: null, skipped: false, result: null });
    expect(verdicts(report)).toStrictEqual([
      { node: 'red-a', stage: 'filter', code: Code.Success, reasons: [], plugin: undefined },
      { node: 'red-b', stage: 'filter', code: Code.Success, reasons: [], plugin: undefined },
      { node: 'blue', stage: 'filter', code: Code.Unschedulable, reasons: ["node(s) didn't match the pod's color"], plugin: 'Color' },
    ]);
    expect(report.feasible).toStrictEqual(['red-a', 'red-b']);
  });

  it('uses the args after the schema defaulted them, or as given', async () => {
    const pod = makePod('p').label('shade', 'blue');
    // Default labelKey `color`: the pod has no color label, so PreFilter skips and every node passes.
    const defaulted = await tester().filter(pod);
    expect(defaulted.preFilter.skipped).toBe(true);
    expect(defaulted.feasible).toStrictEqual(['red-a', 'red-b', 'blue']);
    const configured = await tester({
      args: { labelKey: 'shade' },
      nodes: [makeNode('n1').label('shade', 'blue'), makeNode('n2').label('shade', 'red')],
    }).filter(pod);
    expect(configured.preFilter.skipped).toBe(false);
    expect(configured.feasible).toStrictEqual(['n1']);
  });

  it('reports a PreFilter rejection on every node', async () => {
    const report = await tester().filter(makePod('p').label('color', 'none'));
    expect(report.preFilter.status?.code).toBe(Code.UnschedulableAndUnresolvable);
    expect(report.preFilter.status?.plugin).toBe('Color');
    expect(verdicts(report).map((v) => [v.node, v.stage, v.code, v.reasons])).toStrictEqual([
      ['red-a', 'preFilter', Code.UnschedulableAndUnresolvable, ['pod has no usable color']],
      ['red-b', 'preFilter', Code.UnschedulableAndUnresolvable, ['pod has no usable color']],
      ['blue', 'preFilter', Code.UnschedulableAndUnresolvable, ['pod has no usable color']],
    ]);
    expect(report.feasible).toStrictEqual([]);
  });

  it('reports nodes outside the PreFilterResult with the status the scheduler records', async () => {
    const report = await tester().filter(makePod('p').label('color', 'red').annotation('only', 'red-b'));
    expect(report.preFilter.result?.nodeNames).toStrictEqual(new Set(['red-b']));
    expect(verdicts(report)).toStrictEqual([
      { node: 'red-a', stage: 'preFilterResult', code: Code.UnschedulableAndUnresolvable, reasons: ["node(s) didn't satisfy plugin(s) [Color]"], plugin: undefined },
      { node: 'red-b', stage: 'filter', code: Code.Success, reasons: [], plugin: undefined },
      { node: 'blue', stage: 'preFilterResult', code: Code.UnschedulableAndUnresolvable, reasons: ["node(s) didn't satisfy plugin(s) [Color]"], plugin: undefined },
    ]);
  });

  it('reports an empty PreFilterResult as a PreFilter rejection naming the plugin', async () => {
    const report = await tester().filter(makePod('p').label('color', 'red').annotation('only', 'missing'));
    expect(report.preFilter.status?.code).toBe(Code.UnschedulableAndUnresolvable);
    expect(report.preFilter.status?.reasons).toStrictEqual(["node(s) didn't satisfy plugin Color"]);
    expect(report.nodes.every((n) => n.stage === 'preFilter')).toBe(true);
  });

  it('reports a plugin that throws in Filter as an Error status naming it', async () => {
    const report = await tester({ nodes: [...nodes, makeNode('bad').label('boom', 'x')] }).filter(makePod('p').label('color', 'blue'));
    const bad = report.nodes.find((n) => n.node === 'bad')!;
    expect(bad.status?.code).toBe(Code.Error);
    expect(bad.status?.plugin).toBe('Color');
    expect(bad.status?.message()).toBe('running Filter plugin "Color": filter exploded');
    expect(report.feasible).toStrictEqual(['blue']);
  });

  it('places existing pods from `pods` on their nodes', async () => {
    const t = tester({ pods: [makePod('running').node('red-a'), makePod('pending')] });
    expect(t.snapshot.get('red-a')!.pods.map((p) => p.pod.metadata.name)).toStrictEqual(['running']);
    expect(t.snapshot.get('red-b')!.pods).toHaveLength(0);
  });
});

describe('PluginTester.score', () => {
  it('reports raw, normalized and weighted scores', async () => {
    const report = await tester().score(makePod('p').label('bonus', 'yes'));
    expect(report.preScore).toStrictEqual({ status: null, skipped: false });
    expect(report.status).toBeNull();
    // Raw 10/40/20; normalized to the max: trunc(10*100/40)=25, 100, 50; weight 3.
    expect(report.scores).toStrictEqual([
      { node: 'red-a', raw: 10, normalized: 25, weighted: 75 },
      { node: 'red-b', raw: 40, normalized: 100, weighted: 300 },
      { node: 'blue', raw: 20, normalized: 50, weighted: 150 },
    ]);
  });

  it('scores only the nodes given, in the order given', async () => {
    const report = await tester({ weight: 1 }).score(makePod('p').label('bonus', 'yes'), ['blue', 'red-a']);
    expect(report.scores).toStrictEqual([
      { node: 'blue', raw: 20, normalized: 100, weighted: 100 },
      { node: 'red-a', raw: 10, normalized: 50, weighted: 50 },
    ]);
  });

  it('reports a PreScore Skip and scores nothing', async () => {
    const report = await tester().score(makePod('p'));
    expect(report.preScore).toStrictEqual({ status: null, skipped: true });
    expect(report.scores).toStrictEqual([]);
    expect(report.status).toBeNull();
  });

  it('reports a plugin that throws in Score as an Error status naming it', async () => {
    const t = tester({ nodes: [...nodes, makeNode('bad').label('points', 'throw')] });
    const report = await t.score(makePod('p').label('bonus', 'yes'));
    expect(report.status?.code).toBe(Code.Error);
    expect(report.status?.plugin).toBe('Color');
    expect(report.status?.message()).toBe('running Score plugin "Color": score exploded');
    expect(report.scores).toStrictEqual([]);
  });

  it('continues a filter cycle with its state', async () => {
    const pod = makePod('p').label('color', 'red').label('bonus', 'yes');
    const t = tester();
    const filtered = await t.filter(pod);
    const report = await t.score(pod, filtered.feasible, { state: filtered.state });
    expect(report.state).toBe(filtered.state);
    expect(report.scores.map((s) => [s.node, s.weighted])).toStrictEqual([
      ['red-a', 75],
      ['red-b', 300],
    ]);
  });

  it('rejects an unknown node name', async () => {
    await expect(tester().score(makePod('p').label('bonus', 'yes'), ['nope'])).rejects.toThrow('the snapshot has no node "nope"');
  });
});

describe('PluginTester.preEnqueue and less', () => {
  it('holds gated pods back', async () => {
    const t = tester();
    expect(await t.preEnqueue(makePod('p'))).toBeNull();
    const held = await t.preEnqueue(makePod('p').schedulingGates('a', 'b'));
    expect(held?.code).toBe(Code.UnschedulableAndUnresolvable);
    expect(held?.reasons).toStrictEqual(['waiting for scheduling gate(s): a,b']);
    expect(held?.plugin).toBe('Color');
  });

  it.each([
    { what: 'higher priority first', a: { priority: 10, timestamp: 5 }, b: { priority: 1, timestamp: 0 }, want: true },
    { what: 'lower priority after', a: { priority: 1, timestamp: 0 }, b: { priority: 10, timestamp: 5 }, want: false },
    { what: 'same priority, earlier first', a: { priority: 5, timestamp: 1 }, b: { priority: 5, timestamp: 2 }, want: true },
    { what: 'same priority, later after', a: { priority: 5, timestamp: 2 }, b: { priority: 5, timestamp: 1 }, want: false },
  ])('orders the queue: $what', ({ a, b, want }) => {
    const t = tester();
    const qa = queuedPod(makePod('a').priority(a.priority), { timestamp: a.timestamp });
    const qb = queuedPod(makePod('b').priority(b.priority), { timestamp: b.timestamp });
    expect(t.less(qa, qb)).toBe(want);
  });

  it('queues plain pods at timestamp 0', () => {
    const t = tester();
    expect(t.less(makePod('a').priority(2), makePod('b').priority(1).obj())).toBe(true);
    expect(t.less(makePod('a'), makePod('b'))).toBe(false);
    expect(queuedPod(makePod('a'), { timestamp: 7 })).toMatchObject({ timestamp: 7, initialAttemptTimestamp: 7, attempts: 0 });
  });
});

describe('PluginTester setup', () => {
  it('accepts a registration as well as a module', async () => {
    const t = new PluginTester({ plugin: { name: 'Color', plugin: Color, args: ColorArgsSchema }, nodes });
    expect(t.pluginName).toBe('Color');
    expect(t.weight).toBe(1);
    expect((await t.filter(makePod('p').label('color', 'blue'))).feasible).toStrictEqual(['blue']);
  });

  it('needs a name when the module registers several plugins', () => {
    const both: PluginModule = {
      name: '@test/both',
      frameworkRange: '^0.1.0',
      register(registry) {
        registry.register({ name: 'Color', plugin: Color, args: ColorArgsSchema });
        registry.register({ name: 'FilterOnly', plugin: FilterOnly });
      },
    };
    expect(() => new PluginTester({ plugin: both, nodes })).toThrow('@test/both registers Color, FilterOnly: pass options.name to choose one');
    expect(new PluginTester({ plugin: both, name: 'FilterOnly', nodes }).plugin).toBeInstanceOf(FilterOnly);
    expect(() => new PluginTester({ plugin: both, name: 'Nope', nodes })).toThrow('plugin "Nope" is not registered');
  });

  it('refuses to run a point the plugin does not implement', async () => {
    const t = new PluginTester({ plugin: { name: 'FilterOnly', plugin: FilterOnly }, nodes });
    await expect(t.score(makePod('p'))).rejects.toThrow('plugin "FilterOnly" implements none of preScore, score');
    await expect(t.preEnqueue(makePod('p'))).rejects.toThrow('implements none of preEnqueue');
    expect(() => t.less(makePod('a'), makePod('b'))).toThrow('implements none of queueSort');
    expect((await t.filter(makePod('p'))).feasible).toStrictEqual(['red-a', 'red-b', 'blue']);
  });

  it('rejects args the schema refuses', () => {
    expect(() => tester({ args: { labelKey: 7 } })).toThrow(/labelKey/);
  });

  it('hands the plugin services and namespaces through its object lister', () => {
    const t = tester({
      services: [{ metadata: { name: 'web', namespace: 'prod' }, spec: { selector: { app: 'web' } } }],
      namespaces: [{ metadata: { name: 'prod', labels: { team: 'a' } } }],
    });
    expect(t.framework.objects.services('prod').map((s) => s.metadata.name)).toStrictEqual(['web']);
    expect(t.framework.objects.namespaceLabels('prod')).toStrictEqual({ 'kubernetes.io/metadata.name': 'prod', team: 'a' });
  });
});

describe('fakeHandle', () => {
  it('is a Handle over the given snapshot and objects', async () => {
    const snapshot = Snapshot.from([makeNode('n1').obj(), makeNode('n2').obj()], [makePod('p').node('n2').obj()]);
    const handle = fakeHandle(snapshot, { namespaces: [{ metadata: { name: 'prod' } }] });
    expect(handle.snapshot()).toBe(snapshot);
    expect(handle.snapshot().get('n2')!.pods).toHaveLength(1);
    expect(handle.objects.namespaceLabels('prod')).toStrictEqual({ 'kubernetes.io/metadata.name': 'prod' });
    expect(handle.objects.namespaceLabels('other')).toBeUndefined();
    expect(handle.profileName).toBe('fake-handle');
    // No plugins of its own: running "every Filter plugin" passes.
    expect(await handle.runFilterPlugins(new CycleState(), makePod('x').obj(), snapshot.get('n1')!)).toBeNull();
  });

  it('lets a plugin be constructed by hand', () => {
    const snapshot = Snapshot.from([makeNode('n1').label('points', '7').obj()]);
    const plugin = new Color(fakeHandle(snapshot), { labelKey: 'color' });
    const state = new CycleState();
    expect(plugin.preScore(state, makePod('p').label('bonus', 'y').obj())).toBeNull();
    expect(plugin.score(state, makePod('p').obj(), snapshot.get('n1')!)).toBe(7);
  });
});
