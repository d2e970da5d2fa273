import { type Node, type Pod, Snapshot } from '@schedkit/framework';
import type { Explanation } from './explanation.js';
import type { LatencyFigures } from './latency.js';
import type { SimulationResult } from './simulation.js';
import { Labels } from './synthetic.js';
import { zoneOf } from './zone.js';

/** One node's share of its allocatable cpu and memory requested by its pods (0..1, above 1 when overcommitted). */
export interface NodeUtilization {
  name: string;
  zone: string;
  instanceType: string;
  cpu: number;
  memory: number;
  pods: number;
}

/** How utilization spreads over the nodes. */
export interface Distribution {
  mean: number;
  min: number;
  p50: number;
  p90: number;
  max: number;
  /** Nodes per 10% bucket: [0,10%), [10%,20%), ..., [90%,100%]. */
  buckets: number[];
}

/** Pods left unschedulable for the same set of reasons. */
export interface ReasonGroup {
  /** The reasons the scheduler gave (node counts removed), sorted. */
  reasons: string[];
  pods: number;
  /** A few of the pods (`namespace/name`), for `--explain`. */
  examples: string[];
}

/** A config reload during the run. */
export interface ReloadRecord {
  /** Pods settled when it happened. */
  atPod: number;
  ok: boolean;
  message: string;
}

/** Everything the CLI prints, as data (what `--json` prints). */
export interface Summary {
  mode: 'synthetic' | 'simulate';
  seed: number;
  configuration: { source: string; profile: string };
  cluster: { nodes: number; zones: string[]; podsToSchedule: number; podsBoundAtStart: number };
  outcome: {
    scheduled: number;
    unschedulable: number;
    waitingAtPermit: number;
    errors: number;
    notAttempted: number;
    preempted: number;
    bindingFailures: number;
    cycles: number;
  };
  unschedulable: ReasonGroup[];
  /** Pending pods no profile schedules, per schedulerName they ask for (kept pending, never dropped). */
  withoutProfile: { schedulerName: string; pods: number }[];
  errors: { pod: string; message: string }[];
  timing: { durationMs: number; podsPerSecond: number; simulatedSeconds: number };
  latency: LatencyFigures[];
  utilization: { cpu: Distribution; memory: Distribution; nodes: NodeUtilization[] };
  /** Pod (`namespace/name`) to the node it was bound to during the run. */
  placements: Record<string, string>;
  explanations: Explanation[];
  reloads: ReloadRecord[];
  warnings: string[];
}

/** What the summary needs besides the simulation result. */
export interface SummaryContext {
  mode: Summary['mode'];
  seed: number;
  source: string;
  profile: string;
  podsBoundAtStart: number;
  explanations: Explanation[];
  reloads: ReloadRecord[];
  warnings: string[];
}

/** Builds the summary of a finished run. */
export function buildSummary(result: SimulationResult, context: SummaryContext): Summary {
  const utilization = nodeUtilization(result.nodes, result.finalPods);
  const scheduled = result.placements.size;
  const seconds = result.durationMs / 1000;
  const zones = [...new Set(result.nodes.map(zoneOf))].sort();
  return {
    mode: context.mode,
    seed: context.seed,
    configuration: { source: context.source, profile: context.profile },
    cluster: {
      nodes: result.nodes.length,
      zones,
      podsToSchedule: result.pending,
      podsBoundAtStart: context.podsBoundAtStart,
    },
    outcome: {
      scheduled,
      unschedulable: result.unschedulable.size,
      waitingAtPermit: result.waitingAtPermit.size,
      errors: result.errors.size,
      notAttempted: result.neverAttempted.length,
      preempted: result.deletedPods.length,
      bindingFailures: result.bindingFailures,
      cycles: result.cycles,
    },
    unschedulable: groupByReasons([...result.unschedulable].map(([pod, { message }]) => ({ pod, message }))),
    withoutProfile: [...result.withoutProfile].map(([schedulerName, pods]) => ({ schedulerName, pods })).sort((a, b) => b.pods - a.pods),
    errors: [...result.errors].map(([pod, message]) => ({ pod, message })),
    timing: {
      durationMs: round(result.durationMs, 1),
      podsPerSecond: seconds > 0 ? Math.round(scheduled / seconds) : 0,
      simulatedSeconds: round(result.simulatedMs / 1000, 3),
    },
    latency: result.latency.map((figures) => ({
      ...figures,
      p50: round(figures.p50, 3),
      p99: round(figures.p99, 3),
      max: round(figures.max, 3),
      mean: round(figures.mean, 3),
    })),
    utilization: {
      cpu: distribution(utilization.map((n) => n.cpu)),
      memory: distribution(utilization.map((n) => n.memory)),
      nodes: utilization,
    },
    placements: Object.fromEntries([...result.placements].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    explanations: context.explanations,
    reloads: context.reloads,
    warnings: [...context.warnings, ...result.schedulerErrors.map((message) => `scheduler: ${message}`)],
  };
}

/**
 * The reasons of a kube-scheduler FitError message without their node counts:
 * `0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {a: b}. preemption: ...` gives
 * `['Insufficient cpu', 'node(s) had untolerated taint {a: b}']`. A message of another shape is its own reason.
 */
export function fitErrorReasons(message: string): string[] {
  const match = /^0\/\d+ nodes are available: (.*)$/s.exec(message);
  if (!match) return [message];
  let body = match[1]!;
  const preemption = body.indexOf(' preemption:');
  if (preemption >= 0) body = body.slice(0, preemption);
  body = body.trim().replace(/\.$/, '');
  const reasons = body
    .split(/, (?=\d+ )/)
    .map((part) => part.replace(/^\d+ /, '').trim())
    .filter((reason) => reason !== '');
  return [...new Set(reasons)].sort();
}

/** Groups pods by the set of reasons they are unschedulable for, largest group first. */
export function groupByReasons(pods: readonly { pod: string; message: string }[], examplesPerGroup = 3): ReasonGroup[] {
  const groups = new Map<string, ReasonGroup>();
  for (const { pod, message } of pods) {
    const reasons = fitErrorReasons(message);
    const key = reasons.join('\n');
    let group = groups.get(key);
    if (!group) {
      group = { reasons, pods: 0, examples: [] };
      groups.set(key, group);
    }
    group.pods++;
    if (group.examples.length < examplesPerGroup) group.examples.push(pod);
  }
  return [...groups.values()].sort((a, b) => b.pods - a.pods || (a.reasons.join() < b.reasons.join() ? -1 : 1));
}

/** Requested cpu and memory over allocatable for every node, counting pods bound to it and not finished. */
export function nodeUtilization(nodes: readonly Node[], pods: readonly Pod[]): NodeUtilization[] {
  const running = pods.filter((pod) => pod.spec.nodeName && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed');
  const snapshot = Snapshot.from(nodes, running);
  return nodes.map((node) => {
    const info = snapshot.get(node.metadata.name)!;
    return {
      name: node.metadata.name,
      zone: zoneOf(node),
      instanceType: node.metadata.labels?.[Labels.instanceType] ?? '',
      cpu: ratio(info.requested.milliCPU, info.allocatable.milliCPU),
      memory: ratio(info.requested.memory, info.allocatable.memory),
      pods: info.pods.length,
    };
  });
}

/** Mean, quantiles and a 10-bucket histogram of fractions (values at or above 1 land in the last bucket). */
export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const buckets = new Array<number>(10).fill(0);
  for (const value of sorted) buckets[Math.min(9, Math.max(0, Math.floor(value * 10)))]!++;
  const at = (q: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? sorted[0]!);
  return {
    mean: round(sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length), 4),
    min: round(sorted[0] ?? 0, 4),
    p50: round(at(0.5), 4),
    p90: round(at(0.9), 4),
    max: round(sorted[sorted.length - 1] ?? 0, 4),
    buckets,
  };
}

function ratio(used: number, total: number): number {
  return total > 0 ? round(used / total, 4) : 0;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
