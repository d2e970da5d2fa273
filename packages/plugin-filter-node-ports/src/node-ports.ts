import {
  ActionType,
  type ClusterEventWithHint,
  type ContainerPort,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  HostPortInfo,
  injectable,
  type NodeInfo,
  type Pod,
  type PreFilterPlugin,
  QueueingHint,
  StateKey,
  Status,
} from '@schedkit/framework';
import { z } from 'zod';
import { podHostPorts } from './host-ports.js';

/** The name kube-scheduler configurations use for this plugin. */
export const NodePortsName = 'NodePorts';

/** kube's reason when a requested host port is taken on the node. */
export const ErrReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";

/** NodePorts takes no args (as in kube); unknown keys are rejected so typos surface. */
export const NodePortsArgsSchema = z.object({}).strict();

/** The (empty) args of {@link NodePorts}. */
export type NodePortsArgs = z.infer<typeof NodePortsArgsSchema>;

/** The pod's wanted host ports, computed once per cycle by PreFilter. */
const preFilterStateKey = new StateKey<readonly ContainerPort[]>('NodePorts/preFilter');

/** True when none of `wanted` collides with a port in use in `used` (0.0.0.0 collides with every IP). */
export function fitsPorts(wanted: readonly ContainerPort[], used: HostPortInfo): boolean {
  for (const port of wanted) {
    if (used.conflicts(port.hostIP, port.protocol, port.hostPort ?? 0)) return false;
  }
  return true;
}

/**
 * kube-scheduler's NodePorts plugin. PreFilter collects the pod's host ports and returns Skip when there are
 * none (so Filter never runs for such pods); Filter rejects a node as Unschedulable when one of those
 * IP/protocol/port triples is already used there. Unschedulable (not unresolvable): preempting the pod that
 * holds the port frees it.
 */
@injectable()
export class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = NodePortsName;

  private readonly rejection = Status.unschedulable(ErrReasonNodePorts).withPlugin(NodePortsName);

  preFilter(state: CycleState, pod: Pod): Status | null {
    const wanted = podHostPorts(pod);
    if (wanted.length === 0) return Status.skip;
    state.write(preFilterStateKey, wanted);
    return null;
  }

  /** The state does not depend on other pods, so there is nothing to update incrementally. */
  preFilterExtensions(): undefined {
    return undefined;
  }

  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status | null {
    const wanted = state.get(preFilterStateKey);
    return fitsPorts(wanted, nodeInfo.usedPorts) ? null : this.rejection;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      // Container ports are immutable, so only a deleted pod (or a new node) can free a port.
      { event: { resource: 'Pod', actionType: ActionType.Delete }, queueingHintFn: isSchedulableAfterPodDeleted },
      { event: { resource: 'Node', actionType: ActionType.Add } },
    ];
  }
}

/** Requeue only when the deleted pod was on (or nominated to) a node and held a port the pod wants. */
function isSchedulableAfterPodDeleted(pod: Pod, oldObj: unknown): QueueingHint {
  const deleted = oldObj as Pod | undefined;
  if (!deleted) return QueueingHint.Queue;
  if (!deleted.spec.nodeName && !deleted.status?.nominatedNodeName) return QueueingHint.QueueSkip;
  const freed = new HostPortInfo();
  for (const port of podHostPorts(deleted)) freed.add(port.hostIP, port.protocol, port.hostPort ?? 0);
  if (freed.size === 0) return QueueingHint.QueueSkip;
  return fitsPorts(podHostPorts(pod), freed) ? QueueingHint.QueueSkip : QueueingHint.Queue;
}
