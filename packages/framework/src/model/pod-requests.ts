import { parseQuantityOrZero, QuantityError } from './quantity.js';
import { Resource } from './resource.js';
import { type Container, type ContainerStatus, objectKey, type Pod, ResourceCPU, type ResourceList, ResourceMemory } from './types.js';

/** Amount per resource name, exact, in units of 10⁻⁹: kube adds and compares Quantities exactly before converting. */
type Amounts = Map<string, bigint>;

/** cpu counted for a container that requests none, for scoring only (kube's `DefaultMilliCPURequest`). */
export const DefaultMilliCPURequest = 100;
/** memory counted for a container that requests none, for scoring only (kube's `DefaultMemoryRequest`). */
export const DefaultMemoryRequest = 200 * 1024 * 1024;

/** A pod's cpu (millicores) and memory (bytes) with missing container requests replaced by the defaults. */
export interface NonZeroRequests {
  readonly milliCPU: number;
  readonly memory: number;
}

interface PodResources {
  readonly requests: Resource;
  readonly nonZero: NonZeroRequests;
}

const cache = new WeakMap<Pod, PodResources>();

/**
 * The resources a pod needs on a node, as kube-scheduler 1.35 computes them (`PodInfo.CalculateResource`):
 * the sum of the containers and the restartable init containers (sidecars), at least the need of each
 * regular init container while it runs (itself plus the sidecars started before it), pod-level
 * `spec.resources.requests` replacing cpu, memory and hugepages when set, plus `spec.overhead`. For a
 * container whose status reports resized resources, the larger of spec and status counts.
 *
 * The result is cached per pod object and shared: do not mutate it.
 * @throws QuantityError for a malformed quantity.
 */
export function podRequests(pod: Pod): Resource {
  return podResources(pod).requests;
}

/**
 * cpu and memory as NodeInfo's `NonZeroRequested` counts them: computed like {@link podRequests}, but a
 * container (regular or init) that does not mention cpu or memory in its requests counts as
 * {@link DefaultMilliCPURequest} / {@link DefaultMemoryRequest}. An explicit request, even `"0"`, is kept.
 * With pod-level requests the defaults apply only to a resource that neither the pod level nor any container
 * requests.
 */
export function podNonZeroRequests(pod: Pod): NonZeroRequests {
  return podResources(pod).nonZero;
}

function podResources(pod: Pod): PodResources {
  let resources = cache.get(pod);
  if (resources) return resources;
  const requests = podRequestAmounts(pod, undefined);
  const podLevelSet = isPodLevelRequestsSet(pod);
  const nonMissing: Amounts = new Map();
  if (!podLevelSet || !requests.has(ResourceCPU)) nonMissing.set(ResourceCPU, BigInt(DefaultMilliCPURequest) * 1_000_000n);
  if (!podLevelSet || !requests.has(ResourceMemory)) nonMissing.set(ResourceMemory, BigInt(DefaultMemoryRequest) * 1_000_000_000n);
  const nonZeroAmounts = nonMissing.size > 0 ? podRequestAmounts(pod, nonMissing) : requests;
  const nonZero = Resource.fromNanos(
    new Map([
      [ResourceCPU, nonZeroAmounts.get(ResourceCPU) ?? 0n],
      [ResourceMemory, nonZeroAmounts.get(ResourceMemory) ?? 0n],
    ]),
  );
  resources = { requests: Resource.fromNanos(requests), nonZero: { milliCPU: nonZero.milliCPU, memory: nonZero.memory } };
  cache.set(pod, resources);
  return resources;
}

/** kube's `resourcehelper.PodRequests` with the scheduler's options (status resources and pod-level resources on). */
function podRequestAmounts(pod: Pod, nonMissing: Amounts | undefined): Amounts {
  const requests = aggregateContainerRequests(pod, nonMissing);
  const podLevel = pod.spec.resources?.requests;
  if (podLevel && isPodLevelRequestsSet(pod)) {
    for (const name of Object.keys(podLevel)) {
      if (isSupportedPodLevelResource(name)) requests.set(name, amountOf(podLevel[name], () => `${podField(pod)} spec.resources.requests.${name}`));
    }
  }
  if (pod.spec.overhead) addInto(requests, listAmounts(pod.spec.overhead, () => `${podField(pod)} spec.overhead`));
  return requests;
}

function aggregateContainerRequests(pod: Pod, nonMissing: Amounts | undefined): Amounts {
  const statuses = containerStatusesByName(pod);
  const resizeInfeasible = statuses !== undefined && isPodResizeInfeasible(pod);
  const result: Amounts = new Map();
  pod.spec.containers.forEach((container, index) => {
    let requests = containerRequests(pod, container, statuses?.get(container.name), resizeInfeasible, `spec.containers[${index}]`);
    if (nonMissing) requests = withDefaults(requests, nonMissing);
    addInto(result, requests);
  });

  // While the i-th regular init container runs, the sidecars started before it run too.
  const sidecars: Amounts = new Map();
  const initPeak: Amounts = new Map();
  (pod.spec.initContainers ?? []).forEach((container, index) => {
    const sidecar = container.restartPolicy === 'Always';
    const status = sidecar ? statuses?.get(container.name) : undefined;
    let requests = containerRequests(pod, container, status, resizeInfeasible, `spec.initContainers[${index}]`);
    if (nonMissing) requests = withDefaults(requests, nonMissing);
    if (sidecar) {
      addInto(result, requests);
      addInto(sidecars, requests);
      maxInto(initPeak, sidecars);
    } else {
      const running = new Map(requests);
      addInto(running, sidecars);
      maxInto(initPeak, running);
    }
  });
  maxInto(result, initPeak);
  return result;
}

/** A container's requests; with a status carrying resources, the larger of spec, actuated and allocated. */
function containerRequests(pod: Pod, container: Container, status: ContainerStatus | undefined, resizeInfeasible: boolean, path: string): Amounts {
  const spec = listAmounts(container.resources?.requests, () => `${podField(pod)} ${path}.resources.requests`);
  if (!status?.resources) return spec;
  const statusPath = `status.${path.startsWith('spec.init') ? 'initContainerStatuses' : 'containerStatuses'}[name=${container.name}]`;
  const actuated = listAmounts(status.resources.requests, () => `${podField(pod)} ${statusPath}.resources.requests`);
  const allocated = listAmounts(status.allocatedResources, () => `${podField(pod)} ${statusPath}.allocatedResources`);
  // An infeasible resize will not happen, so the spec does not count.
  const result: Amounts = resizeInfeasible ? new Map() : spec;
  maxInto(result, actuated);
  maxInto(result, allocated);
  return result;
}

function containerStatusesByName(pod: Pod): Map<string, ContainerStatus> | undefined {
  const regular = pod.status?.containerStatuses;
  const init = pod.status?.initContainerStatuses;
  if (!regular?.length && !init?.length) return undefined;
  const byName = new Map<string, ContainerStatus>();
  for (const status of regular ?? []) byName.set(status.name, status);
  for (const status of init ?? []) byName.set(status.name, status);
  return byName;
}

function isPodResizeInfeasible(pod: Pod): boolean {
  const condition = pod.status?.conditions?.find((c) => c.type === 'PodResizePending');
  return condition?.reason === 'Infeasible';
}

/** kube's `IsPodLevelRequestsSet`: some cpu, memory or hugepages request at the pod level. */
function isPodLevelRequestsSet(pod: Pod): boolean {
  const requests = pod.spec.resources?.requests;
  if (!requests) return false;
  for (const name of Object.keys(requests)) if (isSupportedPodLevelResource(name)) return true;
  return false;
}

function isSupportedPodLevelResource(name: string): boolean {
  return name === ResourceCPU || name === ResourceMemory || name.startsWith('hugepages-');
}

/** A copy of `requests` with the resources it does not mention set to their default. */
function withDefaults(requests: Amounts, defaults: Amounts): Amounts {
  const result = new Map(requests);
  for (const [name, amount] of defaults) if (!requests.has(name)) result.set(name, amount);
  return result;
}

function listAmounts(list: ResourceList | null | undefined, field: () => string): Amounts {
  const amounts: Amounts = new Map();
  if (!list) return amounts;
  for (const name of Object.keys(list)) amounts.set(name, amountOf(list[name], () => `${field()}.${name}`));
  return amounts;
}

/** Parses without building the field path unless the value is malformed. */
function amountOf(value: string | number | null | undefined, field: () => string): bigint {
  try {
    return parseQuantityOrZero(value).nanos;
  } catch (error) {
    if (error instanceof QuantityError) throw new QuantityError(field(), error.value);
    throw error;
  }
}

function addInto(target: Amounts, source: Amounts): void {
  for (const [name, amount] of source) target.set(name, (target.get(name) ?? 0n) + amount);
}

function maxInto(target: Amounts, source: Amounts): void {
  for (const [name, amount] of source) {
    const current = target.get(name);
    if (current === undefined || amount > current) target.set(name, amount);
  }
}

function podField(pod: Pod): string {
  return `pod ${objectKey(pod.metadata)}`;
}
