import {
  Code,
  codeName,
  CycleState,
  Framework,
  type Node,
  type NodePluginScores,
  type ObjectLister,
  type Pod,
  type Registry,
  type SchedulerConfiguration,
  Snapshot,
  Status,
} from '@schedkit/framework';
import type { Explanation, FilterRow, ScoreRow } from './explanation.js';
import { extenderCalls, extenderRejections, extenderWeights, withExtenderScores } from './explain-extenders.js';
import type { Decision } from './simulation.js';
import { zoneOf } from './zone.js';

/** What explaining one pod needs. */
export interface ExplainInput {
  key: string;
  pod: Pod;
  /** The scheduler's decision in the pod's last cycle; undefined when it never had one. */
  decision: Decision | undefined;
  nodes: readonly Node[];
  /** The pods on nodes at the pod's cycle (see `Simulation.podsBefore`). */
  podsOnNodes: readonly Pod[];
  registry: Registry;
  /** The configuration in force at the pod's cycle. */
  configuration: SchedulerConfiguration;
  profile: string;
  objects: ObjectLister;
  /** How many of the best nodes to keep in the score table. */
  topNodes?: number;
}

/**
 * Recomputes a pod's scheduling cycle with the framework runtime: the snapshot is the cluster as the scheduler
 * saw it when the pod's last cycle ran (rebuilt from the order of the scheduler's own decisions), PreFilter and
 * Filter run on every node (the scheduler itself stops once it found enough feasible nodes), and PreScore and
 * Score run on exactly the nodes the scheduler scored, so that normalization sees the same set and the result
 * can be checked against the scheduler's own scores.
 */
export async function explainPod(input: ExplainInput): Promise<Explanation> {
  const profile = input.configuration.profiles.find((p) => p.schedulerName === input.profile);
  if (!profile) throw new Error(`profile "${input.profile}" is not in the configuration`);
  const framework = new Framework({
    profile,
    registry: input.registry,
    objects: input.objects,
    percentageOfNodesToScore: input.configuration.percentageOfNodesToScore,
    parallelism: input.configuration.parallelism,
    random: () => 0,
  });
  const snapshot = Snapshot.from(input.nodes, input.podsOnNodes);
  framework.setSnapshot(snapshot);
  const state = new CycleState();
  const all = snapshot.list();

  const verdicts = new Map<string, Status | null>();
  const pre = await framework.runPreFilterPlugins(state, input.pod, all);
  if (pre.status && pre.status.code === Code.Error) throw pre.status.asError();
  if (pre.status?.isRejected()) {
    for (const info of all) verdicts.set(info.name, pre.status);
  } else {
    const allowed = pre.result?.nodeNames ?? null;
    for (const info of all) {
      if (allowed && !allowed.has(info.name)) {
        verdicts.set(info.name, preFilterNarrowed(pre.pluginsWithNodes));
        continue;
      }
      const status = await framework.runFilterPlugins(state, input.pod, info);
      if (status && status.code === Code.Error) throw status.asError();
      verdicts.set(info.name, status);
    }
  }

  // Nodes the plugins let through but an extender rejected in the pod's cycle (extenders are not called again).
  const byExtender = extenderRejections(input.decision?.kind === 'scheduled' ? input.decision.result.extenderVerdicts : undefined);
  const nodes: FilterRow[] = input.nodes
    .map((node) => {
      const status = verdicts.get(node.metadata.name) ?? null;
      const rejected = status === null ? byExtender.get(node.metadata.name) : undefined;
      const row: FilterRow = { node: node.metadata.name, zone: zoneOf(node), feasible: status === null && !rejected, reasons: status ? [...status.reasons] : [] };
      if (status) {
        if (status.plugin) row.plugin = status.plugin;
        row.code = codeName(status.code);
      } else if (rejected) {
        row.plugin = rejected.extender;
        row.reasons = [rejected.message];
      }
      return row;
    })
    .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  const rejections = countRejections(nodes);
  const decision = input.decision;
  const explanation: Explanation = {
    pod: input.key,
    profile: input.profile,
    outcome: decision ? decision.kind : 'undecided',
    podsOnNodes: input.podsOnNodes.length,
    skippedFilters: [...state.skipFilterPlugins].sort(),
    nodes,
    feasibleNodes: nodes.filter((n) => n.feasible).length,
    rejections,
  };
  if (decision?.kind === 'unschedulable') explanation.message = decision.message;
  if (decision?.kind !== 'scheduled') return explanation;

  explanation.chosenNode = decision.nodeName;
  const calls = extenderCalls(decision.result);
  if (calls.length > 0) explanation.extenders = calls;
  const scheduled = decision.result.nodeScores;
  if (scheduled.length === 0) {
    explanation.note =
      decision.result.feasibleNodes === 1 && decision.result.evaluatedNodes > 1
        ? 'only one node passed the filters, so the scheduler did not score'
        : 'the pod went to its nominated node (after preemption), which is checked alone and not scored';
    return explanation;
  }
  const scoredInfos = scheduled.map((entry) => snapshot.get(entry.name)).filter((info) => info !== undefined);
  const preScore = await framework.runPreScorePlugins(state, input.pod, scoredInfos);
  if (preScore) throw preScore.asError();
  const { scores: pluginScores, status } = await framework.runScorePlugins(state, input.pod, scoredInfos);
  if (status) throw status.asError();
  // The extenders' scores are the scheduler's own (they are not asked again), beside the plugins' columns.
  const extenderWeight = extenderWeights(input.configuration.extenders);
  const scores = withExtenderScores(pluginScores, scheduled, extenderWeight);
  const scoreWeights = new Map([...framework.scoreWeights, ...extenderWeight]);
  const weights = [...scoreWeights].map(([plugin, weight]) => ({ plugin, weight }));
  explanation.scoring = {
    weights,
    scoredNodes: scheduled.length,
    skippedPlugins: [...state.skipScorePlugins].sort(),
    top: topRows(scores, scoreWeights, decision.nodeName, input.topNodes ?? 10),
    matchesScheduler: sameScores(scores, scheduled),
  };
  return explanation;
}

/** The status kube gives nodes a PreFilter result left out. */
function preFilterNarrowed(plugins: readonly string[]): Status {
  return Status.unresolvable(`node(s) didn't satisfy plugin(s) [${[...plugins].sort().join(' ')}]`).withPlugin(plugins.join(', '));
}

function countRejections(rows: readonly FilterRow[]): Explanation['rejections'] {
  const counts = new Map<string, { plugin: string; reason: string; nodes: number }>();
  for (const row of rows) {
    if (row.feasible) continue;
    for (const reason of row.reasons.length > 0 ? row.reasons : ['(no reason given)']) {
      const key = `${row.plugin ?? ''}\n${reason}`;
      const entry = counts.get(key) ?? { plugin: row.plugin ?? '', reason, nodes: 0 };
      entry.nodes++;
      counts.set(key, entry);
    }
  }
  return [...counts.values()].sort((a, b) => b.nodes - a.nodes || (a.plugin + a.reason < b.plugin + b.reason ? -1 : 1));
}

function topRows(scores: readonly NodePluginScores[], weights: ReadonlyMap<string, number>, chosen: string, count: number): ScoreRow[] {
  const sorted = [...scores].sort((a, b) => b.totalScore - a.totalScore || (a.name < b.name ? -1 : 1));
  const picked = sorted.slice(0, count);
  const chosenScores = sorted.find((s) => s.name === chosen);
  if (chosenScores && !picked.includes(chosenScores)) picked.push(chosenScores);
  return picked.map((node) => ({
    node: node.name,
    total: node.totalScore,
    chosen: node.name === chosen,
    plugins: node.scores.map((s) => {
      const weight = weights.get(s.name) ?? 1;
      return { plugin: s.name, raw: s.raw, normalized: s.score / weight, weighted: s.score };
    }),
  }));
}

function sameScores(recomputed: readonly NodePluginScores[], scheduler: readonly NodePluginScores[]): boolean {
  if (recomputed.length !== scheduler.length) return false;
  return recomputed.every((node, i) => {
    const other = scheduler[i]!;
    if (node.name !== other.name || node.totalScore !== other.totalScore || node.scores.length !== other.scores.length) return false;
    return node.scores.every((s, j) => s.name === other.scores[j]!.name && s.score === other.scores[j]!.score && s.raw === other.scores[j]!.raw);
  });
}
