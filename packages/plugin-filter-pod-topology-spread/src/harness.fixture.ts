import {
  type CycleState,
  codeName,
  type LabelSelector,
  type Labels,
  type Node,
  type Pod,
  type ReplicaSetLike,
  type Service,
  type Status,
  type Taint,
  type TopologySpreadConstraint,
} from '@schedkit/framework';
import { PluginTester, makeNode as nodeBuilder, makePod as podBuilder } from '@schedkit/framework/testing';
import { plugin } from './index.js';
import type { PodTopologySpread } from './plugin.js';

/** Test builders (on the framework's test kit) and a harness that runs PodTopologySpread through the framework. */

export const zoneKey = 'topology.kubernetes.io/zone';
export const hostKey = 'kubernetes.io/hostname';

/** A node named `name` with its hostname label (unless `hostname: false`), optionally a zone, labels and taints. */
export function makeNode(name: string, zone?: string, extra: { labels?: Labels; taints?: Taint[]; hostname?: boolean } = {}): Node {
  const builder = nodeBuilder(name);
  if (zone !== undefined) builder.zone(zone);
  if (extra.labels) builder.labels(extra.labels);
  if (extra.taints) builder.taints(extra.taints);
  const node = builder.obj();
  if (extra.hostname === false) delete node.metadata.labels?.[hostKey];
  return node;
}

export interface PodOptions {
  labels?: Labels;
  namespace?: string;
  nodeName?: string;
  constraints?: TopologySpreadConstraint[];
  nodeSelector?: Labels;
  tolerations?: Pod['spec']['tolerations'];
  owner?: { apiVersion: string; kind: string; name: string };
  terminating?: boolean;
}

/** A pod; with `nodeName` it is bound to that node. */
export function makePod(name: string, options: PodOptions = {}): Pod {
  const builder = podBuilder(name).namespace(options.namespace ?? 'default').container();
  if (options.labels) builder.labels(options.labels);
  if (options.nodeName) builder.node(options.nodeName);
  if (options.nodeSelector) builder.nodeSelector(options.nodeSelector);
  if (options.tolerations) builder.tolerations(options.tolerations);
  if (options.terminating) builder.terminating();
  if (options.owner) builder.ownerReference(options.owner.kind, options.owner.name, { apiVersion: options.owner.apiVersion });
  const pod = builder.obj();
  // Constraints are set as given (the builder normalizes selectors; these tests need null and {} verbatim).
  if (options.constraints) pod.spec.topologySpreadConstraints = options.constraints;
  return pod;
}

let podCounter = 0;

/** `count` pods labelled `labels` on `nodeName`. */
export function podsOn(nodeName: string, count: number, labels: Labels = { app: 'web' }, options: PodOptions = {}): Pod[] {
  return Array.from({ length: count }, () => makePod(`${nodeName}-pod-${++podCounter}`, { ...options, labels, nodeName }));
}

/** A constraint selecting `app=web` unless told otherwise. */
export function spread(
  topologyKey: string,
  maxSkew: number,
  whenUnsatisfiable: TopologySpreadConstraint['whenUnsatisfiable'],
  extra: Partial<TopologySpreadConstraint> & { labelSelector?: LabelSelector | null } = {},
): TopologySpreadConstraint {
  return { maxSkew, topologyKey, whenUnsatisfiable, labelSelector: { matchLabels: { app: 'web' } }, ...extra };
}

export interface Cluster {
  nodes: Node[];
  pods?: Pod[];
  services?: Service[];
  controllers?: ReplicaSetLike[];
}

/** One node's Filter outcome: 'Success', 'Skip' (PreFilter skipped the plugin) or `Code: reasons`. */
export type FilterOutcome = string;

/** The raw and normalized (before the weight) score of each scored node, or 'Skip' when PreScore skipped. */
export type ScoreOutcome = 'Skip' | { raw: Record<string, number>; normalized: Record<string, number> };

/** Runs the plugin through the real framework runtime (the framework's PluginTester) with PodTopologySpread's args. */
export class Harness {
  readonly tester: PluginTester;

  constructor(cluster: Cluster, args?: unknown) {
    this.tester = new PluginTester({
      plugin,
      args,
      weight: 2,
      nodes: cluster.nodes,
      pods: cluster.pods ?? [],
      services: cluster.services ?? [],
      controllers: cluster.controllers ?? [],
    });
  }

  /** The plugin instance. */
  get plugin(): PodTopologySpread {
    return this.tester.plugin as PodTopologySpread;
  }

  /** The snapshot the plugin reads. */
  get snapshot() {
    return this.tester.snapshot;
  }

  /** PreFilter then Filter on every node, keyed by node name. */
  async filter(pod: Pod, state?: CycleState): Promise<Record<string, FilterOutcome>> {
    const report = await this.tester.filter(pod, state ? { state } : {});
    const out: Record<string, FilterOutcome> = {};
    for (const entry of [...report.nodes].sort((a, b) => a.node.localeCompare(b.node))) {
      out[entry.node] = report.preFilter.skipped ? 'Skip' : outcomeOf(entry.status);
    }
    return out;
  }

  /** PreScore, Score and NormalizeScore on `feasible` (default: every node). */
  async score(pod: Pod, feasible?: readonly string[]): Promise<ScoreOutcome> {
    const report = await this.tester.score(pod, feasible);
    if (report.status) throw report.status.asError();
    if (report.preScore.skipped) return 'Skip';
    const raw: Record<string, number> = {};
    const normalized: Record<string, number> = {};
    for (const entry of [...report.scores].sort((a, b) => a.node.localeCompare(b.node))) {
      raw[entry.node] = entry.raw;
      normalized[entry.node] = entry.normalized;
    }
    return { raw, normalized };
  }
}

/** A status as `Code: reasons` ('Success' for null). */
export function outcomeOf(status: Status | null): FilterOutcome {
  if (status === null) return 'Success';
  return `${codeName(status.code)}: ${status.reasons.join(', ')}`;
}
