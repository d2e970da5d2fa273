import { compileLabelSelector, type Pod, type PodDisruptionBudget } from '@schedkit/framework';

/** The candidate victims of one node, split as kube's filterPodsWithPDBViolation splits them (order kept). */
export interface PDBSplit {
  /** Pods whose eviction would take some budget below zero disruptions allowed. */
  violating: Pod[];
  nonViolating: Pod[];
}

/**
 * Splits `pods` (sorted most important first) by whether evicting them, in that order, violates a
 * PodDisruptionBudget, as kube's DefaultPreemption does: each budget of a pod's namespace whose selector matches
 * the pod (a budget with an empty selector matches nothing) loses one allowed disruption per victim, and a victim
 * that takes one below zero violates it. A pod already listed in a budget's `status.disruptedPods` is being
 * evicted and is not counted again.
 */
export function splitByPDBViolation(pods: readonly Pod[], pdbs: readonly PodDisruptionBudget[]): PDBSplit {
  const allowed = pdbs.map((pdb) => pdb.status?.disruptionsAllowed ?? 0);
  const split: PDBSplit = { violating: [], nonViolating: [] };
  for (const pod of pods) {
    const namespace = pod.metadata.namespace ?? 'default';
    let violated = false;
    pdbs.forEach((pdb, i) => {
      if ((pdb.metadata.namespace ?? 'default') !== namespace) return;
      const selector = pdb.spec?.selector;
      if (!selector || isEmptySelector(selector) || !compileLabelSelector(selector).matches(pod.metadata.labels)) return;
      if (pdb.status?.disruptedPods && Object.hasOwn(pdb.status.disruptedPods, pod.metadata.name)) return;
      allowed[i]!--;
      if (allowed[i]! < 0) violated = true;
    });
    (violated ? split.violating : split.nonViolating).push(pod);
  }
  return split;
}

function isEmptySelector(selector: NonNullable<NonNullable<PodDisruptionBudget['spec']>['selector']>): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}
