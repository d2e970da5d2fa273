import {
  ActionType,
  type ClusterEventWithHint,
  type CycleState,
  claimNamespace,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  inject,
  injectable,
  type NodeInfo,
  type PersistentVolumeClaim,
  type Pod,
  type PodInfo,
  type PreFilterExtensions,
  type PreFilterPlugin,
  podNamesClaim,
  QueueingHint,
  StateKey,
  Status,
  stateNotFound,
  Tokens,
  type Volume,
} from '@schedkit/framework';
import { z } from 'zod';

/** The name kube-scheduler configurations use for this plugin. */
export const VolumeRestrictionsName = 'VolumeRestrictions';

/** kube's reason when an in-tree disk the pod mounts is already mounted by a pod on the node. */
export const ErrReasonDiskConflict = 'node(s) had no available disk';

/** kube's reason when a ReadWriteOncePod claim of the pod is already used by another pod. */
export const ErrReasonReadWriteOncePodConflict =
  'node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod';

/** VolumeRestrictions takes no args (as in kube); unknown keys are rejected so typos surface. */
export const VolumeRestrictionsArgsSchema = z.object({}).strict();

/** The (empty) args of {@link VolumeRestrictions}. */
export type VolumeRestrictionsArgs = z.infer<typeof VolumeRestrictionsArgsSchema>;

/**
 * PreFilter's state: the pod's ReadWriteOncePod claims and how many uses of them by other pods the cycle sees
 * (kube's `conflictingPVCRefCount`; AddPod/RemovePod move it while preemption simulates).
 */
class PreFilterState {
  constructor(
    readonly readWriteOncePodClaims: ReadonlySet<string>,
    public conflictingClaimRefs: number,
  ) {}

  /** Counts `pod`'s uses of the pod's ReadWriteOncePod claims `multiplier` times (by claim name, as kube does). */
  updateWithPod(pod: Pod, multiplier: 1 | -1): void {
    for (const volume of pod.spec.volumes ?? []) {
      const claim = volume.persistentVolumeClaim?.claimName;
      if (claim !== undefined && this.readWriteOncePodClaims.has(claim)) this.conflictingClaimRefs += multiplier;
    }
  }

  clone(): PreFilterState {
    return new PreFilterState(this.readWriteOncePodClaims, this.conflictingClaimRefs);
  }
}

const preFilterStateKey = new StateKey<PreFilterState>('PreFilterVolumeRestrictions');

/** True for the in-tree disk sources two pods on one node may not share (kube's `needsRestrictionsCheck`). */
export function needsRestrictionsCheck(volume: Volume): boolean {
  return Boolean(volume.gcePersistentDisk || volume.awsElasticBlockStore || volume.rbd || volume.iscsi);
}

/**
 * kube's `isVolumeConflict`: whether `volume` of the incoming pod conflicts with a volume of `existing`. The same
 * GCE PD or iSCSI IQN conflicts unless both mounts are read-only; the same EBS volume ID always conflicts; the same
 * RBD image (a shared monitor, the same pool and image) conflicts unless both are read-only.
 */
export function isVolumeConflict(volume: Volume, existing: Pod): boolean {
  if (!needsRestrictionsCheck(volume)) return false;
  for (const other of existing.spec.volumes ?? []) {
    const disk = volume.gcePersistentDisk;
    const otherDisk = other.gcePersistentDisk;
    if (disk && otherDisk && disk.pdName === otherDisk.pdName && !(disk.readOnly && otherDisk.readOnly)) return true;
    const ebs = volume.awsElasticBlockStore;
    const otherEbs = other.awsElasticBlockStore;
    if (ebs && otherEbs && ebs.volumeID === otherEbs.volumeID) return true;
    const iscsi = volume.iscsi;
    const otherIscsi = other.iscsi;
    if (iscsi && otherIscsi && iscsi.iqn === otherIscsi.iqn && !(iscsi.readOnly && otherIscsi.readOnly)) return true;
    const rbd = volume.rbd;
    const otherRbd = other.rbd;
    if (rbd && otherRbd) {
      const monitors = new Set(rbd.monitors);
      const sharesMonitor = otherRbd.monitors.some((monitor) => monitors.has(monitor));
      const samePool = (rbd.pool ?? '') === (otherRbd.pool ?? '');
      if (sharesMonitor && samePool && rbd.image === otherRbd.image && !(rbd.readOnly && otherRbd.readOnly)) return true;
    }
  }
  return false;
}

/** kube's `satisfyVolumeConflicts`: no in-tree disk of `pod` conflicts with one of a pod on the node. */
function satisfiesVolumeConflicts(pod: Pod, pods: readonly PodInfo[]): boolean {
  for (const volume of pod.spec.volumes ?? []) {
    if (!needsRestrictionsCheck(volume)) continue;
    for (const existing of pods) if (isVolumeConflict(volume, existing.pod)) return false;
  }
  return true;
}

/**
 * kube-scheduler's VolumeRestrictions plugin. PreFilter looks up the pod's claims (a missing one makes the pod
 * UnschedulableAndUnresolvable with the API's not-found message) and counts how many of its ReadWriteOncePod claims
 * a pod already bound to a node uses; it Skips a pod with neither in-tree disks nor such a conflict. Filter rejects
 * a node, Unschedulable (preemption may help), where an in-tree disk conflicts with a pod on it, then every node
 * while a ReadWriteOncePod claim is in use.
 */
@injectable()
export class VolumeRestrictions implements PreFilterPlugin, FilterPlugin, PreFilterExtensions, EnqueueExtensions {
  readonly name = VolumeRestrictionsName;

  private readonly diskConflict = Status.unschedulable(ErrReasonDiskConflict).withPlugin(VolumeRestrictionsName);
  private readonly readWriteOncePodConflict = Status.unschedulable(ErrReasonReadWriteOncePodConflict).withPlugin(VolumeRestrictionsName);

  constructor(@inject(Tokens.Handle) private readonly handle: Handle) {}

  preFilter(state: CycleState, pod: Pod): Status | null {
    const needsCheck = (pod.spec.volumes ?? []).some(needsRestrictionsCheck);
    const namespace = claimNamespace(pod);
    const claims = new Set<string>();
    for (const volume of pod.spec.volumes ?? []) {
      const claimName = volume.persistentVolumeClaim?.claimName;
      if (claimName === undefined) continue;
      const claim = this.handle.objects.get('PersistentVolumeClaim', `${namespace}/${claimName}`);
      if (!claim) return Status.unresolvable(`persistentvolumeclaim "${claimName}" not found`);
      if (claim.spec?.accessModes?.includes('ReadWriteOncePod')) claims.add(claimName);
    }
    const conflicts = claims.size === 0 ? 0 : this.claimsInUse(namespace, claims);
    if (!needsCheck && conflicts === 0) return Status.skip;
    state.write(preFilterStateKey, new PreFilterState(claims, conflicts));
    return null;
  }

  preFilterExtensions(): PreFilterExtensions {
    return this;
  }

  addPod(state: CycleState, _pod: Pod, podToAdd: PodInfo): Status | null {
    const preFilter = state.read(preFilterStateKey);
    if (!preFilter) return stateNotFound(preFilterStateKey);
    preFilter.updateWithPod(podToAdd.pod, 1);
    return null;
  }

  removePod(state: CycleState, _pod: Pod, podToRemove: PodInfo): Status | null {
    const preFilter = state.read(preFilterStateKey);
    if (!preFilter) return stateNotFound(preFilterStateKey);
    preFilter.updateWithPod(podToRemove.pod, -1);
    return null;
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | null {
    if (!satisfiesVolumeConflicts(pod, nodeInfo.pods)) return this.diskConflict;
    const preFilter = state.read(preFilterStateKey);
    if (!preFilter) return stateNotFound(preFilterStateKey);
    return preFilter.conflictingClaimRefs > 0 ? this.readWriteOncePodConflict : null;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      // Volumes are immutable: only a deleted pod frees a disk or a ReadWriteOncePod claim.
      { event: { resource: 'Pod', actionType: ActionType.Delete }, queueingHintFn: isSchedulableAfterPodDeleted },
      { event: { resource: 'Node', actionType: ActionType.Add } },
      // A claim the pod names may have been missing.
      { event: { resource: 'PersistentVolumeClaim', actionType: ActionType.Add }, queueingHintFn: isSchedulableAfterClaimAdded },
    ];
  }

  /** How many of `claims` (names in `namespace`) pods bound to a node use (kube's `IsPVCUsedByPods`, per claim). */
  private claimsInUse(namespace: string, claims: ReadonlySet<string>): number {
    const used = new Set<string>();
    for (const info of this.handle.snapshot().list()) {
      for (const existing of info.pods) {
        if (claimNamespace(existing.pod) !== namespace) continue;
        for (const volume of existing.pod.spec.volumes ?? []) {
          const claim = volume.persistentVolumeClaim?.claimName;
          if (claim !== undefined && claims.has(claim)) used.add(claim);
        }
      }
    }
    return used.size;
  }
}

/** A claim the pod names, in the pod's namespace, was created. */
function isSchedulableAfterClaimAdded(pod: Pod, _oldObj: unknown, newObj: unknown): QueueingHint {
  const claim = newObj as PersistentVolumeClaim | undefined;
  if (!claim) return QueueingHint.Queue;
  return podNamesClaim(pod, claim, { ephemeral: false }) ? QueueingHint.Queue : QueueingHint.QueueSkip;
}

/**
 * A deleted pod of the same namespace held a disk that conflicts with the pod's, or used a claim the pod uses (kube
 * does not look the claim up to check it is ReadWriteOncePod, to keep the hint cheap).
 */
function isSchedulableAfterPodDeleted(pod: Pod, oldObj: unknown): QueueingHint {
  const deleted = oldObj as Pod | undefined;
  if (!deleted) return QueueingHint.Queue;
  if (claimNamespace(deleted) !== claimNamespace(pod)) return QueueingHint.QueueSkip;
  for (const volume of pod.spec.volumes ?? []) if (isVolumeConflict(volume, deleted)) return QueueingHint.Queue;
  const claims = new Set((pod.spec.volumes ?? []).flatMap((volume) => (volume.persistentVolumeClaim ? [volume.persistentVolumeClaim.claimName] : [])));
  const shared = (deleted.spec.volumes ?? []).some((volume) => volume.persistentVolumeClaim && claims.has(volume.persistentVolumeClaim.claimName));
  return shared ? QueueingHint.Queue : QueueingHint.QueueSkip;
}
