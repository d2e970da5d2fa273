import {
  ActionType,
  AnnMigratedPlugins,
  AnnSelectedNode,
  type CSIDriver,
  type CSINode,
  type ClusterEventWithHint,
  type CycleState,
  claimNamespace,
  claimStorageClass,
  type EnqueueExtensions,
  ephemeralClaimOwnerError,
  type FilterPlugin,
  type Handle,
  inject,
  injectable,
  isClaimFullyBound,
  isDelayBinding,
  type NodeInfo,
  type PersistentVolumeClaim,
  type Pod,
  type PreBindPlugin,
  type PreFilterPlugin,
  type PreScorePlugin,
  podNamesClaim,
  QueueingHint,
  type ReservePlugin,
  type ScorePlugin,
  StateKey,
  Status,
  type StorageClass,
  stateNotFound,
  Tokens,
  volumeClaimName,
} from '@schedkit/framework';
import { z } from 'zod';
import { VolumeAssumeCache } from './assume-cache.js';
import { bindVolumeToClaim, findPodVolumes, type PodVolumeClaims, type PodVolumes, VolumeBindingError, volumesOfClass } from './binder.js';

/** The name kube-scheduler configurations use for this plugin. */
export const VolumeBindingName = 'VolumeBinding';

/** kube's reason when a claim of an Immediate class is not bound yet: the PV controller binds it, not the scheduler. */
export const ErrReasonUnboundImmediateClaims = 'pod has unbound immediate PersistentVolumeClaims';

/**
 * VolumeBinding's args as kube v1.35 accepts them with its default feature gates: `bindTimeoutSeconds` (default
 * 600, not negative). `shape` (the storage-capacity score) needs the StorageCapacityScoring gate, which is off, so
 * kube rejects it, and so does schedkit.
 */
export const VolumeBindingArgsSchema = z
  .object({
    bindTimeoutSeconds: z.number().int().min(0, 'invalid BindTimeoutSeconds, should not be a negative value').default(600),
    shape: z
      .array(z.unknown())
      .max(0, 'unsupported field: shape needs the StorageCapacityScoring feature gate, which kube v1.35 leaves off')
      .optional(),
  })
  .strict();

/** The args of {@link VolumeBinding}. */
export type VolumeBindingArgs = z.infer<typeof VolumeBindingArgsSchema>;

/**
 * The cycle's state (kube's `stateData`). Shared, not copied, by clones, as kube's is: Filter records each
 * feasible node's decisions here for Reserve and PreBind. Filter calls on different nodes never interleave
 * inside one synchronous call, so the map needs no lock.
 */
class VolumeBindingState {
  allBound = false;
  readonly podVolumesByNode = new Map<string, PodVolumes>();

  constructor(readonly claims: PodVolumeClaims | undefined) {}

  clone(): VolumeBindingState {
    return this;
  }
}

const stateKey = new StateKey<VolumeBindingState>('VolumeBinding');

/**
 * kube-scheduler's VolumeBinding plugin.
 * - PreFilter checks every claim the pod names exists (and is neither lost nor being deleted), Skips a pod
 *   without claims, and rejects, UnschedulableAndUnresolvable, a pod with an unbound claim of an Immediate class.
 * - Filter: bound claims' volumes must reach the node (their node affinity); unbound WaitForFirstConsumer claims
 *   need a free matching volume reaching the node or a class that provisions there (`allowedTopologies`).
 * - Reserve assumes the node's decisions (so later cycles see the volumes taken); PreBind writes them to the
 *   store: each chosen volume's `claimRef`, and `volume.kubernetes.io/selected-node` on each claim to provision,
 *   which the PV controller and the provisioner act on. Unreserve drops the assumptions.
 * - Score: kube scores only with the StorageCapacityScoring gate, off in v1.35, so PreScore always Skips.
 */
@injectable()
export class VolumeBinding implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, ReservePlugin, PreBindPlugin, EnqueueExtensions {
  readonly name = VolumeBindingName;

  private readonly cache: VolumeAssumeCache;

  constructor(@inject(Tokens.Handle) private readonly handle: Handle) {
    this.cache = new VolumeAssumeCache(handle.objects);
  }

  preFilter(state: CycleState, pod: Pod): Status | null {
    const namespace = claimNamespace(pod);
    const claims: PersistentVolumeClaim[] = [];
    for (const volume of pod.spec.volumes ?? []) {
      const claimName = volumeClaimName(pod, volume);
      if (claimName === undefined) continue;
      const claim = this.cache.claim(`${namespace}/${claimName}`);
      if (!claim) {
        return Status.unresolvable(
          volume.ephemeral
            ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${claimName}"`
            : `persistentvolumeclaim "${claimName}" not found`,
        );
      }
      if (claim.status?.phase === 'Lost') {
        return Status.unresolvable(`persistentvolumeclaim "${claimName}" bound to non-existent persistentvolume "${claim.spec?.volumeName ?? ''}"`);
      }
      if (claim.metadata.deletionTimestamp) return Status.unresolvable(`persistentvolumeclaim "${claimName}" is being deleted`);
      if (volume.ephemeral) {
        const notOwned = ephemeralClaimOwnerError(pod, claim);
        if (notOwned) return Status.unresolvable(notOwned);
      }
      claims.push(claim);
    }
    if (claims.length === 0) {
      state.write(stateKey, new VolumeBindingState(undefined));
      return Status.skip;
    }
    const sorted = this.sortClaims(claims);
    if (sorted.unboundImmediate.length > 0) return Status.unresolvable(ErrReasonUnboundImmediateClaims);
    state.write(stateKey, new VolumeBindingState(sorted));
    return null;
  }

  /** The state does not depend on other pods. */
  preFilterExtensions(): undefined {
    return undefined;
  }

  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status | null {
    const data = state.read(stateKey);
    if (!data) return stateNotFound(stateKey);
    const node = nodeInfo.node;
    if (!node || !data.claims) return null;
    try {
      const fit = findPodVolumes(data.claims, node, this.handle.objects, this.cache);
      if (fit.reasons.length > 0) return Status.unresolvable(...fit.reasons);
      data.podVolumesByNode.set(node.metadata.name, fit.volumes);
      return null;
    } catch (error) {
      if (error instanceof VolumeBindingError) return Status.error(error);
      throw error;
    }
  }

  /** kube scores volumes only with the StorageCapacityScoring gate (off in v1.35): Score never runs. */
  preScore(): Status {
    return Status.skip;
  }

  /** kube's Score without a scorer: 0 (never reached, PreScore skips). */
  score(): number {
    return 0;
  }

  reserve(state: CycleState, pod: Pod, nodeName: string): Status | null {
    const data = state.read(stateKey);
    if (!data) return stateNotFound(stateKey);
    const volumes = data.podVolumesByNode.get(nodeName);
    if (!volumes) {
      data.allBound = true;
      return null;
    }
    data.allBound = this.allClaimsBound(pod);
    if (data.allBound) return null;
    const bindings = volumes.staticBindings.map((binding) => {
      const bound = bindVolumeToClaim(binding.volume, binding.claim);
      if (bound) this.cache.assumeVolume(bound);
      return { volume: bound ?? binding.volume, claim: binding.claim };
    });
    const provisions = volumes.dynamicProvisions.map((claim) => {
      const selected: PersistentVolumeClaim = { ...claim, metadata: { ...claim.metadata, annotations: { ...claim.metadata.annotations, [AnnSelectedNode]: nodeName } } };
      this.cache.assumeClaim(claimKey(claim), selected);
      return selected;
    });
    data.podVolumesByNode.set(nodeName, { staticBindings: bindings, dynamicProvisions: provisions });
    return null;
  }

  unreserve(state: CycleState, _pod: Pod, nodeName: string): void {
    const volumes = state.read(stateKey)?.podVolumesByNode.get(nodeName);
    if (volumes) this.revert(volumes);
  }

  /**
   * Writes the node's decisions to the store (kube's `bindAPIUpdate`): the volumes chosen for claims with their
   * claimRef, then the claims to provision with their selected node. kube then waits for the PV controller to
   * finish the bindings; schedkit runs no PV controller, so the written decisions are the result.
   */
  async preBind(state: CycleState, _pod: Pod, nodeName: string): Promise<Status | null> {
    const data = state.read(stateKey);
    if (!data) return stateNotFound(stateKey);
    if (data.allBound) return null;
    const volumes = data.podVolumesByNode.get(nodeName);
    if (!volumes) return Status.error(new Error(`no pod volumes found for node "${nodeName}"`));
    try {
      for (const binding of volumes.staticBindings) await this.handle.objectWriter.update('PersistentVolume', binding.volume);
      for (const claim of volumes.dynamicProvisions) await this.handle.objectWriter.update('PersistentVolumeClaim', claim);
      return null;
    } catch (error) {
      this.revert(volumes);
      return Status.error(new Error(`binding volumes: ${(error as Error).message}`, { cause: error }));
    }
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      // A missing or changed class (its allowedTopologies) may let claims bind or provision.
      { event: { resource: 'StorageClass', actionType: ActionType.Add | ActionType.Update }, queueingHintFn: isSchedulableAfterStorageClassChange },
      { event: { resource: 'PersistentVolumeClaim', actionType: ActionType.Add | ActionType.Update }, queueingHintFn: isSchedulableAfterClaimChange },
      // Any volume may be the one a claim matches.
      { event: { resource: 'PersistentVolume', actionType: ActionType.Add | ActionType.Update } },
      // Node labels decide volume node affinity and allowed topologies.
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel } },
      { event: { resource: 'CSINode', actionType: ActionType.Add | ActionType.Update }, queueingHintFn: isSchedulableAfterCSINodeChange },
      { event: { resource: 'CSIDriver', actionType: ActionType.Update }, queueingHintFn: isSchedulableAfterCSIDriverChange },
    ];
  }

  /** kube's `GetPodVolumeClaims`: bound, unbound delay-binding (with their classes' volumes) and unbound immediate claims. */
  private sortClaims(claims: readonly PersistentVolumeClaim[]): PodVolumeClaims {
    const sorted: PodVolumeClaims = { bound: [], unboundDelayBinding: [], unboundImmediate: [], volumesByClass: new Map() };
    const classes = (name: string): StorageClass | undefined => this.handle.objects.get('StorageClass', name);
    for (const claim of claims) {
      if (isClaimFullyBound(claim)) sorted.bound.push(claim);
      // A claim pre-bound to a volume (volumeName set) waits for the PV controller, as an immediate one does.
      else if (isDelayBinding(claim, classes) && !claim.spec?.volumeName) sorted.unboundDelayBinding.push(claim);
      else sorted.unboundImmediate.push(claim);
    }
    for (const claim of sorted.unboundDelayBinding) {
      const className = claimStorageClass(claim);
      if (!sorted.volumesByClass.has(className)) sorted.volumesByClass.set(className, volumesOfClass(this.cache, className));
    }
    return sorted;
  }

  /** kube's `arePodVolumesBound`: every claim of the pod is fully bound (as the scheduler sees it). */
  private allClaimsBound(pod: Pod): boolean {
    const namespace = claimNamespace(pod);
    for (const volume of pod.spec.volumes ?? []) {
      const claimName = volumeClaimName(pod, volume);
      if (claimName === undefined) continue;
      const claim = this.cache.claim(`${namespace}/${claimName}`);
      if (!claim || !isClaimFullyBound(claim)) return false;
    }
    return true;
  }

  private revert(volumes: PodVolumes): void {
    for (const binding of volumes.staticBindings) this.cache.restoreVolume(binding.volume.metadata.name);
    for (const claim of volumes.dynamicProvisions) this.cache.restoreClaim(claimKey(claim));
  }
}

function claimKey(claim: PersistentVolumeClaim): string {
  return `${claim.metadata.namespace || 'default'}/${claim.metadata.name}`;
}

/** A new class, or a change of its allowedTopologies (its binding mode cannot change). */
function isSchedulableAfterStorageClassChange(_pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint {
  const original = oldObj as StorageClass | undefined;
  const modified = newObj as StorageClass | undefined;
  if (!original || !modified) return QueueingHint.Queue;
  return JSON.stringify(original.allowedTopologies ?? []) === JSON.stringify(modified.allowedTopologies ?? []) ? QueueingHint.QueueSkip : QueueingHint.Queue;
}

/** A claim the pod uses (directly or as a generic ephemeral volume) was created or changed. */
function isSchedulableAfterClaimChange(pod: Pod, _oldObj: unknown, newObj: unknown): QueueingHint {
  const claim = newObj as PersistentVolumeClaim | undefined;
  if (!claim) return QueueingHint.Queue;
  return podNamesClaim(pod, claim, { ephemeral: true }) ? QueueingHint.Queue : QueueingHint.QueueSkip;
}

/** A new CSINode, or a change of the in-tree plugins migrated on it. */
function isSchedulableAfterCSINodeChange(_pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint {
  const original = oldObj as CSINode | undefined;
  const modified = newObj as CSINode | undefined;
  if (!original || !modified) return QueueingHint.Queue;
  return original.metadata.annotations?.[AnnMigratedPlugins] === modified.metadata.annotations?.[AnnMigratedPlugins] ? QueueingHint.QueueSkip : QueueingHint.Queue;
}

/** A CSI driver of one of the pod's inline CSI volumes stopped tracking storage capacity. */
function isSchedulableAfterCSIDriverChange(pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint {
  const original = oldObj as CSIDriver | undefined;
  const modified = newObj as CSIDriver | undefined;
  if (!original || !modified) return QueueingHint.Queue;
  for (const volume of pod.spec.volumes ?? []) {
    if (volume.csi?.driver !== modified.metadata.name) continue;
    if (original.spec?.storageCapacity === true && modified.spec?.storageCapacity !== true) return QueueingHint.Queue;
  }
  return QueueingHint.QueueSkip;
}
