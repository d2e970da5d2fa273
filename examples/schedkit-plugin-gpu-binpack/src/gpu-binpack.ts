import {
  ActionType,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  inject,
  injectable,
  isScalarResourceName,
  type Node,
  type NodeInfo,
  type Pod,
  type PreFilterPlugin,
  type PreScorePlugin,
  podRequests,
  QueueingHint,
  Resource,
  type ScorePlugin,
  StateKey,
  Status,
  Tokens,
} from '@schedkit/framework';
import { z } from 'zod';

/** The name configurations use for this plugin. */
export const GpuBinpackName = 'GpuBinpack';

/** Why a pod that needs no GPU is kept off a GPU node. */
export const ErrReasonReservedForGpu = 'node(s) are reserved for GPU workloads';

/** The args of {@link GpuBinpack}, validated and defaulted; unknown keys are rejected so that typos surface. */
export const GpuBinpackArgsSchema = z
  .object({
    /** The extended resource that counts GPUs. */
    resourceName: z
      .string()
      .default('nvidia.com/gpu')
      .refine(isScalarResourceName, { message: 'must be an extended resource name such as nvidia.com/gpu' }),
    /** Keep pods that request no GPU off nodes that have GPUs, so that GPU capacity is not blocked by CPU work. */
    reserveGpuNodes: z.boolean().default(true),
  })
  .strict();

/** {@link GpuBinpack}'s args after defaulting. */
export type GpuBinpackArgs = z.infer<typeof GpuBinpackArgsSchema>;

/** What PreScore computes once per cycle for Score. */
interface PreScoreState {
  /** The GPUs the pod requests (> 0, else PreScore skipped). */
  podGpus: number;
}

const preScoreKey = new StateKey<PreScoreState>(`${GpuBinpackName}/preScore`);

/**
 * Packs GPU pods tightly and keeps GPU nodes for GPU pods:
 *
 * - PreFilter/Filter: with `reserveGpuNodes`, a pod that requests no GPU is UnschedulableAndUnresolvable on a node
 *   with allocatable GPUs (preemption cannot free a node of its GPUs). Pods that request GPUs skip the Filter:
 *   whether they fit is NodeResourcesFit's job.
 * - PreScore/Score: a node scores the share of its GPUs that would be in use with the pod placed,
 *   `floor(100 × min(used + requested, allocatable) / allocatable)`, so the busiest node that still fits wins
 *   and whole nodes stay free for large jobs. Nodes without GPUs score 0. Pods without GPUs skip Score.
 */
@injectable()
export class GpuBinpack implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = GpuBinpackName;
  private readonly reserved = Status.unresolvable(ErrReasonReservedForGpu).withPlugin(GpuBinpackName);

  constructor(@inject(Tokens.Args) private readonly args: GpuBinpackArgs) {}

  preFilter(_state: CycleState, pod: Pod): Status | null {
    // Nothing to check for GPU pods, or when GPU nodes are not reserved: Skip saves the per-node Filter calls.
    if (!this.args.reserveGpuNodes || this.podGpus(pod) > 0) return Status.skip;
    return null;
  }

  filter(_state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status | null {
    return nodeInfo.allocatable.get(this.args.resourceName) > 0 ? this.reserved : null;
  }

  preScore(state: CycleState, pod: Pod): Status | null {
    const podGpus = this.podGpus(pod);
    if (podGpus === 0) return Status.skip;
    state.write(preScoreKey, { podGpus });
    return null;
  }

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    const { podGpus } = state.get(preScoreKey);
    const allocatable = nodeInfo.allocatable.get(this.args.resourceName);
    if (allocatable <= 0) return 0;
    const used = Math.min(nodeInfo.requested.get(this.args.resourceName) + podGpus, allocatable);
    return Math.floor((used * 100) / allocatable);
  }

  /** A pod kept off GPU nodes may fit once a node without GPUs is added, or a node loses its GPUs. */
  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable },
        queueingHintFn: (_pod, _oldObj, newObj) => (newObj && this.nodeGpus(newObj as Node) === 0 ? QueueingHint.Queue : QueueingHint.QueueSkip),
      },
    ];
  }

  private podGpus(pod: Pod): number {
    return podRequests(pod).get(this.args.resourceName);
  }

  private nodeGpus(node: Node): number {
    return Resource.fromResourceList(node.status?.allocatable).get(this.args.resourceName);
  }
}
