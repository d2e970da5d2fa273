/**
 * Conformance of schedkit's default profile with the real kube-scheduler v1.35.4.
 *
 * test/fidelity/kube-v1.35.4-default-profile.jsonl.gz holds scenarios (a cluster, an incoming pod) together with the
 * decisions the real kube-scheduler framework made for them (see test/fidelity/README.md). For each scenario this
 * test builds the default profile through the public API (Registry + registerDefaultPlugins + defaultConfiguration
 * + Framework) and checks, through the framework runtime, every decision kube recorded: PreFilter's verdict, node
 * set and skipped plugins; each node's Filter verdict; the feasible nodes; PreScore's skipped plugins; each plugin's
 * raw and final score on each feasible node; and the best nodes.
 *
 * DynamicResources, which schedkit does not implement, is left out of the comparison. The scenarios have no resource
 * claims, so in kube it only ever skips, passes or scores 0; the test asserts that it indeed scores 0 everywhere
 * before leaving it out. The volume plugins are compared like every other plugin (these scenarios have no volumes,
 * so kube skips them).
 *
 * An afterAll prints a per-plugin pass/fail tally of the same checks.
 */
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import {
  CycleState,
  Framework,
  type NodeInfo,
  Registry,
  type Snapshot,
} from '@schedkit/framework';
import { type FidelityScenario, loadFidelityScenarios, scenarioCluster } from '@schedkit/framework/testing';
import { defaultConfiguration, registerDefaultPlugins } from '@schedkit/preset-default';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeScoreView, type PreFilterView, recordedVerdict, runPreFilterOnce, scoreNodes, sorted, type Verdict, verdictOf } from './v2-harness.js';

const fidelityFile = fileURLToPath(new URL('../fidelity/kube-v1.35.4-default-profile.jsonl.gz', import.meta.url));

/** kube's default plugins that schedkit does not implement (no dynamic resource allocation). */
const pluginsOutsideSchedkit: ReadonlySet<string> = new Set(['DynamicResources']);

/** What schedkit decided for one scenario. */
interface Outcome {
  /** The plugins of the profile at the points the tally attributes decisions to. */
  plugins: { preFilter: string[]; filter: string[]; preScore: string[]; score: string[] };
  preFilter: PreFilterView;
  filter: Map<string, Verdict>;
  feasibleNodes: string[];
  /** Plugins whose PreScore returned Skip, sorted; or the error PreScore returned. */
  preScore: { skippedPlugins: string[] } | { error: string };
  scores: Map<string, NodeScoreView>;
  /** The error Score returned, if any. */
  scoreError: string | null;
  bestNodes: string[];
}

const inSchedkit = (names: readonly string[] | undefined): string[] => sorted((names ?? []).filter((name) => !pluginsOutsideSchedkit.has(name)));

function expectedPreFilter(scenario: FidelityScenario): PreFilterView {
  const recorded = scenario.expected.preFilter;
  return {
    ...recordedVerdict(recorded),
    nodeNames: recorded.nodeNames === null ? null : sorted(recorded.nodeNames),
    skippedPlugins: inSchedkit(recorded.skippedPlugins),
  };
}

function expectedScore(scenario: FidelityScenario, node: string): NodeScoreView {
  const recorded = scenario.expected.score?.[node];
  if (!recorded) throw new Error(`${scenario.id}: no recorded score for feasible node ${node}`);
  const keep = (values: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(values).filter(([name]) => !pluginsOutsideSchedkit.has(name)));
  return { plugins: keep(recorded.plugins), raw: keep(recorded.raw), total: recorded.total };
}

/** Builds the default profile for one scenario's cluster. */
function defaultFramework(objects: ReturnType<typeof scenarioCluster>['objects']): Framework {
  const configuration = defaultConfiguration();
  const profile = configuration.profiles[0];
  if (!profile) throw new Error('the default configuration has no profile');
  const registry = registerDefaultPlugins(new Registry());
  return new Framework({ profile, registry, objects, percentageOfNodesToScore: configuration.percentageOfNodesToScore });
}

/**
 * Runs one scheduling cycle's decisions as kube's schedulePod does. PreFilter runs once on its own (to read its
 * status and result directly) and once inside findNodesThatFitPod, whose cycle state then serves PreScore and
 * Score. Scoring runs on the nodes kube found feasible (not on schedkit's), so that a Filter mismatch shows up
 * once, in the Filter checks, instead of shifting every normalized score of the scenario.
 */
async function runScenario(scenario: FidelityScenario): Promise<Outcome> {
  const { snapshot, objects } = scenarioCluster(scenario);
  const framework = defaultFramework(objects);
  framework.setSnapshot(snapshot);
  const pod = scenario.pod;
  const nodes = snapshot.list();

  const { view: preFilter } = await runPreFilterOnce(framework, pod, nodes);

  const state = new CycleState();
  const found = await framework.findNodesThatFitPod(state, pod, nodes);
  const feasible = new Set(found.feasible.map((info) => info.name));
  const filter = new Map<string, Verdict>();
  for (const info of nodes) {
    filter.set(info.name, feasible.has(info.name) ? verdictOf(null) : verdictOf(found.diagnosis.nodeToStatus.get(info.name)));
  }

  const namesAt = (point: 'preFilter' | 'filter' | 'preScore' | 'score'): string[] => framework.pluginsAt(point).map((plugin) => plugin.name);
  const outcome: Outcome = {
    plugins: { preFilter: namesAt('preFilter'), filter: namesAt('filter'), preScore: namesAt('preScore'), score: namesAt('score') },
    preFilter,
    filter,
    feasibleNodes: sorted(feasible),
    preScore: { skippedPlugins: [] },
    scores: new Map(),
    scoreError: null,
    bestNodes: [],
  };
  Object.assign(outcome, await scoreNodes(framework, state, pod, recordedFeasibleNodes(scenario, snapshot)));
  return outcome;
}

function recordedFeasibleNodes(scenario: FidelityScenario, snapshot: Snapshot): NodeInfo[] {
  return scenario.expected.feasibleNodes.map((name) => {
    const info = snapshot.get(name);
    if (!info) throw new Error(`${scenario.id}: recorded feasible node ${name} is not in the cluster`);
    return info;
  });
}

// ---- Per-plugin tally ----------------------------------------------------------------------------------------

type Check = 'preFilter skip' | 'filter' | 'preScore skip' | 'score';
const checks: readonly Check[] = ['preFilter skip', 'filter', 'preScore skip', 'score'];
/** The tally row of statuses the framework itself derives from PreFilter (PreFilterResult, PreFilter rejection). */
const frameworkRow = '(framework: PreFilter status on nodes)';
/** The tally row of nodes both sides find feasible. */
const feasibleRow = '(feasible in both)';
const tally = new Map<string, Record<Check, { pass: number; fail: number }>>();
const failedScenarios = new Set<string>();

function count(plugin: string, check: Check, pass: boolean, scenarioId: string): void {
  let row = tally.get(plugin);
  if (!row) {
    row = { 'preFilter skip': { pass: 0, fail: 0 }, filter: { pass: 0, fail: 0 }, 'preScore skip': { pass: 0, fail: 0 }, score: { pass: 0, fail: 0 } };
    tally.set(plugin, row);
  }
  row[check][pass ? 'pass' : 'fail']++;
  if (!pass) failedScenarios.add(scenarioId);
}

/** Attributes each compared decision of a scenario to the plugin that made it. */
function tallyScenario(scenario: FidelityScenario, outcome: Outcome): void {
  const id = scenario.id;
  const expectedSkips = new Set(expectedPreFilter(scenario).skippedPlugins);
  const actualSkips = new Set(outcome.preFilter.skippedPlugins);
  for (const plugin of outcome.plugins.preFilter) {
    count(plugin, 'preFilter skip', expectedSkips.has(plugin) === actualSkips.has(plugin), id);
  }
  for (const [node, recorded] of Object.entries(scenario.expected.filter)) {
    const expected = recordedVerdict(recorded);
    const actual = outcome.filter.get(node);
    const pass = isDeepStrictEqual(actual, expected);
    if (recorded.stage !== undefined) {
      count(frameworkRow, 'filter', pass, id);
      continue;
    }
    // The verdict is the expected rejector's; a node kube found feasible is the wrong rejector's, if any.
    count(expected.plugin ?? actual?.plugin ?? feasibleRow, 'filter', pass, id);
    // A plugin that rejects a node before the plugin kube rejected it with is at fault too: kube's earlier
    // plugins passed the node.
    const order = outcome.plugins.filter;
    if (!pass && actual?.plugin && expected.plugin && order.indexOf(actual.plugin) < order.indexOf(expected.plugin)) {
      count(actual.plugin, 'filter', false, id);
    }
  }
  if (scenario.expected.feasibleNodes.length === 0) return;
  const recordedPreScore = new Set(inSchedkit(scenario.expected.preScore?.skippedPlugins));
  const actualPreScore = 'skippedPlugins' in outcome.preScore ? new Set(outcome.preScore.skippedPlugins) : undefined;
  for (const plugin of outcome.plugins.preScore) {
    count(plugin, 'preScore skip', actualPreScore !== undefined && recordedPreScore.has(plugin) === actualPreScore.has(plugin), id);
  }
  for (const node of scenario.expected.feasibleNodes) {
    const expected = expectedScore(scenario, node);
    const actual = outcome.scores.get(node);
    for (const plugin of outcome.plugins.score) {
      const pass = actual !== undefined && actual.raw[plugin] === expected.raw[plugin] && actual.plugins[plugin] === expected.plugins[plugin];
      count(plugin, 'score', pass, id);
    }
  }
}

function printTally(total: number): void {
  const cell = (c: { pass: number; fail: number }): string => (c.pass + c.fail === 0 ? '-' : `${c.pass}/${c.pass + c.fail}`);
  const rows = [...tally.entries()].sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(...rows.map(([name]) => name.length), 6);
  const lines = [
    `kube v1.35.4 default profile conformance: ${total - failedScenarios.size}/${total} scenarios fully match`,
    `${'plugin'.padEnd(width)}  ${checks.map((c) => c.padStart(14)).join('  ')}`,
    ...rows.map(([name, row]) => `${name.padEnd(width)}  ${checks.map((c) => cell(row[c]).padStart(14)).join('  ')}`),
  ];
  if (failedScenarios.size > 0) lines.push(`scenarios with a mismatch: ${sorted(failedScenarios).join(' ')}`);
  console.log(lines.join('\n'));
}

// ---- The checks ------------------------------------------------------------------------------------------------

const scenarios = loadFidelityScenarios(fidelityFile);

it('finds the recorded scenarios', () => {
  expect(scenarios.length).toBeGreaterThan(0);
});

afterAll(() => printTally(scenarios.length));

/** Scenario ids as test titles; an id that another file repeats gets its position, so that every title is unique. */
function scenarioTitles(list: readonly FidelityScenario[]): { title: string; scenario: FidelityScenario }[] {
  const seen = new Map<string, number>();
  return list.map((scenario, index) => {
    const times = (seen.get(scenario.id) ?? 0) + 1;
    seen.set(scenario.id, times);
    return { title: times === 1 ? scenario.id : `${scenario.id} (scenario #${index + 1})`, scenario };
  });
}

describe.each(scenarioTitles(scenarios))('$title', ({ scenario }) => {
  let outcome: Outcome;
  const { expected } = scenario;
  const nodeNames = Object.keys(expected.filter).sort();
  const feasibleNodes = [...expected.feasibleNodes].sort();

  beforeAll(async () => {
    try {
      outcome = await runScenario(scenario);
    } catch (error) {
      failedScenarios.add(scenario.id);
      throw error;
    }
    tallyScenario(scenario, outcome);
  });

  it('PreFilter: status, PreFilterResult nodes and skipped plugins', () => {
    expect(outcome.preFilter).toEqual(expectedPreFilter(scenario));
  });

  it('records a verdict for every node of the cluster', () => {
    expect(nodeNames).toEqual(sorted(scenario.nodes.map((node) => node.metadata.name)));
  });

  it.each(nodeNames)('Filter verdict on %s', (node) => {
    const recorded = expected.filter[node]!;
    expect({ node, ...outcome.filter.get(node) }).toEqual({ node, ...recordedVerdict(recorded) });
  });

  it('feasible nodes', () => {
    expect(expected.feasibleCount).toBe(expected.feasibleNodes.length);
    expect(outcome.feasibleNodes).toEqual(feasibleNodes);
  });

  if (feasibleNodes.length === 0) return;

  it('PreScore: skipped plugins', () => {
    expect(outcome.preScore).toEqual({ skippedPlugins: inSchedkit(expected.preScore?.skippedPlugins) });
  });

  it('DynamicResources (not in schedkit) scores 0 on every feasible node', () => {
    for (const node of feasibleNodes) {
      const recorded = expected.score?.[node];
      expect({ node, final: recorded?.plugins.DynamicResources, raw: recorded?.raw.DynamicResources }).toEqual({ node, final: 0, raw: 0 });
    }
  });

  it.each(feasibleNodes)('scores of %s', (node) => {
    expect(outcome.scoreError).toBeNull();
    expect({ node, ...outcome.scores.get(node) }).toEqual({ node, ...expectedScore(scenario, node) });
  });

  it('best nodes', () => {
    expect(outcome.scoreError).toBeNull();
    expect(outcome.bestNodes).toEqual(sorted(expected.bestNodes ?? []));
  });
});
