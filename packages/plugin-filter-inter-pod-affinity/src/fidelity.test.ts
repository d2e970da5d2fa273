import { fileURLToPath } from 'node:url';
import { CycleState, codeName, Framework, Registry, type Status } from '@schedkit/framework';
import { loadFidelityScenarios, scenarioCluster } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';

/**
 * InterPodAffinity alone against the decisions the real kube-scheduler v1.35.4 recorded in the fidelity fixture:
 * - a node whose recorded verdict names InterPodAffinity must get exactly that code and those reasons;
 * - a node recorded feasible, or rejected by a plugin kube runs after InterPodAffinity, must pass;
 * - whether PreFilter and PreScore skip the plugin must match the recorded skipped plugins;
 * - on the recorded feasible nodes, the raw Score and the normalized, weighted (x2) score must be equal.
 */
const fixture = fileURLToPath(new URL('../../../test/fidelity/kube-v1.35.4-default-profile.jsonl.gz', import.meta.url));
const scenarios = loadFidelityScenarios(fixture);

const pluginName = 'InterPodAffinity';
const weight = 2;
/** kube's Filter order in the default profile. */
const filterOrder = [
  'NodeUnschedulable',
  'NodeName',
  'TaintToleration',
  'NodeAffinity',
  'NodePorts',
  'NodeResourcesFit',
  'VolumeRestrictions',
  'NodeVolumeLimits',
  'VolumeBinding',
  'VolumeZone',
  'PodTopologySpread',
  'InterPodAffinity',
  'DynamicResources',
];
const ownPosition = filterOrder.indexOf(pluginName);

interface Tally {
  checked: number;
  /** Checks where kube's verdict named this plugin (a rejection or a recorded score), not merely a pass. */
  decisive: number;
  mismatches: string[];
}

const newTally = (): Tally => ({ checked: 0, decisive: 0, mismatches: [] });
const preFilterTally = newTally();
const filterTally = newTally();
const preScoreTally = newTally();
const scoreTally = newTally();

function check(into: Tally, ok: boolean, what: () => string, decisive = false): void {
  into.checked += 1;
  if (decisive) into.decisive += 1;
  if (!ok) into.mismatches.push(what());
}

function describeStatus(status: Status | null): string {
  return status ? `${codeName(status.code)} ${JSON.stringify(status.reasons)}` : 'Success';
}

for (const scenario of scenarios) {
  const { snapshot, objects } = scenarioCluster(scenario);
  const framework = new Framework({
    profile: { schedulerName: 'fidelity', plugins: { multiPoint: { enabled: [{ name: pluginName, weight }], disabled: [] } }, pluginConfig: [] },
    registry: new Registry().use(plugin),
    objects,
  });
  framework.setSnapshot(snapshot);
  const state = new CycleState();
  const expected = scenario.expected;
  const pre = await framework.runPreFilterPlugins(state, scenario.pod, snapshot.list());

  if (expected.preFilter.code !== 'Success') {
    // kube stopped at PreFilter; only when it stopped at this plugin is there a verdict to compare.
    if (expected.preFilter.plugin === pluginName) {
      const want = `${expected.preFilter.code} ${JSON.stringify(expected.preFilter.reasons ?? [])}`;
      check(preFilterTally, describeStatus(pre.status) === want, () => `${scenario.id} preFilter: got ${describeStatus(pre.status)}, kube ${want}`, true);
    }
    continue;
  }
  check(preFilterTally, pre.status === null, () => `${scenario.id} preFilter: got ${describeStatus(pre.status)}, kube Success`);
  const kubeSkipped = (expected.preFilter.skippedPlugins ?? []).includes(pluginName);
  const skipped = state.skipFilterPlugins.has(pluginName);
  check(preFilterTally, skipped === kubeSkipped, () => `${scenario.id} preFilter skip: got ${skipped}, kube ${kubeSkipped}`, kubeSkipped);

  for (const nodeInfo of snapshot.list()) {
    const verdict = expected.filter[nodeInfo.name];
    if (!verdict || verdict.stage === 'preFilter' || verdict.stage === 'preFilterResult') continue;
    const where = `${scenario.id} ${nodeInfo.name}`;
    if (verdict.plugin === pluginName) {
      const status = await framework.runFilterPlugins(state, scenario.pod, nodeInfo);
      const want = `${verdict.code} ${JSON.stringify(verdict.reasons ?? [])}`;
      check(filterTally, describeStatus(status) === want, () => `${where}: got ${describeStatus(status)}, kube ${want}`, true);
    } else if (verdict.code === 'Success' || filterOrder.indexOf(verdict.plugin ?? '') > ownPosition) {
      const status = await framework.runFilterPlugins(state, scenario.pod, nodeInfo);
      check(filterTally, status === null, () => `${where}: got ${describeStatus(status)}, kube passed it on (${verdict.plugin ?? 'feasible'})`);
    }
  }

  if (expected.feasibleNodes.length === 0 || !expected.preScore || !expected.score) continue;
  const feasible = expected.feasibleNodes.map((name) => snapshot.get(name)!);
  const preScoreStatus = await framework.runPreScorePlugins(state, scenario.pod, feasible);
  check(preScoreTally, preScoreStatus === null, () => `${scenario.id} preScore: got ${describeStatus(preScoreStatus)}`);
  const kubeScoreSkipped = (expected.preScore.skippedPlugins ?? []).includes(pluginName);
  const scoreSkipped = state.skipScorePlugins.has(pluginName);
  check(preScoreTally, scoreSkipped === kubeScoreSkipped, () => `${scenario.id} preScore skip: got ${scoreSkipped}, kube ${kubeScoreSkipped}`, kubeScoreSkipped);
  if (scoreSkipped || kubeScoreSkipped) continue;
  const { scores, status } = await framework.runScorePlugins(state, scenario.pod, feasible);
  check(scoreTally, status === null, () => `${scenario.id} score: got ${describeStatus(status)}`);
  for (const nodeScores of scores) {
    const own = nodeScores.scores.find((s) => s.name === pluginName);
    const kube = expected.score[nodeScores.name];
    const got = `raw ${own?.raw} final ${own?.score}`;
    const want = `raw ${kube?.raw[pluginName]} final ${kube?.plugins[pluginName]}`;
    check(scoreTally, got === want, () => `${scenario.id} ${nodeScores.name} score: got ${got}, kube ${want}`, (kube?.raw[pluginName] ?? 0) !== 0);
  }
}

function summary(t: Tally): string {
  return `${t.checked - t.mismatches.length}/${t.checked} agree (${t.decisive} decisive)`;
}

function firstMismatches(t: Tally): string {
  return t.mismatches.slice(0, 15).join('\n');
}

describe(`${pluginName} against kube-scheduler v1.35.4 (${scenarios.length} recorded scenarios)`, () => {
  it(`agrees on PreFilter status and Skip: ${summary(preFilterTally)}`, () => {
    expect(firstMismatches(preFilterTally)).toBe('');
  });
  it(`agrees on per-node Filter verdicts: ${summary(filterTally)}`, () => {
    expect(filterTally.decisive).toBeGreaterThan(0);
    expect(firstMismatches(filterTally)).toBe('');
  });
  it(`agrees on PreScore status and Skip: ${summary(preScoreTally)}`, () => {
    expect(firstMismatches(preScoreTally)).toBe('');
  });
  it(`agrees on raw and weighted node scores: ${summary(scoreTally)}`, () => {
    expect(scoreTally.decisive).toBeGreaterThan(0);
    expect(firstMismatches(scoreTally)).toBe('');
  });
});
