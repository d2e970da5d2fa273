/**
 * Cluster objects other than pods and nodes that change scheduling decisions: PriorityClasses (pod priority and
 * preemption policy), PodDisruptionBudgets (preemption's victim ordering), and the storage objects kube's volume
 * plugins read (PersistentVolumeClaim, PersistentVolume, StorageClass, CSINode, CSIDriver), plus the pod volume
 * sources that point at them. As in `types.ts`, field names and nesting are the API's own, restricted to what
 * scheduling reads; quantities stay strings.
 */
import type { LabelSelector, Labels, NodeSelector, ObjectMeta, ResourceList, Toleration } from './types.js';

/** `scheduling.k8s.io/v1` PriorityClass: resolves a pod's `priorityClassName` to its priority. */
export interface PriorityClass {
  apiVersion?: string;
  kind?: 'PriorityClass';
  metadata: ObjectMeta;
  /** The priority of pods that name this class. */
  value: number;
  /** Pods that name no class get this one's value (at most one class should set it). */
  globalDefault?: boolean;
  description?: string;
  /** Defaults to `PreemptLowerPriority`. */
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
}

/** `policy/v1` PodDisruptionBudget. */
export interface PodDisruptionBudget {
  apiVersion?: string;
  kind?: 'PodDisruptionBudget';
  metadata: ObjectMeta;
  spec?: {
    /** An integer or a percentage ("50%"). */
    minAvailable?: number | string;
    /** An integer or a percentage ("50%"). */
    maxUnavailable?: number | string;
    /** Selects the pods the budget covers; an empty selector selects every pod of the namespace. */
    selector?: LabelSelector | null;
    unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
  };
  status?: {
    /** How many more pods may be disrupted now: preemption counts a victim past this as a violation. */
    disruptionsAllowed?: number;
    currentHealthy?: number;
    desiredHealthy?: number;
    expectedPods?: number;
    /** Pods already being disrupted (name to time): kube does not count them again. */
    disruptedPods?: Record<string, string> | null;
    observedGeneration?: number;
  };
}

/** `v1.TypedLocalObjectReference` (a claim's data source). */
export interface TypedLocalObjectReference {
  apiGroup?: string | null;
  kind: string;
  name: string;
}

/** `v1.PersistentVolumeClaimSpec`. */
export interface PersistentVolumeClaimSpec {
  accessModes?: PersistentVolumeAccessMode[];
  selector?: LabelSelector | null;
  resources?: { requests?: ResourceList; limits?: ResourceList };
  /** The bound volume (set by binding). */
  volumeName?: string;
  /** Absent: the default StorageClass; "" : no class (static volumes only). */
  storageClassName?: string | null;
  volumeMode?: 'Filesystem' | 'Block';
  dataSource?: TypedLocalObjectReference | null;
}

/** A volume access mode. */
export type PersistentVolumeAccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';

/** `v1` PersistentVolumeClaim. */
export interface PersistentVolumeClaim {
  apiVersion?: string;
  kind?: 'PersistentVolumeClaim';
  metadata: ObjectMeta;
  spec?: PersistentVolumeClaimSpec;
  status?: {
    phase?: 'Pending' | 'Bound' | 'Lost';
    accessModes?: PersistentVolumeAccessMode[];
    capacity?: ResourceList;
  };
}

/** `v1.ObjectReference` as a volume's `claimRef`. */
export interface ClaimReference {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
}

/** `v1.CSIPersistentVolumeSource`. */
export interface CSIPersistentVolumeSource {
  driver: string;
  volumeHandle: string;
  readOnly?: boolean;
  fsType?: string;
  volumeAttributes?: Labels;
}

/** `v1` PersistentVolume. */
export interface PersistentVolume {
  apiVersion?: string;
  kind?: 'PersistentVolume';
  metadata: ObjectMeta;
  spec?: {
    capacity?: ResourceList;
    accessModes?: PersistentVolumeAccessMode[];
    claimRef?: ClaimReference | null;
    persistentVolumeReclaimPolicy?: 'Retain' | 'Delete' | 'Recycle';
    storageClassName?: string;
    mountOptions?: string[];
    volumeMode?: 'Filesystem' | 'Block';
    /** Nodes the volume can be reached from (local volumes, zonal disks). */
    nodeAffinity?: { required?: NodeSelector | null } | null;
    csi?: CSIPersistentVolumeSource | null;
    gcePersistentDisk?: { pdName: string; fsType?: string; partition?: number; readOnly?: boolean } | null;
    awsElasticBlockStore?: { volumeID: string; fsType?: string; partition?: number; readOnly?: boolean } | null;
    azureDisk?: { diskName: string; diskURI: string; readOnly?: boolean; [field: string]: unknown } | null;
    local?: { path: string; fsType?: string } | null;
    hostPath?: { path: string; type?: string } | null;
    [source: string]: unknown;
  };
  status?: { phase?: 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed'; message?: string; reason?: string };
}

/** `v1.TopologySelectorTerm` of a StorageClass's `allowedTopologies`. */
export interface TopologySelectorTerm {
  matchLabelExpressions?: { key: string; values: string[] }[];
}

/** `storage.k8s.io/v1` StorageClass (its fields are top-level: it has no spec). */
export interface StorageClass {
  apiVersion?: string;
  kind?: 'StorageClass';
  metadata: ObjectMeta;
  provisioner: string;
  parameters?: Labels;
  reclaimPolicy?: 'Retain' | 'Delete';
  allowVolumeExpansion?: boolean;
  mountOptions?: string[];
  /** Defaults to `Immediate`. */
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  allowedTopologies?: TopologySelectorTerm[];
}

/** One CSI driver on a node, as its CSINode lists it. */
export interface CSINodeDriver {
  name: string;
  nodeID: string;
  topologyKeys?: string[] | null;
  /** How many volumes of this driver the node can attach. */
  allocatable?: { count?: number | null } | null;
}

/** `storage.k8s.io/v1` CSINode: the CSI drivers installed on the node of the same name. */
export interface CSINode {
  apiVersion?: string;
  kind?: 'CSINode';
  metadata: ObjectMeta;
  spec: { drivers: CSINodeDriver[] | null };
}

/** `storage.k8s.io/v1` CSIDriver. */
export interface CSIDriver {
  apiVersion?: string;
  kind?: 'CSIDriver';
  metadata: ObjectMeta;
  spec?: {
    attachRequired?: boolean;
    podInfoOnMount?: boolean;
    volumeLifecycleModes?: ('Persistent' | 'Ephemeral')[];
    storageCapacity?: boolean;
    fsGroupPolicy?: string;
    requiresRepublish?: boolean;
    seLinuxMount?: boolean;
    nodeAllocatableUpdatePeriodSeconds?: number;
  };
}

/**
 * `v1.Volume` of a pod spec: the sources scheduling reads are typed (claims, generic ephemeral volumes, inline
 * CSI, and the in-tree disks kube still checks for conflicts); any other source is accepted as it is.
 */
export interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean } | null;
  /** A generic ephemeral volume: its claim is named `<pod>-<volume>`. */
  ephemeral?: { volumeClaimTemplate?: { metadata?: Partial<ObjectMeta>; spec: PersistentVolumeClaimSpec } | null } | null;
  csi?: { driver: string; readOnly?: boolean; fsType?: string; volumeAttributes?: Labels } | null;
  gcePersistentDisk?: { pdName: string; fsType?: string; partition?: number; readOnly?: boolean } | null;
  awsElasticBlockStore?: { volumeID: string; fsType?: string; partition?: number; readOnly?: boolean } | null;
  rbd?: { monitors: string[]; image: string; pool?: string; readOnly?: boolean; [field: string]: unknown } | null;
  iscsi?: { targetPortal: string; iqn: string; lun: number; readOnly?: boolean; [field: string]: unknown } | null;
  [source: string]: unknown;
}

/**
 * `node.k8s.io/v1` RuntimeClass: admission copies its `overhead.podFixed` into the pod's `spec.overhead` and merges
 * its `scheduling` constraints into the pod's node selector and tolerations.
 */
export interface RuntimeClass {
  apiVersion?: string;
  kind?: 'RuntimeClass';
  metadata: ObjectMeta;
  handler: string;
  overhead?: { podFixed?: ResourceList | null } | null;
  scheduling?: { nodeSelector?: Labels | null; tolerations?: Toleration[] | null } | null;
}
