/**
 * Conformance of schedkit's volume plugins (VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone) with
 * the real kube-scheduler v1.35.4, on the 24 volume scenarios (tag `volumes`) of
 * `test/fidelity/kube-v1.35.4-v2.jsonl.gz` (see the v2 section of test/fidelity/README.md).
 *
 * Each scenario's cluster is loaded as kube's informers held it: its nodes (in array order) and the existing pods
 * kube's pod informer lists (phase Succeeded/Failed left out), its namespaces, services and storage objects (PVCs,
 * PVs, StorageClasses, CSINodes, CSIDrivers). The volume scenarios all run kube's default configuration, so the
 * profile is the preset's default one, built through the public API. One cycle then runs as kube's schedulePod runs
 * it (PreFilter, Filter on every node, PreScore and Score on the feasible nodes) and every recorded decision is
 * compared: PreFilter's status, node set and skipped plugins; each node's Filter verdict (code, rejecting plugin,
 * reasons); the feasible nodes; PreScore's skipped plugins; each plugin's raw and final score; the best nodes.
 * DynamicResources, which schedkit does not implement, is left out (here it only skips or scores 0).
 *
 * This loader is deliberately small: the full v2 harness (configurations, sampling, preemption) is 17b's
 * test/conformance work; once it exists this file can run on it.
 */
import { fileURLToPath } from 'node:url';
import {
  CycleState,
  codeName,
  type CSIDriver,
  type CSINode,
  Framework,
  type Namespace,
  type NodeInfo,
  type PersistentVolume,
  type PersistentVolumeClaim,
  Registry,
  Snapshot,
  StaticObjectLister,
  type Status,
  type StorageClass,
} from '@schedkit/framework';
import { type FidelityScenario, loadFidelityScenarios } from '@schedkit/framework/testing';
import { defaultConfiguration, registerDefaultPlugins } from '@schedkit/preset-default';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A v2 scenario: the v1 fields plus the objects of the volume scenarios. */
interface VolumeScenario extends FidelityScenario {
  features: string[];
  config?: unknown;
  namespaces?: Namespace[];
  persistentVolumeClaims?: PersistentVolumeClaim[];
  persistentVolumes?: PersistentVolume[];
  storageClasses?: StorageClass[];
  csiNodes?: CSINode[];
  csiDrivers?: CSIDriver[];
}

const fixture = fileURLToPath(new URL('../fidelity/kube-v1.35.4-v2.jsonl.gz', import.meta.url));
const scenarios = (loadFidelityScenarios(fixture) as VolumeScenario[]).filter((scenario) => scenario.features.includes('volumes'));

/** kube's default plugins schedkit does not implement. */
const outsideSchedkit = new Set(['DynamicResources']);
const sorted = (names: Iterable<string>): string[] => [...names].sort();
const inSchedkit = (names: readonly string[] | undefined): string[] => sorted((names ?? []).filter((name) => !outsideSchedkit.has(name)));
const withoutOutside = (values: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(values).filter(([name]) => !outsideSchedkit.has(name)));

interface Verdict {
  code: string;
  plugin: string | null;
  reasons: string[];
}

function verdictOf(status: Status | null | undefined): Verdict {
  if (!status) return { code: 'Success', plugin: null, reasons: [] };
  return { code: codeName(status.code), plugin: status.plugin ?? null, reasons: [...status.reasons] };
}

function recordedVerdict(recorded: { code: string; plugin?: string; reasons?: string[] }): Verdict {
  return { code: recorded.code, plugin: recorded.plugin ?? null, reasons: recorded.reasons ?? [] };
}

/** What schedkit decided. */
interface Outcome {
  preFilter: Verdict & { nodeNames: string[] | null; skippedPlugins: string[] };
  filter: Map<string, Verdict>;
  feasibleNodes: string[];
  preScoreSkipped: string[] | string;
  scores: Map<string, { plugins: Record<string, number>; raw: Record<string, number>; total: number }>;
  bestNodes: string[];
}

/** The scenario's cluster as kube's informers and cache held it. */
function cluster(scenario: VolumeScenario): { snapshot: Snapshot; objects: StaticObjectLister } {
  const listed = scenario.existingPods.filter((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed');
  return {
    snapshot: Snapshot.from(scenario.nodes, listed),
    objects: new StaticObjectLister({
      services: scenario.services,
      namespaces: scenario.namespaces ?? [],
      persistentVolumeClaims: scenario.persistentVolumeClaims ?? [],
      persistentVolumes: scenario.persistentVolumes ?? [],
      storageClasses: scenario.storageClasses ?? [],
      csiNodes: scenario.csiNodes ?? [],
      csiDrivers: scenario.csiDrivers ?? [],
    }),
  };
}

async function runScenario(scenario: VolumeScenario): Promise<Outcome> {
  const { snapshot, objects } = cluster(scenario);
  const configuration = defaultConfiguration();
  const profile = configuration.profiles[0]!;
  const framework = new Framework({ profile, registry: registerDefaultPlugins(new Registry()), objects });
  framework.setSnapshot(snapshot);
  const pod = scenario.pod;
  const nodes = snapshot.list();

  const preFilterState = new CycleState();
  const pre = await framework.runPreFilterPlugins(preFilterState, pod, nodes);
  const state = new CycleState();
  const found = await framework.findNodesThatFitPod(state, pod, nodes);
  const feasible = new Set(found.feasible.map((info) => info.name));
  const outcome: Outcome = {
    preFilter: {
      ...verdictOf(pre.status),
      nodeNames: pre.result?.nodeNames ? sorted(pre.result.nodeNames) : null,
      skippedPlugins: sorted(preFilterState.skipFilterPlugins),
    },
    filter: new Map(nodes.map((info) => [info.name, feasible.has(info.name) ? verdictOf(null) : verdictOf(found.diagnosis.nodeToStatus.get(info.name))])),
    feasibleNodes: sorted(feasible),
    preScoreSkipped: [],
    scores: new Map(),
    bestNodes: [],
  };
  // Score kube's feasible nodes, so that a Filter mismatch shows once instead of moving every normalized score.
  const scored: NodeInfo[] = scenario.expected.feasibleNodes.map((name) => snapshot.get(name)!);
  if (scored.length === 0) return outcome;
  const preScore = await framework.runPreScorePlugins(state, pod, scored);
  if (preScore) {
    outcome.preScoreSkipped = preScore.toString();
    return outcome;
  }
  outcome.preScoreSkipped = sorted(state.skipScorePlugins);
  const { scores, status } = await framework.runScorePlugins(state, pod, scored);
  if (status) throw status.asError();
  for (const node of scores) {
    const view = { plugins: {} as Record<string, number>, raw: {} as Record<string, number>, total: node.totalScore };
    for (const score of node.scores) {
      view.plugins[score.name] = score.score;
      view.raw[score.name] = score.raw;
    }
    outcome.scores.set(node.name, view);
  }
  const best = Math.max(...scores.map((node) => node.totalScore));
  outcome.bestNodes = sorted(scores.filter((node) => node.totalScore === best).map((node) => node.name));
  return outcome;
}

/** Per feature tag: scenarios that match in full, and node verdicts that match. */
const figures = new Map<string, { scenarios: number; matched: number; nodes: number; nodesMatched: number }>();
const mismatchedScenarios = new Set<string>();

function record(scenario: VolumeScenario, outcome: Outcome): void {
  const nodes = Object.entries(scenario.expected.filter);
  const nodesMatched = nodes.filter(([node, recorded]) => JSON.stringify(outcome.filter.get(node)) === JSON.stringify(recordedVerdict(recorded))).length;
  const matched = nodesMatched === nodes.length && JSON.stringify(outcome.feasibleNodes) === JSON.stringify(sorted(scenario.expected.feasibleNodes));
  if (!matched) mismatchedScenarios.add(scenario.id);
  for (const feature of scenario.features.filter((tag) => tag.startsWith('volumes'))) {
    const row = figures.get(feature) ?? { scenarios: 0, matched: 0, nodes: 0, nodesMatched: 0 };
    row.scenarios++;
    if (matched) row.matched++;
    row.nodes += nodes.length;
    row.nodesMatched += nodesMatched;
    figures.set(feature, row);
  }
}

it('finds the 24 volume scenarios, all on the default configuration', () => {
  expect(scenarios).toHaveLength(24);
  expect(scenarios.filter((scenario) => scenario.config !== undefined)).toEqual([]);
});

afterAll(() => {
  const lines = [`kube v1.35.4 v2 volume scenarios: ${scenarios.length - mismatchedScenarios.size}/${scenarios.length} match in full (filter verdicts and feasible nodes)`];
  for (const [feature, row] of sorted(figures.keys()).map((feature) => [feature, figures.get(feature)!] as const)) {
    lines.push(`  ${feature.padEnd(32)} scenarios ${row.matched}/${row.scenarios}  node verdicts ${row.nodesMatched}/${row.nodes}`);
  }
  if (mismatchedScenarios.size > 0) lines.push(`  mismatched: ${sorted(mismatchedScenarios).join(' ')}`);
  console.log(lines.join('\n'));
});

describe.each(scenarios.map((scenario) => ({ id: scenario.id, scenario })))('$id', ({ scenario }) => {
  const { expected } = scenario;
  let outcome: Outcome;

  beforeAll(async () => {
    outcome = await runScenario(scenario);
    record(scenario, outcome);
  });

  it('PreFilter: status, PreFilterResult nodes and skipped plugins', () => {
    expect(outcome.preFilter).toEqual({
      ...recordedVerdict(expected.preFilter),
      nodeNames: expected.preFilter.nodeNames === null ? null : sorted(expected.preFilter.nodeNames),
      skippedPlugins: inSchedkit(expected.preFilter.skippedPlugins),
    });
  });

  it.each(sorted(Object.keys(expected.filter)))('Filter verdict on %s', (node) => {
    expect({ node, ...outcome.filter.get(node) }).toEqual({ node, ...recordedVerdict(expected.filter[node]!) });
  });

  it('feasible nodes', () => {
    expect(outcome.feasibleNodes).toEqual(sorted(expected.feasibleNodes));
  });

  // Scoring runs only where kube found feasible nodes.
  if (expected.feasibleNodes.length === 0) return;
  it('PreScore skipped plugins, raw and final scores, best nodes', () => {
    expect(outcome.preScoreSkipped).toEqual(inSchedkit(expected.preScore?.skippedPlugins));
    for (const node of expected.feasibleNodes) {
      const recorded = expected.score?.[node];
      expect({ node, ...outcome.scores.get(node) }).toEqual({
        node,
        plugins: withoutOutside(recorded?.plugins ?? {}),
        raw: withoutOutside(recorded?.raw ?? {}),
        total: recorded?.total,
      });
    }
    expect(outcome.bestNodes).toEqual(sorted(expected.bestNodes ?? []));
  });
});
