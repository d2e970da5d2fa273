import type { Taint, Toleration } from './types.js';

/**
 * True when `toleration` tolerates `taint`, by kube's `Toleration.ToleratesTaint`: an empty effect matches every
 * effect; an empty key matches every key; the operator defaults to Equal, which compares values (absent = "");
 * Exists ignores values. Any other operator (e.g. the alpha Gt/Lt, off by default in 1.35) tolerates nothing.
 */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** True when some toleration tolerates `taint` (kube's `TolerationsTolerateTaint`). */
export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | null | undefined, taint: Taint): boolean {
  if (!tolerations) return false;
  for (let i = 0; i < tolerations.length; i++) if (tolerates(tolerations[i]!, taint)) return true;
  return false;
}

/**
 * The first taint, among those `filter` keeps (all when omitted), that no toleration tolerates; undefined when
 * all are tolerated (kube's `FindMatchingUntoleratedTaint`).
 */
export function findUntoleratedTaint(
  taints: readonly Taint[] | null | undefined,
  tolerations: readonly Toleration[] | null | undefined,
  filter?: (taint: Taint) => boolean,
): Taint | undefined {
  if (!taints) return undefined;
  for (let i = 0; i < taints.length; i++) {
    const taint = taints[i]!;
    if (filter && !filter(taint)) continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

/** The taints that keep pods off a node: NoSchedule and NoExecute (the TaintToleration filter's selection). */
export function isDoNotScheduleTaint(taint: Taint): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';
}
