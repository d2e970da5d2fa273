import {
  ActionType,
  type AffinityTerm,
  type ClusterEventWithHint,
  type Labels,
  type Node,
  type Pod,
  PodInfo,
  podNamespace,
  QueueingHint,
  termMatches,
} from '@schedkit/framework';
import { labelValue } from './topology-counts.js';

/** Reads the labels of a Namespace object by name. */
export type NamespaceLabelsOf = (name: string) => Labels | undefined;

/**
 * The events that may make a pod InterPodAffinity rejected schedulable, with kube's queueing hints: assigned
 * pods added, relabelled or deleted, and nodes added or relabelled.
 */
export function interPodAffinityEvents(namespaceLabels: NamespaceLabelsOf): ClusterEventWithHint[] {
  return [
    {
      event: { resource: 'Pod', actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete, label: 'PodChange' },
      queueingHintFn: (pod, oldObj, newObj) => hintAfterPodChange(pod, oldObj as Pod | undefined, newObj as Pod | undefined, namespaceLabels),
    },
    {
      event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel, label: 'NodeChange' },
      queueingHintFn: (pod, oldObj, newObj) => hintAfterNodeChange(pod, oldObj as Node | undefined, newObj as Node | undefined),
    },
  ];
}

/**
 * kube's `isSchedulableAfterPodChange` for the rejected `pod`:
 * - its own label update: Queue (its labels decide what selects it);
 * - an event about an unassigned pod: QueueSkip;
 * - an assigned pod updated to start matching all of its affinity terms, or to stop matching all of its
 *   anti-affinity terms: Queue;
 * - an assigned pod added that matches all of its affinity terms: Queue;
 * - an assigned pod deleted that matched all of its anti-affinity terms, or whose own required anti-affinity
 *   selected it: Queue;
 * - otherwise QueueSkip. Terms that cannot be compiled: Queue.
 */
export function hintAfterPodChange(pod: Pod, oldPod: Pod | undefined, newPod: Pod | undefined, namespaceLabels: NamespaceLabelsOf): QueueingHint {
  if (oldPod && newPod && samePod(newPod, pod)) return QueueingHint.Queue;
  if ((newPod && !newPod.spec.nodeName) || (oldPod && !oldPod.spec.nodeName)) return QueueingHint.QueueSkip;
  const info = PodInfo.of(pod);
  if (info.affinityError !== undefined) return QueueingHint.Queue;
  // The rejected pod's own terms are matched as compiled, without reading namespace labels, as kube does here.
  const terms = info.requiredAffinityTerms;
  const antiTerms = info.requiredAntiAffinityTerms;

  if (oldPod && newPod) {
    if (!matchesAll(terms, oldPod) && matchesAll(terms, newPod)) return QueueingHint.Queue;
    if (matchesAll(antiTerms, oldPod) && !matchesAll(antiTerms, newPod)) return QueueingHint.Queue;
    return QueueingHint.QueueSkip;
  }
  if (newPod) return matchesAll(terms, newPod) ? QueueingHint.Queue : QueueingHint.QueueSkip;
  if (!oldPod) return QueueingHint.QueueSkip;
  if (matchesAll(antiTerms, oldPod)) return QueueingHint.Queue;
  const deleted = PodInfo.of(oldPod);
  if (deleted.affinityError !== undefined) return QueueingHint.Queue;
  const labels = namespaceLabels(podNamespace(pod));
  for (const term of deleted.requiredAntiAffinityTerms) {
    if (termMatches(term, pod, labels)) return QueueingHint.Queue;
  }
  return QueueingHint.QueueSkip;
}

/**
 * kube's `isSchedulableAfterNodeChange` for the rejected `pod`:
 * - affinity: a new node with a term's topology label, or an updated node that gained the label or changed its
 *   value: Queue;
 * - anti-affinity: any new node (a node without the label always admits the pod), or an updated node that lost
 *   a term's topology label or changed its value: Queue;
 * - otherwise QueueSkip. Terms that cannot be compiled: Queue.
 */
export function hintAfterNodeChange(pod: Pod, oldNode: Node | undefined, newNode: Node | undefined): QueueingHint {
  if (!newNode) return QueueingHint.QueueSkip;
  const info = PodInfo.of(pod);
  if (info.affinityError !== undefined) return QueueingHint.Queue;
  const before = oldNode?.metadata.labels;
  const after = newNode.metadata.labels;
  for (const term of info.requiredAffinityTerms) {
    const now = labelValue(after, term.topologyKey);
    if (!oldNode) {
      if (now !== undefined) return QueueingHint.Queue;
      continue;
    }
    const was = labelValue(before, term.topologyKey);
    if (now !== undefined && was !== now) return QueueingHint.Queue;
  }
  for (const term of info.requiredAntiAffinityTerms) {
    if (!oldNode) return QueueingHint.Queue;
    const was = labelValue(before, term.topologyKey);
    const now = labelValue(after, term.topologyKey);
    if (was !== undefined && was !== now) return QueueingHint.Queue;
  }
  return QueueingHint.QueueSkip;
}

/** kube's `podMatchesAllAffinityTerms` with no namespace labels: false for no terms. */
function matchesAll(terms: readonly AffinityTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  for (const term of terms) if (!termMatches(term, pod, undefined)) return false;
  return true;
}

function samePod(a: Pod, b: Pod): boolean {
  if (a.metadata.uid && b.metadata.uid) return a.metadata.uid === b.metadata.uid;
  return a.metadata.name === b.metadata.name && podNamespace(a) === podNamespace(b);
}
