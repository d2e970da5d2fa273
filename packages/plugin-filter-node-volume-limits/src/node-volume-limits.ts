import {
  ActionType,
  type CSINode,
  type ClusterEventWithHint,
  type CycleState,
  claimNamespace,
  claimStorageClass,
  csiAttachLimitKey,
  type EnqueueExtensions,
  ephemeralClaimOwnerError,
  type FilterPlugin,
  type Handle,
  inject,
  injectable,
  type NodeInfo,
  type PersistentVolumeClaim,
  type Pod,
  type PreFilterPlugin,
  parseQuantity,
  podNamesClaim,
  QueueingHint,
  Status,
  Tokens,
  type Volume,
  volumeClaimName,
} from '@schedkit/framework';
import { z } from 'zod';

/** The name kube-scheduler configurations use for this plugin (kube's CSILimits). */
export const NodeVolumeLimitsName = 'NodeVolumeLimits';

/** kube's reason when the pod's new CSI volumes would exceed a driver's attach limit on the node. */
export const ErrReasonMaxVolumeCountExceeded = 'node(s) exceed max volume count';

/** NodeVolumeLimits takes no args (as in kube); unknown keys are rejected so typos surface. */
export const NodeVolumeLimitsArgsSchema = z.object({}).strict();

/** The (empty) args of {@link NodeVolumeLimits}. */
export type NodeVolumeLimitsArgs = z.infer<typeof NodeVolumeLimitsArgsSchema>;

/** The prefix of the node allocatable entries that older kubelets published volume limits under. */
const attachableVolumesPrefix = 'attachable-volumes-';

/**
 * In-tree inline volume sources kube's CSI translation library can migrate (`IsInlineMigratable`): a pod with one
 * is not skipped. schedkit does not translate them, so they are not counted (see the README).
 */
const migratableInlineSources = ['gcePersistentDisk', 'awsElasticBlockStore', 'cinder', 'azureDisk', 'azureFile', 'vsphereVolume', 'portworxVolume'] as const;

function isInlineMigratable(volume: Volume): boolean {
  return migratableInlineSources.some((source) => volume[source] != null);
}

/**
 * The attach limit per driver key of a node (kube's `getVolumeLimits`): the `attachable-volumes-*` entries of the
 * node's allocatable, overridden by each CSINode driver's `allocatable.count`.
 */
export function nodeVolumeLimits(nodeInfo: NodeInfo, csiNode: CSINode | undefined): Map<string, number> {
  const limits = new Map<string, number>();
  for (const [name, value] of Object.entries(nodeInfo.node?.status?.allocatable ?? {})) {
    if (name.startsWith(attachableVolumesPrefix)) limits.set(name, parseQuantity(value, `status.allocatable.${name}`).value());
  }
  for (const driver of csiNode?.spec.drivers ?? []) {
    const count = driver.allocatable?.count;
    if (count !== undefined && count !== null) limits.set(csiAttachLimitKey(driver.name), count);
  }
  return limits;
}

/**
 * kube-scheduler's NodeVolumeLimits plugin (CSILimits). PreFilter Skips a pod without claims (or generic
 * ephemeral or migratable in-tree volumes). Filter finds the CSI driver and volume handle of each of the pod's
 * claims (the bound volume's `csi` source; for an unbound claim its class's provisioner and a handle unique to
 * the claim), counts the distinct volumes of each driver the pods on the node already use, and rejects the node,
 * Unschedulable, when the pod's new volumes would push a driver past its limit from the node's CSINode. A claim
 * of the pod that does not exist is UnschedulableAndUnresolvable.
 */
@injectable()
export class NodeVolumeLimits implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = NodeVolumeLimitsName;

  private readonly exceeded = Status.unschedulable(ErrReasonMaxVolumeCountExceeded).withPlugin(NodeVolumeLimitsName);
  /** kube prefixes the handles of unbound claims with a random string, so that they never equal a real handle. */
  private readonly unboundHandlePrefix = `unbound-${Math.random().toString(36).slice(2)}`;

  constructor(@inject(Tokens.Handle) private readonly handle: Handle) {}

  preFilter(_state: CycleState, pod: Pod): Status | null {
    for (const volume of pod.spec.volumes ?? []) {
      if (volume.persistentVolumeClaim || volume.ephemeral || isInlineMigratable(volume)) return null;
    }
    return Status.skip;
  }

  /** The verdict does not depend on cycle state. */
  preFilterExtensions(): undefined {
    return undefined;
  }

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | null {
    if ((pod.spec.volumes ?? []).length === 0) return null;
    const csiNode = this.handle.objects.get('CSINode', nodeInfo.name);
    const newVolumes = new Map<string, string>();
    const missing = this.attachableVolumes(pod, true, newVolumes);
    if (missing) return missing;
    if (newVolumes.size === 0) return null;
    const limits = nodeVolumeLimits(nodeInfo, csiNode);
    if (limits.size === 0) return null;

    const attached = new Map<string, string>();
    for (const existing of nodeInfo.pods) this.attachableVolumes(existing.pod, false, attached);
    const attachedCount = new Map<string, number>();
    for (const [unique, key] of attached) {
      // A volume the pod shares with a pod on the node is already attached: it is not new.
      newVolumes.delete(unique);
      attachedCount.set(key, (attachedCount.get(key) ?? 0) + 1);
    }
    const newCount = new Map<string, number>();
    for (const key of newVolumes.values()) newCount.set(key, (newCount.get(key) ?? 0) + 1);
    for (const [key, count] of newCount) {
      const limit = limits.get(key);
      if (limit !== undefined && (attachedCount.get(key) ?? 0) + count > limit) return this.exceeded;
    }
    return null;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      // Any new CSINode may carry a higher limit (kube gives this event no hint).
      { event: { resource: 'CSINode', actionType: ActionType.Add } },
      { event: { resource: 'Pod', actionType: ActionType.Delete }, queueingHintFn: isSchedulableAfterPodDeleted },
      { event: { resource: 'PersistentVolumeClaim', actionType: ActionType.Add }, queueingHintFn: isSchedulableAfterClaimAdded },
    ];
  }

  /**
   * kube's `filterAttachableVolumes`: adds `driver/handle` → limit key for each CSI volume of `pod`'s claims. For
   * the incoming pod a missing claim (or an ephemeral claim the pod does not own) is the rejecting status; for a pod
   * on the node it is not counted.
   */
  private attachableVolumes(pod: Pod, incoming: boolean, result: Map<string, string>): Status | undefined {
    const namespace = claimNamespace(pod);
    for (const volume of pod.spec.volumes ?? []) {
      const claimName = volumeClaimName(pod, volume);
      if (claimName === undefined) continue;
      if (claimName === '') return Status.error(new Error('PersistentVolumeClaim had no name'));
      const claim = this.handle.objects.get('PersistentVolumeClaim', `${namespace}/${claimName}`);
      if (!claim) {
        if (incoming) return Status.unresolvable(`looking up PVC ${namespace}/${claimName}: persistentvolumeclaim "${claimName}" not found`);
        continue;
      }
      if (volume.ephemeral) {
        const notOwned = ephemeralClaimOwnerError(pod, claim);
        if (notOwned) {
          if (incoming) return Status.error(new Error(notOwned));
          continue;
        }
      }
      const info = this.csiDriverInfo(claim);
      if (!info) continue;
      result.set(`${info.driver}/${info.handle}`, csiAttachLimitKey(info.driver));
    }
    return undefined;
  }

  /** kube's `getCSIDriverInfo`: the bound volume's CSI driver and handle, else the class's provisioner. */
  private csiDriverInfo(claim: PersistentVolumeClaim): { driver: string; handle: string } | undefined {
    const volumeName = claim.spec?.volumeName ?? '';
    const volume = volumeName === '' ? undefined : this.handle.objects.get('PersistentVolume', volumeName);
    if (!volume) return this.csiDriverInfoFromClass(claim);
    const csi = volume.spec?.csi;
    if (!csi?.driver || !csi.volumeHandle) return undefined;
    return { driver: csi.driver, handle: csi.volumeHandle };
  }

  /**
   * kube's `getCSIDriverInfoFromSC`: a claim not bound yet will get a volume of its class's provisioner; its
   * handle is unique to the claim. A claim without (a known) class is not counted.
   */
  private csiDriverInfoFromClass(claim: PersistentVolumeClaim): { driver: string; handle: string } | undefined {
    const className = claimStorageClass(claim);
    if (className === '') return undefined;
    const storageClass = this.handle.objects.get('StorageClass', className);
    if (!storageClass?.provisioner) return undefined;
    return { driver: storageClass.provisioner, handle: `${this.unboundHandlePrefix}-${claim.metadata.namespace || 'default'}/${claim.metadata.name}` };
  }
}

/** A deleted pod that was on a node and used claims (or migratable in-tree volumes) may free attach slots. */
function isSchedulableAfterPodDeleted(_pod: Pod, oldObj: unknown): QueueingHint {
  const deleted = oldObj as Pod | undefined;
  if (!deleted) return QueueingHint.Queue;
  if ((deleted.spec.volumes ?? []).length === 0 || !deleted.spec.nodeName) return QueueingHint.QueueSkip;
  const counted = (deleted.spec.volumes ?? []).some((volume) => volume.persistentVolumeClaim || volume.ephemeral || isInlineMigratable(volume));
  return counted ? QueueingHint.Queue : QueueingHint.QueueSkip;
}

/** A claim the pod names (directly or as a generic ephemeral volume) was created in the pod's namespace. */
function isSchedulableAfterClaimAdded(pod: Pod, _oldObj: unknown, newObj: unknown): QueueingHint {
  const claim = newObj as PersistentVolumeClaim | undefined;
  if (!claim) return QueueingHint.Queue;
  return podNamesClaim(pod, claim, { ephemeral: true }) ? QueueingHint.Queue : QueueingHint.QueueSkip;
}
