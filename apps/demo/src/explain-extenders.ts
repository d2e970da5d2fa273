/**
 * The extenders' part of an explanation. Extenders are remote: an explanation does not call them again, it shows
 * what they answered in the pod's own cycle (the scheduler records it in the ScheduleResult): their filter
 * verdicts beside the plugins' and their scaled scores beside the plugins' scores.
 */
import type { ExtenderConfig, ExtenderVerdict, NodePluginScores, ScheduleResult } from '@schedkit/framework';

/** One extender call in the pod's cycle. */
export interface ExtenderCall {
  extender: string;
  verb: 'filter' | 'prioritize';
  /** Nodes sent. */
  sent: number;
  /** Filter: nodes that passed. */
  passed?: number;
  /** Why the call was skipped (an ignorable extender's failure, or any failing prioritize, as in kube). */
  skipped?: string;
}

/** The calls of the pod's cycle, without the per-node detail (that goes into the filter rows). */
export function extenderCalls(result: ScheduleResult): ExtenderCall[] {
  return (result.extenderVerdicts ?? []).map((v) => {
    const call: ExtenderCall = { extender: v.extender, verb: v.verb, sent: v.sent };
    if (v.passed !== undefined) call.passed = v.passed;
    if (v.skipped !== undefined) call.skipped = v.skipped;
    return call;
  });
}

/** Node name to the extender that rejected it in the pod's cycle and its message (the first extender to reject it). */
export function extenderRejections(verdicts: readonly ExtenderVerdict[] | undefined): Map<string, { extender: string; message: string }> {
  const out = new Map<string, { extender: string; message: string }>();
  for (const verdict of verdicts ?? []) {
    for (const [node, message] of Object.entries(verdict.failed ?? {})) if (!out.has(node)) out.set(node, { extender: verdict.extender, message });
  }
  return out;
}

/** The configured extenders' weights, keyed by name (their URL prefix), for the score columns. */
export function extenderWeights(extenders: readonly ExtenderConfig[] | undefined): Map<string, number> {
  return new Map((extenders ?? []).map((e) => [e.urlPrefix, e.weight]));
}

/**
 * `recomputed` (the plugins' scores, recomputed) with the extenders' scores of the scheduler's own cycle appended
 * to each node and added to its total, so that they compare with the scheduler's records.
 */
export function withExtenderScores(recomputed: readonly NodePluginScores[], scheduled: readonly NodePluginScores[], extenders: ReadonlyMap<string, number>): NodePluginScores[] {
  if (extenders.size === 0) return [...recomputed];
  const byNode = new Map(scheduled.map((entry) => [entry.name, entry]));
  return recomputed.map((node) => {
    const own = (byNode.get(node.name)?.scores ?? []).filter((s) => extenders.has(s.name));
    const extra = own.reduce((sum, s) => sum + s.score, 0);
    return { name: node.name, scores: [...node.scores, ...own], totalScore: node.totalScore + extra };
  });
}
