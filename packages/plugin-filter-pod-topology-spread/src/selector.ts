import type { LabelSelector, Labels } from '@schedkit/framework';

/** The operators a pod label selector requirement can use (matchLabels entries become `In` with one value). */
export type RequirementOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/** One parsed requirement of a label selector. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: RequirementOperator;
  readonly values: readonly string[];
}

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
    const matchLabels = selector.matchLabels ?? {};
    const expressions = selector.matchExpressions ?? [];
    const labelKeys = Object.keys(matchLabels);
    if (labelKeys.length === 0 && expressions.length === 0) return SpreadSelector.everything;
    const requirements: LabelRequirement[] = [];
    for (const key of labelKeys) requirements.push(requirement(key, 'In', [matchLabels[key]!]));
    for (const expression of expressions) {
      const operator = expression.operator as string;
      if (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist') {
        throw new SelectorError(`"${operator}" is not a valid label selector operator`);
      }
      requirements.push(requirement(expression.key, operator, expression.values ?? []));
    }
    return new SpreadSelector(requirements);
  }

  /** The selector `key1=value1,key2=value2,...` of a label set (empty set: everything). */
  static fromLabels(labels: Labels): SpreadSelector {
    const keys = Object.keys(labels);
    if (keys.length === 0) return SpreadSelector.everything;
    return new SpreadSelector(keys.map((key) => requirement(key, 'In', [labels[key]!])));
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
      if (!requirementMatches(requirements[i]!, labels)) return false;
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

function requirementMatches(req: LabelRequirement, labels: Labels | undefined): boolean {
  // One keyed load: inherited members (`constructor`...) are never strings, so typeof also rules them out.
  const value = labels === undefined ? undefined : labels[req.key];
  const present = typeof value === 'string';
  switch (req.operator) {
    case 'In': {
      if (!present) return false;
      const values = req.values;
      for (let i = 0; i < values.length; i++) if (values[i] === value) return true;
      return false;
    }
    case 'NotIn': {
      if (!present) return true;
      const values = req.values;
      for (let i = 0; i < values.length; i++) if (values[i] === value) return false;
      return true;
    }
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
}

function requirement(key: string, operator: RequirementOperator, values: readonly string[]): LabelRequirement {
  const keyProblem = labelKeyProblem(key);
  if (keyProblem) throw new SelectorError(`key: Invalid value: "${key}": ${keyProblem}`);
  if (operator === 'In' || operator === 'NotIn') {
    if (values.length === 0) throw new SelectorError(`values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`);
  } else if (values.length > 0) {
    throw new SelectorError(`values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`);
  }
  for (const value of values) {
    const valueProblem = labelValueProblem(value);
    if (valueProblem) throw new SelectorError(`values[0][${key}]: Invalid value: "${value}": ${valueProblem}`);
  }
  return { key, operator, values };
}

const namePattern = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const dnsSubdomainPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a valid label key (a qualified name with an optional DNS-subdomain prefix), or undefined. */
function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) return 'prefix part must be non-empty';
    if (prefix.length > 253 || !dnsSubdomainPattern.test(prefix)) return 'prefix part must be a lowercase RFC 1123 subdomain';
  } else {
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'";
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!namePattern.test(name)) return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  return undefined;
}

/** Why `value` is not a valid label value, or undefined. */
function labelValueProblem(value: string): string | undefined {
  if (value.length === 0) return undefined;
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!namePattern.test(value)) return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  return undefined;
}
