import { fileURLToPath } from 'node:url';
import { CycleState, codeName, Framework, Registry, type Status } from '@schedkit/framework';
import { loadFidelityScenarios, scenarioCluster } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';

/**
 * Checks ImageLocality in isolation against the real kube-scheduler v1.35.4 decisions recorded in the fidelity
 * fixture: kube has no PreFilter or Filter for it, so it must never appear among the skipped PreFilter plugins; on
 * the feasible nodes its PreScore must not skip (kube never lists it), and the raw Score and the weighted score
 * (weight 1, no normalization) must equal the recorded ones.
 */
const fixture = fileURLToPath(new URL('../../../test/fidelity/kube-v1.35.4-default-profile.jsonl.gz', import.meta.url));
const scenarios = loadFidelityScenarios(fixture);

const pluginName = 'ImageLocality';
const weight = 1;

interface Tally {
  checked: number;
  mismatches: string[];
}

const tally = (): Tally => ({ checked: 0, mismatches: [] });
const preFilterTally = tally();
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
    profile: { schedulerName: 'fidelity', plugins: { multiPoint: { enabled: [{ name: pluginName, weight }], disabled: [] } }, pluginConfig: [] },
    registry: new Registry().use(plugin),
    objects,
  });
  framework.setSnapshot(snapshot);
  const expected = scenario.expected;
  const kubeSkippedPreFilter = (expected.preFilter.skippedPlugins ?? []).includes(pluginName);
  check(preFilterTally, !kubeSkippedPreFilter, () => `${scenario.id}: kube lists ${pluginName} as a skipped PreFilter plugin`);

  if (expected.feasibleNodes.length === 0 || !expected.preScore || !expected.score) continue;
  const state = new CycleState();
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
  it(`is never a skipped PreFilter plugin in ${preFilterTally.checked} scenarios`, () => {
    expect(firstMismatches(preFilterTally)).toBe('');
  });
  it(`agrees on PreScore status and Skip in ${preScoreTally.checked} checks`, () => {
    expect(preScoreTally.checked).toBeGreaterThan(0);
    expect(firstMismatches(preScoreTally)).toBe('');
  });
  it(`agrees on ${scoreTally.checked} raw and weighted node scores`, () => {
    expect(scoreTally.checked).toBeGreaterThan(0);
    expect(firstMismatches(scoreTally)).toBe('');
  });
});
