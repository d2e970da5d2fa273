import type { Pod, PodCondition, PodStatus } from '../model/types.js';

/**
 * The pod as a binding leaves it: `spec.nodeName` set and a PodScheduled=True condition in place of any earlier
 * PodScheduled one (the pending reason is cleared). Every store writes bindings through it.
 */
export function boundPod(current: Pod, nodeName: string): Pod {
  const conditions = [...(current.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'True' as const }];
  const bound = withField(current, 'spec', withField(current.spec, 'nodeName', nodeName));
  return withField(bound, 'status', withField<PodStatus, 'conditions'>(current.status ?? {}, 'conditions', conditions));
}

/** The pod with `status` merged into its status, conditions merged by type (what `updatePodStatus` writes). */
export function withMergedStatus(current: Pod, status: Partial<PodStatus>): Pod {
  const conditions = status.conditions ? mergeConditions(current.status?.conditions, status.conditions) : current.status?.conditions;
  const next: PodStatus = { ...current.status, ...status };
  if (conditions) next.conditions = conditions;
  return { ...current, status: next };
}

/**
 * A shallow copy of `object` with `field` set to `value` (`{ ...object, [field]: value }`), written with
 * Object.assign: on V8 that is several times faster than object spread for these objects.
 */
function withField<T extends object, F extends keyof T>(object: T, field: F, value: T[F]): T {
  const copy = Object.assign({}, object);
  copy[field] = value;
  return copy;
}

function mergeConditions(current: readonly PodCondition[] | undefined, updates: readonly PodCondition[]): PodCondition[] {
  const out = current ? current.slice() : [];
  for (const update of updates) {
    const index = out.findIndex((c) => c.type === update.type);
    if (index >= 0) out[index] = { ...out[index], ...update };
    else out.push(update);
  }
  return out;
}
