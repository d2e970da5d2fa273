import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Namespace, Node, Pod, Service } from '../model/types.js';
import { Snapshot } from '../node-info/snapshot.js';
import { StaticObjectLister } from '../store/object-lister.js';

/** A recorded per-node Filter verdict of the real kube-scheduler. */
export interface RecordedFilterVerdict {
  code: string;
  reasons?: string[];
  plugin?: string;
  /** "preFilter" or "preFilterResult" when Filter itself did not run on the node. */
  stage?: string;
}

/** A recorded feasible node's scores. */
export interface RecordedNodeScore {
  total: number;
  /** Final (normalized, weighted) score per plugin. */
  plugins: Record<string, number>;
  /** Score() output per plugin, before NormalizeScore and the weight. */
  raw: Record<string, number>;
}

/** One scenario of the fidelity fixture: a cluster, an incoming pod and kube-scheduler's decisions. */
export interface FidelityScenario {
  id: string;
  seed: number;
  nodes: Node[];
  existingPods: Pod[];
  services: Service[];
  pod: Pod;
  expected: {
    preFilter: { code: string; reasons?: string[]; plugin?: string; nodeNames: string[] | null; skippedPlugins?: string[] };
    filter: Record<string, RecordedFilterVerdict>;
    feasibleCount: number;
    feasibleNodes: string[];
    preScore?: { code: string; skippedPlugins?: string[] };
    score?: Record<string, RecordedNodeScore>;
    bestNodes?: string[];
    schedulerSkipsScoring?: boolean;
  };
}

/** The namespaces every fidelity scenario's cluster has. */
export const fidelityNamespaces: readonly Namespace[] = [
  { metadata: { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } } },
  { metadata: { name: 'prod', labels: { 'kubernetes.io/metadata.name': 'prod' } } },
];

/**
 * Reads every `*.jsonl.gz` / `*.jsonl` file in `dir` (or one file) into scenarios. Each line is one scenario;
 * a malformed line is an error naming the file and line.
 */
export function loadFidelityScenarios(path: string): FidelityScenario[] {
  const files = path.endsWith('.jsonl') || path.endsWith('.jsonl.gz')
    ? [path]
    : readdirSync(path)
        .filter((f) => f.endsWith('.jsonl') || f.endsWith('.jsonl.gz'))
        .sort()
        .map((f) => join(path, f));
  const scenarios: FidelityScenario[] = [];
  for (const file of files) {
    const raw = readFileSync(file);
    const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    text.split('\n').forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        scenarios.push(JSON.parse(line) as FidelityScenario);
      } catch (error) {
        throw new Error(`${file}:${index + 1}: not a JSON scenario: ${(error as Error).message}`);
      }
    });
  }
  return scenarios;
}

/** The cluster of a scenario as the framework reads it: a snapshot and the object lister. */
export function scenarioCluster(scenario: FidelityScenario): { snapshot: Snapshot; objects: StaticObjectLister } {
  return {
    snapshot: Snapshot.from(scenario.nodes, scenario.existingPods),
    objects: new StaticObjectLister({ services: scenario.services, namespaces: fidelityNamespaces }),
  };
}
