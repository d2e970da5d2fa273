import {
  ActionType,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  injectable,
  type Node,
  type NodeInfo,
  type Pod,
  QueueingHint,
  Status,
  type Taint,
  type Toleration,
  tolerationsTolerateTaint,
} from '@schedkit/framework';
import { z } from 'zod';

/** The name kube-scheduler configurations use for this plugin. */
export const NodeUnschedulableName = 'NodeUnschedulable';

/** kube's reason for a cordoned node. */
export const ErrReasonUnschedulable = 'node(s) were unschedulable';

/** kube's reason when the NodeInfo has no node object. */
export const ErrReasonUnknownCondition = 'node(s) had unknown conditions';

/** The taint a cordoned node implies: tolerating it also tolerates `spec.unschedulable`. */
export const UnschedulableTaint: Taint = Object.freeze({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });

/** NodeUnschedulable takes no args (as in kube); unknown keys are rejected so typos surface. */
export const NodeUnschedulableArgsSchema = z.object({}).strict();

/** The (empty) args of {@link NodeUnschedulable}. */
export type NodeUnschedulableArgs = z.infer<typeof NodeUnschedulableArgsSchema>;

/** True when `tolerations` tolerate `node.kubernetes.io/unschedulable:NoSchedule`. */
export function toleratesUnschedulable(tolerations: readonly Toleration[] | undefined): boolean {
  return tolerationsTolerateTaint(tolerations, UnschedulableTaint);
}

/**
 * kube-scheduler's NodeUnschedulable filter: a node with `spec.unschedulable: true` (cordoned) is
 * UnschedulableAndUnresolvable unless the pod tolerates the `node.kubernetes.io/unschedulable:NoSchedule` taint.
 */
@injectable()
export class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  readonly name = NodeUnschedulableName;

  private readonly rejection = Status.unresolvable(ErrReasonUnschedulable).withPlugin(NodeUnschedulableName);

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | null {
    const node = nodeInfo.node;
    if (!node) return Status.unresolvable(ErrReasonUnknownCondition);
    if (!node.spec?.unschedulable) return null;
    return toleratesUnschedulable(pod.spec.tolerations) ? null : this.rejection;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint }, queueingHintFn: isSchedulableAfterNodeChange },
      { event: { resource: 'Pod', actionType: ActionType.UpdatePodToleration }, queueingHintFn: isSchedulableAfterPodTolerationChange },
    ];
  }
}

/** Requeue when a schedulable node is added or a node is uncordoned. */
function isSchedulableAfterNodeChange(_pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint {
  const modified = newObj as Node | undefined;
  if (!modified) return QueueingHint.Queue;
  const original = oldObj as Node | undefined;
  const nowSchedulable = !modified.spec?.unschedulable;
  if (nowSchedulable && (!original || original.spec?.unschedulable)) return QueueingHint.Queue;
  return QueueingHint.QueueSkip;
}

/** Requeue when the rejected pod itself gained a toleration of the unschedulable taint. */
function isSchedulableAfterPodTolerationChange(pod: Pod, _oldObj: unknown, newObj: unknown): QueueingHint {
  const modified = newObj as Pod | undefined;
  if (!modified) return QueueingHint.Queue;
  if (modified.metadata.uid !== pod.metadata.uid) return QueueingHint.QueueSkip;
  return toleratesUnschedulable(modified.spec.tolerations) ? QueueingHint.Queue : QueueingHint.QueueSkip;
}
