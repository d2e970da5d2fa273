import { type AffinityTerm, compilePodAffinity, type WeightedAffinityTerm } from './affinity-terms.js';
import { type NonZeroRequests, podNonZeroRequests, podRequests } from './pod-requests.js';
import type { Resource } from './resource.js';
import { objectKey, type Pod } from './types.js';

const infos = new WeakMap<Pod, PodInfo>();

/**
 * A pod with what scheduling derives from it computed once (kube's `framework.PodInfo`): its resource requests
 * and compiled inter-pod affinity terms. Pods are treated as immutable: a changed pod is a new object and gets
 * a new PodInfo. Share, do not mutate.
 */
export class PodInfo {
  /** `namespace/name`, the key the queue and the stores use. */
  readonly key: string;
  /** What the pod needs on a node (see {@link podRequests}). */
  readonly requests: Resource;
  /** cpu/memory with defaults for containers that request none (see {@link podNonZeroRequests}). */
  readonly nonZeroRequests: NonZeroRequests;
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
  /** Why some affinity terms could not be compiled (kube's NewPodInfo error); undefined when all compiled. */
  readonly affinityError: string | undefined;

  /** Prefer {@link PodInfo.of}, which reuses the PodInfo of a pod object already seen. */
  constructor(readonly pod: Pod) {
    this.key = objectKey(pod.metadata);
    this.requests = podRequests(pod);
    this.nonZeroRequests = podNonZeroRequests(pod);
    const affinity = compilePodAffinity(pod);
    this.requiredAffinityTerms = affinity.requiredAffinityTerms;
    this.requiredAntiAffinityTerms = affinity.requiredAntiAffinityTerms;
    this.preferredAffinityTerms = affinity.preferredAffinityTerms;
    this.preferredAntiAffinityTerms = affinity.preferredAntiAffinityTerms;
    this.affinityError = affinity.error;
  }

  /**
   * The PodInfo of `pod`, built on first use and cached per pod object.
   * @throws QuantityError when the pod has a malformed quantity.
   */
  static of(pod: Pod): PodInfo {
    let info = infos.get(pod);
    if (!info) {
      info = new PodInfo(pod);
      infos.set(pod, info);
    }
    return info;
  }
}
