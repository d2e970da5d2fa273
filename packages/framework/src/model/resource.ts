import { nanosToMilliValue, nanosToValue, parseQuantityOrZero } from './quantity.js';
import { ResourceCPU, ResourceEphemeralStorage, type ResourceList, ResourceMemory, ResourcePods } from './types.js';
import { qualifiedNameErrors } from './validation.js';

/** The empty scalar-resource map every Resource starts with; writing to it would change them all, so it refuses. */
class NoScalarResources extends Map<string, number> {
  override set(name: string): this {
    throw new Error(`Resource.scalarResources is shared while empty: use addScalar or setScalar to set "${name}"`);
  }
}

const noScalarResources: Map<string, number> = new NoScalarResources();

/**
 * An amount of compute resources as integers, mirroring kube's `framework.Resource`: cpu in millicores,
 * memory and ephemeral storage in bytes, the pod count, and every other tracked resource (extended resources,
 * hugepages, `*kubernetes.io/` and `attachable-volumes-*` names) by its `Value()`. Resource names the scheduler
 * does not track (for example an unprefixed `foo`) are ignored, as kube ignores them.
 */
export class Resource {
  milliCPU = 0;
  memory = 0;
  ephemeralStorage = 0;
  allowedPodNumber = 0;
  /**
   * Extended resources and hugepages by name. Resources without any share one empty map until their first
   * scalar is added (nodes and pods rarely have scalars, and an empty Map per Resource adds up): change it through
   * {@link Resource.addScalar} / {@link Resource.setScalar}, never with `set` directly.
   */
  scalarResources: Map<string, number> = noScalarResources;

  /**
   * The resources of a `ResourceList` (kube's `NewResource`).
   * @param fieldPath - prefix for error messages; the resource name is appended (`status.allocatable.cpu`).
   * @throws QuantityError for a malformed quantity.
   */
  static fromResourceList(list: ResourceList | null | undefined, fieldPath?: string): Resource {
    const resource = new Resource();
    resource.addResourceList(list, fieldPath);
    return resource;
  }

  /**
   * Resources from exact amounts in units of 10⁻⁹ per resource name, each converted once (cpu by
   * `MilliValue()`, the rest by `Value()`), as kube converts an aggregated `ResourceList`.
   */
  static fromNanos(amounts: ReadonlyMap<string, bigint>): Resource {
    const resource = new Resource();
    for (const [name, nanos] of amounts) {
      resource.addAmount(name, name === ResourceCPU ? nanosToMilliValue(nanos) : nanosToValue(nanos));
    }
    return resource;
  }

  /** Resources from amounts already in this class's units (cpu in millicores, the rest by `Value()`). */
  static fromAmounts(amounts: ReadonlyMap<string, number>): Resource {
    const resource = new Resource();
    for (const [name, amount] of amounts) resource.addAmount(name, amount);
    return resource;
  }

  /** Adds every quantity of `list` (kube's `Resource.Add(ResourceList)`). */
  addResourceList(list: ResourceList | null | undefined, fieldPath?: string): this {
    if (!list) return this;
    for (const name of Object.keys(list)) {
      const quantity = parseQuantityOrZero(list[name], fieldPath ? `${fieldPath}.${name}` : name);
      this.addAmount(name, name === ResourceCPU ? quantity.milliValue() : quantity.value());
    }
    return this;
  }

  /** Adds `other` to this resource in place. */
  add(other: Resource): this {
    this.milliCPU += other.milliCPU;
    this.memory += other.memory;
    this.ephemeralStorage += other.ephemeralStorage;
    this.allowedPodNumber += other.allowedPodNumber;
    if (other.scalarResources.size > 0) {
      for (const [name, amount] of other.scalarResources) this.addScalar(name, amount);
    }
    return this;
  }

  /** Subtracts `other` from this resource in place (scalar entries that reach zero stay, as in kube). */
  sub(other: Resource): this {
    this.milliCPU -= other.milliCPU;
    this.memory -= other.memory;
    this.ephemeralStorage -= other.ephemeralStorage;
    this.allowedPodNumber -= other.allowedPodNumber;
    if (other.scalarResources.size > 0) {
      for (const [name, amount] of other.scalarResources) this.addScalar(name, -amount);
    }
    return this;
  }

  /** Sets this resource to the amounts of `other` (scalar resources are copied, not shared). */
  copyFrom(other: Resource): this {
    this.milliCPU = other.milliCPU;
    this.memory = other.memory;
    this.ephemeralStorage = other.ephemeralStorage;
    this.allowedPodNumber = other.allowedPodNumber;
    if (this.scalarResources.size > 0 || other.scalarResources.size > 0) {
      this.scalarResources = other.scalarResources.size > 0 ? new Map(other.scalarResources) : noScalarResources;
    }
    return this;
  }

  clone(): Resource {
    const copy = new Resource();
    copy.milliCPU = this.milliCPU;
    copy.memory = this.memory;
    copy.ephemeralStorage = this.ephemeralStorage;
    copy.allowedPodNumber = this.allowedPodNumber;
    if (this.scalarResources.size > 0) copy.scalarResources = new Map(this.scalarResources);
    return copy;
  }

  /** The amount of one resource by its API name (`cpu` in millicores); 0 when absent. */
  get(resourceName: string): number {
    switch (resourceName) {
      case ResourceCPU:
        return this.milliCPU;
      case ResourceMemory:
        return this.memory;
      case ResourceEphemeralStorage:
        return this.ephemeralStorage;
      case ResourcePods:
        return this.allowedPodNumber;
      default:
        return this.scalarResources.get(resourceName) ?? 0;
    }
  }

  addScalar(name: string, amount: number): void {
    if (this.scalarResources === noScalarResources) this.scalarResources = new Map();
    this.scalarResources.set(name, (this.scalarResources.get(name) ?? 0) + amount);
  }

  setScalar(name: string, amount: number): void {
    if (this.scalarResources === noScalarResources) this.scalarResources = new Map();
    this.scalarResources.set(name, amount);
  }

  private addAmount(name: string, amount: number): void {
    switch (name) {
      case ResourceCPU:
        this.milliCPU += amount;
        break;
      case ResourceMemory:
        this.memory += amount;
        break;
      case ResourcePods:
        this.allowedPodNumber += amount;
        break;
      case ResourceEphemeralStorage:
        this.ephemeralStorage += amount;
        break;
      default:
        if (isScalarResourceName(name)) this.addScalar(name, amount);
    }
  }
}

const scalarNameCache = new Map<string, boolean>();

/**
 * True for the resource names kube tracks besides cpu, memory, ephemeral-storage and pods
 * (`schedutil.IsScalarResourceName`): extended resources (`example.com/gpu`), hugepages (`hugepages-2Mi`),
 * names in the `kubernetes.io/` namespace and attachable volume counts.
 */
export function isScalarResourceName(name: string): boolean {
  let result = scalarNameCache.get(name);
  if (result === undefined) {
    result = isExtendedResourceName(name) || name.startsWith('hugepages-') || isPrefixedNativeResource(name) || name.startsWith('attachable-volumes-');
    scalarNameCache.set(name, result);
  }
  return result;
}

function isPrefixedNativeResource(name: string): boolean {
  return name.includes('kubernetes.io/');
}

/** Outside the `kubernetes.io/` namespace, not a quota name, and valid as a quota key (`requests.<name>`). */
function isExtendedResourceName(name: string): boolean {
  const isNative = !name.includes('/') || isPrefixedNativeResource(name);
  if (isNative || name.startsWith('requests.')) return false;
  return qualifiedNameErrors(`requests.${name}`).length === 0;
}
