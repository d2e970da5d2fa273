import type { NodeInfo } from '../node-info/node-info.js';
import { MaxNodeScore, MinNodeScore, type NodeScore, type ScorePlugin } from '../plugins/extension-points.js';
import { Status } from '../status/status.js';
import type { ScratchLease } from './cycle-scratch.js';
import type { ExtenderScores } from './extender-calls.js';

/** One score plugin's result on one node. */
export interface PluginScore {
  name: string;
  /** The final score: normalized, times the weight. */
  score: number;
  /** The score before NormalizeScore and the weight. */
  raw: number;
}

/** A feasible node's scores (kube's NodePluginScores). */
export interface NodePluginScores {
  name: string;
  scores: PluginScore[];
  totalScore: number;
}

/**
 * The scores of one cycle: per plugin the raw scores and the final (normalized) ones, and the weighted totals.
 * They share one typed array (a single allocation per cycle, kept off the JS heap): the raw scores of plugin p
 * at `p * nodes`, then the final scores of each plugin that normalizes, then the totals.
 * {@link ScoreTable.nodePluginScores} gives kube's per-node records.
 */
export class ScoreTable {
  private readonly data: Float64Array;
  /** Per plugin, where its final scores start (its raw scores' offset when it does not normalize). */
  private readonly finalOffset: number[];
  private readonly totalsOffset: number;
  /** Plugins whose weighted scores are summed into the totals; then, of the next plugin, the first `partialNodes` nodes. */
  private summedPlugins = 0;
  private partialNodes = 0;

  constructor(
    readonly nodes: readonly NodeInfo[],
    readonly plugins: readonly ScorePlugin[],
    readonly weights: readonly number[],
    scratch?: ScratchLease,
  ) {
    const count = nodes.length;
    this.finalOffset = [];
    let next = plugins.length * count;
    for (let p = 0; p < plugins.length; p++) {
      if (plugins[p]!.normalizeScore) {
        this.finalOffset.push(next);
        next += count;
      } else {
        this.finalOffset.push(p * count);
      }
    }
    this.totalsOffset = next;
    this.data = scratch ? scratch.scores(next + count) : new Float64Array(next + count);
    this.lease = scratch;
  }

  /** Set when the table lives in a framework's `CycleScratch` (cycle-scratch.ts). */
  readonly lease: ScratchLease | undefined;

  /** The extenders' scaled scores, added to the totals after the plugins' (kube's prioritizeNodes). */
  private extenders: readonly ExtenderScores[] = [];

  /** Adds the extenders' scores to the totals; call after {@link ScoreTable.sum}. */
  addExtenderScores(extenders: readonly ExtenderScores[]): void {
    if (extenders.length === 0) return;
    const data = this.data;
    const totals = this.totalsOffset;
    for (const { scores } of extenders) for (let i = 0; i < scores.length; i++) data[totals + i]! += scores[i]!;
    this.extenders = extenders;
  }

  /** A table without plugins where every node totals `total` (kube's answer when no Score plugin is enabled). */
  static constant(nodes: readonly NodeInfo[], total: number): ScoreTable {
    const table = new ScoreTable(nodes, [], []);
    table.data.fill(total);
    return table;
  }

  setRaw(plugin: number, node: number, score: number): void {
    this.data[plugin * this.nodes.length + node] = score;
  }

  raw(plugin: number, node: number): number {
    return this.data[plugin * this.nodes.length + node]!;
  }

  setFinal(plugin: number, node: number, score: number): void {
    this.data[this.finalOffset[plugin]! + node] = score;
  }

  final(plugin: number, node: number): number {
    return this.data[this.finalOffset[plugin]! + node]!;
  }

  total(node: number): number {
    return this.data[this.totalsOffset + node]!;
  }

  /**
   * Checks every final score (an integer in [MinNodeScore, MaxNodeScore]) plugin by plugin and sums the weighted
   * ones; returns the Error status of the first invalid score, with the totals summed up to it.
   */
  sum(): Status | null {
    const data = this.data;
    const count = this.nodes.length;
    const totals = this.totalsOffset;
    for (let p = 0; p < this.plugins.length; p++) {
      const weight = this.weights[p]!;
      const base = this.finalOffset[p]!;
      for (let i = 0; i < count; i++) {
        const score = data[base + i]!;
        if (!Number.isInteger(score) || score > MaxNodeScore || score < MinNodeScore) {
          this.summedPlugins = p;
          this.partialNodes = i;
          const name = this.plugins[p]!.name;
          return Status.error(
            new Error(`plugin "${name}" returns an invalid score ${score}, it should in the range of [${MinNodeScore}, ${MaxNodeScore}] after normalizing`),
          ).withPlugin(name);
        }
        data[totals + i]! += score * weight;
      }
    }
    this.summedPlugins = this.plugins.length;
    return null;
  }

  /** The index `selectHost` would pick: uniformly among the highest totals. */
  best(random: () => number): number {
    return pickTop(this.data, this.totalsOffset, this.nodes.length, random);
  }

  /** kube's per-node records: each plugin's weighted and raw score and the total, as far as {@link ScoreTable.sum} got. */
  nodePluginScores(): NodePluginScores[] {
    const count = this.nodes.length;
    const out: NodePluginScores[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = { name: this.nodes[i]!.name, scores: [], totalScore: this.total(i) };
    const lastPlugin = Math.min(this.plugins.length, this.summedPlugins + (this.partialNodes > 0 ? 1 : 0));
    for (let p = 0; p < lastPlugin; p++) {
      const name = this.plugins[p]!.name;
      const weight = this.weights[p]!;
      const lastNode = p < this.summedPlugins ? count : this.partialNodes;
      for (let i = 0; i < lastNode; i++) out[i]!.scores.push({ name, score: this.final(p, i) * weight, raw: this.raw(p, i) });
    }
    for (const { extender, scores, raw } of this.extenders) {
      for (let i = 0; i < count; i++) out[i]!.scores.push({ name: extender, score: scores[i]!, raw: raw[i]! });
    }
    return out;
  }
}

/** `list` (reused when given) filled with one {name, score} per node: the raw scores of plugin `plugin`. */
export function nodeScoreList(list: NodeScore[] | undefined, table: ScoreTable, plugin: number): NodeScore[] {
  const out = list ?? [];
  const nodes = table.nodes;
  const count = nodes.length;
  if (out.length > count) out.length = count;
  for (let i = 0; i < count; i++) {
    const score = table.raw(plugin, i);
    // The framework owns these objects; plugins see `name` as read-only.
    const entry = out[i] as { name: string; score: number } | undefined;
    if (entry === undefined) out.push({ name: nodes[i]!.name, score });
    else {
      entry.name = nodes[i]!.name;
      entry.score = score;
    }
  }
  return out;
}

/**
 * The index (from 0) of a node with the highest of the `count` totals at `totals[offset...]`, uniformly at random
 * among the ties, like kube's reservoir sampling but with one random number per pick instead of one per tie
 * (thousands of nodes can tie). A source that always answers 0 picks the last tie, as the reservoir does.
 */
export function pickTop(totals: ArrayLike<number>, offset: number, count: number, random: () => number): number {
  if (count === 0) throw new Error('empty priority list');
  let top = totals[offset]!;
  let ties = 0;
  for (let i = 0; i < count; i++) {
    const total = totals[offset + i]!;
    if (total > top) {
      top = total;
      ties = 1;
    } else if (total === top) ties++;
  }
  let pick = ties - 1 - Math.min(ties - 1, Math.floor(random() * ties));
  for (let i = 0; i < count; i++) if (totals[offset + i] === top && pick-- === 0) return i;
  throw new Error('unreachable: no node with the top total');
}
