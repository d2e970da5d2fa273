import { fileURLToPath } from 'node:url';
import { CycleState, codeName, Framework, Registry, type Status } from '@schedkit/framework';
import { loadFidelityScenarios, scenarioCluster } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';

/**
 * Checks NodeAffinity in isolation against the real kube-scheduler v1.35.4 decisions recorded in the fidelity
 * fixture: for every node whose recorded verdict names NodeAffinity the code and reasons must be equal; for every
 * node recorded as feasible, or rejected by a plugin kube runs after NodeAffinity, NodeAffinity must pass; membership in the recorded PreFilter skipped plugins must match, and so must the PreFilterResult node set; on the feasible nodes, PreScore Skip, the raw Score and the normalized, weighted score must equal the recorded ones.
 */
const fixture = fileURLToPath(new URL('../../../test/fidelity/kube-v1.35.4-default-profile.jsonl.gz', import.meta.url));
const scenarios = loadFidelityScenarios(fixture);

const pluginName = 'NodeAffinity';
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
  mismatches: string[];
}

const tally = (): Tally => ({ checked: 0, mismatches: [] });
const preFilterTally = tally();
const filterTally = tally();
const preScoreTally = tally();
const scoreTally = tally();

function check(into: Tally, ok: boolean, what: () => string): void {
  into.checked++;
  if (!ok) into.mismatches.push(what());
}

function describeStatus(status: Status | null): string {
  return status ? `${codeName(status.code)} ${JSON.stringify(status.reasons)}` : 'Success';
}

for (const scenario of scenarios) {
  const { snapshot, objects } = scenarioCluster(scenario);
  const framework = new Framework({
    profile: { schedulerName: 'fidelity', plugins: { multiPoint: { enabled: [{ name: pluginName, weight: 2 }], disabled: [] } }, pluginConfig: [] },
    registry: new Registry().use(plugin),
    objects,
  });
  framework.setSnapshot(snapshot);
  const state = new CycleState();
  const expected = scenario.expected;
  const pre = await framework.runPreFilterPlugins(state, scenario.pod, snapshot.list());

  if (expected.preFilter.code !== 'Success') {
    // kube stopped at PreFilter: only the plugin that failed ran, and no node was filtered.
    if (expected.preFilter.plugin === pluginName) {
      const want = `${expected.preFilter.code} ${JSON.stringify(expected.preFilter.reasons ?? [])}`;
      check(preFilterTally, describeStatus(pre.status) === want, () => `${scenario.id} preFilter: got ${describeStatus(pre.status)}, kube ${want}`);
    }
    continue;
  }
  check(preFilterTally, pre.status === null, () => `${scenario.id} preFilter: got ${describeStatus(pre.status)}, kube Success`);
  const kubeSkipped = (expected.preFilter.skippedPlugins ?? []).includes(pluginName);
  const skipped = state.skipFilterPlugins.has(pluginName);
  check(preFilterTally, skipped === kubeSkipped, () => `${scenario.id} preFilter skip: got ${skipped}, kube ${kubeSkipped}`);
  const ownNodeNames = pre.result?.nodeNames ? [...pre.result.nodeNames].sort() : null;
  const kubeNodeNames = expected.preFilter.nodeNames ? [...expected.preFilter.nodeNames].sort() : null;
  check(preFilterTally, JSON.stringify(ownNodeNames) === JSON.stringify(kubeNodeNames), () => `${scenario.id} PreFilterResult: got ${JSON.stringify(ownNodeNames)}, kube ${JSON.stringify(kubeNodeNames)}`);
  for (const nodeInfo of snapshot.list()) {
    const verdict = expected.filter[nodeInfo.name];
    if (!verdict || verdict.stage === 'preFilter') continue;
    if (verdict.stage === 'preFilterResult') {
      // Outside kube's PreFilterResult: the node must be outside ours too.
      check(filterTally, pre.result?.nodeNames?.has(nodeInfo.name) === false, () => `${scenario.id} ${nodeInfo.name}: kube left it out of the PreFilterResult`);
      continue;
    }
    const status = await framework.runFilterPlugins(state, scenario.pod, nodeInfo);
    const where = `${scenario.id} ${nodeInfo.name}`;
    if (verdict.plugin === pluginName) {
      const want = `${verdict.code} ${JSON.stringify(verdict.reasons ?? [])}`;
      check(filterTally, describeStatus(status) === want, () => `${where}: got ${describeStatus(status)}, kube ${want}`);
    } else if (verdict.code === 'Success' || filterOrder.indexOf(verdict.plugin ?? '') > ownPosition) {
      check(filterTally, status === null, () => `${where}: got ${describeStatus(status)}, kube passed it to ${verdict.plugin ?? 'binding'}`);
    }
  }

  if (expected.feasibleNodes.length === 0 || !expected.preScore || !expected.score) continue;
  const feasible = expected.feasibleNodes.map((name) => snapshot.get(name)!);
  const preScoreStatus = await framework.runPreScorePlugins(state, scenario.pod, feasible);
  check(preScoreTally, preScoreStatus === null, () => `${scenario.id} preScore: got ${describeStatus(preScoreStatus)}`);
  const kubeScoreSkipped = (expected.preScore.skippedPlugins ?? []).includes(pluginName);
  const scoreSkipped = state.skipScorePlugins.has(pluginName);
  check(preScoreTally, scoreSkipped === kubeScoreSkipped, () => `${scenario.id} preScore skip: got ${scoreSkipped}, kube ${kubeScoreSkipped}`);
  if (scoreSkipped || kubeScoreSkipped) continue;
  const { scores, status } = await framework.runScorePlugins(state, scenario.pod, feasible);
  check(scoreTally, status === null, () => `${scenario.id} score: got ${describeStatus(status)}`);
  for (const nodeScores of scores) {
    const own = nodeScores.scores.find((s) => s.name === pluginName);
    const kube = expected.score[nodeScores.name];
    const got = `raw ${own?.raw} final ${own?.score}`;
    const want = `raw ${kube?.raw[pluginName]} final ${kube?.plugins[pluginName]}`;
    check(scoreTally, got === want, () => `${scenario.id} ${nodeScores.name} score: got ${got}, kube ${want}`);
  }
}

function firstMismatches(t: Tally): string {
  return t.mismatches.slice(0, 15).join('\n');
}

describe(`${pluginName} against kube-scheduler v1.35.4 (${scenarios.length} recorded scenarios)`, () => {
  it(`agrees on PreFilter status and Skip in ${preFilterTally.checked} checks`, () => {
    expect(firstMismatches(preFilterTally)).toBe('');
  });
  it(`agrees on ${filterTally.checked} per-node Filter verdicts`, () => {
    expect(filterTally.checked).toBeGreaterThan(0);
    expect(firstMismatches(filterTally)).toBe('');
  });
  it(`agrees on PreScore status and Skip in ${preScoreTally.checked} checks`, () => {
    expect(firstMismatches(preScoreTally)).toBe('');
  });
  it(`agrees on ${scoreTally.checked} raw and weighted node scores`, () => {
    expect(scoreTally.checked).toBeGreaterThan(0);
    expect(firstMismatches(scoreTally)).toBe('');
  });
});
