import type {
  CSINode,
  PersistentVolume,
  PersistentVolumeAccessMode,
  PersistentVolumeClaim,
  StorageClass,
  TopologySelectorTerm,
} from '../model/cluster-objects.js';
import type { Labels, NodeSelectorTerm } from '../model/types.js';
import { AnnBindCompleted } from '../model/volumes.js';

/** Options of {@link makeClaim}. */
export interface ClaimOptions {
  namespace?: string;
  /** The class (`spec.storageClassName`); absent leaves it unset. */
  storageClass?: string;
  /** Binds the claim to this volume (`spec.volumeName`, the bind-completed annotation, phase Bound). */
  boundTo?: string;
  accessModes?: PersistentVolumeAccessMode[];
  /** The requested storage (default `10Gi`). */
  storage?: string;
  annotations?: Labels;
}

/** A PersistentVolumeClaim (uid `uid-<name>`), Pending unless `boundTo` is given. */
export function makeClaim(name: string, options: ClaimOptions = {}): PersistentVolumeClaim {
  const annotations = { ...options.annotations, ...(options.boundTo ? { [AnnBindCompleted]: 'yes' } : {}) };
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: options.namespace ?? 'default', uid: `uid-${name}`, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    spec: {
      accessModes: options.accessModes ?? ['ReadWriteOnce'],
      resources: { requests: { storage: options.storage ?? '10Gi' } },
      ...(options.storageClass !== undefined ? { storageClassName: options.storageClass } : {}),
      ...(options.boundTo ? { volumeName: options.boundTo } : {}),
      volumeMode: 'Filesystem',
    },
    status: { phase: options.boundTo ? 'Bound' : 'Pending' },
  };
}

/** Options of {@link makeVolume}. */
export interface VolumeOptions {
  storageClass?: string;
  /** The capacity (default `10Gi`). */
  capacity?: string;
  accessModes?: PersistentVolumeAccessMode[];
  /** Binds the volume to this claim (claimRef with its uid, phase Bound); otherwise it is Available. */
  claim?: PersistentVolumeClaim;
  labels?: Labels;
  /** Required node affinity terms (ORed). */
  nodeAffinity?: NodeSelectorTerm[];
  /** A CSI source of this driver (handle `vol-<name>`). */
  csiDriver?: string;
}

/** A PersistentVolume, Available unless bound to `claim`. */
export function makeVolume(name: string, options: VolumeOptions = {}): PersistentVolume {
  const claim = options.claim;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, uid: `uid-${name}`, ...(options.labels ? { labels: options.labels } : {}) },
    spec: {
      capacity: { storage: options.capacity ?? '10Gi' },
      accessModes: options.accessModes ?? ['ReadWriteOnce'],
      volumeMode: 'Filesystem',
      ...(options.storageClass !== undefined ? { storageClassName: options.storageClass } : {}),
      ...(claim
        ? { claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata.namespace ?? 'default', name: claim.metadata.name, uid: claim.metadata.uid } }
        : {}),
      ...(options.nodeAffinity ? { nodeAffinity: { required: { nodeSelectorTerms: options.nodeAffinity } } } : {}),
      ...(options.csiDriver ? { csi: { driver: options.csiDriver, volumeHandle: `vol-${name}` } } : {}),
    },
    status: { phase: claim ? 'Bound' : 'Available' },
  };
}

/** A StorageClass with `provisioner` (default `ebs.csi.aws.com`) and binding mode (default WaitForFirstConsumer). */
export function makeStorageClass(
  name: string,
  options: { provisioner?: string; mode?: 'Immediate' | 'WaitForFirstConsumer'; allowedTopologies?: TopologySelectorTerm[] } = {},
): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner: options.provisioner ?? 'ebs.csi.aws.com',
    volumeBindingMode: options.mode ?? 'WaitForFirstConsumer',
    ...(options.allowedTopologies ? { allowedTopologies: options.allowedTopologies } : {}),
  };
}

/** The CSINode of node `name` with `drivers` (a count sets the driver's attach limit). */
export function makeCSINode(name: string, drivers: { name: string; count?: number }[]): CSINode {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'CSINode',
    metadata: { name },
    spec: {
      drivers: drivers.map((driver) => ({
        name: driver.name,
        nodeID: `${name}-${driver.name}`,
        ...(driver.count !== undefined ? { allocatable: { count: driver.count } } : {}),
      })),
    },
  };
}
