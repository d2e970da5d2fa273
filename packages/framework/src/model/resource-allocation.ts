import type { NodeInfo } from '../node-info/node-info.js';
import { podRequests, podSpecRequestsWithDefaults } from './pod-requests.js';
import { isScalarResourceName } from './resource.js';
import { type Pod, ResourceCPU, ResourceEphemeralStorage, ResourceMemory } from './types.js';

/**
 * The resource scorers' shared model (kube's noderesources `resourceAllocationScorer`): NodeResourcesFit's
 * scoring strategies and NodeResourcesBalancedAllocation both read the incoming pod's request of each scored
 * resource and each node's allocatable and requested amounts through these functions.
 */

/** A resource a score looks at, and its weight in the weighted mean (kube's `ResourceSpec`). */
export interface ResourceSpec {
  /** A resource name: `cpu`, `memory`, `ephemeral-storage` or an extended resource such as `example.com/gpu`. */
  name: string;
  /** 1..100; 0 or unset means 1. */
  weight: number;
}

/**
 * Which node totals a resource score compares against: NodeResourcesFit scores with the non-zero requests
 * (a pod without a cpu or memory request counts as 100m / 200Mi, so best-effort pods still weigh on the node),
 * NodeResourcesBalancedAllocation with the plain requests.
 */
export type RequestAccounting = 'nonZero' | 'requested';

/**
 * The incoming pod's request of each named resource, as kube's `calculatePodResourceRequestList` computes it:
 * cpu in millicores, everything else by its integer value. `requested` accounting (BalancedAllocation) reads
 * {@link podRequests}; `nonZero` accounting (NodeResourcesFit) reads {@link podSpecRequestsWithDefaults}: a
 * container that does not mention cpu or memory counts as 100m / 200Mi, and, as kube's NodeResourcesFit scorer is
 * built without the PodLevelResources gate, pod-level requests are not read.
 */
export function podResourceRequestList(pod: Pod, resourceNames: readonly string[], accounting: RequestAccounting): number[] {
  const requests = accounting === 'nonZero' ? podSpecRequestsWithDefaults(pod) : podRequests(pod);
  return resourceNames.map((name) => requests.get(name));
}

/**
 * Fills, for each resource, the node's allocatable amount and the amount requested once the pod is placed
 * (kube's `calculateResourceAllocatableRequest`). A resource gets (0, 0), which scorers skip, when the node does
 * not offer it, or when it is a scalar (extended) resource the pod does not request. Ephemeral storage and scalar
 * resources always use the plain requests; cpu and memory follow `accounting`.
 */
export function fillAllocatableAndRequested(
  nodeInfo: NodeInfo,
  resourceNames: readonly string[],
  podRequestList: readonly number[],
  accounting: RequestAccounting,
  requestedOut: number[],
  allocatableOut: number[],
): void {
  const allocatable = nodeInfo.allocatable;
  const requested = nodeInfo.requested;
  const cpuAndMemory = accounting === 'nonZero' ? nodeInfo.nonZeroRequested : requested;
  for (let i = 0; i < resourceNames.length; i++) {
    const name = resourceNames[i]!;
    const podRequest = podRequestList[i]!;
    let alloc = 0;
    let req = 0;
    if (name === ResourceCPU) {
      alloc = allocatable.milliCPU;
      req = cpuAndMemory.milliCPU + podRequest;
    } else if (name === ResourceMemory) {
      alloc = allocatable.memory;
      req = cpuAndMemory.memory + podRequest;
    } else if (name === ResourceEphemeralStorage) {
      alloc = allocatable.ephemeralStorage;
      req = requested.ephemeralStorage + podRequest;
    } else if (!(podRequest === 0 && isScalarResourceName(name))) {
      const offered = allocatable.scalarResources.get(name);
      if (offered !== undefined) {
        alloc = offered;
        req = (requested.scalarResources.get(name) ?? 0) + podRequest;
      }
    }
    // Only resources the node offers are scored.
    allocatableOut[i] = alloc;
    requestedOut[i] = alloc === 0 ? 0 : req;
  }
}

/** True when the pod requests none of the scored resources (kube's `isBestEffortPod`). */
export function requestsNothing(podRequestList: readonly number[]): boolean {
  // A plain loop: Score calls this for every node, and a callback would allocate a closure each time.
  for (let i = 0; i < podRequestList.length; i++) if (podRequestList[i] !== 0) return false;
  return true;
}
