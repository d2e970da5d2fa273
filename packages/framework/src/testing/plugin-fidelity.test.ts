import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CycleState } from '../cycle-state/cycle-state.js';
import { inject, injectable } from '../di.js';
import type { Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import {
  type FilterPlugin,
  MaxNodeScore,
  type NodeScore,
  type PreFilterPlugin,
  PreFilterResult,
  type PreScorePlugin,
  type ScorePlugin,
} from '../plugins/extension-points.js';
import { defaultNormalizeScore } from '../plugins/normalize.js';
import type { PluginRegistration } from '../registry/registry.js';
import { Tokens } from '../registry/tokens.js';
import { Status } from '../status/status.js';
import type { FidelityScenario, RecordedFilterVerdict } from './fidelity.js';
import { makeNode } from './node-builder.js';
import { checkPluginFidelity, formatPluginFidelity, type PluginFidelityOptions, pluginFidelityProblems } from './plugin-fidelity.js';
import { makePod } from './pod-builder.js';

const mistakes = [
  'filterReason',
  'rejectsLaterRejected',
  'passesAll',
  'neverSkips',
  'preFilterReason',
  'keepsAllNodes',
  'scoresEveryPod',
  'rawOffByOne',
  'noNormalize',
] as const;
const ShapeArgsSchema = z.object({ mistake: z.enum(mistakes).optional() });
type ShapeArgs = z.infer<typeof ShapeArgsSchema>;

const anotherShape = "node(s) had another shape";

/**
 * The plugin whose decisions the scenarios below record, or, with `mistake`, a deliberately wrong copy of it:
 * - PreFilter: Skip without a `shape` label; `shape=none` is UnschedulableAndUnresolvable; annotation `only`
 *   narrows to that node.
 * - Filter: the node's `shape` must equal the pod's.
 * - PreScore: Skip with a `no-score` label. Score: the node's `points`, scaled so the highest is 100.
 */
@injectable()
class Shape implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = 'Shape';

  constructor(@inject(Tokens.Args) private readonly args: ShapeArgs) {}

  preFilter(_state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status | PreFilterResult | null {
    const shape = pod.metadata.labels?.['shape'];
    if (shape === undefined) return this.args.mistake === 'neverSkips' ? null : Status.skip;
    if (shape === 'none') return Status.unresolvable(this.args.mistake === 'preFilterReason' ? 'pod lacks a shape' : 'pod has no shape');
    const only = pod.metadata.annotations?.['only'];
    if (only === undefined || this.args.mistake === 'keepsAllNodes') return null;
    return new PreFilterResult(new Set(nodes.filter((n) => n.name === only).map((n) => n.name)));
  }

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | null {
    const shape = pod.metadata.labels?.['shape'];
    const labels = nodeInfo.node?.metadata.labels ?? {};
    if (shape === undefined || this.args.mistake === 'passesAll') return null;
    if (this.args.mistake === 'rejectsLaterRejected' && labels['after'] !== undefined) return Status.unschedulable(anotherShape);
    if (labels['shape'] === shape) return null;
    return Status.unschedulable(this.args.mistake === 'filterReason' ? 'node(s) had a different shape' : anotherShape);
  }

  preScore(_state: CycleState, pod: Pod): Status | null {
    return pod.metadata.labels?.['no-score'] !== undefined && this.args.mistake !== 'scoresEveryPod' ? Status.skip : null;
  }

  score(_state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    const points = Number(nodeInfo.node?.metadata.labels?.['points'] ?? '0');
    return this.args.mistake === 'rawOffByOne' ? points + 1 : points;
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): null {
    if (this.args.mistake !== 'noNormalize') defaultNormalizeScore(MaxNodeScore, false, scores);
    return null;
  }
}

const shapeRegistration: PluginRegistration<ShapeArgs> = { name: 'Shape', plugin: Shape, args: ShapeArgsSchema };

// Node d is rejected by `Before` (earlier than Shape), node e by `After` (later).
const nodes = [
  makeNode('a').label('shape', 'round').label('points', '10').obj(),
  makeNode('b').label('shape', 'round').label('points', '40').obj(),
  makeNode('c').label('shape', 'square').label('points', '20').obj(),
  makeNode('d').label('shape', 'round').label('before', 'no').obj(),
  makeNode('e').label('shape', 'round').label('after', 'no').obj(),
];

const success: RecordedFilterVerdict = { code: 'Success' };
const byBefore: RecordedFilterVerdict = { code: 'UnschedulableAndUnresolvable', reasons: ['before says no'], plugin: 'Before' };
const byAfter: RecordedFilterVerdict = { code: 'Unschedulable', reasons: ['after says no'], plugin: 'After' };
const byShape: RecordedFilterVerdict = { code: 'Unschedulable', reasons: [anotherShape], plugin: 'Shape' };

function scenario(id: string, pod: Pod, expected: Partial<FidelityScenario['expected']>): FidelityScenario {
  return {
    id,
    seed: 0,
    nodes,
    existingPods: [],
    services: [],
    pod,
    expected: {
      preFilter: { code: 'Success', nodeNames: null, skippedPlugins: [] },
      filter: {},
      feasibleCount: expected.feasibleNodes?.length ?? 0,
      feasibleNodes: [],
      ...expected,
    },
  };
}

/** Every node carrying the PreFilter rejection, as kube records a cycle stopped at PreFilter. */
function stoppedAtPreFilter(plugin: string, reason: string): Partial<FidelityScenario['expected']> {
  const verdict = { code: 'UnschedulableAndUnresolvable', reasons: [reason], plugin };
  return {
    preFilter: { ...verdict, nodeNames: null, skippedPlugins: [] },
    filter: Object.fromEntries(nodes.map((n) => [n.metadata.name, { ...verdict, stage: 'preFilter' }])),
  };
}

const outsideResult: RecordedFilterVerdict = { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't satisfy plugin(s) [Shape]"], stage: 'preFilterResult' };

// What kube recorded for Shape (weight 2) in a profile Before, Shape, After.
const scenarios: FidelityScenario[] = [
  scenario('scored', makePod('p').label('shape', 'round').obj(), {
    filter: { a: success, b: success, c: byShape, d: byBefore, e: byAfter },
    feasibleNodes: ['a', 'b'],
    preScore: { code: 'Success', skippedPlugins: [] },
    score: { a: { total: 50, plugins: { Shape: 50 }, raw: { Shape: 10 } }, b: { total: 200, plugins: { Shape: 200 }, raw: { Shape: 40 } } },
  }),
  scenario('skipped', makePod('p').label('no-score', '').obj(), {
    preFilter: { code: 'Success', nodeNames: null, skippedPlugins: ['Shape'] },
    filter: { a: success, b: success, c: success, d: byBefore, e: success },
    feasibleNodes: ['a', 'b', 'c', 'e'],
    preScore: { code: 'Success', skippedPlugins: ['Shape'] },
    score: Object.fromEntries(['a', 'b', 'c', 'e'].map((n) => [n, { total: 0, plugins: {}, raw: {} }])),
  }),
  scenario('rejected-by-shape', makePod('p').label('shape', 'none').obj(), stoppedAtPreFilter('Shape', 'pod has no shape')),
  // kube stopped before Shape's PreFilter ran: nothing to compare, though Shape would reject this pod.
  scenario('stopped-before', makePod('p').label('shape', 'none').obj(), stoppedAtPreFilter('Before', 'before says no')),
  // kube ran Shape's PreFilter before stopping at After's.
  scenario('stopped-after', makePod('p').label('shape', 'round').obj(), stoppedAtPreFilter('After', 'after says no')),
  scenario('narrowed', makePod('p').label('shape', 'round').annotation('only', 'b').obj(), {
    preFilter: { code: 'Success', nodeNames: ['b'], skippedPlugins: [] },
    filter: { a: outsideResult, b: success, c: outsideResult, d: outsideResult, e: outsideResult },
    feasibleNodes: ['b'],
    preScore: { code: 'Success', skippedPlugins: [] },
    score: { b: { total: 200, plugins: { Shape: 200 }, raw: { Shape: 40 } } },
  }),
];

function check(args: ShapeArgs = {}, overrides: Partial<PluginFidelityOptions> = {}) {
  return checkPluginFidelity({
    plugin: shapeRegistration,
    name: 'Shape',
    weight: 2,
    args,
    scenarios,
    filterOrder: ['Before', 'Shape', 'After'],
    preFilterResultPlugin: 'Shape',
    ...overrides,
  });
}

/** The mismatches of a report, category by category (empty categories left out). */
function mismatches(report: Awaited<ReturnType<typeof check>>): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const category of report.categories) if (report[category].mismatches.length > 0) found[category] = report[category].mismatches;
  return found;
}

describe('checkPluginFidelity', () => {
  it('counts every comparison of a plugin that matches the recorded decisions, and finds no mismatch', async () => {
    const report = await check();
    expect(report).toEqual({
      plugin: 'Shape',
      scenarios: 6,
      categories: ['preFilter', 'filter', 'preScore', 'score'],
      // scored 3, skipped 3 (Skip decisive), rejected-by-shape 1 (decisive), stopped-before 0, stopped-after 2
      // (status, Skip), narrowed 3 (node set decisive).
      preFilter: { checked: 12, decisive: 3, mismatches: [] },
      // scored: a, b, e pass, c is Shape's (d was Before's); skipped: a, b, c, e pass; narrowed: 4 nodes outside the
      // PreFilterResult, b passes.
      filter: { checked: 13, decisive: 5, mismatches: [] },
      preScore: { checked: 6, decisive: 1, mismatches: [] },
      // scored: status and 2 nodes; narrowed: status and 1 node.
      score: { checked: 5, decisive: 3, mismatches: [] },
    });
    expect(pluginFidelityProblems(report, { decisive: ['preFilter', 'filter', 'preScore', 'score'] })).toEqual([]);
  });

  const wrong: [ShapeArgs['mistake'], Record<string, string[]>][] = [
    ['filterReason', { filter: ['scored c: got Unschedulable ["node(s) had a different shape"], kube Unschedulable ["node(s) had another shape"]'] }],
    ['rejectsLaterRejected', { filter: ['scored e: got Unschedulable ["node(s) had another shape"], kube passed it on to After'] }],
    ['passesAll', { filter: ['scored c: got Success, kube Unschedulable ["node(s) had another shape"]'] }],
    ['neverSkips', { preFilter: ['skipped Skip: got false, kube true'] }],
    [
      'preFilterReason',
      { preFilter: ['rejected-by-shape: got UnschedulableAndUnresolvable ["pod lacks a shape"], kube UnschedulableAndUnresolvable ["pod has no shape"]'] },
    ],
    [
      'keepsAllNodes',
      {
        preFilter: ['narrowed PreFilterResult: got all nodes, kube ["b"]'],
        filter: ['a', 'c', 'd', 'e'].map((n) => `narrowed ${n}: kube left it out of the PreFilterResult, ours kept it`),
      },
    ],
    ['scoresEveryPod', { preScore: ['skipped Skip: got false, kube true'] }],
    [
      'rawOffByOne',
      { score: ['scored a: got raw 11 final 52, kube raw 10 final 50', 'scored b: got raw 41 final 200, kube raw 40 final 200', 'narrowed b: got raw 41 final 200, kube raw 40 final 200'] },
    ],
    [
      'noNormalize',
      { score: ['scored a: got raw 10 final 20, kube raw 10 final 50', 'scored b: got raw 40 final 80, kube raw 40 final 200', 'narrowed b: got raw 40 final 80, kube raw 40 final 200'] },
    ],
  ];
  it.each(wrong)('reports each mismatch of a plugin with mistake %s', async (mistake, expected) => {
    expect(mismatches(await check({ mistake }))).toEqual(expected);
  });

  it('finds the final scores wrong when the weight differs from the recorded one', async () => {
    const report = await check({}, { weight: 1 });
    expect(report.score.mismatches).toEqual([
      'scored a: got raw 10 final 25, kube raw 10 final 50',
      'scored b: got raw 40 final 100, kube raw 40 final 200',
      'narrowed b: got raw 40 final 100, kube raw 40 final 200',
    ]);
  });

  it('requires a plugin that is not the PreFilterResult plugin to keep every node, and skips its PreFilterResult nodes', async () => {
    const report = await check({}, { preFilterResultPlugin: 'Elsewhere' });
    expect(mismatches(report)).toEqual({ preFilter: ['narrowed PreFilterResult: got ["b"], kube all nodes'] });
    expect(report.filter.checked).toBe(9);
  });

  it('checks nodes rejected by later plugins only when it knows the order', async () => {
    const report = await check({ mistake: 'rejectsLaterRejected' }, { filterOrder: [] });
    // No order: no node rejected by another plugin is checked, and kube's PreFilter stops say nothing either.
    expect(mismatches(report)).toEqual({});
    expect(report.filter.checked).toBe(12);
    expect(report.preFilter.checked).toBe(10);
  });

  it('takes part only in the categories the plugin implements', async () => {
    @injectable()
    class FilterOnly implements FilterPlugin {
      readonly name = 'FilterOnly';
      filter(): null {
        return null;
      }
    }
    const report = await checkPluginFidelity({ plugin: { name: 'FilterOnly', plugin: FilterOnly }, name: 'FilterOnly', scenarios });
    expect(report.categories).toEqual(['preFilter', 'filter']);
    expect(report.score).toEqual({ checked: 0, decisive: 0, mismatches: [] });
  });
});

describe('pluginFidelityProblems', () => {
  it('lists mismatches up to the limit per category', async () => {
    const report = await check({ mistake: 'keepsAllNodes' });
    expect(pluginFidelityProblems(report, { limit: 1 })).toEqual([
      'PreFilter: narrowed PreFilterResult: got all nodes, kube ["b"]',
      'Filter: narrowed a: kube left it out of the PreFilterResult, ours kept it',
      'Filter: ... and 3 more',
    ]);
  });

  it('requires checks in every category the plugin takes part in, and decisive ones where asked', async () => {
    const report = await check({}, { scenarios: [scenarios[1]!] });
    expect(pluginFidelityProblems(report, { decisive: ['preFilter', 'filter'] })).toEqual([
      'Score: nothing was checked',
      'Filter: no recorded decision named Shape',
    ]);
    expect(pluginFidelityProblems({ ...report, categories: ['preFilter', 'filter'] }, { decisive: ['score'] })).toEqual([
      'Score: Shape does not take part',
    ]);
  });
});

describe('formatPluginFidelity', () => {
  it('prints agreements, checks and decisive checks per category', async () => {
    expect(formatPluginFidelity(await check({ mistake: 'neverSkips' }))).toBe(
      [
        'Shape against 6 recorded scenarios:',
        '  PreFilter: 11/12 agree (3 decisive)',
        '  Filter: 13/13 agree (5 decisive)',
        '  PreScore: 6/6 agree (1 decisive)',
        '  Score: 5/5 agree (3 decisive)',
      ].join('\n'),
    );
  });
});
