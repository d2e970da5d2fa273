import type { CycleState } from '../cycle-state/cycle-state.js';
import type { PodInfo } from '../model/pod-info.js';
import type { Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import type { Status } from '../status/status.js';
import type { ClusterEventWithHint } from './events.js';
import { shareClassAcrossCopies } from '../shared-class.js';

/**
 * One interface per extension point, as kube-scheduler's `framework/interface.go` defines them. A plugin
 * implements the interfaces of the points it serves; the framework detects them by their methods.
 *
 * Conventions that keep the hot path cheap:
 * - `null` (or `undefined`) means Success: no Status is allocated for the common case.
 * - Any method may return a value or a promise of it. The runtime awaits only when it got a promise, so a
 *   synchronous plugin costs no promise.
 * - A throw or a rejected promise becomes an Error status naming the plugin; it never crashes the scheduler.
 */
export type MaybePromise<T> = T | PromiseLike<T>;

/** A status where `null`/`undefined` stands for Success. */
export type PluginStatus = Status | null | undefined;

/** Every plugin has a unique name, the one configurations use. */
export interface Plugin {
  readonly name: string;
}

/** A pod in the scheduling queue as QueueSort sees it. */
export interface QueuedPodInfo {
  readonly podInfo: PodInfo;
  /** When the pod was first added to the queue (ms, from the scheduler's clock). */
  readonly initialAttemptTimestamp: number;
  /** When the pod was last added to activeQ or backoffQ (ms). */
  readonly timestamp: number;
  /** Scheduling attempts so far. */
  readonly attempts: number;
}

/** PreEnqueue: a gate a pod must pass before it enters the active queue (e.g. scheduling gates). */
export interface PreEnqueuePlugin extends Plugin {
  /**
   * Called when a pod is added to the queue or is about to move to activeQ. Returning a non-success
   * status (usually UnschedulableAndUnresolvable) parks the pod until an event lets it through. Must be cheap.
   */
  preEnqueue(pod: Pod): MaybePromise<PluginStatus>;
}

/** QueueSort: orders the active queue. Exactly one QueueSort plugin is enabled per scheduler. */
export interface QueueSortPlugin extends Plugin {
  /** True when `a` should be scheduled before `b`. Synchronous and pure: it runs inside the heap. */
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

/**
 * The result of PreFilter that narrows the nodes Filter is run on. `nodeNames === null` means every node.
 * Results from several plugins are intersected.
 */
export class PreFilterResult {
  constructor(readonly nodeNames: ReadonlySet<string> | null) {}

  /** True when every node remains eligible. */
  allNodes(): boolean {
    return this.nodeNames === null;
  }

  /** The intersection of two results. */
  merge(other: PreFilterResult | null | undefined): PreFilterResult {
    if (!other || other.nodeNames === null) return this;
    if (this.nodeNames === null) return other;
    const both = new Set<string>();
    for (const name of this.nodeNames) if (other.nodeNames.has(name)) both.add(name);
    return new PreFilterResult(both);
  }
}

// A plugin resolving another copy of the framework returns that copy's PreFilterResult: the runtime still recognizes it.
shareClassAcrossCopies(PreFilterResult, 'PreFilterResult');

/** Incremental updates of PreFilter state, used when the framework evaluates a node with pods added/removed (preemption, nominated pods). */
export interface PreFilterExtensions {
  /** Update the cycle state as if `podToAdd` ran on `nodeInfo`. */
  addPod(state: CycleState, podToSchedule: Pod, podToAdd: PodInfo, nodeInfo: NodeInfo): MaybePromise<PluginStatus>;
  /** Update the cycle state as if `podToRemove` left `nodeInfo`. */
  removePod(state: CycleState, podToSchedule: Pod, podToRemove: PodInfo, nodeInfo: NodeInfo): MaybePromise<PluginStatus>;
}

/** PreFilter: computes per-cycle state once, checks cluster-wide conditions, may narrow the node set. */
export interface PreFilterPlugin extends Plugin {
  /**
   * Called once per cycle before Filter. Return a non-success status to reject the pod on every node
   * (the status is recorded for each node), Skip to have this plugin's Filter skipped for this pod,
   * a {@link PreFilterResult} to restrict the nodes, or null for Success on all nodes.
   */
  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): MaybePromise<PreFilterResult | PluginStatus>;
  /** Incremental state updates, or undefined when the plugin's state does not depend on other pods. */
  preFilterExtensions?(): PreFilterExtensions | undefined;
}

/** Filter: decides whether the pod can run on one node. Runs concurrently across nodes: no writes to shared state. */
export interface FilterPlugin extends Plugin {
  /**
   * Return null when the node fits, or Unschedulable / UnschedulableAndUnresolvable with kube's reason strings.
   * Must not modify `nodeInfo` or the cycle state.
   */
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybePromise<PluginStatus>;
}

/** The per-node statuses of a failed Filter phase. */
export interface NodeToStatus {
  /** The status recorded for `nodeName` (nodes absent from the map share `absentStatus`). */
  get(nodeName: string): Status | undefined;
  /** Every recorded node and status. */
  entries(): IterableIterator<[string, Status]>;
  /** The status of nodes with no entry (e.g. outside the PreFilterResult), if any. */
  readonly absentStatus: Status | undefined;
}

/** What a PostFilter plugin found (e.g. a node to nominate after preemption). */
export interface PostFilterResult {
  nominatedNodeName?: string;
}

/** PostFilter: runs only when no node fits (preemption lives here). */
export interface PostFilterPlugin extends Plugin {
  /**
   * Try to make the pod schedulable. Return Success with a nominated node, or Unschedulable to let the next
   * PostFilter plugin try. Statuses are the outcomes of Filter for each node.
   */
  postFilter(state: CycleState, pod: Pod, filteredNodeStatuses: NodeToStatus): MaybePromise<{ result?: PostFilterResult; status: PluginStatus }>;
}

/** PreScore: computes per-cycle scoring state once for the feasible nodes. */
export interface PreScorePlugin extends Plugin {
  /**
   * Return Skip to have this plugin's Score skipped for this pod, or null for Success. `nodes` are the feasible
   * nodes; the list is the framework's and is reused by its next cycle: copy it to keep it.
   */
  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): MaybePromise<PluginStatus>;
}

/** A node and its score, the element NormalizeScore rewrites in place. */
export interface NodeScore {
  readonly name: string;
  score: number;
}

/** The highest score a plugin may return after normalization (kube's MaxNodeScore). */
export const MaxNodeScore = 100;
/** The lowest score a plugin may return after normalization. */
export const MinNodeScore = 0;
/** The highest total weight × score the framework tolerates (kube's MaxTotalScore). */
export const MaxTotalScore = Number.MAX_SAFE_INTEGER;

/** Score: ranks one feasible node. Runs concurrently across nodes. */
export interface ScorePlugin extends Plugin {
  /**
   * Return an integer score (any range when the plugin normalizes, else 0..100), or a non-success Status.
   * Must not write to the cycle state.
   */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybePromise<number | Status>;
  /**
   * Rewrites every node's score into [0, 100] after all nodes are scored. Optional: without it the raw score
   * must already be in range.
   */
  normalizeScore?(state: CycleState, pod: Pod, scores: NodeScore[]): MaybePromise<PluginStatus>;
}

/** Reserve: claims the node's resources in plugin-held state before binding; Unreserve undoes it. */
export interface ReservePlugin extends Plugin {
  /** Called after the pod is assumed on `nodeName`. A non-success status aborts the cycle (and runs Unreserve). */
  reserve(state: CycleState, pod: Pod, nodeName: string): MaybePromise<PluginStatus>;
  /** Undo Reserve. Called in reverse plugin order on any later failure; must be idempotent and must not fail. */
  unreserve(state: CycleState, pod: Pod, nodeName: string): MaybePromise<void>;
}

/** What Permit says: proceed (null), reject, or wait up to `timeoutMs` for an allow. */
export interface PermitVerdict {
  status: PluginStatus;
  /** With a Wait status: how long to wait before rejecting. */
  timeoutMs?: number;
}

/** Permit: the last gate before binding; can delay binding (gang scheduling). */
export interface PermitPlugin extends Plugin {
  /**
   * Return `{status: null}` to allow, a rejecting status to abort, or `{status: Wait, timeoutMs}` to hold the pod
   * until a WaitingPod handle allows or rejects it, or the timeout rejects it.
   */
  permit(state: CycleState, pod: Pod, nodeName: string): MaybePromise<PermitVerdict>;
}

/** PreBind: work that must finish before the binding is written (e.g. attach a volume). */
export interface PreBindPlugin extends Plugin {
  /** A non-success status aborts binding and runs Unreserve. */
  preBind(state: CycleState, pod: Pod, nodeName: string): MaybePromise<PluginStatus>;
}

/** Bind: writes the binding. Binders are tried in order until one does not return Skip. */
export interface BindPlugin extends Plugin {
  /** Return Skip to let the next binder handle the pod, null when bound, an Error status when binding failed. */
  bind(state: CycleState, pod: Pod, nodeName: string): MaybePromise<PluginStatus>;
}

/** PostBind: informational, after a successful bind. */
export interface PostBindPlugin extends Plugin {
  /** Called after the pod is bound. Cannot fail the pod. */
  postBind(state: CycleState, pod: Pod, nodeName: string): MaybePromise<void>;
}

/** EnqueueExtensions: which cluster events may make a pod this plugin rejected schedulable. */
export interface EnqueueExtensions extends Plugin {
  /** The events (with optional queueing hints) that should move pods rejected by this plugin back to the active queue. */
  eventsToRegister(): readonly ClusterEventWithHint[];
}

/** The extension points in the order a pod meets them. */
export const ExtensionPoints = [
  'preEnqueue',
  'queueSort',
  'preFilter',
  'filter',
  'postFilter',
  'preScore',
  'score',
  'reserve',
  'permit',
  'preBind',
  'bind',
  'postBind',
] as const;

/** One of {@link ExtensionPoints}. */
export type ExtensionPoint = (typeof ExtensionPoints)[number];

/** Maps each extension point to its interface. */
export interface PluginForPoint {
  preEnqueue: PreEnqueuePlugin;
  queueSort: QueueSortPlugin;
  preFilter: PreFilterPlugin;
  filter: FilterPlugin;
  postFilter: PostFilterPlugin;
  preScore: PreScorePlugin;
  score: ScorePlugin;
  reserve: ReservePlugin;
  permit: PermitPlugin;
  preBind: PreBindPlugin;
  bind: BindPlugin;
  postBind: PostBindPlugin;
}

/** The method whose presence tells that a plugin serves a point (as Go's interface assertion does). */
export const pointMethod: Record<ExtensionPoint, string> = {
  preEnqueue: 'preEnqueue',
  queueSort: 'less',
  preFilter: 'preFilter',
  filter: 'filter',
  postFilter: 'postFilter',
  preScore: 'preScore',
  score: 'score',
  reserve: 'reserve',
  permit: 'permit',
  preBind: 'preBind',
  bind: 'bind',
  postBind: 'postBind',
};

/** True when `plugin` implements the interface of `point`. */
export function implementsPoint<P extends ExtensionPoint>(plugin: Plugin, point: P): plugin is Plugin & PluginForPoint[P] {
  return typeof (plugin as unknown as Record<string, unknown>)[pointMethod[point]] === 'function';
}
