import {
  ActionType,
  type ClusterEventWithHint,
  type CycleState,
  claimNamespace,
  claimStorageClass,
  type EnqueueExtensions,
  type FilterPlugin,
  gaTopologyLabel,
  type Handle,
  inject,
  injectable,
  labelZones,
  type NodeInfo,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type Pod,
  type PreFilterPlugin,
  podNamesClaim,
  QueueingHint,
  type StorageClass,
  StateKey,
  Status,
  Tokens,
  VolumeTopologyLabels,
} from '@schedkit/framework';
import { z } from 'zod';

/** The name kube-scheduler configurations use for this plugin. */
export const VolumeZoneName = 'VolumeZone';

/** kube's reason when a bound volume's zone or region is not the node's. */
export const ErrReasonConflict = 'node(s) had no available volume zone';

/** VolumeZone takes no args (as in kube); unknown keys are rejected so typos surface. */
export const VolumeZoneArgsSchema = z.object({}).strict();

/** The (empty) args of {@link VolumeZone}. */
export type VolumeZoneArgs = z.infer<typeof VolumeZoneArgsSchema>;

/** One topology label of a bound volume: the node must carry `key` with one of `values`. */
export interface VolumeTopology {
  volume: string;
  key: string;
  values: ReadonlySet<string>;
}

const preFilterStateKey = new StateKey<readonly VolumeTopology[]>('PreFilterVolumeZone');

/**
 * The zone and region labels of `volume`, in kube's `topologyLabels` order (beta keys first); a label value may
 * list several zones joined by `__`.
 */
export function volumeTopologies(volume: PersistentVolume): VolumeTopology[] {
  const topologies: VolumeTopology[] = [];
  for (const key of VolumeTopologyLabels) {
    const value = volume.metadata.labels?.[key];
    if (value !== undefined) topologies.push({ volume: volume.metadata.name, key, values: labelZones(value) });
  }
  return topologies;
}

/**
 * kube-scheduler's VolumeZone plugin. PreFilter collects the zone and region labels of the volumes bound to the
 * pod's claims (claims of a WaitForFirstConsumer class that are not bound yet are left to VolumeBinding) and Skips
 * a pod without any. Filter lets through a node without zone or region labels, and rejects, UnschedulableAndUnresolvable,
 * a node whose zone or region (the beta key, else its GA key) is not among a volume's.
 */
@injectable()
export class VolumeZone implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = VolumeZoneName;

  private readonly conflict = Status.unresolvable(ErrReasonConflict).withPlugin(VolumeZoneName);

  constructor(@inject(Tokens.Handle) private readonly handle: Handle) {}

  preFilter(state: CycleState, pod: Pod): Status | null {
    const topologies = this.podVolumeTopologies(pod);
    if (topologies instanceof Status) return topologies;
    if (topologies.length === 0) return Status.skip;
    state.write(preFilterStateKey, topologies);
    return null;
  }

  /** The state does not depend on other pods. */
  preFilterExtensions(): undefined {
    return undefined;
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | null {
    if ((pod.spec.volumes ?? []).length === 0) return null;
    // kube computes the topologies here when PreFilter did not run.
    const topologies = state.read(preFilterStateKey) ?? this.podVolumeTopologies(pod);
    if (topologies instanceof Status) return topologies;
    const labels = nodeInfo.node?.metadata.labels ?? {};
    if (!VolumeTopologyLabels.some((key) => labels[key] !== undefined)) return null;
    for (const topology of topologies) {
      const value = labels[topology.key] ?? labels[gaTopologyLabel(topology.key)];
      if (value === undefined || !topology.values.has(value)) return this.conflict;
    }
    return null;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      // A new WaitForFirstConsumer class: its claims are no longer an error.
      { event: { resource: 'StorageClass', actionType: ActionType.Add }, queueingHintFn: isSchedulableAfterStorageClassAdded },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel } },
      // A claim the pod names was created, or got its volume.
      {
        event: { resource: 'PersistentVolumeClaim', actionType: ActionType.Add | ActionType.Update },
        queueingHintFn: isSchedulableAfterClaimChange,
      },
      // A volume was created, or its zone labels changed.
      { event: { resource: 'PersistentVolume', actionType: ActionType.Add | ActionType.Update }, queueingHintFn: isSchedulableAfterVolumeChange },
    ];
  }

  /**
   * kube's `getPVbyPod`: the topologies of the volumes bound to the pod's claims, or the status that rejects the
   * pod (a missing claim, volume or class; an unbound claim whose class binds immediately).
   */
  private podVolumeTopologies(pod: Pod): VolumeTopology[] | Status {
    const namespace = claimNamespace(pod);
    const topologies: VolumeTopology[] = [];
    for (const volume of pod.spec.volumes ?? []) {
      const claimName = volume.persistentVolumeClaim?.claimName;
      if (claimName === undefined) continue;
      if (claimName === '') return Status.unresolvable('PersistentVolumeClaim had no name');
      const claim = this.handle.objects.get('PersistentVolumeClaim', `${namespace}/${claimName}`);
      if (!claim) return Status.unresolvable(`persistentvolumeclaim "${claimName}" not found`);
      const volumeName = claim.spec?.volumeName ?? '';
      if (volumeName === '') {
        const className = claimStorageClass(claim);
        if (className === '') return Status.unresolvable('PersistentVolumeClaim had no pv name and storageClass name');
        const storageClass = this.handle.objects.get('StorageClass', className);
        if (!storageClass) return Status.unresolvable(`storageclass.storage.k8s.io "${className}" not found`);
        // An absent volumeBindingMode is the API default, Immediate (kube reads the defaulted object).
        if (storageClass.volumeBindingMode === 'WaitForFirstConsumer') continue;
        return Status.unresolvable('PersistentVolume had no name');
      }
      const bound = this.handle.objects.get('PersistentVolume', volumeName);
      if (!bound) return Status.unresolvable(`persistentvolume "${volumeName}" not found`);
      topologies.push(...volumeTopologies(bound));
    }
    return topologies;
  }
}

function isSchedulableAfterStorageClassAdded(_pod: Pod, _oldObj: unknown, newObj: unknown): QueueingHint {
  const storageClass = newObj as StorageClass | undefined;
  return storageClass?.volumeBindingMode === 'WaitForFirstConsumer' ? QueueingHint.Queue : QueueingHint.QueueSkip;
}

function isSchedulableAfterClaimChange(pod: Pod, _oldObj: unknown, newObj: unknown): QueueingHint {
  const claim = newObj as PersistentVolumeClaim | undefined;
  return claim && podNamesClaim(pod, claim, { ephemeral: false }) ? QueueingHint.Queue : QueueingHint.QueueSkip;
}

function isSchedulableAfterVolumeChange(_pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint {
  const original = oldObj as PersistentVolume | undefined;
  const modified = newObj as PersistentVolume | undefined;
  if (!original || !modified) return QueueingHint.Queue;
  return sameTopologies(volumeTopologies(original), volumeTopologies(modified)) ? QueueingHint.QueueSkip : QueueingHint.Queue;
}

function sameTopologies(a: readonly VolumeTopology[], b: readonly VolumeTopology[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((topology, i) => {
    const other = b[i]!;
    return topology.key === other.key && topology.values.size === other.values.size && [...topology.values].every((v) => other.values.has(v));
  });
}
