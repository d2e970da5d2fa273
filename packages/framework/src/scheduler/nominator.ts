import { PodInfo } from '../model/pod-info.js';
import type { Pod } from '../model/types.js';
import type { NominatedPods } from '../runtime/nominated-pods.js';

/**
 * The pending pods preemption nominated to a node (kube's PodNominator), by node. A pod leaves when it is
 * assumed, bound or deleted, or loses its nomination; Filter reads it through {@link NominatedPods}.
 */
export class Nominator implements NominatedPods {
  private readonly byNode = new Map<string, PodInfo[]>();
  private readonly nodeByUid = new Map<string, string>();

  forNode(nodeName: string): readonly PodInfo[] | undefined {
    return this.byNode.get(nodeName);
  }

  /** Nominated pods in all (for tests and summaries). */
  get size(): number {
    return this.nodeByUid.size;
  }

  /** Records `pod` as nominated to `nodeName` (replacing an earlier nomination); an empty name removes it. */
  nominate(pod: Pod, nodeName: string | undefined): void {
    this.remove(pod);
    if (!nodeName) return;
    const uid = uidOf(pod);
    this.nodeByUid.set(uid, nodeName);
    let list = this.byNode.get(nodeName);
    if (!list) this.byNode.set(nodeName, (list = []));
    list.push(PodInfo.of(pod));
  }

  /** Forgets the pod's nomination, if any. */
  remove(pod: Pod): void {
    const uid = uidOf(pod);
    const nodeName = this.nodeByUid.get(uid);
    if (nodeName === undefined) return;
    this.nodeByUid.delete(uid);
    const list = this.byNode.get(nodeName);
    if (!list) return;
    const index = list.findIndex((info) => uidOf(info.pod) === uid);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.byNode.delete(nodeName);
  }
}

function uidOf(pod: Pod): string {
  return pod.metadata.uid ?? `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}
