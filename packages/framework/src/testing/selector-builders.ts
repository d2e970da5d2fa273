import type { LabelSelector, LabelSelectorRequirement, NodeSelectorRequirement, NodeSelectorTerm } from '../model/types.js';

/** The set-based label expressions (`In`, `NotIn`, `Exists`, `DoesNotExist`) both selector builders offer. */
abstract class LabelExpressionBuilder {
  /** Stores one expression where the builder keeps its label expressions. */
  protected abstract addExpression(expression: LabelSelectorRequirement): void;

  /** Adds the label expression `key In values`. */
  in(key: string, values: readonly string[]): this {
    this.addExpression({ key, operator: 'In', values: [...values] });
    return this;
  }

  /** Adds the label expression `key NotIn values`. */
  notIn(key: string, values: readonly string[]): this {
    this.addExpression({ key, operator: 'NotIn', values: [...values] });
    return this;
  }

  /** Adds the label expression `key Exists`. */
  exists(key: string): this {
    this.addExpression({ key, operator: 'Exists' });
    return this;
  }

  /** Adds the label expression `key DoesNotExist`. */
  doesNotExist(key: string): this {
    this.addExpression({ key, operator: 'DoesNotExist' });
    return this;
  }
}

/**
 * Builds a `metav1.LabelSelector`: `labelSelector().label('app', 'web').in('tier', ['a', 'b']).obj()`.
 * Every requirement is ANDed, as the API reads them.
 */
export class LabelSelectorBuilder extends LabelExpressionBuilder {
  private readonly matchLabels: Record<string, string> = {};
  private readonly matchExpressions: LabelSelectorRequirement[] = [];

  protected addExpression(expression: LabelSelectorRequirement): void {
    this.matchExpressions.push(expression);
  }

  /** Adds `key=value` to `matchLabels`. */
  label(key: string, value: string): this {
    this.matchLabels[key] = value;
    return this;
  }

  /** Adds every pair of `labels` to `matchLabels`. */
  labels(labels: Record<string, string>): this {
    Object.assign(this.matchLabels, labels);
    return this;
  }

  /** The selector; only the parts that were set appear (an untouched builder gives `{}`, which matches everything). */
  obj(): LabelSelector {
    const selector: LabelSelector = {};
    if (Object.keys(this.matchLabels).length > 0) selector.matchLabels = { ...this.matchLabels };
    if (this.matchExpressions.length > 0) selector.matchExpressions = structuredClone(this.matchExpressions);
    return selector;
  }
}

/** Starts a {@link LabelSelectorBuilder}. */
export function labelSelector(): LabelSelectorBuilder {
  return new LabelSelectorBuilder();
}

/**
 * Builds one `v1.NodeSelectorTerm`; its expressions and fields are ANDed (terms of a NodeSelector are ORed):
 * `nodeSelectorTerm().in('zone', ['a']).gt('gpus', 2).fieldIn('metadata.name', ['n1']).obj()`.
 */
export class NodeSelectorTermBuilder extends LabelExpressionBuilder {
  private readonly matchExpressions: NodeSelectorRequirement[] = [];
  private readonly matchFields: NodeSelectorRequirement[] = [];

  protected addExpression(expression: LabelSelectorRequirement): void {
    this.matchExpressions.push(expression);
  }

  /** Adds the label expression `key Gt value` (the label must be an integer greater than `value`). */
  gt(key: string, value: number | string): this {
    this.matchExpressions.push({ key, operator: 'Gt', values: [String(value)] });
    return this;
  }

  /** Adds the label expression `key Lt value` (the label must be an integer less than `value`). */
  lt(key: string, value: number | string): this {
    this.matchExpressions.push({ key, operator: 'Lt', values: [String(value)] });
    return this;
  }

  /** Adds the field requirement `key In values` (the API only supports `metadata.name`). */
  fieldIn(key: string, values: readonly string[]): this {
    this.matchFields.push({ key, operator: 'In', values: [...values] });
    return this;
  }

  /** Adds the field requirement `key NotIn values`. */
  fieldNotIn(key: string, values: readonly string[]): this {
    this.matchFields.push({ key, operator: 'NotIn', values: [...values] });
    return this;
  }

  /** The term; only the lists that were used appear. */
  obj(): NodeSelectorTerm {
    const term: NodeSelectorTerm = {};
    if (this.matchExpressions.length > 0) term.matchExpressions = structuredClone(this.matchExpressions);
    if (this.matchFields.length > 0) term.matchFields = structuredClone(this.matchFields);
    return term;
  }
}

/** Starts a {@link NodeSelectorTermBuilder}. */
export function nodeSelectorTerm(): NodeSelectorTermBuilder {
  return new NodeSelectorTermBuilder();
}

/** A label selector given as an object or as a builder. */
export type LabelSelectorInput = LabelSelector | LabelSelectorBuilder;

/** A node selector term given as an object or as a builder. */
export type NodeSelectorTermInput = NodeSelectorTerm | NodeSelectorTermBuilder;

/** The plain selector of `input` (a copy). */
export function toLabelSelector(input: LabelSelectorInput): LabelSelector {
  return input instanceof LabelSelectorBuilder ? input.obj() : structuredClone(input);
}

/** The plain term of `input` (a copy). */
export function toNodeSelectorTerm(input: NodeSelectorTermInput): NodeSelectorTerm {
  return input instanceof NodeSelectorTermBuilder ? input.obj() : structuredClone(input);
}
