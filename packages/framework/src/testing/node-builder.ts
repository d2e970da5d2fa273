import {
  type ContainerImage,
  type Labels,
  LabelHostname,
  LabelTopologyRegion,
  LabelTopologyZone,
  type Node,
  type ResourceList,
  type Taint,
  type TaintEffect,
} from '../model/types.js';

/** The pods capacity a built node has unless `capacity` says otherwise (the kubelet's default maxPods). */
export const DefaultNodePods = '110';

/**
 * A fluent builder of test nodes, shaped after kube-scheduler's `MakeNode()` test wrapper. Every method returns the
 * builder; {@link NodeBuilder.obj} returns a fresh deep copy each time.
 *
 * Defaults: capacity and allocatable `{ pods: '110' }`; `name` also sets the `kubernetes.io/hostname` label, as the
 * kubelet does. `spec` appears only when taints or unschedulable were set.
 */
export class NodeBuilder {
  private readonly node: Node = { metadata: { name: '' } };
  private capacityList: ResourceList = { pods: DefaultNodePods };
  private allocatableList: ResourceList | undefined;

  constructor(name?: string) {
    if (name !== undefined) this.name(name);
  }

  /** Sets `metadata.name` and the `kubernetes.io/hostname` label. */
  name(name: string): this {
    this.node.metadata.name = name;
    return this.label(LabelHostname, name);
  }

  /** Sets `metadata.uid`. */
  uid(uid: string): this {
    this.node.metadata.uid = uid;
    return this;
  }

  /** Sets one label. */
  label(key: string, value: string): this {
    this.node.metadata.labels = { ...this.node.metadata.labels, [key]: value };
    return this;
  }

  /** Sets every label of `labels` (keeping the others). */
  labels(labels: Labels): this {
    this.node.metadata.labels = { ...this.node.metadata.labels, ...labels };
    return this;
  }

  /** Sets one annotation. */
  annotation(key: string, value: string): this {
    this.node.metadata.annotations = { ...this.node.metadata.annotations, [key]: value };
    return this;
  }

  /** Sets the `topology.kubernetes.io/zone` label. */
  zone(zone: string): this {
    return this.label(LabelTopologyZone, zone);
  }

  /** Sets the `topology.kubernetes.io/region` label. */
  region(region: string): this {
    return this.label(LabelTopologyRegion, region);
  }

  /**
   * Sets `status.capacity` (over the default `pods: 110`), and `status.allocatable` to the same unless
   * {@link NodeBuilder.allocatable} is given (in any order).
   */
  capacity(capacity: ResourceList): this {
    this.capacityList = { pods: DefaultNodePods, ...capacity };
    return this;
  }

  /** Sets `status.allocatable` on its own (it then differs from capacity). */
  allocatable(allocatable: ResourceList): this {
    this.allocatableList = { ...allocatable };
    return this;
  }

  /** Appends a taint. */
  taint(key: string, value: string | undefined, effect: TaintEffect): this {
    const taint: Taint = { key, effect };
    if (value !== undefined) taint.value = value;
    return this.taints([taint]);
  }

  /** Appends every taint of `taints`. */
  taints(taints: readonly Taint[]): this {
    const spec = (this.node.spec ??= {});
    spec.taints = [...(spec.taints ?? []), ...structuredClone([...taints])];
    return this;
  }

  /** Sets `spec.unschedulable` (cordoned). */
  unschedulable(unschedulable = true): this {
    (this.node.spec ??= {}).unschedulable = unschedulable;
    return this;
  }

  /** Appends an image known by `names` (one name or several) of `sizeBytes`. */
  image(names: string | readonly string[], sizeBytes: number): this {
    const image: ContainerImage = { names: typeof names === 'string' ? [names] : [...names], sizeBytes };
    const status = (this.node.status ??= {});
    status.images = [...(status.images ?? []), image];
    return this;
  }

  /** Appends one image per entry of `images` (name to size in bytes). */
  images(images: Record<string, number>): this {
    for (const [name, size] of Object.entries(images)) this.image(name, size);
    return this;
  }

  /** The node: a fresh deep copy on every call. */
  obj(): Node {
    const node = structuredClone(this.node);
    const status = (node.status ??= {});
    status.capacity = { ...this.capacityList };
    status.allocatable = { ...(this.allocatableList ?? this.capacityList) };
    return node;
  }
}

/** Starts a {@link NodeBuilder}, optionally named. */
export function makeNode(name?: string): NodeBuilder {
  return new NodeBuilder(name);
}
