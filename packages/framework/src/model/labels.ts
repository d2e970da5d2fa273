import type { Labels, LabelSelector, Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PreferredSchedulingTerm } from './types.js';
import { goQuote, labelValueErrors, qualifiedNameErrors } from './validation.js';

/** A compiled label selector: requirements that are all ANDed. */
export interface Selector {
  /** True when the selector has no requirements and so matches every label set (kube's `Selector.Empty()`). */
  readonly empty: boolean;
  /** Why the selector is invalid, if it is; an invalid selector matches nothing. */
  readonly error: string | undefined;
  readonly requirements: readonly LabelRequirement[];
  /** True when every requirement holds for `labels` (absent labels = no labels). */
  matches(labels: Labels | null | undefined): boolean;
}

/** Operators of a compiled requirement: the label-selector ones plus node selectors' integer comparisons. */
export type RequirementOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

/** Values of a Gt/Lt requirement or label: an int64 as a number when exactly representable, else a bigint. */
type Int64 = number | bigint;

/** One compiled requirement on a label (kube's `labels.Requirement`). */
export class LabelRequirement {
  private readonly valueSet: ReadonlySet<string> | undefined;
  private readonly bound: Int64;

  constructor(
    readonly key: string,
    readonly operator: RequirementOperator,
    readonly values: readonly string[],
  ) {
    // Short value lists scan faster than they hash.
    this.valueSet = values.length > 8 ? new Set(values) : undefined;
    this.bound = operator === 'Gt' || operator === 'Lt' ? (parseInt64(values[0] ?? '') ?? 0) : 0;
  }

  matches(labels: Labels | null | undefined): boolean {
    const value = labels ? labels[this.key] : undefined;
    // Inherited members such as `constructor` are never strings, so this also rules them out.
    const present = typeof value === 'string';
    switch (this.operator) {
      case 'In':
        return present && this.hasValue(value);
      case 'NotIn':
        return !present || !this.hasValue(value);
      case 'Exists':
        return present;
      case 'DoesNotExist':
        return !present;
      case 'Gt':
      case 'Lt': {
        if (!present) return false;
        const actual = parseInt64(value);
        if (actual === undefined) return false;
        return this.operator === 'Gt' ? compareInt64(actual, this.bound) > 0 : compareInt64(actual, this.bound) < 0;
      }
    }
  }

  private hasValue(value: string): boolean {
    if (this.valueSet) return this.valueSet.has(value);
    const values = this.values;
    for (let i = 0; i < values.length; i++) if (values[i] === value) return true;
    return false;
  }
}

class RequirementsSelector implements Selector {
  readonly error = undefined;

  constructor(readonly requirements: readonly LabelRequirement[]) {}

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  matches(labels: Labels | null | undefined): boolean {
    const requirements = this.requirements;
    for (let i = 0; i < requirements.length; i++) if (!requirements[i]!.matches(labels)) return false;
    return true;
  }
}

class MatchNothing implements Selector {
  readonly empty = false;
  readonly requirements: readonly LabelRequirement[] = [];

  constructor(readonly error: string | undefined) {}

  matches(): boolean {
    return false;
  }
}

/** Matches every label set (kube's `labels.Everything()`). */
export const EverythingSelector: Selector = new RequirementsSelector([]);
/** Matches no label set (kube's `labels.Nothing()`). */
export const NothingSelector: Selector = new MatchNothing(undefined);

const compiledSelectors = new WeakMap<LabelSelector, Selector>();

/**
 * Compiles a `metav1.LabelSelector` with kube's `LabelSelectorAsSelector` semantics: `null`/`undefined` matches
 * nothing, `{}` matches everything, matchLabels and matchExpressions are ANDed. A selector kube would fail to
 * parse (unknown operator, In/NotIn without values, Exists/DoesNotExist with values, invalid key or value)
 * matches nothing and carries the reason in `error`. Compiled selectors are cached per selector object.
 */
export function compileLabelSelector(selector: LabelSelector | null | undefined): Selector {
  if (!selector) return NothingSelector;
  let compiled = compiledSelectors.get(selector);
  if (!compiled) {
    compiled = buildLabelSelector(selector);
    compiledSelectors.set(selector, compiled);
  }
  return compiled;
}

function buildLabelSelector(selector: LabelSelector): Selector {
  const matchLabels = selector.matchLabels ?? {};
  const labelKeys = Object.keys(matchLabels);
  const expressions = selector.matchExpressions ?? [];
  if (labelKeys.length + expressions.length === 0) return EverythingSelector;
  const requirements: LabelRequirement[] = [];
  for (const key of labelKeys) {
    const result = newRequirement(key, 'In', [matchLabels[key]!]);
    if (typeof result === 'string') return new MatchNothing(result);
    requirements.push(result);
  }
  for (const expression of expressions) {
    const operator: string = expression.operator;
    if (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist') {
      return new MatchNothing(`${goQuote(operator)} is not a valid label selector operator`);
    }
    const result = newRequirement(expression.key, operator, expression.values ?? []);
    if (typeof result === 'string') return new MatchNothing(result);
    requirements.push(result);
  }
  return new RequirementsSelector(requirements);
}

/**
 * A selector matching label sets that contain every key/value pair of `map` (kube's `labels.SelectorFromSet`,
 * used for `spec.nodeSelector` and Service selectors). An empty or absent map matches everything. Like kube,
 * the pairs are not validated.
 */
export function labelsFromMap(map: Labels | null | undefined): Selector {
  if (!map) return EverythingSelector;
  const keys = Object.keys(map);
  if (keys.length === 0) return EverythingSelector;
  return new RequirementsSelector(keys.map((key) => new LabelRequirement(key, 'In', [map[key]!])));
}

/** True when `nodeLabels` has every key/value pair of `nodeSelector` (a pod's `spec.nodeSelector`). */
export function matchesNodeSelectorMap(nodeLabels: Labels | null | undefined, nodeSelector: Labels | null | undefined): boolean {
  if (!nodeSelector) return true;
  for (const key in nodeSelector) {
    const value = nodeLabels ? nodeLabels[key] : undefined;
    if (typeof value !== 'string' || value !== nodeSelector[key]) return false;
  }
  return true;
}

/**
 * kube's `labels.NewRequirement` validation; returns the requirement or the error text.
 * @param path - field path of the requirement in error messages (empty for a bare label selector).
 */
function newRequirement(key: string, operator: RequirementOperator, values: readonly string[], path = ''): LabelRequirement | string {
  const at = path ? `${path}.` : '';
  const errors: string[] = [];
  const keyErrors = qualifiedNameErrors(key);
  if (keyErrors.length > 0) errors.push(`${at}key: Invalid value: ${goQuote(key)}: ${keyErrors.join('; ')}`);
  const invalidValues = (detail: string) => `${at}values: Invalid value: ${goStringSlice(values)}: ${detail}`;
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errors.push(invalidValues("for 'in', 'notin' operators, values set can't be empty"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) errors.push(invalidValues('values set must be empty for exists and does not exist'));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errors.push(invalidValues("for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((value, i) => {
        if (parseInt64(value) === undefined) errors.push(`${at}values[${i}]: Invalid value: ${goQuote(value)}: for 'Gt', 'Lt' operators, the value must be an integer`);
      });
      break;
  }
  values.forEach((value, i) => {
    const valueErrors = labelValueErrors(value);
    if (valueErrors.length > 0) errors.push(`${at}values[${i}][${key}]: Invalid value: ${goQuote(value)}: ${valueErrors.join('; ')}`);
  });
  if (errors.length === 0) return new LabelRequirement(key, operator, [...values]);
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
}

function goStringSlice(values: readonly string[]): string {
  return values.length === 0 ? '[]string(nil)' : `[]string{${values.map(goQuote).join(', ')}}`;
}

const INT64_RE = /^[+-]?[0-9]+$/;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Go's `strconv.ParseInt(s, 10, 64)`: the value, or undefined when it is not a base-10 int64. */
function parseInt64(text: string): Int64 | undefined {
  if (!INT64_RE.test(text)) return undefined;
  // Up to 15 digits are exact as a double.
  if (text.length <= 15) return Number(text);
  const value = BigInt(text);
  if (value > INT64_MAX || value < INT64_MIN) return undefined;
  return Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

function compareInt64(a: Int64, b: Int64): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x > y ? 1 : -1;
}

// ---------------------------------------------------------------------------------------------------------
// Node selectors (required and preferred node affinity)

/** A compiled `v1.NodeSelectorTerm`: its label requirements and field requirements, ANDed. */
export interface CompiledNodeSelectorTerm {
  /** True for a term with no expressions and no fields, which kube treats as matching nothing. */
  readonly empty: boolean;
  /** Why kube cannot parse the term, if it cannot; such a term matches nothing. */
  readonly error: string | undefined;
  matches(node: Node): boolean;
}

/** A compiled `v1.NodeSelector`: a node matches when any term matches. */
export interface CompiledNodeSelector {
  readonly terms: readonly CompiledNodeSelectorTerm[];
  /** The parse errors of the invalid terms, joined; undefined when every term is valid. */
  readonly error: string | undefined;
  matches(node: Node): boolean;
}

/** One field requirement of a term; kube's nodes expose only `metadata.name`, every other field reads as "". */
interface FieldRequirement {
  readonly key: string;
  readonly value: string;
  readonly equal: boolean;
}

class NodeSelectorTermMatcher implements CompiledNodeSelectorTerm {
  constructor(
    readonly empty: boolean,
    readonly error: string | undefined,
    private readonly labelSelector: Selector | undefined,
    private readonly fields: readonly FieldRequirement[] | undefined,
  ) {}

  matches(node: Node): boolean {
    if (this.empty || this.error !== undefined) return false;
    if (this.labelSelector && !this.labelSelector.matches(node.metadata.labels)) return false;
    const name = node.metadata.name;
    // kube has no fields to check for a node without a name, and then ignores matchFields.
    if (this.fields && name) {
      const fields = this.fields;
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i]!;
        const actual = field.key === 'metadata.name' ? name : '';
        if ((actual === field.value) !== field.equal) return false;
      }
    }
    return true;
  }
}

class NodeSelectorMatcher implements CompiledNodeSelector {
  readonly error: string | undefined;

  constructor(readonly terms: readonly CompiledNodeSelectorTerm[]) {
    const errors = terms.map((term) => term.error).filter((error): error is string => error !== undefined);
    this.error = errors.length === 0 ? undefined : errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
  }

  matches(node: Node): boolean {
    const terms = this.terms;
    for (let i = 0; i < terms.length; i++) if (terms[i]!.matches(node)) return true;
    return false;
  }
}

const compiledNodeSelectors = new WeakMap<NodeSelector, CompiledNodeSelector>();
const compiledTerms = new WeakMap<NodeSelectorTerm, CompiledNodeSelectorTerm>();

/**
 * Compiles a required node affinity (`requiredDuringSchedulingIgnoredDuringExecution`) as kube's
 * `nodeaffinity.LazyErrorNodeSelector`: terms are ORed; an empty term or one kube fails to parse matches
 * nothing while the other terms still count; no terms match nothing. Cached per selector object.
 */
export function compileNodeSelector(nodeSelector: NodeSelector): CompiledNodeSelector {
  let compiled = compiledNodeSelectors.get(nodeSelector);
  if (!compiled) {
    compiled = new NodeSelectorMatcher((nodeSelector.nodeSelectorTerms ?? []).map((term, i) => compileTerm(term, `nodeSelectorTerms[${i}]`)));
    compiledNodeSelectors.set(nodeSelector, compiled);
  }
  return compiled;
}

/**
 * Compiles one node selector term (e.g. a preferred term's `preference`). matchExpressions support In, NotIn,
 * Exists, DoesNotExist, Gt and Lt (integer comparisons; a label that is not an integer does not match);
 * matchFields support In and NotIn with exactly one value, and only `metadata.name` has a value. A term with
 * neither matches nothing. Cached per term object.
 */
export function compileNodeSelectorTerm(term: NodeSelectorTerm): CompiledNodeSelectorTerm {
  let compiled = compiledTerms.get(term);
  if (!compiled) {
    compiled = compileTerm(term, '');
    compiledTerms.set(term, compiled);
  }
  return compiled;
}

function compileTerm(term: NodeSelectorTerm, path: string): CompiledNodeSelectorTerm {
  const expressions = term.matchExpressions ?? [];
  const fieldExpressions = term.matchFields ?? [];
  if (expressions.length === 0 && fieldExpressions.length === 0) return new NodeSelectorTermMatcher(true, undefined, undefined, undefined);
  const prefix = path ? `${path}.` : '';
  const errors: string[] = [];
  let labelSelector: Selector | undefined;
  if (expressions.length > 0) {
    const requirements: LabelRequirement[] = [];
    expressions.forEach((expression, i) => {
      const result = nodeRequirement(expression, `${prefix}matchExpressions[${i}]`);
      if (typeof result === 'string') errors.push(result);
      else requirements.push(result);
    });
    labelSelector = new RequirementsSelector(requirements);
  }
  let fields: FieldRequirement[] | undefined;
  if (fieldExpressions.length > 0) {
    fields = [];
    fieldExpressions.forEach((expression, i) => {
      const at = `${prefix}matchFields[${i}]`;
      const operator: string = expression.operator;
      const values = expression.values ?? [];
      if (operator !== 'In' && operator !== 'NotIn') {
        errors.push(`${at}.operator: Unsupported value: ${goQuote(operator)}: supported values: "In", "NotIn"`);
      } else if (values.length !== 1) {
        errors.push(`${at}.values: Invalid value: ${goStringSlice(values)}: must have one element`);
      } else {
        fields!.push({ key: expression.key, value: values[0]!, equal: operator === 'In' });
      }
    });
  }
  const error = errors.length === 0 ? undefined : errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
  return new NodeSelectorTermMatcher(false, error, labelSelector, fields);
}

function nodeRequirement(expression: NodeSelectorRequirement, path: string): LabelRequirement | string {
  const operator: string = expression.operator;
  if (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist' && operator !== 'Gt' && operator !== 'Lt') {
    return `${path}.operator: Unsupported value: ${goQuote(operator)}`;
  }
  return newRequirement(expression.key, operator, expression.values ?? [], path);
}

/** Compiled preferred node affinity terms, scoring a node by the total weight of the terms it matches. */
export interface CompiledPreferredSchedulingTerms {
  readonly terms: readonly { readonly weight: number; readonly term: CompiledNodeSelectorTerm }[];
  /** Set when any term fails to parse; kube then rejects the whole list. */
  readonly error: string | undefined;
  /** Sum of the weights of the terms `node` matches (kube's `PreferredSchedulingTerms.Score`). */
  score(node: Node): number;
}

const compiledPreferences = new WeakMap<readonly PreferredSchedulingTerm[], CompiledPreferredSchedulingTerms>();

/**
 * Compiles `preferredDuringSchedulingIgnoredDuringExecution` as kube's `nodeaffinity.NewPreferredSchedulingTerms`:
 * terms with weight 0 and empty terms are dropped; if any remaining term fails to parse, `error` is set and
 * nothing is scored. Cached per list object.
 */
export function compilePreferredSchedulingTerms(preferred: readonly PreferredSchedulingTerm[] | null | undefined): CompiledPreferredSchedulingTerms {
  if (!preferred) return NO_PREFERENCES;
  let compiled = compiledPreferences.get(preferred);
  if (!compiled) {
    compiled = buildPreferences(preferred);
    compiledPreferences.set(preferred, compiled);
  }
  return compiled;
}

function buildPreferences(preferred: readonly PreferredSchedulingTerm[]): CompiledPreferredSchedulingTerms {
  const terms: { weight: number; term: CompiledNodeSelectorTerm }[] = [];
  const errors: string[] = [];
  preferred.forEach((preference, i) => {
    const term = compileTerm(preference.preference ?? {}, `[${i}]`);
    if (preference.weight === 0 || term.empty) return;
    if (term.error !== undefined) errors.push(term.error);
    else terms.push({ weight: preference.weight, term });
  });
  const error = errors.length === 0 ? undefined : errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
  return new PreferredTerms(error === undefined ? terms : [], error);
}

class PreferredTerms implements CompiledPreferredSchedulingTerms {
  constructor(
    readonly terms: readonly { readonly weight: number; readonly term: CompiledNodeSelectorTerm }[],
    readonly error: string | undefined,
  ) {}

  score(node: Node): number {
    const terms = this.terms;
    let total = 0;
    for (let i = 0; i < terms.length; i++) if (terms[i]!.term.matches(node)) total += terms[i]!.weight;
    return total;
  }
}

const NO_PREFERENCES: CompiledPreferredSchedulingTerms = new PreferredTerms([], undefined);
