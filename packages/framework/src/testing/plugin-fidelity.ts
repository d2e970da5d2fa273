import { CycleState } from '../cycle-state/cycle-state.js';
import type { NodeInfo } from '../node-info/node-info.js';
import type { Snapshot } from '../node-info/snapshot.js';
import { implementsPoint } from '../plugins/extension-points.js';
import type { Framework } from '../runtime/framework.js';
import { codeName, type Status } from '../status/status.js';
import { type FidelityScenario, scenarioCluster } from './fidelity.js';
import { PluginTester, type PluginTesterOptions } from './plugin-tester.js';

/**
 * kube-scheduler's Filter order in the default profile. PreFilter plugins run in the same (profile) order, so it
 * also tells which PreFilter plugins ran before one that stopped the cycle.
 */
export const kubeDefaultFilterOrder: readonly string[] = [
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

/** The parts of a scheduling cycle a fidelity check compares. */
export type FidelityCategory = 'preFilter' | 'filter' | 'preScore' | 'score';

/** The comparisons of one category. */
export interface FidelityTally {
  /** Comparisons made. */
  checked: number;
  /**
   * Comparisons where kube's decision named the plugin (a rejection by it, a Skip, a PreFilterResult, a non-zero
   * raw score), not merely a pass: a plugin that does nothing agrees on every other one.
   */
  decisive: number;
  /** One readable line per disagreement: scenario id, node, what the plugin gave and what kube recorded. */
  mismatches: string[];
}

/** What {@link checkPluginFidelity} compared. */
export interface PluginFidelityReport {
  plugin: string;
  /** Scenarios read. */
  scenarios: number;
  /** The categories the plugin takes part in: PreFilter always, Filter when it filters, PreScore and Score when it scores. */
  categories: FidelityCategory[];
  preFilter: FidelityTally;
  filter: FidelityTally;
  preScore: FidelityTally;
  score: FidelityTally;
}

/** How {@link checkPluginFidelity} runs the plugin. */
export interface PluginFidelityOptions {
  /** The plugin package's module (or one registration). */
  plugin: PluginTesterOptions['plugin'];
  /** kube's name of the plugin, as the recorded decisions name it. */
  name: string;
  /** The score weight kube's profile gives it (default 1); the recorded final scores include it. */
  weight?: number;
  /** The plugin's raw args (default: the plugin's defaults, which are kube's). */
  args?: unknown;
  scenarios: readonly FidelityScenario[];
  /** The profile's Filter (and PreFilter) order (default {@link kubeDefaultFilterOrder}). */
  filterOrder?: readonly string[];
  /**
   * The one plugin of the recorded profile that narrows nodes with a PreFilterResult (default `NodeAffinity`), so
   * that kube's recorded node set is that plugin's own. That plugin must return exactly the recorded set; every
   * other plugin must leave every node eligible.
   */
  preFilterResultPlugin?: string;
}

/**
 * Checks ONE plugin, run alone through the framework, against the decisions the real kube-scheduler recorded for
 * the whole default profile. Per scenario:
 * - PreFilter: when kube's PreFilter stopped at this plugin, the status must be exactly kube's (code and reasons).
 *   Otherwise, when kube ran this plugin's PreFilter (it succeeded, was merely Unschedulable, or stopped at a
 *   plugin later in `filterOrder`), the plugin must not reject and must Skip exactly when kube recorded it among
 *   the skipped plugins; when kube's PreFilter succeeded, its PreFilterResult node set must agree (see
 *   {@link PluginFidelityOptions.preFilterResultPlugin}).
 * - Filter (plugins with Filter, when both PreFilters passed): a node whose recorded verdict names this plugin
 *   must get exactly that code and those reasons; a node recorded feasible, or rejected by a plugin later in
 *   `filterOrder`, must pass. A node kube left outside the PreFilterResult must be outside the plugin's too when
 *   the plugin is the PreFilterResult plugin.
 * - PreScore and Score (plugins with Score, on `expected.feasibleNodes`): PreScore must succeed and Skip exactly
 *   when kube's did; where neither skipped, each node's raw Score and final score (normalized × weight) must
 *   equal the recorded `raw` and `plugins` entries.
 */
export async function checkPluginFidelity(options: PluginFidelityOptions): Promise<PluginFidelityReport> {
  const probe = new PluginTester({ plugin: options.plugin, name: options.name, args: options.args });
  const categories: FidelityCategory[] = ['preFilter'];
  if (implementsPoint(probe.plugin, 'filter')) categories.push('filter');
  if (implementsPoint(probe.plugin, 'score')) categories.push('preScore', 'score');
  const report: PluginFidelityReport = {
    plugin: options.name,
    scenarios: options.scenarios.length,
    categories,
    preFilter: newTally(),
    filter: newTally(),
    preScore: newTally(),
    score: newTally(),
  };
  const rules = new ScenarioRules(options);
  for (const scenario of options.scenarios) {
    const { snapshot, objects } = scenarioCluster(scenario);
    const tester = new PluginTester({
      plugin: options.plugin,
      name: options.name,
      args: options.args,
      weight: options.weight ?? 1,
      snapshot,
      objects,
      schedulerName: 'fidelity',
    });
    const cycle: Cycle = { scenario, snapshot, framework: tester.framework, state: new CycleState() };
    const eligible = await rules.checkPreFilter(cycle, report.preFilter);
    if (eligible === undefined) continue;
    if (categories.includes('filter')) await rules.checkFilter(cycle, eligible, report.filter);
    if (categories.includes('score')) await rules.checkScore(cycle, report.preScore, report.score);
  }
  return report;
}

/** One line per category the plugin takes part in: `Filter 1424/1424 agree (376 decisive)`. */
export function formatPluginFidelity(report: PluginFidelityReport): string {
  const lines = report.categories.map((category) => {
    const tally = report[category];
    return `  ${categoryTitles[category]}: ${tally.checked - tally.mismatches.length}/${tally.checked} agree (${tally.decisive} decisive)`;
  });
  return [`${report.plugin} against ${report.scenarios} recorded scenarios:`, ...lines].join('\n');
}

/**
 * Everything wrong with a report, for `expect(...).toEqual([])`: each mismatch (the first `limit` per category,
 * default 20), each category the plugin takes part in that checked nothing, and each category of `decisive` without
 * a decisive check.
 */
export function pluginFidelityProblems(
  report: PluginFidelityReport,
  options: { decisive?: readonly FidelityCategory[]; limit?: number } = {},
): string[] {
  const limit = options.limit ?? 20;
  const problems: string[] = [];
  for (const category of report.categories) {
    const tally = report[category];
    if (tally.checked === 0) problems.push(`${categoryTitles[category]}: nothing was checked`);
    for (const mismatch of tally.mismatches.slice(0, limit)) problems.push(`${categoryTitles[category]}: ${mismatch}`);
    if (tally.mismatches.length > limit) problems.push(`${categoryTitles[category]}: ... and ${tally.mismatches.length - limit} more`);
  }
  for (const category of options.decisive ?? []) {
    if (!report.categories.includes(category)) problems.push(`${categoryTitles[category]}: ${report.plugin} does not take part`);
    else if (report[category].decisive === 0) problems.push(`${categoryTitles[category]}: no recorded decision named ${report.plugin}`);
  }
  return problems;
}

const categoryTitles: Record<FidelityCategory, string> = {
  preFilter: 'PreFilter',
  filter: 'Filter',
  preScore: 'PreScore',
  score: 'Score',
};

/** One scenario's cycle of the plugin under test. */
interface Cycle {
  scenario: FidelityScenario;
  snapshot: Snapshot;
  framework: Framework;
  state: CycleState;
}

function newTally(): FidelityTally {
  return { checked: 0, decisive: 0, mismatches: [] };
}

function tallyCheck(tally: FidelityTally, agrees: boolean, decisive: boolean, mismatch: () => string): void {
  tally.checked++;
  if (decisive) tally.decisive++;
  if (!agrees) tally.mismatches.push(mismatch());
}

/** A status as `Code ["reason", ...]`, the form recorded verdicts are compared in. */
function describeStatus(status: Status | null): string {
  return status ? describeVerdict(codeName(status.code), status.reasons) : 'Success';
}

function describeVerdict(code: string, reasons: readonly string[] | undefined): string {
  return code === 'Success' ? 'Success' : `${code} ${JSON.stringify(reasons ?? [])}`;
}

function describeNodeSet(names: Iterable<string> | null | undefined): string {
  return names ? JSON.stringify([...names].sort()) : 'all nodes';
}

class ScenarioRules {
  private readonly name: string;
  private readonly order: readonly string[];
  private readonly ownPosition: number;
  private readonly narrowsNodes: boolean;

  constructor(options: PluginFidelityOptions) {
    this.name = options.name;
    this.order = options.filterOrder ?? kubeDefaultFilterOrder;
    this.ownPosition = this.order.indexOf(this.name);
    this.narrowsNodes = (options.preFilterResultPlugin ?? 'NodeAffinity') === this.name;
  }

  /**
   * Runs PreFilter and compares it. Returns the plugin's eligible node names (null: all) when the cycle goes on
   * to Filter in kube and here, else undefined.
   */
  async checkPreFilter({ scenario, snapshot, framework, state }: Cycle, tally: FidelityTally): Promise<ReadonlySet<string> | null | undefined> {
    const kube = scenario.expected.preFilter;
    const pre = await framework.runPreFilterPlugins(state, scenario.pod, snapshot.list());
    const id = scenario.id;
    if (kube.code !== 'Success' && kube.plugin === this.name) {
      const want = describeVerdict(kube.code, kube.reasons);
      tallyCheck(tally, describeStatus(pre.status) === want, true, () => `${id}: got ${describeStatus(pre.status)}, kube ${want}`);
      return undefined;
    }
    if (!this.kubeRanPreFilter(kube)) return undefined;
    const kubeVerdict = kube.code === 'Success' ? 'Success' : `let it pass (stopped at ${kube.plugin ?? 'the PreFilterResult'})`;
    tallyCheck(tally, pre.status === null, false, () => `${id}: got ${describeStatus(pre.status)}, kube ${kubeVerdict}`);
    const kubeSkipped = (kube.skippedPlugins ?? []).includes(this.name);
    const skipped = state.skipFilterPlugins.has(this.name);
    tallyCheck(tally, skipped === kubeSkipped, kubeSkipped, () => `${id} Skip: got ${skipped}, kube ${kubeSkipped}`);
    if (kube.code !== 'Success' || pre.status !== null) return undefined;
    // kube's PreFilterResult is the narrowing plugin's; every other plugin must keep every node.
    const own = pre.result?.nodeNames ?? null;
    const want = this.narrowsNodes ? describeNodeSet(kube.nodeNames) : describeNodeSet(null);
    tallyCheck(tally, describeNodeSet(own) === want, this.narrowsNodes && kube.nodeNames !== null, () => `${id} PreFilterResult: got ${describeNodeSet(own)}, kube ${want}`);
    return own;
  }

  async checkFilter({ scenario, snapshot, framework, state }: Cycle, eligible: ReadonlySet<string> | null, tally: FidelityTally): Promise<void> {
    for (const nodeInfo of snapshot.list()) {
      const verdict = scenario.expected.filter[nodeInfo.name];
      if (!verdict || verdict.stage === 'preFilter') continue;
      const where = `${scenario.id} ${nodeInfo.name}`;
      if (verdict.stage === 'preFilterResult') {
        if (this.narrowsNodes) {
          tallyCheck(tally, eligible !== null && !eligible.has(nodeInfo.name), true, () => `${where}: kube left it out of the PreFilterResult, ours kept it`);
        }
        continue;
      }
      if (verdict.plugin === this.name) {
        const status = await framework.runFilterPlugins(state, scenario.pod, nodeInfo);
        const want = describeVerdict(verdict.code, verdict.reasons);
        tallyCheck(tally, describeStatus(status) === want, true, () => `${where}: got ${describeStatus(status)}, kube ${want}`);
      } else if (verdict.code === 'Success' || this.runsBefore(verdict.plugin)) {
        const status = await framework.runFilterPlugins(state, scenario.pod, nodeInfo);
        tallyCheck(tally, status === null, false, () => `${where}: got ${describeStatus(status)}, kube passed it on to ${verdict.plugin ?? 'binding'}`);
      }
    }
  }

  async checkScore({ scenario, snapshot, framework, state }: Cycle, preScoreTally: FidelityTally, scoreTally: FidelityTally): Promise<void> {
    const kube = scenario.expected;
    if (kube.feasibleNodes.length === 0 || !kube.preScore || !kube.score) return;
    const feasible = kube.feasibleNodes.map((name) => recordedNode(snapshot, scenario, name));
    const id = scenario.id;
    const preScoreStatus = await framework.runPreScorePlugins(state, scenario.pod, feasible);
    tallyCheck(preScoreTally, preScoreStatus === null, false, () => `${id}: got ${describeStatus(preScoreStatus)}, kube Success`);
    if (preScoreStatus !== null) return;
    const kubeSkipped = (kube.preScore.skippedPlugins ?? []).includes(this.name);
    const skipped = state.skipScorePlugins.has(this.name);
    tallyCheck(preScoreTally, skipped === kubeSkipped, kubeSkipped, () => `${id} Skip: got ${skipped}, kube ${kubeSkipped}`);
    if (skipped || kubeSkipped) return;
    const { scores, status } = await framework.runScorePlugins(state, scenario.pod, feasible);
    tallyCheck(scoreTally, status === null, false, () => `${id}: got ${describeStatus(status)}, kube Success`);
    if (status !== null) return;
    for (const nodeScores of scores) {
      const own = nodeScores.scores.find((entry) => entry.name === this.name);
      const recorded = kube.score[nodeScores.name];
      const got = `raw ${own?.raw} final ${own?.score}`;
      const want = `raw ${recorded?.raw[this.name]} final ${recorded?.plugins[this.name]}`;
      const decisive = (recorded?.raw[this.name] ?? 0) !== 0;
      tallyCheck(scoreTally, got === want, decisive, () => `${id} ${nodeScores.name}: got ${got}, kube ${want}`);
    }
  }

  /**
   * True when kube ran this plugin's PreFilter: kube runs every PreFilter plugin unless one returns
   * UnschedulableAndUnresolvable or an error, which stops the cycle at that plugin.
   */
  private kubeRanPreFilter(kube: FidelityScenario['expected']['preFilter']): boolean {
    if (kube.code === 'Success' || kube.code === 'Unschedulable') return true;
    const stopper = this.order.indexOf(kube.plugin ?? '');
    return this.ownPosition >= 0 && stopper > this.ownPosition;
  }

  /** True when `other` is a Filter plugin kube runs after this one, so a node it rejected passed this one. */
  private runsBefore(other: string | undefined): boolean {
    return this.ownPosition >= 0 && this.order.indexOf(other ?? '') > this.ownPosition;
  }
}

function recordedNode(snapshot: Snapshot, scenario: FidelityScenario, name: string): NodeInfo {
  const nodeInfo = snapshot.get(name);
  if (!nodeInfo) throw new Error(`fidelity scenario ${scenario.id}: feasible node "${name}" is not among its nodes`);
  return nodeInfo;
}
