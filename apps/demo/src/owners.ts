import { objectKey, type Pod } from '@schedkit/framework';
import type { SimulationResult } from './simulation.js';
import { count, table } from './text.js';

/** How the pending pods of one owner (a Deployment, a StatefulSet, ...) fared. */
export interface OwnerOutcome {
  /** `Deployment default/web`. */
  owner: string;
  pods: number;
  placed: number;
  unschedulable: number;
  /** Neither placed nor found unschedulable (waiting, errors). */
  pending: number;
  /** Nodes the placed pods went to, with how many each. */
  nodes: Record<string, number>;
}

/** Groups the pending pods' outcomes by owner, owners in first-seen order; pods without one are left out. */
export function groupByOwner(result: SimulationResult, pending: readonly Pod[], owners: ReadonlyMap<string, string>): OwnerOutcome[] {
  const byOwner = new Map<string, OwnerOutcome>();
  for (const pod of pending) {
    const key = objectKey(pod.metadata);
    const owner = owners.get(key);
    if (!owner) continue;
    let outcome = byOwner.get(owner);
    if (!outcome) {
      outcome = { owner, pods: 0, placed: 0, unschedulable: 0, pending: 0, nodes: {} };
      byOwner.set(owner, outcome);
    }
    outcome.pods++;
    const node = result.placements.get(key);
    if (node) {
      outcome.placed++;
      outcome.nodes[node] = (outcome.nodes[node] ?? 0) + 1;
    } else if (result.unschedulable.has(key)) outcome.unschedulable++;
    else outcome.pending++;
  }
  return [...byOwner.values()];
}

/** The owners table of `simulate`'s text output. */
export function formatOwners(outcomes: readonly OwnerOutcome[]): string {
  const rows = outcomes.map((o) => [
    o.owner,
    `${o.placed}/${o.pods}`,
    o.unschedulable > 0 ? count(o.unschedulable) : '',
    Object.entries(o.nodes)
      .map(([node, n]) => (n > 1 ? `${node} (${n})` : node))
      .join(', '),
  ]);
  return `${['', `By owner (${count(outcomes.length)})`, ...table(['OWNER', 'PLACED', 'UNSCHEDULABLE', 'NODES'], rows)].join('\n')}\n`;
}
