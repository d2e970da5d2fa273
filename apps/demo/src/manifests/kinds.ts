/**
 * The API versions kube-apiserver v1.35 serves for each kind schedkit reads, and the versions it stopped serving
 * (with the release that removed them), so that a manifest written for an old cluster gets the error the API
 * server gives and the version to use.
 */

/** Kinds read from manifests, with the one version v1.35 serves. */
export const ServedVersions = {
  Node: 'v1',
  Pod: 'v1',
  Namespace: 'v1',
  Service: 'v1',
  ReplicationController: 'v1',
  PersistentVolumeClaim: 'v1',
  PersistentVolume: 'v1',
  PriorityClass: 'scheduling.k8s.io/v1',
  PodDisruptionBudget: 'policy/v1',
  RuntimeClass: 'node.k8s.io/v1',
  StorageClass: 'storage.k8s.io/v1',
  CSINode: 'storage.k8s.io/v1',
  CSIDriver: 'storage.k8s.io/v1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
} as const;

/** A kind schedkit reads from manifests. */
export type ManifestKind = keyof typeof ServedVersions;

/** Versions kube no longer serves: `kind@version` to the Kubernetes release that stopped serving it. */
const removedVersions: Record<string, string> = {
  'CronJob@batch/v1beta1': '1.25',
  'CronJob@batch/v2alpha1': '1.21',
  'PodDisruptionBudget@policy/v1beta1': '1.25',
  'RuntimeClass@node.k8s.io/v1beta1': '1.25',
  'PriorityClass@scheduling.k8s.io/v1beta1': '1.22',
  'PriorityClass@scheduling.k8s.io/v1alpha1': '1.22',
  'CSINode@storage.k8s.io/v1beta1': '1.22',
  'CSIDriver@storage.k8s.io/v1beta1': '1.22',
  'StorageClass@storage.k8s.io/v1beta1': '1.22',
  'Deployment@extensions/v1beta1': '1.16',
  'Deployment@apps/v1beta1': '1.16',
  'Deployment@apps/v1beta2': '1.16',
  'DaemonSet@extensions/v1beta1': '1.16',
  'DaemonSet@apps/v1beta2': '1.16',
  'ReplicaSet@extensions/v1beta1': '1.16',
  'ReplicaSet@apps/v1beta1': '1.16',
  'ReplicaSet@apps/v1beta2': '1.16',
  'StatefulSet@apps/v1beta1': '1.16',
  'StatefulSet@apps/v1beta2': '1.16',
};

/** True for a kind schedkit reads. */
export function isManifestKind(kind: string): kind is ManifestKind {
  return Object.hasOwn(ServedVersions, kind);
}

/**
 * The API server's refusal of `apiVersion` for `kind`, or undefined when it is served: `no matches for kind
 * "CronJob" in version "batch/v1beta1"`, with the version to use (and, for a removed version, since when).
 */
export function versionError(kind: ManifestKind, apiVersion: unknown): string | undefined {
  const served = ServedVersions[kind];
  if (apiVersion === served) return undefined;
  if (typeof apiVersion !== 'string' || apiVersion === '') return `apiVersion: Required value: ${kind} needs apiVersion ${served}`;
  const removed = removedVersions[`${kind}@${apiVersion}`];
  const hint = removed ? `${apiVersion} ${kind} is no longer served since Kubernetes v${removed}; use ${served}` : `use ${served}`;
  return `no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)} (${hint})`;
}

/** The resource name kube uses in messages (`pods "x" already exists`). */
export function resourceName(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('class')) return `${lower}es`;
  if (lower.endsWith('policy')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}
