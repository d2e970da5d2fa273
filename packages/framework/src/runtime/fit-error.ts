import type { Pod } from '../model/types.js';
import type { Diagnosis } from './node-to-status.js';

/**
 * No node fits the pod. The message reads as kube-scheduler's:
 * `0/5 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 4 Insufficient cpu.`
 * (reasons counted over nodes and sorted as strings, as kube sorts them).
 */
export class FitError extends Error {
  override name = 'FitError';

  constructor(
    readonly pod: Pod,
    readonly numAllNodes: number,
    readonly diagnosis: Diagnosis,
  ) {
    super(fitErrorMessage(numAllNodes, diagnosis));
  }
}

/** kube's FitError.Error() text. */
export function fitErrorMessage(numAllNodes: number, diagnosis: Diagnosis): string {
  let message = `0/${numAllNodes} nodes are available:`;
  if (diagnosis.preFilterMessage !== '') {
    message += ` ${diagnosis.preFilterMessage}.`;
  } else {
    const counts = new Map<string, number>();
    for (const [, status] of diagnosis.nodeToStatus.entries()) {
      for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    }
    const parts = [...counts].map(([reason, count]) => `${count} ${reason}`);
    parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    message += ` ${parts.join(', ')}.`;
  }
  if (diagnosis.postFilterMessage !== '') message += ` ${diagnosis.postFilterMessage}.`;
  return message;
}
