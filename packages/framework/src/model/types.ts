/**
 * The Kubernetes object model as schedkit reads it: the `v1` JSON shapes of Pod, Node, Service and
 * Namespace, restricted to the fields that scheduling looks at. Field names and nesting are the API's own,
 * so a manifest from `kubectl get -o json` (or YAML) maps 1:1. Quantities stay strings here
 * ("100m", "1Gi"); `parseQuantity` turns them into integers where they are used.
 */
import type { Volume } from './cluster-objects.js';

/** A label or annotation map. */
export type Labels = Record<string, string>;

/** A resource name to quantity string map, as in `resources.requests`. */
export type ResourceList = Record<string, string | number>;

/** `metadata` of every object. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Labels;
  annotations?: Labels;
  creationTimestamp?: string | null;
  resourceVersion?: string;
  deletionTimestamp?: string | null;
  ownerReferences?: OwnerReference[];
}

/** A controller reference (ReplicaSet, StatefulSet...). */
export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

/** `metav1.LabelSelectorRequirement`. */
export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** `metav1.LabelSelector`: the requirements are ANDed. */
export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: LabelSelectorRequirement[];
}

/** `v1.NodeSelectorRequirement`: also supports Gt and Lt on integer values. */
export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

/** `v1.NodeSelectorTerm`: expressions and fields are ANDed. */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** `v1.NodeSelector`: the terms are ORed. */
export interface NodeSelector {
  nodeSelectorTerms: NodeSelectorTerm[];
}

export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector | null;
  preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector | null;
  namespaces?: string[];
  topologyKey: string;
  namespaceSelector?: LabelSelector | null;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}

export interface PodAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
}

export type PodAntiAffinity = PodAffinity;

export interface Affinity {
  nodeAffinity?: NodeAffinity | null;
  podAffinity?: PodAffinity | null;
  podAntiAffinity?: PodAntiAffinity | null;
}

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
  timeAdded?: string | null;
}

export interface Toleration {
  key?: string;
  /** Defaults to `Equal` when absent. */
  operator?: 'Exists' | 'Equal';
  value?: string;
  /** Empty matches every effect. */
  effect?: TaintEffect | '';
  tolerationSeconds?: number | null;
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  labelSelector?: LabelSelector | null;
  minDomains?: number | null;
  nodeAffinityPolicy?: 'Honor' | 'Ignore' | null;
  nodeTaintsPolicy?: 'Honor' | 'Ignore' | null;
  matchLabelKeys?: string[];
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

export interface ResourceRequirements {
  requests?: ResourceList;
  limits?: ResourceList;
}

export interface Container {
  name: string;
  image?: string;
  resources?: ResourceRequirements;
  ports?: ContainerPort[];
  /** `Always` on an init container makes it a sidecar (restartable init container). */
  restartPolicy?: string;
}

export interface PodSchedulingGate {
  name: string;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  overhead?: ResourceList;
  /** Pod-level resources (KEP-2837). */
  resources?: ResourceRequirements;
  nodeName?: string;
  nodeSelector?: Labels;
  affinity?: Affinity | null;
  tolerations?: Toleration[];
  topologySpreadConstraints?: TopologySpreadConstraint[];
  priority?: number;
  priorityClassName?: string;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  schedulerName?: string;
  schedulingGates?: PodSchedulingGate[];
  hostNetwork?: boolean;
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  /** The pod's volumes: claims and disks that the volume plugins check. */
  volumes?: Volume[];
  /** The RuntimeClass whose overhead and scheduling constraints admission applies (see `admitPod`). */
  runtimeClassName?: string;
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
}

/** The part of `v1.ContainerStatus` that in-place resize (InPlacePodVerticalScaling) makes count for scheduling. */
export interface ContainerStatus {
  name: string;
  /** What the kubelet has actuated. */
  resources?: ResourceRequirements | null;
  /** What the kubelet has admitted. */
  allocatedResources?: ResourceList | null;
}

export interface PodStatus {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  conditions?: PodCondition[];
  nominatedNodeName?: string;
  startTime?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

export interface Pod {
  apiVersion?: string;
  kind?: 'Pod';
  metadata: ObjectMeta;
  spec: PodSpec;
  status?: PodStatus;
}

export interface ContainerImage {
  names?: string[];
  sizeBytes?: number;
}

export interface NodeSpec {
  unschedulable?: boolean;
  taints?: Taint[];
  podCIDR?: string;
  providerID?: string;
}

export interface NodeStatus {
  capacity?: ResourceList;
  allocatable?: ResourceList;
  images?: ContainerImage[];
  conditions?: { type: string; status: string }[];
}

export interface Node {
  apiVersion?: string;
  kind?: 'Node';
  metadata: ObjectMeta;
  spec?: NodeSpec;
  status?: NodeStatus;
}

export interface Service {
  apiVersion?: string;
  kind?: 'Service';
  metadata: ObjectMeta;
  spec?: { selector?: Labels | null; [key: string]: unknown };
}

export interface Namespace {
  apiVersion?: string;
  kind?: 'Namespace';
  metadata: ObjectMeta;
}

/** Owner-style objects whose selectors feed PodTopologySpread's system default constraints. */
export interface ReplicaSetLike {
  apiVersion?: string;
  kind: 'ReplicaSet' | 'StatefulSet' | 'ReplicationController';
  metadata: ObjectMeta;
  spec?: { selector?: LabelSelector | Labels | null };
}

/** Well-known label keys. */
export const LabelHostname = 'kubernetes.io/hostname';
export const LabelTopologyZone = 'topology.kubernetes.io/zone';
export const LabelTopologyRegion = 'topology.kubernetes.io/region';

/** Canonical resource names. */
export const ResourceCPU = 'cpu';
export const ResourceMemory = 'memory';
export const ResourceEphemeralStorage = 'ephemeral-storage';
export const ResourcePods = 'pods';

/** `namespace/name` of an object, the key the stores and the queue use. */
export function objectKey(meta: ObjectMeta): string {
  return `${meta.namespace || 'default'}/${meta.name}`;
}
