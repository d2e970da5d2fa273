import { compileLabelSelector, type LabelRequirement, type LabelSelector, type Labels, labelsFromMap } from '@schedkit/framework';

export type { LabelRequirement, RequirementOperator } from '@schedkit/framework';

/** Raised when a label selector cannot be parsed (kube's `LabelSelectorAsSelector` error). */
export class SelectorError extends Error {
  override name = 'SelectorError';
}

/**
 * A parsed pod label selector with the semantics PodTopologySpread relies on (kube's `labels.Selector`):
 * - a null selector selects nothing ({@link SpreadSelector.nothing});
 * - a selector without requirements selects everything, and is "empty" — kube counts no pods for an empty
 *   selector, yet the incoming pod still matches it;
 * - otherwise every requirement must hold.
 * Parsing and matching are the framework's ({@link compileLabelSelector}); this adds kube's `Selector.Add`, which
 * matchLabelKeys and the default selector need.
 */
export class SpreadSelector {
  /** Selects no pod (a null `labelSelector`). */
  static readonly nothing = new SpreadSelector(null);
  /** Selects every pod and is empty (`labelSelector: {}`). */
  static readonly everything = new SpreadSelector([]);

  private constructor(
    /** The ANDed requirements, or null for the selector that matches nothing. */
    readonly requirements: readonly LabelRequirement[] | null,
  ) {}

  /**
   * Parses a `metav1.LabelSelector`. Throws a {@link SelectorError} for an unknown operator, for In/NotIn
   * without values, for Exists/DoesNotExist with values and for malformed label keys or values.
   */
  static fromLabelSelector(selector: LabelSelector | null | undefined): SpreadSelector {
    if (selector == null) return SpreadSelector.nothing;
    const compiled = compileLabelSelector(selector);
    if (compiled.error !== undefined) throw new SelectorError(compiled.error);
    return compiled.empty ? SpreadSelector.everything : new SpreadSelector(compiled.requirements);
  }

  /** The selector `key1=value1,key2=value2,...` of a label set (empty set: everything); like kube, not validated. */
  static fromLabels(labels: Labels): SpreadSelector {
    const selector = labelsFromMap(labels);
    return selector.empty ? SpreadSelector.everything : new SpreadSelector(selector.requirements);
  }

  /** kube's `Selector.Empty()`: true when there is no requirement, so the selector matches everything. */
  get empty(): boolean {
    return this.requirements !== null && this.requirements.length === 0;
  }

  /** True when `labels` satisfy every requirement. */
  matches(labels: Labels | undefined): boolean {
    const requirements = this.requirements;
    if (requirements === null) return false;
    for (let i = 0; i < requirements.length; i++) {
      if (!requirements[i]!.matches(labels)) return false;
    }
    return true;
  }

  /** This selector with more requirements ANDed (kube's `Selector.Add`); nothing stays nothing. */
  and(more: readonly LabelRequirement[]): SpreadSelector {
    if (this.requirements === null) return this;
    if (more.length === 0) return this;
    return new SpreadSelector([...this.requirements, ...more]);
  }

  /**
   * The selector built from `labels` with this selector's requirements added (kube's
   * `mergeLabelSetWithSelector` for matchLabelKeys). A selector that matches nothing is returned unchanged.
   */
  mergedWithLabels(labels: Labels): SpreadSelector {
    if (this.requirements === null) return this;
    return SpreadSelector.fromLabels(labels).and(this.requirements);
  }
}
