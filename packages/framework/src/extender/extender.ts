/**
 * What the framework asks of an extender (kube's framework.Extender): an out-of-process service consulted after
 * the Filter plugins, beside the Score plugins, instead of the Bind plugins and in preemption's victim selection.
 * {@link HTTPExtender} speaks kube's HTTP protocol; tests may implement the interface directly.
 */
import type { Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import type { NodeInfoLister } from '../node-info/snapshot.js';

/** The name kube puts in a diagnosis' unschedulable plugins when an extender rejected nodes (fwk.ExtenderName). */
export const ExtenderName = 'Extender';

/** kube's MaxExtenderPriority: extenders score nodes from 0 to 10. */
export const MaxExtenderPriority = 10;

/** What a filter call answered: the nodes that pass (a subset of those sent) and why the others do not. */
export interface ExtenderFilterOutcome {
  feasible: NodeInfo[];
  /** Node name to message: the node does not fit, preemption may help. */
  failed: ReadonlyMap<string, string>;
  /** Node name to message: the node does not fit and preemption cannot help (wins over `failed`). */
  failedAndUnresolvable: ReadonlyMap<string, string>;
}

/** One node's score from an extender's prioritize call (kube's HostPriority). */
export interface HostScore {
  host: string;
  /** 0 to MaxExtenderPriority by the protocol; kube does not check the range, nor does schedkit. */
  score: number;
}

/** The pods preemption would evict on one node (kube's extenderv1.Victims). */
export interface Victims {
  /** Most important first. */
  pods: Pod[];
  numPDBViolations: number;
}

/** The binding an extender is asked to make (kube's ExtenderBindingArgs). */
export interface ExtenderBinding {
  podName: string;
  podNamespace: string;
  podUID: string;
  node: string;
}

/** An extender, as the framework calls it. Every call may be cancelled through `signal`. */
export interface Extender {
  /** kube names an extender by its URL prefix. */
  readonly name: string;
  /** Errors skip the extender instead of failing the cycle. */
  readonly ignorable: boolean;
  /** The multiplier of its prioritize scores. */
  readonly weight: number;
  readonly isFilter: boolean;
  readonly isPrioritizer: boolean;
  readonly isBinder: boolean;
  readonly supportsPreemption: boolean;
  /** Whether `pod` is the extender's business: it requests one of the managed resources (any pod when none are listed). */
  isInterested(pod: Pod): boolean;
  filter(pod: Pod, nodes: readonly NodeInfo[], signal?: AbortSignal): Promise<ExtenderFilterOutcome>;
  prioritize(pod: Pod, nodes: readonly NodeInfo[], signal?: AbortSignal): Promise<HostScore[]>;
  bind(binding: ExtenderBinding, signal?: AbortSignal): Promise<void>;
  /** Narrows (or changes) the victims per node; the answer names nodes and pods of `nodeInfos`. */
  processPreemption(pod: Pod, victims: ReadonlyMap<string, Victims>, nodeInfos: NodeInfoLister, signal?: AbortSignal): Promise<Map<string, Victims>>;
}
