import { fileURLToPath } from 'node:url';
import { codeName, CycleState, Framework, type NodeInfo, Registry } from '@schedkit/framework';
import { type FidelityScenario, loadFidelityScenarios, scenarioCluster } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';

/**
 * Checks PodTopologySpread in isolation against the decisions the real kube-scheduler v1.35.4 recorded: the
 * PreFilter/PreScore skips, the Filter verdict of every node our plugin is responsible for, and the raw and
 * final (normalized x 2) score of every feasible node.
 */
const fixture = fileURLToPath(new URL('../../../test/fidelity/kube-v1.35.4-default-profile.jsonl.gz', import.meta.url));
const name = 'PodTopologySpread';
const weight = 2;
/** Filter plugins kube runs after PodTopologySpread: a node they rejected passed ours. */
const laterFilters = new Set(['InterPodAffinity', 'DynamicResources']);
/** PreFilter plugins kube runs before PodTopologySpread: when one is UnschedulableAndUnresolvable, ours never ran. */
const earlierPreFilters = new Set(['NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'VolumeRestrictions', 'NodeVolumeLimits', 'VolumeBinding', 'VolumeZone']);

interface Tally {
  passed: number;
  failures: string[];
}

async function check(scenario: FidelityScenario, filter: Tally, score: Tally, skips: Tally): Promise<void> {
  const { snapshot, objects } = scenarioCluster(scenario);
  const fw = new Framework({
    profile: { schedulerName: 't', plugins: { multiPoint: { enabled: [{ name, weight }], disabled: [] } }, pluginConfig: [] },
    registry: new Registry().use(plugin),
    objects,
  });
  fw.setSnapshot(snapshot);
  const pod = scenario.pod;
  const expected = scenario.expected;
  const state = new CycleState();
  const pre = await fw.runPreFilterPlugins(state, pod, snapshot.list());
  const preFilterSkipped = state.skipFilterPlugins.has(name);
  const wantPreFilterSkip = (expected.preFilter.skippedPlugins ?? []).includes(name);
  const stoppedBeforeUs = expected.preFilter.code === 'UnschedulableAndUnresolvable' && earlierPreFilters.has(expected.preFilter.plugin ?? '');
  if (!stoppedBeforeUs) {
    tally(skips, preFilterSkipped === wantPreFilterSkip, `${scenario.id} preFilter skip: got ${preFilterSkipped}, want ${wantPreFilterSkip}`);
  }
  if (pre.status && !pre.status.isSuccess()) {
    tally(skips, false, `${scenario.id} preFilter status ${pre.status}`);
    return;
  }

  for (const [nodeName, verdict] of Object.entries(expected.filter)) {
    if (verdict.stage) continue;
    const ours = verdict.plugin === name;
    if (!ours && verdict.code !== 'Success' && !laterFilters.has(verdict.plugin ?? '')) continue;
    const nodeInfo = snapshot.get(nodeName)!;
    const status = await fw.runFilterPlugins(state, pod, nodeInfo);
    const got = status ? `${codeName(status.code)} ${JSON.stringify(status.reasons)}` : 'Success';
    const want = ours ? `${verdict.code} ${JSON.stringify(verdict.reasons ?? [])}` : 'Success';
    tally(filter, got === want, `${scenario.id} ${nodeName} filter: got ${got}, want ${want}`);
  }

  if (!expected.score || expected.feasibleNodes.length === 0) return;
  const feasible: NodeInfo[] = expected.feasibleNodes.map((n) => snapshot.get(n)!);
  const preScore = await fw.runPreScorePlugins(state, pod, feasible);
  if (preScore) {
    tally(skips, false, `${scenario.id} preScore status ${preScore}`);
    return;
  }
  const preScoreSkipped = state.skipScorePlugins.has(name);
  const wantPreScoreSkip = (expected.preScore?.skippedPlugins ?? []).includes(name);
  tally(skips, preScoreSkipped === wantPreScoreSkip, `${scenario.id} preScore skip: got ${preScoreSkipped}, want ${wantPreScoreSkip}`);
  if (preScoreSkipped || wantPreScoreSkip) return;
  const { scores, status } = await fw.runScorePlugins(state, pod, feasible);
  expect(status).toBeNull();
  for (const node of scores) {
    const ours = node.scores.find((s) => s.name === name);
    const recorded = expected.score[node.name]!;
    const got = `raw ${ours?.raw} final ${ours?.score}`;
    const want = `raw ${recorded.raw[name]} final ${recorded.plugins[name]}`;
    tally(score, got === want, `${scenario.id} ${node.name} score: got ${got}, want ${want}`);
  }
}

function tally(t: Tally, ok: boolean, message: string): void {
  if (ok) t.passed++;
  else t.failures.push(message);
}

describe('PodTopologySpread against kube-scheduler v1.35.4 decisions', () => {
  it('matches every recorded skip, filter verdict and score', async () => {
    const scenarios = loadFidelityScenarios(fixture);
    const filter: Tally = { passed: 0, failures: [] };
    const score: Tally = { passed: 0, failures: [] };
    const skips: Tally = { passed: 0, failures: [] };
    for (const scenario of scenarios) await check(scenario, filter, score, skips);
    console.info(
      `PodTopologySpread fidelity over ${scenarios.length} scenarios: filter ${filter.passed}/${filter.passed + filter.failures.length}, ` +
        `score ${score.passed}/${score.passed + score.failures.length}, skips ${skips.passed}/${skips.passed + skips.failures.length}`,
    );
    expect(filter.passed).toBeGreaterThan(0);
    expect(score.passed).toBeGreaterThan(0);
    expect(skips.failures).toEqual([]);
    expect(filter.failures).toEqual([]);
    expect(score.failures).toEqual([]);
  });
});
