/**
 * What kube's volume plugins share about claims, volumes and classes (`component-helpers/storage/volume`,
 * `storage/ephemeral` and the scheduler's volume utilities): which claim a pod volume names, the class of a claim
 * or volume, whether a claim is fully bound, a volume's node affinity and a class's allowed topologies against a
 * node's labels, and the checks that decide whether a free volume can serve a claim.
 */
import { compileLabelSelector, compileNodeSelector } from './labels.js';
import type {
  PersistentVolume,
  PersistentVolumeAccessMode,
  PersistentVolumeClaim,
  StorageClass,
  TopologySelectorTerm,
  Volume,
} from './cluster-objects.js';
import { parseQuantityOrZero } from './quantity.js';
import type { Labels, Pod } from './types.js';

/** Set on a claim once the PV controller finished binding it (`pv.kubernetes.io/bind-completed`). */
export const AnnBindCompleted = 'pv.kubernetes.io/bind-completed';
/** Set on a volume bound by the controller rather than pre-bound by a user (`pv.kubernetes.io/bound-by-controller`). */
export const AnnBoundByController = 'pv.kubernetes.io/bound-by-controller';
/** The node the scheduler chose for a claim to be provisioned on (`volume.kubernetes.io/selected-node`). */
export const AnnSelectedNode = 'volume.kubernetes.io/selected-node';
/** The deprecated class annotation, which still wins over `storageClassName` (`volume.beta.kubernetes.io/storage-class`). */
export const AnnStorageClassBeta = 'volume.beta.kubernetes.io/storage-class';
/** The provisioner of classes whose volumes are created by hand (local volumes): it never provisions. */
export const NotSupportedProvisioner = 'kubernetes.io/no-provisioner';
/** The CSINode annotation listing the in-tree plugins migrated to CSI on the node. */
export const AnnMigratedPlugins = 'storage.alpha.kubernetes.io/migrated-plugins';

/** The label keys that place a volume in a zone or region, beta keys first (kube's `topologyLabels` order). */
export const VolumeTopologyLabels: readonly string[] = [
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
];

/** The GA key of a beta topology key (kube's `translateToGALabel`); other keys are returned unchanged. */
export function gaTopologyLabel(key: string): string {
  if (key === 'failure-domain.beta.kubernetes.io/zone') return 'topology.kubernetes.io/zone';
  if (key === 'failure-domain.beta.kubernetes.io/region') return 'topology.kubernetes.io/region';
  return key;
}

/** The zones of a multi-zone label value (`zone-a__zone-b`), as kube's `LabelZonesToSet` splits it. */
export function labelZones(value: string): Set<string> {
  return new Set(value.split('__').filter((zone) => zone !== ''));
}

/**
 * The name of the claim a pod volume uses: its `persistentVolumeClaim.claimName`, or for a generic ephemeral
 * volume `<pod name>-<volume name>` (kube's `ephemeral.VolumeClaimName`); undefined for other sources.
 */
export function volumeClaimName(pod: Pod, volume: Volume): string | undefined {
  if (volume.persistentVolumeClaim) return volume.persistentVolumeClaim.claimName;
  if (volume.ephemeral) return `${pod.metadata.name}-${volume.name}`;
  return undefined;
}

/**
 * Whether `pod` mounts `claim` (same namespace, a volume naming it): the claim hints of the volume plugins ask this.
 * `ephemeral` also counts the claims of the pod's generic ephemeral volumes (kube's VolumeBinding and
 * NodeVolumeLimits do; VolumeRestrictions and VolumeZone look at `persistentVolumeClaim` volumes only).
 */
export function podNamesClaim(pod: Pod, claim: { metadata: { name: string; namespace?: string } }, options: { ephemeral: boolean }): boolean {
  if ((claim.metadata.namespace || 'default') !== claimNamespace(pod)) return false;
  return (pod.spec.volumes ?? []).some((volume) =>
    options.ephemeral ? volumeClaimName(pod, volume) === claim.metadata.name : volume.persistentVolumeClaim?.claimName === claim.metadata.name,
  );
}

/** The namespace a pod's claims live in (an absent namespace is `default`, as the API server defaults it). */
export function claimNamespace(pod: Pod): string {
  return pod.metadata.namespace || 'default';
}

/**
 * kube's `ephemeral.VolumeIsForPod`: the claim of a generic ephemeral volume must be controlled by the pod, or an
 * error message saying which object owns it.
 */
export function ephemeralClaimOwnerError(pod: Pod, claim: PersistentVolumeClaim): string | undefined {
  const owner = claim.metadata.ownerReferences?.find((ref) => ref.controller);
  if (owner && owner.uid !== undefined && owner.uid === pod.metadata.uid) return undefined;
  return `PVC ${claimNamespace(pod)}/${claim.metadata.name} was not created for pod ${claimNamespace(pod)}/${pod.metadata.name} (pod is not owner)`;
}

/** A claim's class (kube's `GetPersistentVolumeClaimClass`): the beta annotation, else `storageClassName`, else "". */
export function claimStorageClass(claim: PersistentVolumeClaim): string {
  const annotated = claim.metadata.annotations?.[AnnStorageClassBeta];
  if (annotated !== undefined) return annotated;
  return claim.spec?.storageClassName ?? '';
}

/** A volume's class (kube's `GetPersistentVolumeClass`): the beta annotation, else `storageClassName`, else "". */
export function volumeStorageClass(volume: PersistentVolume): string {
  const annotated = volume.metadata.annotations?.[AnnStorageClassBeta];
  if (annotated !== undefined) return annotated;
  return volume.spec?.storageClassName ?? '';
}

/** kube's `isPVCFullyBound`: the claim names its volume and the PV controller finished binding it. */
export function isClaimFullyBound(claim: PersistentVolumeClaim): boolean {
  return Boolean(claim.spec?.volumeName) && claim.metadata.annotations?.[AnnBindCompleted] !== undefined;
}

/**
 * Whether a class delays binding until a pod uses the claim (kube's `IsDelayBindingMode`): false for a claim
 * without class or whose class is missing. An absent `volumeBindingMode` is the API default, `Immediate`.
 */
export function isDelayBinding(claim: PersistentVolumeClaim, classes: (name: string) => StorageClass | undefined): boolean {
  const className = claimStorageClass(claim);
  if (className === '') return false;
  return classes(className)?.volumeBindingMode === 'WaitForFirstConsumer';
}

/**
 * kube's `CheckNodeAffinity`: a volume without `nodeAffinity.required` is reachable from every node; otherwise a
 * node whose labels match one of its terms (terms are matched on labels only, as kube does).
 */
export function volumeNodeAffinityMatches(volume: PersistentVolume, nodeLabels: Labels | undefined): boolean {
  const required = volume.spec?.nodeAffinity?.required;
  if (!required) return true;
  return compileNodeSelector(required).matches({ metadata: { name: '', labels: nodeLabels ?? {} } });
}

/**
 * kube's `MatchTopologySelectorTerms`: no terms match every node; otherwise a node matching every expression of
 * one term (the label's value among the expression's values).
 */
export function topologyTermsMatch(terms: readonly TopologySelectorTerm[] | undefined, nodeLabels: Labels | undefined): boolean {
  if (!terms || terms.length === 0) return true;
  return terms.some((term) =>
    (term.matchLabelExpressions ?? []).every((expression) => {
      const value = nodeLabels?.[expression.key];
      return value !== undefined && expression.values.includes(value);
    }),
  );
}

/** kube's `IsVolumeBoundToClaim`: the volume's claimRef names the claim (and its uid, when the ref has one). */
export function isVolumeBoundToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = volume.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata.name || (ref.namespace || 'default') !== (claim.metadata.namespace || 'default')) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

/** The storage a claim requests, in bytes (0 when it names none). */
export function claimRequestedBytes(claim: PersistentVolumeClaim): bigint {
  return parseQuantityOrZero(claim.spec?.resources?.requests?.storage).nanos;
}

/** A volume's storage capacity, in the same units as {@link claimRequestedBytes}. */
export function volumeCapacityBytes(volume: PersistentVolume): bigint {
  return parseQuantityOrZero(volume.spec?.capacity?.storage).nanos;
}

/** kube's `CheckAccessModes`: every access mode the claim asks for is one the volume offers. */
export function volumeOffersAccessModes(claim: PersistentVolumeClaim, volume: PersistentVolume): boolean {
  const offered = new Set<PersistentVolumeAccessMode>(volume.spec?.accessModes ?? []);
  return (claim.spec?.accessModes ?? []).every((mode) => offered.has(mode));
}

/**
 * kube's `FindMatchingVolume` on the scheduler path (a node is given, binding delayed): the volume pre-bound to the
 * claim if there is one (undefined when it does not reach the node), else the smallest Available volume of the
 * claim's class that is large enough, has the claim's volume mode and access modes, matches the claim's selector,
 * is not being deleted, reaches the node and is not in `excluded`.
 */
export function findMatchingVolume(
  claim: PersistentVolumeClaim,
  volumes: readonly PersistentVolume[],
  nodeLabels: Labels | undefined,
  excluded: ReadonlySet<string>,
): PersistentVolume | undefined {
  const requested = claimRequestedBytes(claim);
  const requestedClass = claimStorageClass(claim);
  const selector = claim.spec?.selector ? compileLabelSelector(claim.spec.selector) : undefined;
  const claimMode = claim.spec?.volumeMode ?? 'Filesystem';
  let smallest: PersistentVolume | undefined;
  let smallestBytes = 0n;
  for (const volume of volumes) {
    if (excluded.has(volume.metadata.name)) continue;
    if (volume.spec?.claimRef && !isVolumeBoundToClaim(volume, claim)) continue;
    const capacity = volumeCapacityBytes(volume);
    if (capacity < requested) continue;
    if ((volume.spec?.volumeMode ?? 'Filesystem') !== claimMode) continue;
    if (volume.metadata.deletionTimestamp) continue;
    const reachable = volumeNodeAffinityMatches(volume, nodeLabels);
    if (isVolumeBoundToClaim(volume, claim)) return reachable ? volume : undefined;
    if (volume.status?.phase !== 'Available') continue;
    if (selector && !selector.matches(volume.metadata.labels)) continue;
    if (volumeStorageClass(volume) !== requestedClass) continue;
    if (!reachable) continue;
    if (!volumeOffersAccessModes(claim, volume)) continue;
    if (smallest === undefined || smallestBytes > capacity) {
      smallest = volume;
      smallestBytes = capacity;
    }
  }
  return smallest;
}

/**
 * The key a CSI driver's attached volumes are counted under (kube's `GetCSIAttachLimitKey`,
 * `attachable-volumes-csi-<driver>`). kube shortens very long driver names with a hash; schedkit only compares
 * keys with each other, so the plain name serves.
 */
export function csiAttachLimitKey(driver: string): string {
  return `attachable-volumes-csi-${driver}`;
}
