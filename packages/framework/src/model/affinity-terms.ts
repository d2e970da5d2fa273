import { compileLabelSelector, type Selector } from './labels.js';
import type { Affinity, Labels, Pod, PodAffinityTerm, WeightedPodAffinityTerm } from './types.js';

/**
 * A compiled pod (anti-)affinity term (kube's `framework.AffinityTerm`): the pods it selects are those whose
 * namespace is in `namespaces` or matches `namespaceSelector`, and whose labels match `selector`.
 */
export interface AffinityTerm {
  readonly namespaces: ReadonlySet<string>;
  readonly selector: Selector;
  readonly topologyKey: string;
  readonly namespaceSelector: Selector;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

/** A pod's compiled inter-pod affinity, as kube's `NewPodInfo` builds it. */
export interface CompiledPodAffinity {
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
  /**
   * Why some list could not be compiled (an invalid label or namespace selector), in kube's aggregate
   * form; that whole list is then empty. kube's InterPodAffinity rejects an incoming pod with such an error
   * and ignores the failed lists of pods already on nodes.
   */
  readonly error: string | undefined;
}

/** A pod's namespace; a pod without one is in `default`, as the stores key it. */
export function podNamespace(pod: Pod): string {
  return pod.metadata.namespace || 'default';
}

/**
 * Compiles a pod's inter-pod affinity terms like kube's `NewPodInfo`. A term with no namespaces and no
 * namespaceSelector covers the pod's own namespace; a null namespaceSelector matches no namespace, `{}` every
 * namespace; a null labelSelector matches no pod. `matchLabelKeys`/`mismatchLabelKeys` are not read: the API
 * server folds them into the labelSelector at pod creation and the scheduler never looks at them.
 */
export function compilePodAffinity(pod: Pod): CompiledPodAffinity {
  const affinity = pod.spec.affinity;
  if (affinity == null || (affinity.podAffinity == null && affinity.podAntiAffinity == null)) return noPodAffinity;
  // Terms depend on the affinity and the pod's namespace only: a rewritten pod (bound, status changed) shares them.
  const namespace = podNamespace(pod);
  const seen = compiledByAffinity.get(affinity);
  if (seen !== undefined && seen.namespace === namespace) return seen.compiled;
  const compiled = compileTerms(pod, affinity);
  compiledByAffinity.set(affinity, { namespace, compiled });
  return compiled;
}

/** What a pod without inter-pod affinity compiles to (shared: most pods have none). */
const noPodAffinity: CompiledPodAffinity = Object.freeze({
  requiredAffinityTerms: Object.freeze([]),
  requiredAntiAffinityTerms: Object.freeze([]),
  preferredAffinityTerms: Object.freeze([]),
  preferredAntiAffinityTerms: Object.freeze([]),
  error: undefined,
});

const compiledByAffinity = new WeakMap<Affinity, { namespace: string; compiled: CompiledPodAffinity }>();

function compileTerms(pod: Pod, affinity: Affinity): CompiledPodAffinity {
  const errors: string[] = [];
  const compileList = <T>(label: string, compile: () => T[]): T[] => {
    try {
      return compile();
    } catch (error) {
      if (!(error instanceof TermError)) throw error;
      errors.push(`${label}: ${error.message}`);
      return [];
    }
  };
  const required = affinity.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const requiredAnti = affinity.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const preferred = affinity.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  const preferredAnti = affinity.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  return {
    requiredAffinityTerms: compileList('requiredAffinityTerms', () => required.map((term) => newAffinityTerm(pod, term))),
    requiredAntiAffinityTerms: compileList('requiredAntiAffinityTerms', () => requiredAnti.map((term) => newAffinityTerm(pod, term))),
    preferredAffinityTerms: compileList('preferredAffinityTerms', () => preferred.map((term) => newWeightedTerm(pod, term))),
    preferredAntiAffinityTerms: compileList('preferredAntiAffinityTerms', () => preferredAnti.map((term) => newWeightedTerm(pod, term))),
    error: errors.length === 0 ? undefined : errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`,
  };
}

/**
 * True when `pod` is one of the pods `term` selects (kube's `AffinityTerm.Matches`).
 * @param podNamespaceLabels - labels of the pod's Namespace object (for the namespaceSelector).
 */
export function termMatches(term: AffinityTerm, pod: Pod, podNamespaceLabels: Labels | null | undefined): boolean {
  if (term.namespaces.has(podNamespace(pod)) || term.namespaceSelector.matches(podNamespaceLabels)) {
    return term.selector.matches(pod.metadata.labels);
  }
  return false;
}

/** A term whose selector kube cannot parse; it fails the term's whole list. */
class TermError extends Error {}

function newAffinityTerm(pod: Pod, term: PodAffinityTerm): AffinityTerm {
  const selector = compileLabelSelector(term.labelSelector);
  if (selector.error !== undefined) throw new TermError(selector.error);
  const namespaceSelector = compileLabelSelector(term.namespaceSelector);
  if (namespaceSelector.error !== undefined) throw new TermError(namespaceSelector.error);
  const listed = term.namespaces ?? [];
  const namespaces = new Set(listed.length === 0 && !term.namespaceSelector ? [podNamespace(pod)] : listed);
  return { namespaces, selector, topologyKey: term.topologyKey, namespaceSelector };
}

function newWeightedTerm(pod: Pod, term: WeightedPodAffinityTerm): WeightedAffinityTerm {
  return { ...newAffinityTerm(pod, term.podAffinityTerm), weight: term.weight };
}
