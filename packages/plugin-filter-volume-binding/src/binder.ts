import {
  AnnBoundByController,
  claimStorageClass,
  findMatchingVolume,
  type Labels,
  NotSupportedProvisioner,
  type ObjectLister,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type Node,
  claimRequestedBytes,
  isVolumeBoundToClaim,
  topologyTermsMatch,
  volumeNodeAffinityMatches,
  AnnSelectedNode,
  volumeStorageClass,
} from '@schedkit/framework';
import type { VolumeAssumeCache } from './assume-cache.js';

/** kube's reason when a bound claim's volume does not reach the node. */
export const ErrReasonNodeConflict = "node(s) didn't match PersistentVolume's node affinity";
/** kube's reason when an unbound claim finds no volume to bind on the node and cannot be provisioned there. */
export const ErrReasonBindConflict = "node(s) didn't find available persistent volumes to bind";
/** kube's reason when a claim is bound to a volume that does not exist. */
export const ErrReasonPVNotExist = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';

/** The pod's claims sorted as kube's `GetPodVolumeClaims` sorts them. */
export interface PodVolumeClaims {
  /** Claims fully bound to a volume. */
  bound: PersistentVolumeClaim[];
  /** Unbound claims of a WaitForFirstConsumer class: the scheduler picks their volume or node. */
  unboundDelayBinding: PersistentVolumeClaim[];
  /** Unbound claims of an Immediate class (or pre-bound ones the PV controller has not finished). */
  unboundImmediate: PersistentVolumeClaim[];
  /** The volumes of each class an unbound delay-binding claim names, by class. */
  volumesByClass: Map<string, PersistentVolume[]>;
}

/** A volume chosen for a claim. */
export interface StaticBinding {
  volume: PersistentVolume;
  claim: PersistentVolumeClaim;
}

/** The binding decisions of one node: volumes chosen for claims, claims to provision there. */
export interface PodVolumes {
  staticBindings: StaticBinding[];
  dynamicProvisions: PersistentVolumeClaim[];
}

/** The verdict of kube's `FindPodVolumes` on one node. */
export interface NodeVolumeFit {
  volumes: PodVolumes;
  /** kube's reasons, in kube's order; empty when the node fits. */
  reasons: string[];
}

/** Thrown for what kube returns as an error (an Error status): a claim to provision without a usable class. */
export class VolumeBindingError extends Error {
  override readonly name = 'VolumeBindingError';
}

/**
 * kube's `FindPodVolumes` for one node: bound claims' volumes must exist and reach the node; unbound
 * WaitForFirstConsumer claims must find a free matching volume (smallest first, each volume used once) or be
 * provisionable on the node (a provisioning class whose `allowedTopologies` match it). A claim already given a
 * node by an earlier cycle (`volume.kubernetes.io/selected-node`) fits only that node.
 */
export function findPodVolumes(claims: PodVolumeClaims, node: Node, objects: ObjectLister, cache: VolumeAssumeCache): NodeVolumeFit {
  const volumes: PodVolumes = { staticBindings: [], dynamicProvisions: [] };
  const labels = node.metadata.labels;
  let boundSatisfied = true;
  let boundVolumesFound = true;
  let unboundSatisfied = true;
  const verdict = (): NodeVolumeFit => {
    const reasons: string[] = [];
    if (!boundSatisfied) reasons.push(ErrReasonNodeConflict);
    if (!unboundSatisfied) reasons.push(ErrReasonBindConflict);
    // kube's "did not have enough free storage" would come here: schedkit has no CSIStorageCapacity objects.
    if (!boundVolumesFound) reasons.push(ErrReasonPVNotExist);
    return { volumes, reasons };
  };

  for (const claim of claims.bound) {
    const volume = cache.volume(claim.spec?.volumeName ?? '');
    if (!volume) {
      boundVolumesFound = false;
      break;
    }
    if (!volumeNodeAffinityMatches(volume, labels)) {
      boundSatisfied = false;
      break;
    }
  }

  if (claims.unboundDelayBinding.length === 0) return verdict();
  const toMatch: PersistentVolumeClaim[] = [];
  const toProvision: PersistentVolumeClaim[] = [];
  for (const claim of claims.unboundDelayBinding) {
    const selected = claim.metadata.annotations?.[AnnSelectedNode];
    if (selected === undefined) toMatch.push(claim);
    else if (selected !== node.metadata.name) {
      unboundSatisfied = false;
      return verdict();
    } else toProvision.push(claim);
  }
  if (toMatch.length > 0) {
    const matched = findMatchingVolumes(toMatch, claims.volumesByClass, labels);
    volumes.staticBindings = matched.bindings;
    if (matched.unmatched.length > 0) unboundSatisfied = false;
    toProvision.push(...matched.unmatched);
  }
  if (toProvision.length > 0) {
    const provisions = checkVolumeProvisions(toProvision, labels, objects);
    unboundSatisfied = provisions !== undefined;
    volumes.dynamicProvisions = provisions ?? [];
  }
  return verdict();
}

/** kube's `findMatchingVolumes`: claims smallest request first, each taking the smallest free volume that fits. */
function findMatchingVolumes(
  claims: readonly PersistentVolumeClaim[],
  volumesByClass: ReadonlyMap<string, readonly PersistentVolume[]>,
  labels: Labels | undefined,
): { bindings: StaticBinding[]; unmatched: PersistentVolumeClaim[] } {
  const sorted = [...claims].sort((a, b) => {
    const difference = claimRequestedBytes(a) - claimRequestedBytes(b);
    return difference < 0n ? -1 : difference > 0n ? 1 : 0;
  });
  const chosen = new Set<string>();
  const bindings: StaticBinding[] = [];
  const unmatched: PersistentVolumeClaim[] = [];
  for (const claim of sorted) {
    const volume = findMatchingVolume(claim, volumesByClass.get(claimStorageClass(claim)) ?? [], labels, chosen);
    if (!volume) {
      unmatched.push(claim);
      continue;
    }
    chosen.add(volume.metadata.name);
    bindings.push({ volume, claim });
  }
  return { bindings, unmatched };
}

/**
 * kube's `checkVolumeProvisions`: every claim's class must provision (a provisioner other than
 * `kubernetes.io/no-provisioner`) and allow the node's topology; returns the claims to provision, or undefined
 * when one cannot be provisioned on the node. Storage capacity is not checked: schedkit has no CSIStorageCapacity
 * objects, which is kube's answer for drivers that do not publish capacity.
 */
function checkVolumeProvisions(claims: readonly PersistentVolumeClaim[], labels: Labels | undefined, objects: ObjectLister): PersistentVolumeClaim[] | undefined {
  for (const claim of claims) {
    const className = claimStorageClass(claim);
    const claimKey = `${claim.metadata.namespace || 'default'}/${claim.metadata.name}`;
    if (className === '') throw new VolumeBindingError(`no class for claim "${claimKey}"`);
    const storageClass = objects.get('StorageClass', className);
    if (!storageClass) throw new VolumeBindingError(`failed to find storage class "${className}"`);
    if (!storageClass.provisioner || storageClass.provisioner === NotSupportedProvisioner) return undefined;
    if (!topologyTermsMatch(storageClass.allowedTopologies, labels)) return undefined;
  }
  return [...claims];
}

/**
 * kube's `GetBindVolumeToClaim`: `volume` with its claimRef set to `claim` (and `bound-by-controller` when it was
 * not pre-bound), or undefined when it already is exactly that.
 */
export function bindVolumeToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): PersistentVolume | undefined {
  const preBound = isVolumeBoundToClaim(volume, claim);
  const ref = volume.spec?.claimRef;
  const namespace = claim.metadata.namespace || 'default';
  const refMatches = ref && ref.name === claim.metadata.name && (ref.namespace || 'default') === namespace && ref.uid === claim.metadata.uid;
  const needsAnnotation = !preBound && volume.metadata.annotations?.[AnnBoundByController] === undefined;
  if (refMatches && !needsAnnotation) return undefined;
  const claimRef = refMatches
    ? ref
    : {
        kind: 'PersistentVolumeClaim',
        namespace,
        name: claim.metadata.name,
        ...(claim.metadata.uid !== undefined ? { uid: claim.metadata.uid } : {}),
        apiVersion: 'v1',
        ...(claim.metadata.resourceVersion !== undefined ? { resourceVersion: claim.metadata.resourceVersion } : {}),
      };
  return {
    ...volume,
    metadata: needsAnnotation ? { ...volume.metadata, annotations: { ...volume.metadata.annotations, [AnnBoundByController]: 'yes' } } : volume.metadata,
    spec: { ...volume.spec, claimRef },
  };
}

/** The volumes of `className` the scheduler sees (kube's `pvCache.ListPVs`). */
export function volumesOfClass(cache: VolumeAssumeCache, className: string): PersistentVolume[] {
  return cache.listVolumes().filter((volume) => volumeStorageClass(volume) === className);
}
