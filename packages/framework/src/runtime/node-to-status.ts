import type { NodeToStatus } from '../plugins/extension-points.js';
import type { Status } from '../status/status.js';

/** Per-node Filter outcomes, with one shared status for nodes never evaluated (kube's NodeToStatus). */
export class NodeStatusMap implements NodeToStatus {
  private readonly statuses = new Map<string, Status>();
  absentStatus: Status | undefined;

  get(nodeName: string): Status | undefined {
    return this.statuses.get(nodeName) ?? this.absentStatus;
  }

  set(nodeName: string, status: Status): void {
    this.statuses.set(nodeName, status);
  }

  /** Number of nodes with an explicit status. */
  get size(): number {
    return this.statuses.size;
  }

  entries(): IterableIterator<[string, Status]> {
    return this.statuses.entries();
  }
}

/** Why a pod did not fit: per-node statuses and which plugins rejected it. */
export interface Diagnosis {
  nodeToStatus: NodeStatusMap;
  /** Plugins that returned Unschedulable / UnschedulableAndUnresolvable for some node. */
  unschedulablePlugins: Set<string>;
  /** The PreFilter rejection message when PreFilter rejected the pod outright. */
  preFilterMessage: string;
  /** What PostFilter said, if it ran and did not help. */
  postFilterMessage: string;
}

/** A new empty diagnosis. */
export function newDiagnosis(): Diagnosis {
  return { nodeToStatus: new NodeStatusMap(), unschedulablePlugins: new Set(), preFilterMessage: '', postFilterMessage: '' };
}
