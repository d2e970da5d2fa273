import {
  ActionType,
  type ClusterEventWithHint,
  type EnqueueExtensions,
  injectable,
  type Pod,
  type PreEnqueuePlugin,
  QueueingHint,
  Status,
} from '@schedkit/framework';
import { z } from 'zod';

/** The name kube-scheduler configurations use for this plugin. */
export const SchedulingGatesName = 'SchedulingGates';

/** SchedulingGates takes no args (as in kube); unknown keys are rejected so typos surface. */
export const SchedulingGatesArgsSchema = z.object({}).strict();

/** The (empty) args of {@link SchedulingGates}. */
export type SchedulingGatesArgs = z.infer<typeof SchedulingGatesArgsSchema>;

/**
 * kube-scheduler's SchedulingGates PreEnqueue plugin: a pod that still lists `spec.schedulingGates` stays out of
 * the active queue with UnschedulableAndUnresolvable `waiting for scheduling gates: [a b]`, until an update
 * removes every gate.
 */
@injectable()
export class SchedulingGates implements PreEnqueuePlugin, EnqueueExtensions {
  readonly name = SchedulingGatesName;

  preEnqueue(pod: Pod): Status | null {
    const gates = pod.spec.schedulingGates;
    if (!gates || gates.length === 0) return null;
    // Go's %v of a []string: space-separated inside brackets.
    const names = gates.map((gate) => gate.name).join(' ');
    return Status.unresolvable(`waiting for scheduling gates: [${names}]`);
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        event: { resource: 'Pod', actionType: ActionType.UpdatePodSchedulingGatesEliminated },
        queueingHintFn: isSchedulableAfterGatesEliminated,
      },
    ];
  }
}

/** Only the gated pod's own update (its last gate removed) can let it through. */
function isSchedulableAfterGatesEliminated(pod: Pod, _oldObj: unknown, newObj: unknown): QueueingHint {
  const updated = newObj as Pod | undefined;
  if (!updated || updated.metadata.uid !== pod.metadata.uid) return QueueingHint.QueueSkip;
  return QueueingHint.Queue;
}
