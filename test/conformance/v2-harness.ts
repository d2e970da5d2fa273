/**
 * The machinery of the conformance tests against the real kube-scheduler v1.35.4: loading recorded scenarios,
 * building their cluster and their profile (through schedkit's own configuration loader, from a file, as a user's
 * configuration is read), running one scheduling cycle as kube's schedulePod does, and the views of both sides'
 * decisions the tests compare. test/fidelity/README.md describes the recorded fields (v1 and v2 sections).
 *
 * Plugins of a recorded profile that the registry does not know (kube's volume plugins and DynamicResources while
 * schedkit has none) are left out of every comparison: their PreFilter/PreScore skips, their scores and the reasons
 * their PostFilter added.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CycleState,
  Code,
  codeName,
  Framework,
  loadConfigurationFile,
  type Namespace,
  type NodeInfo,
  type NodePluginScores,
  type Pod,
  type ProfileConfig,
  Registry,
  type SchedulerConfiguration,
  Snapshot,
  StaticObjectLister,
  type Status,
} from '@schedkit/framework';
import { type FidelityScenario, fidelityNamespaces, loadFidelityScenarios, type RecordedFilterVerdict } from '@schedkit/framework/testing';
import { DefaultPreemption, DefaultPreemptionName } from '@schedkit/plugin-post-filter-default-preemption';
import { defaultConfiguration, defaultPluginConfig, defaultPlugins, registerDefaultPlugins } from '@schedkit/preset-default';

// ---- Scenarios -------------------------------------------------------------------------------------------------

/** `expected.sampling`: the search of a fresh scheduler when it stops before every node (v2). */
export interface RecordedSampling {
  nodeOrder: string[];
  numNodesToFind: number;
  evaluatedNodes: string[];
  feasibleNodes: string[];
  nextStartNodeIndex: number;
}

/** `expected.preemption`: DefaultPreemption's PostFilter (v2). */
export interface RecordedPreemption {
  eligible: boolean;
  potentialNodes: string[];
  candidates: { node: string; victims: string[]; numPDBViolations: number }[];
  possibleNominatedNodes: string[];
  nominatedNodeName: string;
  victims: string[];
  status: { code: string; reasons?: string[]; plugin?: string };
}

/** A scenario of the v2 file (a v1 scenario reads as one without the v2 fields). */
export interface V2Scenario extends FidelityScenario {
  features?: string[];
  /** A KubeSchedulerConfiguration as a user writes it; absent: kube's default configuration. */
  config?: unknown;
  namespaces?: Namespace[];
  priorityClasses?: unknown[];
  pdbs?: unknown[];
  persistentVolumeClaims?: unknown[];
  persistentVolumes?: unknown[];
  storageClasses?: unknown[];
  csiNodes?: unknown[];
  csiDrivers?: unknown[];
  expected: FidelityScenario['expected'] & { sampling?: RecordedSampling; preemption?: RecordedPreemption };
}

/** Reads scenarios from a `.jsonl(.gz)` file or every such file of a directory. */
export function loadV2Scenarios(path: string): V2Scenario[] {
  return loadFidelityScenarios(path) as V2Scenario[];
}

/** Whether a scenario exercises the volume plugins (tag `volumes`, or any `volumes-*` tag). */
export function isVolumeScenario(scenario: V2Scenario): boolean {
  return (scenario.features ?? []).some((tag) => tag === 'volumes' || tag.startsWith('volumes-'));
}

/**
 * The scenario's cluster as kube-scheduler's cache holds it: the nodes added in the order of `nodes` (the snapshot
 * lists them as kube's NodeTree does), the existing pods except those in phase Succeeded or Failed (kube's pod
 * informer lists with `status.phase!=Succeeded,status.phase!=Failed`, so the scheduler never sees them), and every
 * other object the plugins read.
 */
export function v2Cluster(scenario: V2Scenario): { snapshot: Snapshot; objects: StaticObjectLister } {
  const pods = scenario.existingPods.filter((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed');
  const objects = new StaticObjectLister({
    services: scenario.services ?? [],
    namespaces: scenario.namespaces ?? fidelityNamespaces,
    priorityClasses: (scenario.priorityClasses ?? []) as never,
    podDisruptionBudgets: (scenario.pdbs ?? []) as never,
    persistentVolumeClaims: (scenario.persistentVolumeClaims ?? []) as never,
    persistentVolumes: (scenario.persistentVolumes ?? []) as never,
    storageClasses: (scenario.storageClasses ?? []) as never,
    csiNodes: (scenario.csiNodes ?? []) as never,
    csiDrivers: (scenario.csiDrivers ?? []) as never,
  });
  return { snapshot: Snapshot.from(scenario.nodes, pods), objects };
}

/**
 * The scenario's configuration, read as kube-scheduler reads `--config`: its `config` is written to a file and
 * loaded by schedkit's loader starting from kube's default plugins and args (JSON, which is YAML). Without
 * `config`, kube's default configuration.
 */
export async function scenarioConfiguration(scenario: V2Scenario): Promise<SchedulerConfiguration> {
  if (scenario.config === undefined) return defaultConfiguration();
  const dir = mkdtempSync(join(tmpdir(), 'schedkit-conformance-'));
  try {
    const file = join(dir, `${scenario.id}.yaml`);
    writeFileSync(file, `${JSON.stringify(scenario.config, null, 2)}\n`);
    return await loadConfigurationFile(file, { defaultPlugins, defaultPluginConfig });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The registry of schedkit's default plugins (plus whatever `extend` registers). */
export function conformanceRegistry(extend?: (registry: Registry) => void): Registry {
  const registry = registerDefaultPlugins(new Registry());
  extend?.(registry);
  return registry;
}

// ---- Views -----------------------------------------------------------------------------------------------------

/** A Filter verdict as compared: the code's name, the first rejecting plugin (null if none) and its reasons. */
export interface Verdict {
  code: string;
  plugin: string | null;
  reasons: string[];
}

/** PreFilter's outcome as compared. */
export interface PreFilterView extends Verdict {
  /** The PreFilterResult's node names, sorted; null when every node stays eligible. */
  nodeNames: string[] | null;
  /** Plugins whose PreFilter returned Skip, sorted. */
  skippedPlugins: string[];
}

/** A feasible node's scores as compared. */
export interface NodeScoreView {
  /** Final score (normalized, weighted) per plugin. */
  plugins: Record<string, number>;
  /** Score() output per plugin, before normalization and weight. */
  raw: Record<string, number>;
  total: number;
}

/** The search of a fresh scheduler (compared with `expected.sampling`). */
export interface SamplingView {
  nodeOrder: string[];
  numNodesToFind: number;
  evaluatedNodes: string[];
  feasibleNodes: string[];
  nextStartNodeIndex: number;
}

/** DefaultPreemption's dry run and PostFilter as compared. */
export interface PreemptionView {
  eligible: boolean;
  potentialNodes: string[];
  candidates: { node: string; victims: string[]; numPDBViolations: number }[];
  possibleNominatedNodes: string[];
  /**
   * The PostFilter status; null in the recorded view when a plugin outside schedkit ended the PostFilter chain
   * before DefaultPreemption ran (kube's RunPostFilterPlugins stops at an Error or UnschedulableAndUnresolvable):
   * there is nothing of schedkit's to compare then.
   */
  status: Verdict | null;
}

/** What schedkit decided for one scenario. */
export interface Outcome {
  /** The plugins of the profile per point (after multiPoint expansion). */
  plugins: { preFilter: string[]; filter: string[]; preScore: string[]; score: string[] };
  preFilter: PreFilterView;
  /** Every node's Filter verdict (kube's record covers every node, evaluated by the search or not). */
  filter: Map<string, Verdict>;
  feasibleNodes: string[];
  sampling: SamplingView;
  /** Plugins whose PreScore returned Skip, sorted; or the error PreScore returned. */
  preScore: { skippedPlugins: string[] } | { error: string };
  scores: Map<string, NodeScoreView>;
  /** The error Score returned, if any. */
  scoreError: string | null;
  bestNodes: string[];
  /** Present when kube recorded a preemption. */
  preemption?: PreemptionView;
  /** The node the real PostFilter nominated ('' for none) and the victims it deleted. */
  postFilter?: { nominatedNodeName: string; deleted: string[] };
}

export const sorted = (names: Iterable<string>): string[] => [...names].sort();

export function verdictOf(status: Status | null | undefined): Verdict {
  if (!status) return { code: 'Success', plugin: null, reasons: [] };
  return { code: codeName(status.code), plugin: status.plugin ?? null, reasons: [...status.reasons] };
}

export function recordedVerdict(recorded: RecordedFilterVerdict | { code: string; reasons?: string[]; plugin?: string }): Verdict {
  return { code: recorded.code, plugin: recorded.plugin ?? null, reasons: recorded.reasons ?? [] };
}

export function scoreView(scores: NodePluginScores): NodeScoreView {
  const view: NodeScoreView = { plugins: {}, raw: {}, total: scores.totalScore };
  for (const score of scores.scores) {
    view.plugins[score.name] = score.score;
    view.raw[score.name] = score.raw;
  }
  return view;
}

/** The recorded decisions in the shape of {@link Outcome}, less the plugins the registry does not know. */
export class ExpectedViews {
  constructor(
    private readonly scenario: V2Scenario,
    private readonly known: (plugin: string) => boolean,
  ) {}

  private keepKnown(names: readonly string[] | undefined): string[] {
    return sorted((names ?? []).filter(this.known));
  }

  preFilter(): PreFilterView {
    const recorded = this.scenario.expected.preFilter;
    return {
      ...recordedVerdict(recorded),
      nodeNames: recorded.nodeNames === null ? null : sorted(recorded.nodeNames),
      skippedPlugins: this.keepKnown(recorded.skippedPlugins),
    };
  }

  filter(node: string): Verdict {
    const recorded = this.scenario.expected.filter[node];
    if (!recorded) throw new Error(`${this.scenario.id}: no recorded verdict for node ${node}`);
    return recordedVerdict(recorded);
  }

  feasibleNodes(): string[] {
    return sorted(this.scenario.expected.feasibleNodes);
  }

  /** The nodes kube scored: the sampled feasible nodes when the search stopped early, else every feasible node. */
  scoredNodes(): string[] {
    return this.scenario.expected.sampling?.feasibleNodes ?? this.scenario.expected.feasibleNodes;
  }

  preScore(): { skippedPlugins: string[] } {
    return { skippedPlugins: this.keepKnown(this.scenario.expected.preScore?.skippedPlugins) };
  }

  score(node: string): NodeScoreView {
    const recorded = this.scenario.expected.score?.[node];
    if (!recorded) throw new Error(`${this.scenario.id}: no recorded score for scored node ${node}`);
    const keep = (values: Record<string, number>): Record<string, number> =>
      Object.fromEntries(Object.entries(values).filter(([name]) => this.known(name)));
    return { plugins: keep(recorded.plugins), raw: keep(recorded.raw), total: recorded.total };
  }

  bestNodes(): string[] {
    return sorted(this.scenario.expected.bestNodes ?? []);
  }

  sampling(): SamplingView | undefined {
    const recorded = this.scenario.expected.sampling;
    if (!recorded) return undefined;
    const { nodeOrder, numNodesToFind, evaluatedNodes, feasibleNodes, nextStartNodeIndex } = recorded;
    return { nodeOrder, numNodesToFind, evaluatedNodes, feasibleNodes, nextStartNodeIndex };
  }

  /**
   * The recorded preemption. The PostFilter status keeps the reasons and the rejecting plugin of plugins the
   * registry knows: kube's DynamicResources runs its PostFilter first and adds its own reason. When such a plugin
   * ended the chain (Error, UnschedulableAndUnresolvable) the status is null: DefaultPreemption never ran.
   */
  preemption(): PreemptionView | undefined {
    const recorded = this.scenario.expected.preemption;
    if (!recorded) return undefined;
    let status: Verdict | null = recordedVerdict(recorded.status);
    if (status.plugin !== null && !this.known(status.plugin) && status.code !== 'Unschedulable' && status.code !== 'Success') {
      status = null;
    } else if (status.plugin !== null && !this.known(status.plugin)) {
      status.plugin = status.code === 'Success' ? status.plugin : DefaultPreemptionName;
      status.reasons = status.reasons.filter((reason) => !reasonOfUnknownPlugin(reason));
    }
    return {
      eligible: recorded.eligible,
      potentialNodes: sorted(recorded.potentialNodes),
      candidates: recorded.candidates,
      possibleNominatedNodes: sorted(recorded.possibleNominatedNodes),
      status,
    };
  }
}

/** DynamicResources' PostFilter reason when the pod has no claims: the only reason of a plugin outside schedkit. */
function reasonOfUnknownPlugin(reason: string): boolean {
  return reason === 'no new claims to deallocate';
}

// ---- One cycle -------------------------------------------------------------------------------------------------

/** What {@link runScenario} needs besides the scenario. */
export interface RunOptions {
  registry?: Registry;
}

/**
 * Runs one scheduling cycle of the scenario's pod as kube's schedulePod does, on a fresh framework built from the
 * scenario's profile (so that the search starts at node index 0), and records every decision kube recorded:
 *
 * - PreFilter (once on its own, to read its status and result directly);
 * - findNodesThatFitPod with the profile's sampling: the nodes it evaluates and keeps, and nextStartNodeIndex;
 * - Filter on every node the search did not reach, with the same cycle state (kube's record covers every node);
 * - PreScore and Score on the nodes kube scored (not on schedkit's), so that a Filter mismatch shows up once, in
 *   the Filter checks, instead of shifting every normalized score of the scenario;
 * - where kube recorded a preemption: DefaultPreemption's eligibility and dry run from offset 0 (every candidate
 *   with its victims, and the candidates left tied by every tie-break), then the real PostFilter.
 */
export async function runScenario(scenario: V2Scenario, options: RunOptions = {}): Promise<Outcome> {
  const registry = options.registry ?? conformanceRegistry();
  const configuration = await scenarioConfiguration(scenario);
  const profile: ProfileConfig | undefined = configuration.profiles[0];
  if (!profile) throw new Error(`${scenario.id}: the configuration has no profile`);
  const { snapshot, objects } = v2Cluster(scenario);
  const deleted: string[] = [];
  const framework = new Framework({
    profile,
    registry,
    objects,
    percentageOfNodesToScore: configuration.percentageOfNodesToScore,
    parallelism: 1,
    podDeleter: {
      deletePod(namespace, name) {
        deleted.push(`${namespace}/${name}`);
        return true;
      },
    },
  });
  framework.setSnapshot(snapshot);
  const pod: Pod = scenario.pod;
  const nodes = snapshot.list();
  const namesAt = (point: 'preFilter' | 'filter' | 'preScore' | 'score'): string[] => framework.pluginsAt(point).map((plugin) => plugin.name);

  const { view: preFilter, status: preStatus } = await runPreFilterOnce(framework, pod, nodes);

  const state = new CycleState();
  const found = await framework.findNodesThatFitPod(state, pod, nodes);
  const statuses = found.diagnosis.nodeToStatus;
  const keptFeasible = found.feasible.map((info) => info.name);
  const kept = new Set(keptFeasible);
  const explicit = new Set([...statuses.entries()].map(([name]) => name));
  const preFilterRejected = preStatus !== null && preStatus.code !== Code.Success;
  const narrowed = found.preFilterResult?.nodeNames ?? null;
  const eligible = (info: NodeInfo): boolean => !preFilterRejected && (narrowed === null || narrowed.has(info.name));

  const filter = new Map<string, Verdict>();
  for (const info of nodes) {
    if (kept.has(info.name)) filter.set(info.name, verdictOf(null));
    else if (explicit.has(info.name) || !eligible(info)) filter.set(info.name, verdictOf(statuses.get(info.name)));
    // Not reached by the search: Filter on its own, as kube's record has it.
    else filter.set(info.name, verdictOf(await framework.runFilterPlugins(state, pod, info)));
  }
  const sampling: SamplingView = {
    nodeOrder: nodes.map((info) => info.name),
    numNodesToFind: framework.numFeasibleNodesToFind(nodes.length),
    evaluatedNodes: nodes.filter((info) => kept.has(info.name) || explicit.has(info.name)).map((info) => info.name),
    feasibleNodes: keptFeasible,
    nextStartNodeIndex: framework.nextStartNodeIndex,
  };

  const outcome: Outcome = {
    plugins: { preFilter: namesAt('preFilter'), filter: namesAt('filter'), preScore: namesAt('preScore'), score: namesAt('score') },
    preFilter,
    filter,
    feasibleNodes: sorted([...filter].filter(([, verdict]) => verdict.code === 'Success').map(([name]) => name)),
    sampling,
    preScore: { skippedPlugins: [] },
    scores: new Map(),
    scoreError: null,
    bestNodes: [],
  };

  if (scenario.expected.preemption) {
    const plugin = framework.plugins.get(DefaultPreemptionName);
    if (!(plugin instanceof DefaultPreemption)) throw new Error(`${scenario.id}: the profile has no DefaultPreemption`);
    const dryRun = await plugin.dryRun(state.clone(), pod, statuses, 0);
    outcome.preemption = {
      eligible: dryRun.eligible,
      potentialNodes: sorted(dryRun.potentialNodes),
      candidates: [...dryRun.candidates]
        .sort((a, b) => a.nodeName.localeCompare(b.nodeName))
        .map((candidate) => ({
          node: candidate.nodeName,
          victims: candidate.pods.map((victim) => `${victim.metadata.namespace ?? 'default'}/${victim.metadata.name}`),
          numPDBViolations: candidate.numPDBViolations,
        })),
      possibleNominatedNodes: sorted(dryRun.tiedCandidates.map((candidate) => candidate.nodeName)),
      status: verdictOf(null),
    };
    const postFilter = await framework.runPostFilterPlugins(state.clone(), pod, statuses);
    outcome.preemption.status = verdictOf(postFilter.status.code === Code.Success ? null : postFilter.status);
    outcome.postFilter = { nominatedNodeName: postFilter.result?.nominatedNodeName ?? '', deleted };
  }

  const scoredNames = scenario.expected.sampling?.feasibleNodes ?? scenario.expected.feasibleNodes;
  const scored = scoredNames.map((name) => {
    const info = snapshot.get(name);
    if (!info) throw new Error(`${scenario.id}: recorded feasible node ${name} is not in the cluster`);
    return info;
  });
  Object.assign(outcome, await scoreNodes(framework, state, pod, scored));
  return outcome;
}

/** Runs PreFilter on its own (on a fresh cycle state) to read its status, result and skipped plugins directly. */
export async function runPreFilterOnce(framework: Framework, pod: Pod, nodes: readonly NodeInfo[]): Promise<{ view: PreFilterView; status: Status | null }> {
  const state = new CycleState();
  const pre = await framework.runPreFilterPlugins(state, pod, nodes);
  const view: PreFilterView = {
    ...verdictOf(pre.status),
    nodeNames: pre.result?.nodeNames ? sorted(pre.result.nodeNames) : null,
    skippedPlugins: sorted(state.skipFilterPlugins),
  };
  return { view, status: pre.status };
}

/** PreScore's and Score's outcome on some nodes, as compared. */
export interface ScoringView {
  /** Plugins whose PreScore returned Skip, sorted; or the error PreScore returned. */
  preScore: { skippedPlugins: string[] } | { error: string };
  scores: Map<string, NodeScoreView>;
  /** The error Score returned, if any. */
  scoreError: string | null;
  /** The nodes that share the highest total, sorted. */
  bestNodes: string[];
}

/** Runs PreScore and Score on `nodes` with the cycle state Filter left, and reads the outcome (none for no nodes). */
export async function scoreNodes(framework: Framework, state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Promise<ScoringView> {
  const view: ScoringView = { preScore: { skippedPlugins: [] }, scores: new Map(), scoreError: null, bestNodes: [] };
  if (nodes.length === 0) return view;
  const preScoreStatus = await framework.runPreScorePlugins(state, pod, nodes);
  if (preScoreStatus) {
    view.preScore = { error: preScoreStatus.toString() };
    return view;
  }
  view.preScore = { skippedPlugins: sorted(state.skipScorePlugins) };
  const { scores, status } = await framework.runScorePlugins(state, pod, nodes);
  if (status) {
    view.scoreError = status.toString();
    return view;
  }
  for (const nodeScores of scores) view.scores.set(nodeScores.name, scoreView(nodeScores));
  const best = Math.max(...scores.map((s) => s.totalScore));
  view.bestNodes = sorted(scores.filter((s) => s.totalScore === best).map((s) => s.name));
  return view;
}

// ---- Per-feature tally -----------------------------------------------------------------------------------------

/** Counts, per feature tag, how many scenarios match on every check. */
export class FeatureTally {
  private readonly rows = new Map<string, { pass: number; total: number }>();
  private readonly failed = new Set<string>();
  private readonly failedChecks = new Map<string, Set<string>>();

  /** Records that `check` of `scenario` failed. */
  fail(scenario: V2Scenario, check: string): void {
    this.failed.add(scenario.id);
    let checks = this.failedChecks.get(scenario.id);
    if (!checks) this.failedChecks.set(scenario.id, (checks = new Set()));
    checks.add(check);
  }

  /** Adds a finished scenario to its features' rows (call after every check of the scenario ran). */
  finish(scenario: V2Scenario): void {
    const pass = !this.failed.has(scenario.id);
    for (const tag of ['(all)', ...(scenario.features ?? [])]) {
      let row = this.rows.get(tag);
      if (!row) this.rows.set(tag, (row = { pass: 0, total: 0 }));
      row.total++;
      if (pass) row.pass++;
    }
  }

  /** The table: one line per feature, `pass/total`, then the failing scenarios and their checks. */
  report(title: string): string {
    const rows = [...this.rows.entries()].sort(([a], [b]) => a.localeCompare(b));
    const width = Math.max(...rows.map(([name]) => name.length), 8);
    const lines = [title, ...rows.map(([name, row]) => `${name.padEnd(width)}  ${`${row.pass}/${row.total}`.padStart(9)}`)];
    for (const [id, checks] of [...this.failedChecks].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${id}: ${[...checks].join(', ')}`);
    return lines.join('\n');
  }
}
