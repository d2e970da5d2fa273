import { compileLabelSelector, type PodDisruptionBudget, type PodInfo } from '@schedkit/framework';

/**
 * Splits preemption victims into those whose eviction would violate a PodDisruptionBudget and the others, as
 * kube's `filterPodsWithPDBViolation` does. Each budget starts from its `status.disruptionsAllowed`; every victim a
 * budget covers (same namespace, the budget's selector matches the victim's labels, the victim is not already in
 * `status.disruptedPods`) uses one disruption, and a victim that takes a budget below zero is violating. A budget
 * with no selector or an empty one covers no pod here, and a pod without labels matches no budget. The split keeps
 * the order of `victims` on both sides.
 */
export function filterPodsWithPDBViolation(
  victims: readonly PodInfo[],
  budgets: readonly PodDisruptionBudget[],
): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = budgets.map((budget) => budget.status?.disruptionsAllowed ?? 0);
  const selectors = budgets.map((budget) => compileLabelSelector(budget.spec?.selector));
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const info of victims) {
    const pod = info.pod;
    const labels = pod.metadata.labels ?? {};
    let violated = false;
    if (Object.keys(labels).length > 0) {
      budgets.forEach((budget, i) => {
        if ((budget.metadata.namespace ?? 'default') !== (pod.metadata.namespace ?? 'default')) return;
        const selector = selectors[i]!;
        if (selector.error !== undefined || selector.empty || !selector.matches(labels)) return;
        // A pod the API server already counted as disrupted does not use the budget again.
        if (budget.status?.disruptedPods && pod.metadata.name in budget.status.disruptedPods) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(info);
  }
  return { violating, nonViolating };
}
