import {
  type AffinityTerm,
  type Labels,
  type Pod,
  podNamespace,
  type Selector,
  type WeightedAffinityTerm,
} from '@schedkit/framework';

/** Reads the labels of a Namespace object by name (undefined: no such namespace). */
export type NamespaceLabelsLookup = (name: string) => Labels | undefined;

/**
 * The namespaces an incoming pod's term covers. kube unrolls a non-empty namespaceSelector of the incoming pod's
 * terms into namespace names by listing the Namespace objects it matches (so a namespace that does not exist is
 * never covered); an empty selector (`{}`) covers every namespace and a null one none. The verdict per namespace
 * is looked up once and remembered for the cycle.
 */
export class NamespaceScope {
  private readonly verdicts = new Map<string, boolean>();
  private readonly coversAll: boolean;
  private readonly selectorCanMatch: boolean;

  /**
   * @param keepsSelector - the term keeps its namespaceSelector after the merge, matched against no labels (see
   *   {@link resolveIncomingWeightedTerms}): a selector that matches an empty label set then covers every namespace.
   */
  constructor(
    private readonly namespaces: ReadonlySet<string>,
    private readonly namespaceSelector: Selector,
    private readonly lookup: NamespaceLabelsLookup,
    keepsSelector = false,
  ) {
    this.coversAll = namespaceSelector.empty || (keepsSelector && namespaceSelector.error === undefined && namespaceSelector.matches({}));
    this.selectorCanMatch = !namespaceSelector.empty && namespaceSelector.requirements.length > 0;
  }

  /** True when pods of `namespace` are selected by the term. */
  covers(namespace: string): boolean {
    if (this.coversAll || this.namespaces.has(namespace)) return true;
    if (!this.selectorCanMatch) return false;
    const known = this.verdicts.get(namespace);
    if (known !== undefined) return known;
    const labels = this.lookup(namespace);
    const verdict = labels !== undefined && this.namespaceSelector.matches(labels);
    this.verdicts.set(namespace, verdict);
    return verdict;
  }
}

/** A required term of the incoming pod with its namespaceSelector resolved against the cluster's namespaces. */
export interface IncomingTerm {
  readonly topologyKey: string;
  readonly selector: Selector;
  readonly scope: NamespaceScope;
}

/** A preferred term of the incoming pod, resolved like {@link IncomingTerm}. */
export interface IncomingWeightedTerm extends IncomingTerm {
  readonly weight: number;
}

/** Resolves the incoming pod's terms (kube's `mergeAffinityTermNamespacesIfNotEmpty` on each). */
export function resolveIncomingTerms(terms: readonly AffinityTerm[], lookup: NamespaceLabelsLookup): IncomingTerm[] {
  return terms.map((term) => ({
    topologyKey: term.topologyKey,
    selector: term.selector,
    scope: new NamespaceScope(term.namespaces, term.namespaceSelector, lookup),
  }));
}

/**
 * Resolves the incoming pod's preferred terms as kube v1.35's InterPodAffinity PreScore (scoring.go) leaves them:
 * the namespaces its namespaceSelector matches are added to the term's namespaces, but the selector itself stays
 * (kube's mergeAffinityTermNamespacesIfNotEmpty resets it on a copy of the term, while the namespace set it fills
 * is shared), and processExistingPod matches it against nil namespace labels. So a selector that matches an empty
 * label set (`team DoesNotExist`, `env NotIn (...)`) covers every namespace; any other covers the namespaces it
 * matched.
 */
export function resolveIncomingWeightedTerms(terms: readonly WeightedAffinityTerm[], lookup: NamespaceLabelsLookup): IncomingWeightedTerm[] {
  return terms.map((term) => ({
    topologyKey: term.topologyKey,
    selector: term.selector,
    scope: new NamespaceScope(term.namespaces, term.namespaceSelector, lookup, true),
    weight: term.weight,
  }));
}

/** True when `pod` is selected by the incoming pod's `term`. */
export function incomingTermMatches(term: IncomingTerm, pod: Pod): boolean {
  return term.scope.covers(podNamespace(pod)) && term.selector.matches(pod.metadata.labels);
}

/** True when `pod` is selected by every term; false for no terms (kube's `podMatchesAllAffinityTerms`). */
export function matchesAllIncomingTerms(terms: readonly IncomingTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  const namespace = podNamespace(pod);
  const labels = pod.metadata.labels;
  for (let i = 0; i < terms.length; i++) {
    const term = terms[i]!;
    if (!term.scope.covers(namespace) || !term.selector.matches(labels)) return false;
  }
  return true;
}
