/**
 * Where the scheduling algorithm calls the extenders, as kube's schedule_one.go does: findNodesThatPassExtenders
 * after the Filter plugins, the extenders' Prioritize beside the Score plugins, extendersBinding before the Bind
 * plugins, and callExtenders in preemption. Each call is timed into the metrics and cancelled with the cycle.
 */
import { type Extender, ExtenderName, MaxExtenderPriority, type Victims } from '../extender/extender.js';
import { ExtenderSet } from '../extender/extenders.js';
import type { Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import type { NodeInfoLister } from '../node-info/snapshot.js';
import { MaxNodeScore } from '../plugins/extension-points.js';
import { Code, Status } from '../status/status.js';
import type { FrameworkMetrics } from './metrics.js';
import type { Diagnosis } from './node-to-status.js';

/** One extender's part in a cycle, for explanations. */
export interface ExtenderVerdict {
  /** The extender (its URL prefix). */
  extender: string;
  verb: 'filter' | 'prioritize';
  /** Nodes sent and nodes that passed (filter). */
  sent: number;
  passed?: number;
  /** The error the call ended with, when it was skipped (ignorable filter; any prioritize, as kube ignores them). */
  skipped?: string;
  /** Filter: the nodes the extender rejected with a message (node name to message). */
  failed?: Record<string, string>;
}

/** One extender's scores on the scored nodes, already scaled (score × weight × MaxNodeScore / MaxExtenderPriority). */
export interface ExtenderScores {
  extender: string;
  /** By node index of the nodes prioritized. */
  scores: Float64Array;
  /** What the extender answered (0-10), by node index. */
  raw: Float64Array;
}

/** A preemption candidate as DefaultPreemption holds it: a node and the pods it would evict there. */
export interface PreemptionCandidate {
  nodeName: string;
  /** Most important first. */
  pods: Pod[];
  numPDBViolations: number;
}

/** The extender calls of one framework. */
export class ExtenderCalls {
  constructor(
    readonly set: ExtenderSet = ExtenderSet.none,
    private readonly metrics?: FrameworkMetrics,
  ) {}

  /** True when any extender is configured (kube then scores even without Score plugins). */
  get any(): boolean {
    return this.set.size > 0;
  }

  private timed<T>(extender: Extender, verb: string, call: () => Promise<T>): Promise<T> {
    const metrics = this.metrics;
    if (!metrics?.observeExtender) return call();
    const started = performance.now();
    return call().finally(() => metrics.observeExtender?.(extender.name, verb, performance.now() - started));
  }

  /**
   * kube's findNodesThatPassExtenders: each interested filter extender in turn narrows `feasible`; the nodes it
   * rejects get its message in the diagnosis (unresolvable ones first, so preemption skips them). Throws the
   * error of a failing extender unless it is ignorable.
   */
  async filter(pod: Pod, feasible: NodeInfo[], diagnosis: Diagnosis, signal?: AbortSignal, verdicts?: ExtenderVerdict[]): Promise<NodeInfo[]> {
    let nodes = feasible;
    const before = feasible.length;
    for (const extender of this.set.list) {
      if (nodes.length === 0) break;
      if (!extender.isFilter || !extender.isInterested(pod)) continue;
      let outcome: Awaited<ReturnType<Extender['filter']>>;
      try {
        outcome = await this.timed(extender, 'filter', () => extender.filter(pod, nodes, signal));
      } catch (error) {
        if (extender.ignorable) {
          verdicts?.push({ extender: extender.name, verb: 'filter', sent: nodes.length, skipped: (error as Error).message });
          continue;
        }
        throw error;
      }
      if (verdicts) {
        const failed = Object.fromEntries([...outcome.failed, ...outcome.failedAndUnresolvable]);
        verdicts.push({ extender: extender.name, verb: 'filter', sent: nodes.length, passed: outcome.feasible.length, failed });
      }
      for (const [node, message] of outcome.failedAndUnresolvable) {
        diagnosis.nodeToStatus.set(node, new Status(Code.UnschedulableAndUnresolvable, [message]).withPlugin(extender.name));
      }
      for (const [node, message] of outcome.failed) {
        if (outcome.failedAndUnresolvable.has(node)) continue;
        diagnosis.nodeToStatus.set(node, new Status(Code.Unschedulable, [message]).withPlugin(extender.name));
      }
      nodes = outcome.feasible;
    }
    // kube puts "Extender" among the unschedulable plugins, so that any cluster event requeues the pod.
    if (nodes.length !== before) diagnosis.unschedulablePlugins.add(ExtenderName);
    return nodes;
  }

  /**
   * The extenders' part of kube's prioritizeNodes: every interested extender is asked at once; its scores are
   * scaled by its weight and MaxNodeScore / MaxExtenderPriority. A failing prioritize is skipped (kube ignores
   * prioritize errors, ignorable or not); an extender without prioritizeVerb scores 0 everywhere, as in kube.
   */
  async prioritize(pod: Pod, nodes: readonly NodeInfo[], signal?: AbortSignal, verdicts?: ExtenderVerdict[]): Promise<ExtenderScores[]> {
    const index = new Map<string, number>();
    for (let i = 0; i < nodes.length; i++) index.set(nodes[i]!.name, i);
    const interested = this.set.list.filter((extender) => extender.isInterested(pod));
    const results = await Promise.all(
      interested.map(async (extender): Promise<ExtenderScores | undefined> => {
        let list: Awaited<ReturnType<Extender['prioritize']>>;
        try {
          list = extender.isPrioritizer
            ? await this.timed(extender, 'prioritize', () => extender.prioritize(pod, nodes, signal))
            : await extender.prioritize(pod, nodes, signal);
        } catch (error) {
          verdicts?.push({ extender: extender.name, verb: 'prioritize', sent: nodes.length, skipped: (error as Error).message });
          return undefined;
        }
        if (extender.isPrioritizer) verdicts?.push({ extender: extender.name, verb: 'prioritize', sent: nodes.length });
        const weight = extender.isPrioritizer ? extender.weight : 0;
        const scores = new Float64Array(nodes.length);
        const raw = new Float64Array(nodes.length);
        for (const { host, score } of list) {
          const at = index.get(host);
          if (at === undefined) continue;
          raw[at]! += score;
          scores[at]! += score * weight * (MaxNodeScore / MaxExtenderPriority);
        }
        return { extender: extender.name, scores, raw };
      }),
    );
    return results.filter((entry) => entry !== undefined);
  }

  /**
   * kube's extendersBinding: the first interested binder extender binds the pod. Returns undefined when no
   * extender bound it (the Bind plugins then run), null when one did, an Error status when it failed (an
   * ignorable binder's failure passes the pod on to the next binder, then to the Bind plugins).
   */
  async bind(pod: Pod, nodeName: string, signal?: AbortSignal): Promise<Status | null | undefined> {
    for (const extender of this.set.list) {
      if (!extender.isBinder || !extender.isInterested(pod)) continue;
      try {
        const binding = { podName: pod.metadata.name, podNamespace: pod.metadata.namespace ?? 'default', podUID: pod.metadata.uid ?? '', node: nodeName };
        await this.timed(extender, 'bind', () => extender.bind(binding, signal));
        return null;
      } catch (error) {
        if (extender.ignorable) continue;
        return Status.error(error).withPlugin(extender.name);
      }
    }
    return undefined;
  }

  /**
   * kube's callExtenders: each interested preempt extender in turn replaces the candidates' victims with its
   * answer; a node answered without victims is an error (dropped for an ignorable extender). Returns the
   * remaining candidates or the Error status of a failing extender.
   */
  async preempt(pod: Pod, candidates: readonly PreemptionCandidate[], nodeInfos: NodeInfoLister, signal?: AbortSignal): Promise<PreemptionCandidate[] | Status> {
    if (!this.any || candidates.length === 0) return [...candidates];
    let victims = new Map<string, Victims>();
    for (const c of candidates) victims.set(c.nodeName, { pods: c.pods, numPDBViolations: c.numPDBViolations });
    for (const extender of this.set.list) {
      if (!extender.supportsPreemption || !extender.isInterested(pod)) continue;
      let answer: Map<string, Victims>;
      try {
        const input = victims;
        answer = await this.timed(extender, 'preempt', () => extender.processPreemption(pod, input, nodeInfos, signal));
      } catch (error) {
        if (extender.ignorable) continue;
        return Status.error(error).withPlugin(extender.name);
      }
      for (const [node, v] of answer) {
        if (v.pods.length > 0) continue;
        if (extender.ignorable) {
          answer.delete(node);
          continue;
        }
        return Status.error(new Error(`extender ${JSON.stringify(extender.name)} preempt: expected at least one victim pod on node "${node}"`)).withPlugin(extender.name);
      }
      victims = answer;
      if (victims.size === 0) break;
    }
    return [...victims].map(([nodeName, v]) => ({ nodeName, pods: v.pods, numPDBViolations: v.numPDBViolations }));
  }
}
