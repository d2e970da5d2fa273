import type { Parallelizer } from '@schedkit/parallelizer';
import type { CycleState } from '../cycle-state/cycle-state.js';
import type { PodInfo } from '../model/pod-info.js';
import type { Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import type { NodeInfoLister } from '../node-info/snapshot.js';
import type { PreemptionCandidate } from '../runtime/extender-calls.js';
import type { Status } from '../status/status.js';
import type { Binder, ObjectWriter, PodDeleter } from '../store/binder.js';
import type { ObjectLister } from '../store/object-lister.js';
import type { MaybePromise, PluginStatus } from './extension-points.js';

/** A pod held at Permit; plugins allow or reject it through this handle. */
export interface WaitingPod {
  readonly pod: Pod;
  /** The node the pod is reserved on. */
  readonly nodeName: string;
  /** Plugins that still have to allow the pod. */
  pendingPlugins(): readonly string[];
  /** Marks `pluginName`'s wait as satisfied; the pod proceeds once no plugin is pending. */
  allow(pluginName: string): void;
  /** Rejects the pod: binding is aborted and the pod is requeued. */
  reject(pluginName: string, message: string): void;
}

/** What the framework offers a plugin: read access to the cycle's cluster view and a few services. */
export interface Handle {
  /** The profile (scheduler name) this plugin instance belongs to. */
  readonly profileName: string;
  /** The current cycle's snapshot of nodes and their pods. */
  snapshot(): NodeInfoLister;
  /** Services, controllers and namespaces. */
  readonly objects: ObjectLister;
  /** Bounded concurrency for plugins that fan out over nodes. */
  readonly parallelizer: Parallelizer;
  /** Where bindings are written (DefaultBinder uses it). */
  readonly binder: Binder;
  /** The profile's random source in [0, 1) (seeded for reproducible runs). */
  readonly random: () => number;
  /** Where preemption deletes its victims. */
  readonly podDeleter: PodDeleter;
  /** Where plugins write other objects (VolumeBinding's claim and volume bindings). */
  readonly objectWriter: ObjectWriter;
  /** Pods waiting at Permit. */
  getWaitingPod(uid: string): WaitingPod | undefined;
  /** Calls `fn` for each pod waiting at Permit. */
  iterateOverWaitingPods(fn: (pod: WaitingPod) => void): void;
  /**
   * Hands preemption's candidates to the preempt extenders, which may narrow them or change their victims (kube's
   * callExtenders): the candidates left, or the Error status of a failing extender. Without extenders, the input.
   */
  processPreemptionWithExtenders(pod: Pod, candidates: readonly PreemptionCandidate[]): Promise<PreemptionCandidate[] | Status>;
  /** Rejects a waiting pod; returns whether it was waiting. */
  rejectWaitingPod(uid: string): boolean;
  /** Runs every Filter plugin of the profile on one node (preemption uses it to test a candidate). */
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybePromise<Status | null>;
  /** Runs the PreFilter extensions' AddPod of every PreFilter plugin. */
  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: Pod, podToAdd: PodInfo, nodeInfo: NodeInfo): MaybePromise<PluginStatus>;
  /** Runs the PreFilter extensions' RemovePod of every PreFilter plugin. */
  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: Pod, podToRemove: PodInfo, nodeInfo: NodeInfo): MaybePromise<PluginStatus>;
}
