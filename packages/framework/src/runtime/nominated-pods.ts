import type { CycleState } from '../cycle-state/cycle-state.js';
import type { PodInfo } from '../model/pod-info.js';
import type { Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import type { MaybePromise } from '../plugins/extension-points.js';
import type { Status } from '../status/status.js';
import { isThenable } from './maybe-promise.js';

/**
 * Pods nominated to nodes by preemption and not bound yet (kube's PodNominator): Filter counts them on their
 * nominated node for every pod of lower or equal priority, so the room preemption freed is kept for the pod
 * it was freed for.
 */
export interface NominatedPods {
  /** The pods nominated to `nodeName`, if any. */
  forNode(nodeName: string): readonly PodInfo[] | undefined;
}

/** A node with nominated pods added, and the cycle state brought up to date with them (PreFilter AddPod). */
export interface WithNominated {
  state: CycleState;
  nodeInfo: NodeInfo;
}

/**
 * kube's addGENominatedPods: copies of `state` and `nodeInfo` with the pods nominated to the node whose priority
 * is at least `pod`'s (never `pod` itself) added, through the PreFilter extensions' AddPod. Undefined when no
 * such pod is nominated there; an Error status when an AddPod failed.
 */
export function withNominatedPods(
  nominated: readonly PodInfo[],
  state: CycleState,
  pod: Pod,
  nodeInfo: NodeInfo,
  addPod: (state: CycleState, pod: Pod, added: PodInfo, nodeInfo: NodeInfo) => MaybePromise<Status | null | undefined>,
): MaybePromise<WithNominated | Status | undefined> {
  const priority = pod.spec.priority ?? 0;
  const uid = pod.metadata.uid;
  let out: WithNominated | undefined;
  for (let i = 0; i < nominated.length; i++) {
    const info = nominated[i]!;
    if ((info.pod.spec.priority ?? 0) < priority || isSamePod(info.pod, pod, uid)) continue;
    out ??= { state: state.clone(), nodeInfo: nodeInfo.clone() };
    out.nodeInfo.addPod(info);
    const status = addPod(out.state, pod, info, out.nodeInfo);
    if (isThenable(status)) return continueAsync(nominated, i, status, out, pod, priority, uid, addPod);
    if (status && status.code !== 0) return status;
  }
  return out;
}

async function continueAsync(
  nominated: readonly PodInfo[],
  index: number,
  pending: PromiseLike<Status | null | undefined>,
  out: WithNominated,
  pod: Pod,
  priority: number,
  uid: string | undefined,
  addPod: (state: CycleState, pod: Pod, added: PodInfo, nodeInfo: NodeInfo) => MaybePromise<Status | null | undefined>,
): Promise<WithNominated | Status> {
  const first = await pending;
  if (first && first.code !== 0) return first;
  for (let i = index + 1; i < nominated.length; i++) {
    const info = nominated[i]!;
    if ((info.pod.spec.priority ?? 0) < priority || isSamePod(info.pod, pod, uid)) continue;
    out.nodeInfo.addPod(info);
    const status = await addPod(out.state, pod, info, out.nodeInfo);
    if (status && status.code !== 0) return status;
  }
  return out;
}

/** Whether `candidate` is `pod` itself: by uid, or by namespace and name when `pod` has no uid (a pod fed without one). */
function isSamePod(candidate: Pod, pod: Pod, uid: string | undefined): boolean {
  if (uid !== undefined) return candidate.metadata.uid === uid;
  return candidate.metadata.name === pod.metadata.name && (candidate.metadata.namespace ?? 'default') === (pod.metadata.namespace ?? 'default');
}
