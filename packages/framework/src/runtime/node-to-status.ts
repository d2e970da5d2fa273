import type { NodeToStatus } from '../plugins/extension-points.js';
import type { Status } from '../status/status.js';

/** Per-node Filter outcomes, with one shared status for nodes never evaluated (kube's NodeToStatus). */
export class NodeStatusMap implements NodeToStatus {
  private readonly statuses = new Map<string, Status>();
  /** Statuses of nodes not in `statuses`, appended by {@link NodeStatusMap.add}: moved into the map when it is read. */
  private pendingNames: string[] = [];
  private pendingStatuses: Status[] = [];
  absentStatus: Status | undefined;

  get(nodeName: string): Status | undefined {
    return this.settled().get(nodeName) ?? this.absentStatus;
  }

  set(nodeName: string, status: Status): void {
    this.settled().set(nodeName, status);
  }

  /**
   * Records the status of a node that has none yet (the caller guarantees it, as Filter visits each node once).
   * Cheaper than {@link NodeStatusMap.set} on the hot path: a cycle may reject thousands of nodes and nobody may
   * ever read them.
   */
  add(nodeName: string, status: Status): void {
    this.pendingNames.push(nodeName);
    this.pendingStatuses.push(status);
  }

  /** Number of nodes with an explicit status. */
  get size(): number {
    return this.statuses.size + this.pendingNames.length;
  }

  entries(): IterableIterator<[string, Status]> {
    return this.settled().entries();
  }

  private settled(): Map<string, Status> {
    const names = this.pendingNames;
    if (names.length > 0) {
      const statuses = this.pendingStatuses;
      for (let i = 0; i < names.length; i++) this.statuses.set(names[i]!, statuses[i]!);
      this.pendingNames = [];
      this.pendingStatuses = [];
    }
    return this.statuses;
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
