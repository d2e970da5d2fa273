import {
  isScalarResourceName,
  type NodeInfo,
  type Pod,
  podNonZeroRequests,
  podRequests,
  ResourceCPU,
  ResourceEphemeralStorage,
  ResourceMemory,
} from '@schedkit/framework';

/**
 * Which node totals a resource score compares against: NodeResourcesFit scores with the non-zero requests
 * (a pod without a cpu or memory request counts as 100m / 200Mi, so best-effort pods still weigh on the node),
 * NodeResourcesBalancedAllocation with the plain requests.
 */
export type RequestAccounting = 'nonZero' | 'requested';

/**
 * The incoming pod's request of each named resource, as kube's `calculatePodResourceRequestList` computes it:
 * cpu in millicores, everything else by its integer value. With `nonZero` accounting a container that does not
 * mention cpu or memory counts as 100m / 200Mi (kube applies these defaults to every such container, also when
 * pod-level requests are set for the other resource).
 */
export function podResourceRequestList(pod: Pod, resourceNames: readonly string[], accounting: RequestAccounting): number[] {
  const requests = podRequests(pod);
  const nonZero = accounting === 'nonZero' ? scoringNonZeroRequests(pod) : undefined;
  return resourceNames.map((name) => {
    if (nonZero && name === ResourceCPU) return nonZero.milliCPU;
    if (nonZero && name === ResourceMemory) return nonZero.memory;
    return requests.get(name);
  });
}

/**
 * cpu and memory of the pod with kube's scoring defaults. They equal NodeInfo's non-zero requests unless the pod
 * sets pod-level requests: then NodeInfo applies a default only to a resource no container mentions, while the
 * scorer defaults every container missing it, which is the pod's non-zero request without its pod-level part.
 */
function scoringNonZeroRequests(pod: Pod): { milliCPU: number; memory: number } {
  const podLevel = pod.spec.resources?.requests;
  const nonZero = podNonZeroRequests(pod);
  if (!podLevel || !isPodLevelRequestsSet(podLevel)) return nonZero;
  const containerLevel = podNonZeroRequests({ ...pod, spec: { ...pod.spec, resources: undefined } });
  return {
    milliCPU: ResourceCPU in podLevel ? nonZero.milliCPU : containerLevel.milliCPU,
    memory: ResourceMemory in podLevel ? nonZero.memory : containerLevel.memory,
  };
}

/** kube's `IsPodLevelRequestsSet`: a cpu, memory or hugepages request at the pod level. */
function isPodLevelRequestsSet(requests: Readonly<Record<string, unknown>>): boolean {
  for (const name of Object.keys(requests)) {
    if (name === ResourceCPU || name === ResourceMemory || name.startsWith('hugepages-')) return true;
  }
  return false;
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
