import { parseQuantityOrZero, type Quantity, QuantityError } from './quantity.js';
import { Resource } from './resource.js';
import { type Container, type ContainerStatus, objectKey, type Pod, ResourceCPU, type ResourceList, ResourceMemory } from './types.js';

/** cpu counted for a container that requests none, for scoring only (kube's `DefaultMilliCPURequest`). */
export const DefaultMilliCPURequest = 100;
/** memory counted for a container that requests none, for scoring only (kube's `DefaultMemoryRequest`). */
export const DefaultMemoryRequest = 200 * 1024 * 1024;

/** Amount per resource name. */
type Amounts<T> = Map<string, T>;

/**
 * How amounts are added and compared. kube adds and compares Quantities exactly and converts the total once,
 * so a pod is computed in whole units (millicores for cpu) when every quantity it has is whole in them, and
 * in exact nanos otherwise.
 */
interface Arithmetic<T extends number | bigint> {
  of(quantity: Quantity, name: string): T;
  add(a: T, b: T): T;
  readonly defaultCPU: T;
  readonly defaultMemory: T;
}

/** Set when a quantity is not whole in its unit; the pod is then recomputed in nanos. */
let inexact = false;

const units: Arithmetic<number> = {
  of(quantity, name) {
    if (name === ResourceCPU) {
      if (!quantity.milliExact) inexact = true;
      return quantity.milliValue();
    }
    if (!quantity.valueExact) inexact = true;
    return quantity.value();
  },
  add: (a, b) => a + b,
  defaultCPU: DefaultMilliCPURequest,
  defaultMemory: DefaultMemoryRequest,
};

const nanos: Arithmetic<bigint> = {
  of: (quantity) => quantity.nanos,
  add: (a, b) => a + b,
  defaultCPU: BigInt(DefaultMilliCPURequest) * 1_000_000n,
  defaultMemory: BigInt(DefaultMemoryRequest) * 1_000_000_000n,
};

/** A pod's cpu (millicores) and memory (bytes) with missing container requests replaced by the defaults. */
export interface NonZeroRequests {
  readonly milliCPU: number;
  readonly memory: number;
}

interface PodResources {
  readonly requests: Resource;
  readonly nonZero: NonZeroRequests;
  readonly withDefaults: Resource;
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

/**
 * The incoming pod's requests as the resource scorers (NodeResourcesFit, NodeResourcesBalancedAllocation)
 * compute them when they score non-zero requests: like {@link podRequests}, with the cpu/memory defaults for
 * every container that does not mention them, whether or not pod-level requests are set (unlike
 * {@link podNonZeroRequests}, which follows NodeInfo). Cached and shared: do not mutate.
 */
export function podRequestsWithDefaults(pod: Pod): Resource {
  return podResources(pod).withDefaults;
}

/**
 * Everything {@link podResources} reads from a pod, by reference, with the result: a pod rewritten without
 * touching these (bound to a node, a condition added) shares its containers array and gets the same answer
 * without computing it again.
 */
interface ResourceInputs {
  readonly initContainers: Pod['spec']['initContainers'];
  readonly podLevel: Pod['spec']['resources'];
  readonly overhead: Pod['spec']['overhead'];
  readonly containerStatuses: readonly ContainerStatus[] | undefined;
  readonly initContainerStatuses: readonly ContainerStatus[] | undefined;
  readonly resizeInfeasible: boolean;
  readonly resources: PodResources;
}

const byContainers = new WeakMap<readonly Container[], ResourceInputs>();

function podResources(pod: Pod): PodResources {
  let resources = cache.get(pod);
  if (resources) return resources;
  const spec = pod.spec;
  const status = pod.status;
  const containerStatuses = status?.containerStatuses;
  const initContainerStatuses = status?.initContainerStatuses;
  const resizeInfeasible = (containerStatuses !== undefined || initContainerStatuses !== undefined) && isPodResizeInfeasible(pod);
  const seen = byContainers.get(spec.containers);
  if (
    seen !== undefined &&
    seen.initContainers === spec.initContainers &&
    seen.podLevel === spec.resources &&
    seen.overhead === spec.overhead &&
    seen.containerStatuses === containerStatuses &&
    seen.initContainerStatuses === initContainerStatuses &&
    seen.resizeInfeasible === resizeInfeasible
  ) {
    cache.set(pod, seen.resources);
    return seen.resources;
  }
  resources = computePodResources(pod);
  cache.set(pod, resources);
  byContainers.set(spec.containers, {
    initContainers: spec.initContainers,
    podLevel: spec.resources,
    overhead: spec.overhead,
    containerStatuses,
    initContainerStatuses,
    resizeInfeasible,
    resources,
  });
  return resources;
}

function computePodResources(pod: Pod): PodResources {
  let resources: PodResources;
  inexact = false;
  const inUnits = calculate(pod, units);
  if (!inexact) {
    const nonZero = Resource.fromAmounts(inUnits.nonZero);
    resources = {
      requests: Resource.fromAmounts(inUnits.requests),
      nonZero: { milliCPU: nonZero.milliCPU, memory: nonZero.memory },
      withDefaults: inUnits.withDefaults === inUnits.nonZero ? nonZero : Resource.fromAmounts(inUnits.withDefaults),
    };
  } else {
    const inNanos = calculate(pod, nanos);
    const nonZero = Resource.fromNanos(inNanos.nonZero);
    resources = {
      requests: Resource.fromNanos(inNanos.requests),
      nonZero: { milliCPU: nonZero.milliCPU, memory: nonZero.memory },
      withDefaults: inNanos.withDefaults === inNanos.nonZero ? nonZero : Resource.fromNanos(inNanos.withDefaults),
    };
  }
  return resources;
}

/**
 * The pod's requests; with defaults for missing container cpu/memory as NodeInfo applies them (kube's
 * `CalculateResource`); and with the defaults always applied (the resource scorers).
 */
function calculate<T extends number | bigint>(pod: Pod, arithmetic: Arithmetic<T>): { requests: Amounts<T>; nonZero: Amounts<T>; withDefaults: Amounts<T> } {
  const requests = podRequestAmounts(pod, arithmetic, undefined);
  const defaults: Amounts<T> = new Map([
    [ResourceCPU, arithmetic.defaultCPU],
    [ResourceMemory, arithmetic.defaultMemory],
  ]);
  const withDefaults = podRequestAmounts(pod, arithmetic, defaults);
  if (!isPodLevelRequestsSet(pod)) return { requests, nonZero: withDefaults, withDefaults };
  // With pod-level requests, NodeInfo defaults only what neither the pod level nor any container requests.
  const nonMissing: Amounts<T> = new Map();
  for (const [name, amount] of defaults) if (!requests.has(name)) nonMissing.set(name, amount);
  const nonZero = nonMissing.size > 0 ? podRequestAmounts(pod, arithmetic, nonMissing) : requests;
  return { requests, nonZero, withDefaults };
}

/**
 * The pod's requests in the spec alone, as NodeResourcesFit's scoring strategies compute them: kube builds their
 * resource scorer without the PodLevelResources and InPlacePodVerticalScaling gates (`nodeResourceStrategyTypeMap`
 * in noderesources/fit.go), so `calculatePodResourceRequest` skips pod-level requests and resized container
 * statuses. Every container (regular or init) that does not mention cpu or memory counts as
 * {@link DefaultMilliCPURequest} / {@link DefaultMemoryRequest}; init containers and sidecars count as in
 * {@link podRequests}, and `spec.overhead` is added.
 * @throws QuantityError for a malformed quantity.
 */
export function podSpecRequestsWithDefaults(pod: Pod): Resource {
  const options: RequestOptions = { podLevel: false, status: false };
  inexact = false;
  const inUnits = podRequestAmounts(pod, units, new Map([[ResourceCPU, units.defaultCPU], [ResourceMemory, units.defaultMemory]]), options);
  if (!inexact) return Resource.fromAmounts(inUnits);
  return Resource.fromNanos(podRequestAmounts(pod, nanos, new Map([[ResourceCPU, nanos.defaultCPU], [ResourceMemory, nanos.defaultMemory]]), options));
}

/** Which of kube's PodResourcesOptions apply: pod-level requests (not skipped) and container status resources. */
interface RequestOptions {
  readonly podLevel: boolean;
  readonly status: boolean;
}

/** The scheduler's options: status resources and pod-level resources on. */
const schedulerOptions: RequestOptions = { podLevel: true, status: true };

/** kube's `resourcehelper.PodRequests` (by default with the scheduler's options). */
function podRequestAmounts<T extends number | bigint>(
  pod: Pod,
  arithmetic: Arithmetic<T>,
  nonMissing: Amounts<T> | undefined,
  options: RequestOptions = schedulerOptions,
): Amounts<T> {
  const requests = aggregateContainerRequests(pod, arithmetic, nonMissing, options.status);
  const podLevel = pod.spec.resources?.requests;
  if (options.podLevel && podLevel && isPodLevelRequestsSet(pod)) {
    for (const name of Object.keys(podLevel)) {
      if (isSupportedPodLevelResource(name)) {
        requests.set(name, arithmetic.of(quantityOf(podLevel[name], () => `${podField(pod)} spec.resources.requests.${name}`), name));
      }
    }
  }
  if (pod.spec.overhead) addInto(arithmetic, requests, listAmounts(arithmetic, pod.spec.overhead, () => `${podField(pod)} spec.overhead`));
  return requests;
}

function aggregateContainerRequests<T extends number | bigint>(
  pod: Pod,
  arithmetic: Arithmetic<T>,
  nonMissing: Amounts<T> | undefined,
  useStatus: boolean,
): Amounts<T> {
  const statuses = useStatus ? containerStatusesByName(pod) : undefined;
  const resizeInfeasible = statuses !== undefined && isPodResizeInfeasible(pod);
  const result: Amounts<T> = new Map();
  const containers = pod.spec.containers;
  for (let i = 0; i < containers.length; i++) {
    const container = containers[i]!;
    let requests = containerRequests(pod, arithmetic, container, statuses?.get(container.name), resizeInfeasible, 'containers', i);
    if (nonMissing) requests = withDefaults(requests, nonMissing);
    addInto(arithmetic, result, requests);
  }

  const initContainers = pod.spec.initContainers;
  if (initContainers && initContainers.length > 0) {
    // While the i-th regular init container runs, the sidecars started before it run too.
    const sidecars: Amounts<T> = new Map();
    const initPeak: Amounts<T> = new Map();
    for (let i = 0; i < initContainers.length; i++) {
      const container = initContainers[i]!;
      const sidecar = container.restartPolicy === 'Always';
      const status = sidecar ? statuses?.get(container.name) : undefined;
      let requests = containerRequests(pod, arithmetic, container, status, resizeInfeasible, 'initContainers', i);
      if (nonMissing) requests = withDefaults(requests, nonMissing);
      if (sidecar) {
        addInto(arithmetic, result, requests);
        addInto(arithmetic, sidecars, requests);
        maxInto(initPeak, sidecars);
      } else {
        const running = new Map(requests);
        addInto(arithmetic, running, sidecars);
        maxInto(initPeak, running);
      }
    }
    maxInto(result, initPeak);
  }
  return result;
}

/** A container's requests; with a status carrying resources, the larger of spec, actuated and allocated. */
function containerRequests<T extends number | bigint>(
  pod: Pod,
  arithmetic: Arithmetic<T>,
  container: Container,
  status: ContainerStatus | undefined,
  resizeInfeasible: boolean,
  list: 'containers' | 'initContainers',
  index: number,
): Amounts<T> {
  const spec = listAmounts(arithmetic, container.resources?.requests, () => `${podField(pod)} spec.${list}[${index}].resources.requests`);
  if (!status?.resources) return spec;
  const statusPath = `status.${list === 'containers' ? 'containerStatuses' : 'initContainerStatuses'}[name=${container.name}]`;
  const actuated = listAmounts(arithmetic, status.resources.requests, () => `${podField(pod)} ${statusPath}.resources.requests`);
  const allocated = listAmounts(arithmetic, status.allocatedResources, () => `${podField(pod)} ${statusPath}.allocatedResources`);
  // An infeasible resize will not happen, so the spec does not count.
  const result: Amounts<T> = resizeInfeasible ? new Map() : spec;
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
function withDefaults<T>(requests: Amounts<T>, defaults: Amounts<T>): Amounts<T> {
  const result = new Map(requests);
  for (const [name, amount] of defaults) if (!requests.has(name)) result.set(name, amount);
  return result;
}

function listAmounts<T extends number | bigint>(arithmetic: Arithmetic<T>, list: ResourceList | null | undefined, field: () => string): Amounts<T> {
  const amounts: Amounts<T> = new Map();
  if (!list) return amounts;
  for (const name in list) amounts.set(name, arithmetic.of(quantityOf(list[name], () => `${field()}.${name}`), name));
  return amounts;
}

/** Parses without building the field path unless the value is malformed. */
function quantityOf(value: string | number | null | undefined, field: () => string): Quantity {
  try {
    return parseQuantityOrZero(value);
  } catch (error) {
    if (error instanceof QuantityError) throw new QuantityError(field(), error.value);
    throw error;
  }
}

function addInto<T extends number | bigint>(arithmetic: Arithmetic<T>, target: Amounts<T>, source: Amounts<T>): void {
  for (const [name, amount] of source) {
    const current = target.get(name);
    target.set(name, current === undefined ? amount : arithmetic.add(current, amount));
  }
}

function maxInto<T extends number | bigint>(target: Amounts<T>, source: Amounts<T>): void {
  for (const [name, amount] of source) {
    const current = target.get(name);
    if (current === undefined || amount > current) target.set(name, amount);
  }
}

function podField(pod: Pod): string {
  return `pod ${objectKey(pod.metadata)}`;
}
