import { type NodeInfo, qualifiedNameErrors, type Resource, ResourceCPU, ResourceEphemeralStorage, ResourceMemory } from '@schedkit/framework';

/** One resource the node cannot supply to the pod (kube's `InsufficientResource`). */
export interface InsufficientResource {
  resourceName: string;
  /** kube's reason string: "Too many pods" or "Insufficient <resource>". */
  reason: string;
  /** What the pod asks for (1 for the pod count). */
  requested: number;
  /** What the node's pods already use. */
  used: number;
  /** The node's allocatable amount. */
  capacity: number;
  /** True when the node could not hold the pod even if empty, so preemption cannot help. */
  unresolvable: boolean;
}

/** Extended resources Filter leaves unchecked, by exact name or by the group before the '/'. */
export interface IgnoredResources {
  names: ReadonlySet<string>;
  groups: ReadonlySet<string>;
}

const noIgnoredResources: IgnoredResources = { names: new Set(), groups: new Set() };

/** kube's reason when the node already runs as many pods as it allows. */
export const ErrReasonTooManyPods = 'Too many pods';

/** kube's reason for a resource the node lacks: "Insufficient cpu", "Insufficient example.com/gpu"... */
export function insufficientReason(resourceName: string): string {
  return `Insufficient ${resourceName}`;
}

const extendedNameCache = new Map<string, boolean>();

/**
 * kube's `IsExtendedResourceName`: a name with a domain outside `kubernetes.io/`, not a quota name, valid as
 * the quota key `requests.<name>`. Only such resources can be ignored by the args.
 */
export function isExtendedResourceName(name: string): boolean {
  let result = extendedNameCache.get(name);
  if (result === undefined) {
    const native = !name.includes('/') || name.includes('kubernetes.io/');
    result = !native && !name.startsWith('requests.') && qualifiedNameErrors(`requests.${name}`).length === 0;
    extendedNameCache.set(name, result);
  }
  return result;
}

/** True when the request asks for no cpu, memory, ephemeral storage or scalar resource at all. */
export function isEmptyRequest(request: Resource): boolean {
  return request.milliCPU === 0 && request.memory === 0 && request.ephemeralStorage === 0 && request.scalarResources.size === 0;
}

function isIgnored(name: string, ignored: IgnoredResources): boolean {
  if (!isExtendedResourceName(name)) return false;
  if (ignored.names.has(name)) return true;
  if (ignored.groups.size === 0) return false;
  return ignored.groups.has(name.split('/')[0]!);
}

const noneMissing: InsufficientResource[] = [];

/** Appends a missing resource to `missing` (allocated on the first one) when `wanted` exceeds what is free. */
function checkResource(missing: InsufficientResource[] | undefined, resourceName: string, wanted: number, capacity: number, inUse: number): InsufficientResource[] | undefined {
  if (wanted <= 0 || wanted <= capacity - inUse) return missing;
  const entry = { resourceName, reason: insufficientReason(resourceName), requested: wanted, used: inUse, capacity, unresolvable: wanted > capacity };
  if (!missing) return [entry];
  missing.push(entry);
  return missing;
}

/**
 * Every resource `nodeInfo` lacks for a pod requesting `request` (kube's `fitsRequest`), in kube's order: the pod
 * count, cpu, memory, ephemeral storage, then the scalar resources in the order the pod requests them (kube walks
 * a Go map there, so its order among several missing scalar resources is unspecified). A resource is missing
 * when the pod asks for more than allocatable minus what the node's pods request; the pod count when the node
 * already runs as many pods as it allows. Returns an empty array (shared, do not mutate) when the pod fits.
 */
export function fitsRequest(request: Resource, nodeInfo: NodeInfo, ignored: IgnoredResources = noIgnoredResources): InsufficientResource[] {
  let missing: InsufficientResource[] | undefined;
  const allocatable = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  const podCount = nodeInfo.pods.length;
  if (podCount + 1 > allocatable.allowedPodNumber) {
    missing = [{ resourceName: 'pods', reason: ErrReasonTooManyPods, requested: 1, used: podCount, capacity: allocatable.allowedPodNumber, unresolvable: false }];
  }
  if (isEmptyRequest(request)) return missing ?? noneMissing;

  missing = checkResource(missing, ResourceCPU, request.milliCPU, allocatable.milliCPU, used.milliCPU);
  missing = checkResource(missing, ResourceMemory, request.memory, allocatable.memory, used.memory);
  missing = checkResource(missing, ResourceEphemeralStorage, request.ephemeralStorage, allocatable.ephemeralStorage, used.ephemeralStorage);
  if (request.scalarResources.size > 0) {
    for (const [name, wanted] of request.scalarResources) {
      if (wanted === 0 || isIgnored(name, ignored)) continue;
      missing = checkResource(missing, name, wanted, allocatable.scalarResources.get(name) ?? 0, used.scalarResources.get(name) ?? 0);
    }
  }
  return missing ?? noneMissing;
}
