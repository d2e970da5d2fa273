import { fileURLToPath } from 'node:url';
import { CycleState, codeName, Framework, Registry, type Status } from '@schedkit/framework';
import { loadFidelityScenarios, scenarioCluster } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';

/**
 * Checks NodeName in isolation against the real kube-scheduler v1.35.4 decisions recorded in the fidelity
 * fixture: for every node whose recorded verdict names NodeName the code and reasons must be equal; for every
 * node recorded as feasible, or rejected by a plugin kube runs after NodeName, NodeName must pass; membership in the recorded PreFilter skipped plugins must match.
 */
const fixture = fileURLToPath(new URL('../../../test/fidelity/kube-v1.35.4-default-profile.jsonl.gz', import.meta.url));
const scenarios = loadFidelityScenarios(fixture);

const pluginName = 'NodeName';
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
    profile: { schedulerName: 'fidelity', plugins: { multiPoint: { enabled: [{ name: pluginName }], disabled: [] } }, pluginConfig: [] },
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
  for (const nodeInfo of snapshot.list()) {
    const verdict = expected.filter[nodeInfo.name];
    if (!verdict || verdict.stage === 'preFilter') continue;
    if (verdict.stage === 'preFilterResult') {
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
});
