/** What `--explain` reports for one pod, as data: the shapes explain.ts computes and summary, text and report print. */
import type { ExtenderCall } from './explain-extenders.js';

/** One node's Filter verdict for the explained pod. */
export interface FilterRow {
  node: string;
  zone: string;
  feasible: boolean;
  /** The plugin that rejected the node (at PreFilter or Filter). */
  plugin?: string;
  /** kube's status code name, e.g. `UnschedulableAndUnresolvable`. */
  code?: string;
  reasons: string[];
}

/** One score plugin's contribution on one node. */
export interface ScoreCell {
  plugin: string;
  /** What the plugin's Score returned. */
  raw: number;
  /** After NormalizeScore (0..100). */
  normalized: number;
  /** Normalized times the plugin's weight. */
  weighted: number;
}

/** A scored node. */
export interface ScoreRow {
  node: string;
  total: number;
  chosen: boolean;
  plugins: ScoreCell[];
}

/** Why a pod went where it went, or why it went nowhere. */
export interface Explanation {
  pod: string;
  profile: string;
  outcome: 'scheduled' | 'unschedulable' | 'undecided';
  chosenNode?: string;
  /** The scheduler's message for an unschedulable pod. */
  message?: string;
  /** The pods on nodes in the snapshot the explanation was computed on. */
  podsOnNodes: number;
  /** Filter plugins PreFilter told to skip for this pod. */
  skippedFilters: string[];
  /** Every node's verdict, in node name order. */
  nodes: FilterRow[];
  feasibleNodes: number;
  /** Rejected nodes counted by plugin and reason, most first. */
  rejections: { plugin: string; reason: string; nodes: number }[];
  scoring?: {
    weights: { plugin: string; weight: number }[];
    /** Nodes the scheduler scored (it stops filtering once it found enough feasible nodes). */
    scoredNodes: number;
    skippedPlugins: string[];
    /** The best nodes by total score (the chosen node always included). */
    top: ScoreRow[];
    /** True when the recomputed scores equal those the scheduler computed in the pod's own cycle. */
    matchesScheduler: boolean;
  };
  /** Set when the scheduler did not score (a single feasible node, or the pod's nominated node). */
  note?: string;
  /** The extenders the scheduler called in the pod's cycle (their rejections are in `nodes`, their scores in `scoring`). */
  extenders?: ExtenderCall[];
}
