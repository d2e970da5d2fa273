import {
  ActionType,
  type ClusterEventWithHint,
  Code,
  type CycleState,
  type EnqueueExtensions,
  type Handle,
  inject,
  injectable,
  type PermitPlugin,
  type PermitVerdict,
  type Pod,
  type QueuedPodInfo,
  type QueueSortPlugin,
  type ReservePlugin,
  Status,
  Tokens,
} from '@schedkit/framework';
import { z } from 'zod';
import { podGroupOf } from './pod-group.js';

/** The plugin's configured name. */
export const CoschedulingName = 'Coscheduling';

/** Args: how long group members wait at Permit by default. */
export const CoschedulingArgsSchema = z
  .object({
    /** Default wait at Permit before the group is rejected, in seconds (scheduler-plugins' default is 60). */
    permitWaitingTimeSeconds: z.number().int().positive().default(60),
  })
  .strict();

/** The args of {@link Coscheduling}. */
export type CoschedulingArgs = z.infer<typeof CoschedulingArgsSchema>;

/**
 * Gang scheduling. QueueSort keeps a group's pods together (priority, then the group's first arrival, then the
 * group, then the pod); Permit holds each member until `minMember` members are reserved, then allows them all;
 * when any member is rejected or times out, Unreserve rejects the rest of the group so nothing binds partially.
 */
@injectable()
export class Coscheduling implements QueueSortPlugin, ReservePlugin, PermitPlugin, EnqueueExtensions {
  readonly name = CoschedulingName;
  /** The first time a member of each group was seen by the queue (keeps groups contiguous in activeQ). */
  private readonly groupFirstSeen = new Map<string, number>();

  constructor(
    @inject(Tokens.Handle) private readonly handle: Handle,
    @inject(Tokens.Args) private readonly args: CoschedulingArgs,
  ) {}

  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const pa = a.podInfo.pod.spec.priority ?? 0;
    const pb = b.podInfo.pod.spec.priority ?? 0;
    if (pa !== pb) return pa > pb;
    const ga = podGroupOf(a.podInfo.pod);
    const gb = podGroupOf(b.podInfo.pod);
    const ta = ga ? this.firstSeen(ga.key, a.initialAttemptTimestamp) : a.initialAttemptTimestamp;
    const tb = gb ? this.firstSeen(gb.key, b.initialAttemptTimestamp) : b.initialAttemptTimestamp;
    if (ta !== tb) return ta < tb;
    const ka = ga?.key ?? '';
    const kb = gb?.key ?? '';
    if (ka !== kb) return ka < kb;
    return a.timestamp < b.timestamp;
  }

  reserve(): null {
    return null;
  }

  /** One member failed: reject the members still waiting, so the group binds all together or not at all. */
  unreserve(_state: CycleState, pod: Pod): void {
    const group = podGroupOf(pod);
    if (!group) return;
    this.handle.iterateOverWaitingPods((waiting) => {
      const other = podGroupOf(waiting.pod);
      if (other?.key === group.key && waiting.pod.metadata.uid !== pod.metadata.uid) {
        waiting.reject(this.name, `rejected: pod group ${group.key} failed to be scheduled together`);
      }
    });
  }

  permit(_state: CycleState, pod: Pod): PermitVerdict {
    const group = podGroupOf(pod);
    if (!group) return { status: null };
    const placed = this.placedMembers(group.key) + 1;
    if (placed >= group.minMember) {
      this.handle.iterateOverWaitingPods((waiting) => {
        if (podGroupOf(waiting.pod)?.key === group.key) waiting.allow(this.name);
      });
      return { status: null };
    }
    return {
      status: Status.of(Code.Wait, `waiting for pod group ${group.key}: ${placed}/${group.minMember} members placed`),
      timeoutMs: group.timeoutMs ?? this.args.permitWaitingTimeSeconds * 1000,
    };
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Add } },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable } },
    ];
  }

  /** Members already on nodes in this cycle's snapshot: bound ones and assumed ones waiting at Permit. */
  private placedMembers(groupKey: string): number {
    let count = 0;
    for (const nodeInfo of this.handle.snapshot().list()) {
      for (const podInfo of nodeInfo.pods) if (podGroupOf(podInfo.pod)?.key === groupKey) count++;
    }
    return count;
  }

  private firstSeen(groupKey: string, timestamp: number): number {
    const seen = this.groupFirstSeen.get(groupKey);
    if (seen === undefined || timestamp < seen) {
      this.groupFirstSeen.set(groupKey, timestamp);
      return timestamp;
    }
    return seen;
  }
}
