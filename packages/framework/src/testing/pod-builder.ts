import { createHash } from 'node:crypto';
import type { Volume } from '../model/cluster-objects.js';
import type {
  Affinity,
  Container,
  ContainerPort,
  Labels,
  OwnerReference,
  Pod,
  PodAffinity,
  PodAffinityTerm,
  PodStatus,
  ResourceList,
  ResourceRequirements,
  Toleration,
  TopologySpreadConstraint,
} from '../model/types.js';
import {
  type LabelSelectorInput,
  type NodeSelectorTermInput,
  nodeSelectorTerm,
  toLabelSelector,
  toNodeSelectorTerm,
} from './selector-builders.js';

/** The image the builders give containers that were not given one (kube's test pause image). */
export const PauseImage = 'registry.k8s.io/pause:3.10';

/** Options of {@link PodBuilder.container} and {@link PodBuilder.initContainer}. */
export interface ContainerOptions {
  /** Defaults to `con<N>` (`init-con<N>` for init containers), N being the container's index. */
  name?: string;
  requests?: ResourceList;
  limits?: ResourceList;
  ports?: ContainerPort[];
}

/** Options of {@link PodBuilder.hostPort}. */
export interface HostPortOptions {
  /** The host IP the port is bound on; absent means every address (0.0.0.0). */
  ip?: string;
  /** Defaults to TCP, as the API server defaults it. */
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  /** Defaults to the host port. */
  containerPort?: number;
}

/** Options of the pod (anti-)affinity methods: the parts of a PodAffinityTerm beyond selector and topology key. */
export interface PodAffinityTermOptions {
  namespaces?: string[];
  namespaceSelector?: LabelSelectorInput | null;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

/** Options of {@link PodBuilder.spreadConstraint}. */
export interface SpreadConstraintOptions {
  minDomains?: number;
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
  matchLabelKeys?: string[];
}

/** Options of {@link PodBuilder.ownerReference}. */
export interface OwnerReferenceOptions {
  /** Defaults by kind: apps/v1 for ReplicaSet, StatefulSet, Deployment and DaemonSet, batch/v1 for Job, else v1. */
  apiVersion?: string;
  uid?: string;
  /** Defaults to true (the owner is the pod's controller). */
  controller?: boolean;
}

const appsKinds = new Set(['ReplicaSet', 'StatefulSet', 'Deployment', 'DaemonSet']);

/**
 * A deterministic, UUID-shaped uid for `namespace/name` (a name-based, SHA-1 UUID), so that two builders of the
 * same pod give the same uid and different pods different ones.
 */
export function podUid(namespace: string, name: string): string {
  const hex = createHash('sha1').update(`${namespace}/${name}`).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A fluent builder of test pods, shaped after kube-scheduler's `MakePod()` test wrapper. Every method returns the
 * builder; {@link PodBuilder.obj} returns a fresh deep copy each time, so one builder can stamp out variants.
 *
 * Defaults: namespace `default`; uid {@link podUid}(namespace, name) unless set; no containers until a container
 * method adds one. Only fields that were set appear in the object.
 */
export class PodBuilder {
  private readonly pod: Pod = { metadata: { name: '', namespace: 'default' }, spec: { containers: [] } };

  constructor(name = '') {
    this.pod.metadata.name = name;
  }

  /** Sets `metadata.name`. */
  name(name: string): this {
    this.pod.metadata.name = name;
    return this;
  }

  /** Sets `metadata.namespace` (default `default`). */
  namespace(namespace: string): this {
    this.pod.metadata.namespace = namespace;
    return this;
  }

  /** Sets `metadata.uid` (default: derived from namespace and name). */
  uid(uid: string): this {
    this.pod.metadata.uid = uid;
    return this;
  }

  /** Sets one label. */
  label(key: string, value: string): this {
    this.pod.metadata.labels = { ...this.pod.metadata.labels, [key]: value };
    return this;
  }

  /** Sets every label of `labels` (keeping the others). */
  labels(labels: Labels): this {
    this.pod.metadata.labels = { ...this.pod.metadata.labels, ...labels };
    return this;
  }

  /** Sets one annotation. */
  annotation(key: string, value: string): this {
    this.pod.metadata.annotations = { ...this.pod.metadata.annotations, [key]: value };
    return this;
  }

  /** Sets every annotation of `annotations` (keeping the others). */
  annotations(annotations: Labels): this {
    this.pod.metadata.annotations = { ...this.pod.metadata.annotations, ...annotations };
    return this;
  }

  /** Sets `metadata.creationTimestamp`; a Date is written as the API writes it (RFC 3339, whole seconds). */
  creationTimestamp(time: string | Date): this {
    this.pod.metadata.creationTimestamp = typeof time === 'string' ? time : rfc3339(time);
    return this;
  }

  /** Sets `metadata.deletionTimestamp`: the pod is terminating. */
  terminating(time: string | Date = new Date(0)): this {
    this.pod.metadata.deletionTimestamp = typeof time === 'string' ? time : rfc3339(time);
    return this;
  }

  /**
   * Adds an owner reference (controller by default), e.g. `.ownerReference('ReplicaSet', 'web-6d4f')`.
   */
  ownerReference(kind: string, name: string, options: OwnerReferenceOptions = {}): this {
    const reference: OwnerReference = {
      apiVersion: options.apiVersion ?? (appsKinds.has(kind) ? 'apps/v1' : kind === 'Job' ? 'batch/v1' : 'v1'),
      kind,
      name,
      controller: options.controller ?? true,
    };
    if (options.uid !== undefined) reference.uid = options.uid;
    this.pod.metadata.ownerReferences = [...(this.pod.metadata.ownerReferences ?? []), reference];
    return this;
  }

  /** Sets `spec.nodeName`: the pod is bound to (or runs on) `nodeName`. */
  node(nodeName: string): this {
    this.pod.spec.nodeName = nodeName;
    return this;
  }

  /** Sets `spec.schedulerName`. */
  schedulerName(name: string): this {
    this.pod.spec.schedulerName = name;
    return this;
  }

  /** Sets `spec.priority`. */
  priority(priority: number): this {
    this.pod.spec.priority = priority;
    return this;
  }

  /** Sets `spec.priorityClassName`. */
  priorityClassName(name: string): this {
    this.pod.spec.priorityClassName = name;
    return this;
  }

  /** Sets `spec.preemptionPolicy`. */
  preemptionPolicy(policy: 'PreemptLowerPriority' | 'Never'): this {
    this.pod.spec.preemptionPolicy = policy;
    return this;
  }

  /** Sets `spec.hostNetwork`. */
  hostNetwork(enabled = true): this {
    this.pod.spec.hostNetwork = enabled;
    return this;
  }

  /** Appends a container running `image` (named `con<N>` unless `options.name`). */
  container(image: string = PauseImage, options: ContainerOptions = {}): this {
    const containers = this.pod.spec.containers;
    containers.push(makeContainer(options.name ?? `con${containers.length}`, image, options));
    return this;
  }

  /** Replaces every container with `containers` (copied). */
  containers(containers: readonly Container[]): this {
    this.pod.spec.containers = structuredClone([...containers]);
    return this;
  }

  /** Appends a pause container requesting `requests`, e.g. `.req({ cpu: '100m', memory: '1Gi' })`. An empty map adds nothing. */
  req(requests: ResourceList): this {
    return Object.keys(requests).length === 0 ? this : this.container(PauseImage, { requests });
  }

  /** Appends a pause container with `limits` and no requests. An empty map adds nothing. */
  lim(limits: ResourceList): this {
    return Object.keys(limits).length === 0 ? this : this.container(PauseImage, { limits });
  }

  /** Appends a pause container whose requests and limits are both `resources`. An empty map adds nothing. */
  res(resources: ResourceList): this {
    return Object.keys(resources).length === 0 ? this : this.container(PauseImage, { requests: resources, limits: resources });
  }

  /**
   * Appends an init container running `image` (named `init-con<N>` unless `options.name`). With `sidecar: true`
   * its restartPolicy is Always: a restartable init container (sidecar) that keeps running beside the app containers.
   */
  initContainer(image: string = PauseImage, options: ContainerOptions & { sidecar?: boolean } = {}): this {
    const init = (this.pod.spec.initContainers ??= []);
    const container = makeContainer(options.name ?? `init-con${init.length}`, image, options);
    if (options.sidecar) container.restartPolicy = 'Always';
    init.push(container);
    return this;
  }

  /** Appends a (run-to-completion) pause init container requesting `requests`. An empty map adds nothing. */
  initReq(requests: ResourceList): this {
    return Object.keys(requests).length === 0 ? this : this.initContainer(PauseImage, { requests });
  }

  /** Appends a sidecar (init container with restartPolicy Always) requesting `requests`. An empty map adds nothing. */
  sidecarReq(requests: ResourceList): this {
    return Object.keys(requests).length === 0 ? this : this.initContainer(PauseImage, { requests, sidecar: true });
  }

  /** Sets `spec.overhead` (the RuntimeClass overhead added to the pod's requests). */
  overhead(overhead: ResourceList): this {
    this.pod.spec.overhead = { ...overhead };
    return this;
  }

  /** Sets pod-level `spec.resources` (KEP-2837). */
  podResources(resources: ResourceRequirements): this {
    this.pod.spec.resources = structuredClone(resources);
    return this;
  }

  /** Appends a pause container exposing `port` on the host (protocol TCP and every host IP unless given). */
  hostPort(port: number, options: HostPortOptions = {}): this {
    const spec: ContainerPort = { containerPort: options.containerPort ?? port, hostPort: port, protocol: options.protocol ?? 'TCP' };
    if (options.ip !== undefined) spec.hostIP = options.ip;
    return this.container(PauseImage, { ports: [spec] });
  }

  /** Appends a pause container with `ports`. */
  containerPort(ports: readonly ContainerPort[]): this {
    return this.container(PauseImage, { ports: [...ports] });
  }

  /** Appends a pause init container with `ports` (a sidecar when `sidecar`). */
  initContainerPort(ports: readonly ContainerPort[], options: { sidecar?: boolean } = {}): this {
    return this.initContainer(PauseImage, { ports: [...ports], sidecar: options.sidecar ?? false });
  }

  /** Sets `spec.nodeSelector` (merged with labels set before). */
  nodeSelector(selector: Labels): this {
    this.pod.spec.nodeSelector = { ...this.pod.spec.nodeSelector, ...selector };
    return this;
  }

  /**
   * Appends a term to the required node affinity. Terms are ORed; the requirements inside a term are ANDed
   * (build one with `nodeSelectorTerm()`).
   */
  nodeAffinityTerm(term: NodeSelectorTermInput): this {
    const nodeAffinity = (this.affinity().nodeAffinity ??= {});
    const required = (nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ??= { nodeSelectorTerms: [] });
    required.nodeSelectorTerms.push(toNodeSelectorTerm(term));
    return this;
  }

  /** Appends the required term `key In values` (ORed with other terms). */
  nodeAffinityIn(key: string, values: readonly string[]): this {
    return this.nodeAffinityTerm(nodeSelectorTerm().in(key, values));
  }

  /** Appends the required term `key NotIn values`. */
  nodeAffinityNotIn(key: string, values: readonly string[]): this {
    return this.nodeAffinityTerm(nodeSelectorTerm().notIn(key, values));
  }

  /** Appends the required term `key Exists`. */
  nodeAffinityExists(key: string): this {
    return this.nodeAffinityTerm(nodeSelectorTerm().exists(key));
  }

  /** Appends the required term `key DoesNotExist`. */
  nodeAffinityDoesNotExist(key: string): this {
    return this.nodeAffinityTerm(nodeSelectorTerm().doesNotExist(key));
  }

  /** Appends the required term `key Gt value`. */
  nodeAffinityGt(key: string, value: number | string): this {
    return this.nodeAffinityTerm(nodeSelectorTerm().gt(key, value));
  }

  /** Appends the required term `key Lt value`. */
  nodeAffinityLt(key: string, value: number | string): this {
    return this.nodeAffinityTerm(nodeSelectorTerm().lt(key, value));
  }

  /** Appends the required term whose matchFields is `key In values` (key `metadata.name`). */
  nodeAffinityFieldIn(key: string, values: readonly string[]): this {
    return this.nodeAffinityTerm(nodeSelectorTerm().fieldIn(key, values));
  }

  /** Appends a preferred node affinity term with `weight` (1..100). */
  preferredNodeAffinity(weight: number, term: NodeSelectorTermInput): this {
    const nodeAffinity = (this.affinity().nodeAffinity ??= {});
    (nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution ??= []).push({ weight, preference: toNodeSelectorTerm(term) });
    return this;
  }

  /** Appends a required pod affinity term: the pod must share `topologyKey`'s domain with a pod matching `selector`. */
  podAffinity(topologyKey: string, selector: LabelSelectorInput | null, options: PodAffinityTermOptions = {}): this {
    (this.podAffinityOf('podAffinity').requiredDuringSchedulingIgnoredDuringExecution ??= []).push(
      affinityTerm(topologyKey, selector, options),
    );
    return this;
  }

  /** Appends a preferred pod affinity term with `weight` (1..100). */
  preferredPodAffinity(weight: number, topologyKey: string, selector: LabelSelectorInput | null, options: PodAffinityTermOptions = {}): this {
    (this.podAffinityOf('podAffinity').preferredDuringSchedulingIgnoredDuringExecution ??= []).push({
      weight,
      podAffinityTerm: affinityTerm(topologyKey, selector, options),
    });
    return this;
  }

  /** Appends a required pod anti-affinity term: no pod matching `selector` may share `topologyKey`'s domain. */
  podAntiAffinity(topologyKey: string, selector: LabelSelectorInput | null, options: PodAffinityTermOptions = {}): this {
    (this.podAffinityOf('podAntiAffinity').requiredDuringSchedulingIgnoredDuringExecution ??= []).push(
      affinityTerm(topologyKey, selector, options),
    );
    return this;
  }

  /** Appends a preferred pod anti-affinity term with `weight` (1..100). */
  preferredPodAntiAffinity(
    weight: number,
    topologyKey: string,
    selector: LabelSelectorInput | null,
    options: PodAffinityTermOptions = {},
  ): this {
    (this.podAffinityOf('podAntiAffinity').preferredDuringSchedulingIgnoredDuringExecution ??= []).push({
      weight,
      podAffinityTerm: affinityTerm(topologyKey, selector, options),
    });
    return this;
  }

  /** Appends a toleration. */
  toleration(toleration: Toleration): this {
    (this.pod.spec.tolerations ??= []).push({ ...toleration });
    return this;
  }

  /** Appends every toleration of `tolerations`. */
  tolerations(tolerations: readonly Toleration[]): this {
    for (const toleration of tolerations) this.toleration(toleration);
    return this;
  }

  /** Appends a topology spread constraint. */
  spreadConstraint(
    maxSkew: number,
    topologyKey: string,
    whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway',
    selector: LabelSelectorInput | null,
    options: SpreadConstraintOptions = {},
  ): this {
    const constraint: TopologySpreadConstraint = {
      maxSkew,
      topologyKey,
      whenUnsatisfiable,
      labelSelector: selector === null ? null : toLabelSelector(selector),
    };
    if (options.minDomains !== undefined) constraint.minDomains = options.minDomains;
    if (options.nodeAffinityPolicy !== undefined) constraint.nodeAffinityPolicy = options.nodeAffinityPolicy;
    if (options.nodeTaintsPolicy !== undefined) constraint.nodeTaintsPolicy = options.nodeTaintsPolicy;
    if (options.matchLabelKeys !== undefined) constraint.matchLabelKeys = [...options.matchLabelKeys];
    (this.pod.spec.topologySpreadConstraints ??= []).push(constraint);
    return this;
  }

  /** Appends scheduling gates by name. */
  schedulingGates(...names: string[]): this {
    (this.pod.spec.schedulingGates ??= []).push(...names.map((name) => ({ name })));
    return this;
  }

  /** Adds a volume to `spec.volumes` (any source: claims, ephemeral, in-tree disks). */
  volume(volume: Volume): this {
    (this.pod.spec.volumes ??= []).push(volume);
    return this;
  }

  /** Adds a volume named `name` (default `vol<N>`) that mounts the PersistentVolumeClaim `claimName`. */
  claim(claimName: string, name = `vol${this.pod.spec.volumes?.length ?? 0}`): this {
    return this.volume({ name, persistentVolumeClaim: { claimName } });
  }

  /** Sets `status.phase`. */
  phase(phase: NonNullable<PodStatus['phase']>): this {
    (this.pod.status ??= {}).phase = phase;
    return this;
  }

  /** Sets `status.nominatedNodeName`. */
  nominatedNodeName(nodeName: string): this {
    (this.pod.status ??= {}).nominatedNodeName = nodeName;
    return this;
  }

  /** The pod: a fresh deep copy on every call. */
  obj(): Pod {
    const pod = structuredClone(this.pod);
    pod.metadata.uid ??= podUid(pod.metadata.namespace ?? 'default', pod.metadata.name);
    return pod;
  }

  private affinity(): Affinity {
    this.pod.spec.affinity ??= {};
    return this.pod.spec.affinity;
  }

  private podAffinityOf(kind: 'podAffinity' | 'podAntiAffinity'): PodAffinity {
    const affinity = this.affinity();
    affinity[kind] ??= {};
    return affinity[kind];
  }
}

/** Starts a {@link PodBuilder}, optionally named. */
export function makePod(name?: string): PodBuilder {
  return new PodBuilder(name);
}

function makeContainer(name: string, image: string, options: ContainerOptions): Container {
  const container: Container = { name, image };
  if (options.requests !== undefined || options.limits !== undefined) {
    const resources: ResourceRequirements = {};
    if (options.requests !== undefined) resources.requests = { ...options.requests };
    if (options.limits !== undefined) resources.limits = { ...options.limits };
    container.resources = resources;
  }
  if (options.ports !== undefined) container.ports = structuredClone(options.ports);
  return container;
}

function affinityTerm(topologyKey: string, selector: LabelSelectorInput | null, options: PodAffinityTermOptions): PodAffinityTerm {
  const term: PodAffinityTerm = { labelSelector: selector === null ? null : toLabelSelector(selector), topologyKey };
  if (options.namespaces !== undefined) term.namespaces = [...options.namespaces];
  if (options.namespaceSelector !== undefined) {
    term.namespaceSelector = options.namespaceSelector === null ? null : toLabelSelector(options.namespaceSelector);
  }
  if (options.matchLabelKeys !== undefined) term.matchLabelKeys = [...options.matchLabelKeys];
  if (options.mismatchLabelKeys !== undefined) term.mismatchLabelKeys = [...options.mismatchLabelKeys];
  return term;
}

function rfc3339(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
