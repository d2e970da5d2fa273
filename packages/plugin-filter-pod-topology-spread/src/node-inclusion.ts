import {
  type CompiledNodeSelector,
  compileNodeSelector,
  findUntoleratedTaint,
  isDoNotScheduleTaint,
  type Labels,
  matchesNodeSelectorMap,
  type Node,
  type Pod,
  type Toleration,
} from '@schedkit/framework';

/**
 * The pod's required node affinity as PodTopologySpread's `nodeAffinityPolicy: Honor` evaluates it (kube's
 * `nodeaffinity.GetRequiredNodeAffinity`): the `nodeSelector` labels AND at least one term of
 * `requiredDuringSchedulingIgnoredDuringExecution`. A term that does not parse never matches (kube ignores
 * the parse error), an empty term matches nothing, and an empty term list matches no node.
 */
export class RequiredNodeAffinity {
  private constructor(
    private readonly nodeSelector: Labels | undefined,
    /** Null: the pod has no required node affinity. */
    private readonly affinity: CompiledNodeSelector | null,
  ) {}

  /** Compiles the pod's nodeSelector and required node affinity. */
  static of(pod: Pod): RequiredNodeAffinity {
    const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    return new RequiredNodeAffinity(pod.spec.nodeSelector ?? undefined, required ? compileNodeSelector(required) : null);
  }

  /** True when `node` satisfies the nodeSelector and (if any) one required term. */
  matches(node: Node): boolean {
    if (!matchesNodeSelectorMap(node.metadata.labels, this.nodeSelector)) return false;
    return this.affinity === null || this.affinity.matches(node);
  }
}

/**
 * True when the node has a NoSchedule or NoExecute taint that none of `tolerations` tolerates (kube's
 * `FindMatchingUntoleratedTaint` with the DoNotSchedule taint filter), which `nodeTaintsPolicy: Honor` excludes.
 */
export function hasUntoleratedScheduleTaint(node: Node, tolerations: readonly Toleration[] | undefined): boolean {
  return findUntoleratedTaint(node.spec?.taints, tolerations, isDoNotScheduleTaint) !== undefined;
}
