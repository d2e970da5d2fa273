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
} from '@schedkit/framework';
import { z } from 'zod';

/** The name kube-scheduler configurations use for this plugin. */
export const NodeNameName = 'NodeName';

/** kube's reason when the pod names another node. */
export const ErrReasonNodeName = "node(s) didn't match the requested node name";

/** NodeName takes no args (as in kube); unknown keys are rejected so typos surface. */
export const NodeNameArgsSchema = z.object({}).strict();

/** The (empty) args of {@link NodeName}. */
export type NodeNameArgs = z.infer<typeof NodeNameArgsSchema>;

/** True when `pod` may run on the node called `nodeName`: it names no node, or names this one. */
export function fitsNodeName(pod: Pod, nodeName: string): boolean {
  const wanted = pod.spec.nodeName;
  return !wanted || wanted === nodeName;
}

/**
 * kube-scheduler's NodeName filter: a pod whose `spec.nodeName` is set fits only that node; every other node
 * is UnschedulableAndUnresolvable. It has no PreFilter, as in kube, so it is never reported as skipped.
 */
@injectable()
export class NodeName implements FilterPlugin, EnqueueExtensions {
  readonly name = NodeNameName;

  // Shared: statuses handed to the framework are never mutated except for the plugin name, which is ours.
  private readonly rejection = Status.unresolvable(ErrReasonNodeName).withPlugin(NodeNameName);

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | null {
    // Most pods name no node: then the node's name is not even read (it runs for every node of every cycle).
    const wanted = pod.spec.nodeName;
    if (!wanted) return null;
    return wanted === nodeInfo.name ? null : this.rejection;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    // Only a new node can carry the requested name; updates never rename a node.
    return [{ event: { resource: 'Node', actionType: ActionType.Add }, queueingHintFn: isSchedulableAfterNodeAdd }];
  }
}

function isSchedulableAfterNodeAdd(pod: Pod, _oldObj: unknown, newObj: unknown): QueueingHint {
  const added = newObj as Node | undefined;
  if (!added) return QueueingHint.Queue;
  return fitsNodeName(pod, added.metadata.name) ? QueueingHint.Queue : QueueingHint.QueueSkip;
}
