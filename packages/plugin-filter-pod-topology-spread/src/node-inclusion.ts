import type { Labels, Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint, Toleration } from '@schedkit/framework';

const integerPattern = /^[+-]?\d+$/;

/** A node selector requirement, checked once when compiled; invalid ones make their term unmatchable. */
interface CompiledRequirement {
  readonly key: string;
  readonly operator: NodeSelectorRequirement['operator'];
  readonly values: readonly string[];
  /** The bound of Gt/Lt. */
  readonly bound: number;
}

interface CompiledTerm {
  readonly expressions: readonly CompiledRequirement[];
  readonly fields: readonly CompiledRequirement[];
}

/**
 * The pod's required node affinity as PodTopologySpread's `nodeAffinityPolicy: Honor` evaluates it (kube's
 * `nodeaffinity.GetRequiredNodeAffinity`): the `nodeSelector` labels AND at least one term of
 * `requiredDuringSchedulingIgnoredDuringExecution`. A term that does not parse never matches (kube ignores
 * the parse error), an empty term matches nothing, and an empty term list matches no node.
 */
export class RequiredNodeAffinity {
  private constructor(
    private readonly nodeSelector: Labels | undefined,
    /** Null: the pod has no required node affinity. */
    private readonly terms: readonly (CompiledTerm | null)[] | null,
  ) {}

  /** Compiles the pod's nodeSelector and required node affinity. */
  static of(pod: Pod): RequiredNodeAffinity {
    const selector = pod.spec.nodeSelector;
    const nodeSelector = selector && Object.keys(selector).length > 0 ? selector : undefined;
    const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    const terms = required ? (required.nodeSelectorTerms ?? []).map(compileTerm) : null;
    return new RequiredNodeAffinity(nodeSelector, terms);
  }

  /** True when `node` satisfies the nodeSelector and (if any) one required term. */
  matches(node: Node): boolean {
    const labels = node.metadata.labels;
    const selector = this.nodeSelector;
    if (selector !== undefined) {
      for (const key in selector) {
        if (labels === undefined || !Object.hasOwn(labels, key) || labels[key] !== selector[key]) return false;
      }
    }
    const terms = this.terms;
    if (terms === null) return true;
    for (let i = 0; i < terms.length; i++) {
      const term = terms[i];
      if (term && termMatches(term, labels, node.metadata.name)) return true;
    }
    return false;
  }
}

function compileTerm(term: NodeSelectorTerm): CompiledTerm | null {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return null;
  const compiledExpressions: CompiledRequirement[] = [];
  for (const expression of expressions) {
    const compiled = compileLabelRequirement(expression);
    if (!compiled) return null;
    compiledExpressions.push(compiled);
  }
  const compiledFields: CompiledRequirement[] = [];
  for (const field of fields) {
    // Only metadata.name is a supported node field, with In/NotIn and exactly one value.
    if (field.key !== 'metadata.name') return null;
    if ((field.operator !== 'In' && field.operator !== 'NotIn') || (field.values ?? []).length !== 1) return null;
    compiledFields.push({ key: field.key, operator: field.operator, values: field.values ?? [], bound: 0 });
  }
  return { expressions: compiledExpressions, fields: compiledFields };
}

function compileLabelRequirement(req: NodeSelectorRequirement): CompiledRequirement | null {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      return values.length === 0 ? null : { key: req.key, operator: req.operator, values, bound: 0 };
    case 'Exists':
    case 'DoesNotExist':
      return values.length !== 0 ? null : { key: req.key, operator: req.operator, values, bound: 0 };
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1 || !integerPattern.test(values[0]!)) return null;
      return { key: req.key, operator: req.operator, values, bound: Number(values[0]) };
    }
    default:
      return null;
  }
}

function termMatches(term: CompiledTerm, labels: Labels | undefined, nodeName: string): boolean {
  for (const req of term.expressions) {
    if (!labelRequirementMatches(req, labels)) return false;
  }
  for (const req of term.fields) {
    const equal = req.values[0] === nodeName;
    if (req.operator === 'In' ? !equal : equal) return false;
  }
  return true;
}

function labelRequirementMatches(req: CompiledRequirement, labels: Labels | undefined): boolean {
  const present = labels !== undefined && Object.hasOwn(labels, req.key);
  const value = present ? labels![req.key]! : '';
  switch (req.operator) {
    case 'In':
      return present && req.values.includes(value);
    case 'NotIn':
      return !present || !req.values.includes(value);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    case 'Gt':
    case 'Lt': {
      if (!present || !integerPattern.test(value)) return false;
      const actual = Number(value);
      return req.operator === 'Gt' ? actual > req.bound : actual < req.bound;
    }
  }
}

/**
 * True when the node has a NoSchedule or NoExecute taint that none of `tolerations` tolerates (kube's
 * `FindMatchingUntoleratedTaint` with the DoNotSchedule taint filter), which `nodeTaintsPolicy: Honor` excludes.
 */
export function hasUntoleratedScheduleTaint(node: Node, tolerations: readonly Toleration[] | undefined): boolean {
  const taints = node.spec?.taints;
  if (!taints) return false;
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerations?.some((toleration) => tolerates(toleration, taint))) return true;
  }
  return false;
}

/** kube's `Toleration.ToleratesTaint`: empty effect and empty key (with Exists) are wildcards; no operator means Equal. */
function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  const operator = toleration.operator ?? '';
  if (operator === '' || operator === 'Equal') return (toleration.value ?? '') === (taint.value ?? '');
  return operator === 'Exists';
}
