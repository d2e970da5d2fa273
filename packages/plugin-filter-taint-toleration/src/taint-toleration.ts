import {
  ActionType,
  type ClusterEventWithHint,
  type CycleState,
  defaultNormalizeScore,
  type EnqueueExtensions,
  type FilterPlugin,
  findUntoleratedTaint,
  injectable,
  isDoNotScheduleTaint,
  MaxNodeScore,
  type Node,
  type NodeInfo,
  type NodeScore,
  type Pod,
  type PreScorePlugin,
  QueueingHint,
  type ScorePlugin,
  StateKey,
  Status,
  type Taint,
  type Toleration,
  tolerationsTolerateTaint,
} from '@schedkit/framework';
import { z } from 'zod';

/** The name kube-scheduler configurations use for this plugin. */
export const TaintTolerationName = 'TaintToleration';

/** kube v1.35's Filter reason; it no longer names the taint. */
export const ErrReasonUntoleratedTaint = 'node(s) had untolerated taint(s)';

/** TaintToleration takes no args (as in kube); unknown keys are rejected so typos surface. */
export const TaintTolerationArgsSchema = z.object({}).strict();

/** The (empty) args of {@link TaintToleration}. */
export type TaintTolerationArgs = z.infer<typeof TaintTolerationArgsSchema>;

/** The pod's tolerations that can tolerate a PreferNoSchedule taint, computed once per cycle by PreScore. */
const preScoreStateKey = new StateKey<readonly Toleration[]>('TaintToleration/preScore');

/** The tolerations whose effect is PreferNoSchedule or empty (empty matches every effect). */
export function preferNoScheduleTolerations(tolerations: readonly Toleration[] | undefined): Toleration[] {
  const out: Toleration[] = [];
  for (const toleration of tolerations ?? []) {
    if (!toleration.effect || toleration.effect === 'PreferNoSchedule') out.push(toleration);
  }
  return out;
}

/** The first NoSchedule/NoExecute taint no toleration tolerates (what the Filter rejects on), if any. */
export function untoleratedDoNotScheduleTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined): Taint | undefined {
  return findUntoleratedTaint(taints, tolerations, isDoNotScheduleTaint);
}

/** How many PreferNoSchedule taints of `node` none of `tolerations` tolerates. */
export function countIntolerablePreferNoSchedule(node: Node | undefined, tolerations: readonly Toleration[]): number {
  let count = 0;
  for (const taint of node?.spec?.taints ?? []) {
    if (taint.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, taint)) count++;
  }
  return count;
}

/**
 * kube-scheduler's TaintToleration plugin.
 * - Filter: a NoSchedule or NoExecute taint the pod does not tolerate makes the node UnschedulableAndUnresolvable.
 * - PreScore (never skips) keeps the tolerations that can match PreferNoSchedule taints; Score counts the node's
 *   PreferNoSchedule taints they do not tolerate; NormalizeScore reverses the counts to 0..100, so fewer
 *   untolerated taints score higher and a cluster with none scores 100 everywhere.
 */
@injectable()
export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = TaintTolerationName;

  private readonly rejection = Status.unresolvable(ErrReasonUntoleratedTaint).withPlugin(TaintTolerationName);

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | null {
    return untoleratedDoNotScheduleTaint(nodeInfo.node?.spec?.taints, pod.spec.tolerations) ? this.rejection : null;
  }

  preScore(state: CycleState, pod: Pod): Status | null {
    state.write(preScoreStateKey, preferNoScheduleTolerations(pod.spec.tolerations));
    return null;
  }

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    return countIntolerablePreferNoSchedule(nodeInfo.node, state.get(preScoreStateKey));
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): null {
    defaultNormalizeScore(MaxNodeScore, true, scores);
    return null;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint }, queueingHintFn: isSchedulableAfterNodeChange },
      { event: { resource: 'Pod', actionType: ActionType.UpdatePodToleration }, queueingHintFn: isSchedulableAfterPodTolerationChange },
    ];
  }
}

/** Requeue when the node went from having an untolerated taint (or not existing) to having none. */
function isSchedulableAfterNodeChange(pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint {
  const modified = newObj as Node | undefined;
  if (!modified) return QueueingHint.Queue;
  const original = oldObj as Node | undefined;
  const wasUntolerated = original ? untoleratedDoNotScheduleTaint(original.spec?.taints, pod.spec.tolerations) !== undefined : true;
  const isUntolerated = untoleratedDoNotScheduleTaint(modified.spec?.taints, pod.spec.tolerations) !== undefined;
  return wasUntolerated && !isUntolerated ? QueueingHint.Queue : QueueingHint.QueueSkip;
}

/** A toleration added to the rejected pod itself may make it fit; other pods' tolerations never do. */
function isSchedulableAfterPodTolerationChange(pod: Pod, _oldObj: unknown, newObj: unknown): QueueingHint {
  const modified = newObj as Pod | undefined;
  if (!modified) return QueueingHint.Queue;
  return modified.metadata.uid === pod.metadata.uid ? QueueingHint.Queue : QueueingHint.QueueSkip;
}
