/**
 * Validation of the objects scheduling reads, with kube-apiserver's rules (`pkg/apis/core/validation`,
 * apimachinery's `metav1/validation`) and its message format, `<field>: <kind of error>: <detail>`: a library user
 * who feeds objects straight to a store gets the refusal kube would have given, and `simulate` refuses the same
 * manifests `kubectl apply` would. Only fields the scheduler reads are checked. Each function returns every
 * problem (empty when the object is valid).
 */
import type { PodDisruptionBudget, PriorityClass } from './cluster-objects.js';
import { parseQuantity, type Quantity } from './quantity.js';
import type {
  Affinity,
  Container,
  LabelSelector,
  Labels,
  Namespace,
  Node,
  NodeSelectorTerm,
  ObjectMeta,
  Pod,
  PodAffinityTerm,
  ResourceList,
  Taint,
  Toleration,
  TopologySpreadConstraint,
} from './types.js';
import { dns1123SubdomainErrors, goQuote, labelValueErrors, qualifiedNameErrors } from './validation.js';

/** One problem with one field, as kube's `field.Error` prints it. */
export interface FieldError {
  /** The field path, e.g. `spec.containers[0].resources.requests[cpu]`. */
  field: string;
  /** kube's message without the field, e.g. `Invalid value: "-1": must be greater than or equal to 0`. */
  message: string;
}

/** `field: message`, as kube prints a field error. */
export function formatFieldError(error: FieldError): string {
  return `${error.field}: ${error.message}`;
}

const required = (field: string, detail?: string): FieldError => ({ field, message: detail ? `Required value: ${detail}` : 'Required value' });
const invalid = (field: string, value: unknown, detail: string): FieldError => ({ field, message: `Invalid value: ${goValue(value)}: ${detail}` });
const unsupported = (field: string, value: unknown, supported: readonly string[]): FieldError => ({
  field,
  message: `Unsupported value: ${goValue(value)}: supported values: ${supported.map(goQuote).join(', ')}`,
});

function goValue(value: unknown): string {
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const taintEffects = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'] as const;
const tolerationOperators = ['Equal', 'Exists'] as const;
const whenUnsatisfiable = ['DoNotSchedule', 'ScheduleAnyway'] as const;
const policies = ['Honor', 'Ignore'] as const;
const preemptionPolicies = ['Never', 'PreemptLowerPriority'] as const;
const protocols = ['SCTP', 'TCP', 'UDP'] as const;

/** Resources whose request may not exceed their limit (every resource with both). */
const overcommitForbiddenPrefix = ['hugepages-'];

/** Checks a Pod as kube-apiserver validates a create. */
export function validatePod(pod: Pod): FieldError[] {
  const errors = validateMeta(pod.metadata, true);
  const spec = pod.spec as Pod['spec'] | undefined;
  if (!spec || !isObject(spec)) return [...errors, required('spec')];
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) errors.push(required('spec.containers'));
  const names = new Set<string>();
  const containers = (list: unknown, path: string): void => {
    if (list === undefined || list === null) return;
    if (!Array.isArray(list)) {
      errors.push(typeError(path, list, 'array'));
      return;
    }
    list.forEach((container, i) => {
      validateContainer(container as Container, `${path}[${i}]`, names, errors);
    });
  };
  containers(spec.containers, 'spec.containers');
  containers(spec.initContainers, 'spec.initContainers');
  if (spec.overhead) validateResourceList(spec.overhead, 'spec.overhead', errors);
  if (spec.resources) validateRequirements(spec.resources, 'spec.resources', errors);
  if (spec.nodeSelector !== undefined && spec.nodeSelector !== null) validateLabels(spec.nodeSelector, 'spec.nodeSelector', errors);
  if (spec.affinity) validateAffinity(spec.affinity, 'spec.affinity', errors);
  asList(spec.tolerations, 'spec.tolerations', errors).forEach((t, i) => {
    validateToleration(t as Toleration, `spec.tolerations[${i}]`, errors);
  });
  asList(spec.topologySpreadConstraints, 'spec.topologySpreadConstraints', errors).forEach((c, i) => {
    validateSpreadConstraint(c as TopologySpreadConstraint, `spec.topologySpreadConstraints[${i}]`, errors);
  });
  if (spec.preemptionPolicy && !(preemptionPolicies as readonly string[]).includes(spec.preemptionPolicy)) {
    errors.push(unsupported('spec.preemptionPolicy', spec.preemptionPolicy, preemptionPolicies));
  }
  if (spec.priority !== undefined && spec.priority !== null && !Number.isInteger(spec.priority)) errors.push(typeError('spec.priority', spec.priority, 'int32'));
  if (spec.schedulerName !== undefined && spec.schedulerName !== '') {
    for (const message of dns1123SubdomainErrors(String(spec.schedulerName))) errors.push(invalid('spec.schedulerName', spec.schedulerName, message));
  }
  if (spec.nodeName) for (const message of dns1123SubdomainErrors(String(spec.nodeName))) errors.push(invalid('spec.nodeName', spec.nodeName, message));
  asList(spec.schedulingGates, 'spec.schedulingGates', errors).forEach((gate, i) => {
    const name = (gate as { name?: unknown })?.name;
    if (typeof name !== 'string' || name === '') errors.push(required(`spec.schedulingGates[${i}].name`));
    else for (const message of qualifiedNameErrors(name)) errors.push(invalid(`spec.schedulingGates[${i}].name`, name, message));
  });
  return errors;
}

/** Checks a Node as kube-apiserver validates a create. */
export function validateNode(node: Node): FieldError[] {
  const errors = validateMeta(node.metadata, false);
  const spec = node.spec;
  if (spec !== undefined && spec !== null) {
    if (!isObject(spec)) errors.push(typeError('spec', spec, 'object'));
    else asList(spec.taints, 'spec.taints', errors).forEach((t, i) => {
        validateTaint(t as Taint, `spec.taints[${i}]`, errors);
      });
  }
  const status = node.status;
  if (status !== undefined && status !== null) {
    if (!isObject(status)) errors.push(typeError('status', status, 'object'));
    else {
      if (status.capacity) validateResourceList(status.capacity, 'status.capacity', errors);
      if (status.allocatable) validateResourceList(status.allocatable, 'status.allocatable', errors);
    }
  }
  return errors;
}

/** Checks a Namespace: its name is a DNS-1123 label. */
export function validateNamespace(namespace: Namespace): FieldError[] {
  const errors = validateMeta(namespace.metadata, false, 'label');
  return errors;
}

/** Checks a PriorityClass: a value, a valid preemption policy, no user class in the reserved `system-` prefix. */
export function validatePriorityClass(priorityClass: PriorityClass): FieldError[] {
  const errors = validateMeta(priorityClass.metadata, false);
  if (!Number.isInteger(priorityClass.value)) errors.push(priorityClass.value === undefined ? required('value') : typeError('value', priorityClass.value, 'int32'));
  else if (priorityClass.value > 1_000_000_000 && !priorityClass.metadata.name?.startsWith('system-')) {
    errors.push(invalid('value', priorityClass.value, 'maximum allowed value of a user defined priority is 1000000000'));
  }
  if (priorityClass.preemptionPolicy && !(preemptionPolicies as readonly string[]).includes(priorityClass.preemptionPolicy)) {
    errors.push(unsupported('preemptionPolicy', priorityClass.preemptionPolicy, preemptionPolicies));
  }
  return errors;
}

/** Checks a PodDisruptionBudget: one of minAvailable and maxUnavailable, each a non-negative int or a percentage. */
export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldError[] {
  const errors = validateMeta(pdb.metadata, true);
  const spec = pdb.spec ?? {};
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errors.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const field of ['minAvailable', 'maxUnavailable'] as const) {
    const value = spec[field];
    if (value === undefined || value === null) continue;
    const path = `spec.${field}`;
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || value < 0) errors.push(invalid(path, value, 'must be greater than or equal to 0'));
    } else if (typeof value !== 'string' || !/^\d+%$/.test(value)) {
      errors.push(invalid(path, value, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
    } else if (Number(value.slice(0, -1)) > 100) {
      errors.push(invalid(path, value, 'must not be greater than 100%'));
    }
  }
  if (spec.selector) validateLabelSelector(spec.selector, 'spec.selector', errors);
  return errors;
}

function validateMeta(meta: ObjectMeta | undefined, namespaced: boolean, nameFormat: 'subdomain' | 'label' = 'subdomain'): FieldError[] {
  const errors: FieldError[] = [];
  if (!meta || !isObject(meta)) return [required('metadata.name', 'name or generateName is required')];
  const name = meta.name as unknown;
  if (name === undefined || name === null || name === '') errors.push(required('metadata.name', 'name or generateName is required'));
  else if (typeof name !== 'string') errors.push(typeError('metadata.name', name, 'string'));
  else {
    const problems = nameFormat === 'label' ? dns1123LabelErrors(name) : dns1123SubdomainErrors(name);
    for (const message of problems) errors.push(invalid('metadata.name', name, message));
  }
  if (namespaced && meta.namespace !== undefined && meta.namespace !== '') {
    for (const message of dns1123LabelErrors(String(meta.namespace))) errors.push(invalid('metadata.namespace', meta.namespace, message));
  }
  if (meta.labels !== undefined && meta.labels !== null) validateLabels(meta.labels, 'metadata.labels', errors);
  return errors;
}

function dns1123LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push('must be no more than 63 characters');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    errors.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errors;
}

function validateLabels(labels: Labels, path: string, errors: FieldError[]): void {
  if (!isObject(labels)) {
    errors.push(typeError(path, labels, 'map[string]string'));
    return;
  }
  for (const [key, value] of Object.entries(labels)) {
    for (const message of qualifiedNameErrors(key)) errors.push(invalid(path, key, message));
    if (typeof value !== 'string') errors.push(typeError(`${path}[${key}]`, value, 'string'));
    else for (const message of labelValueErrors(value)) errors.push(invalid(path, value, message));
  }
}

function validateContainer(container: Container, path: string, names: Set<string>, errors: FieldError[]): void {
  if (!isObject(container)) {
    errors.push(typeError(path, container, 'object'));
    return;
  }
  if (!container.name) errors.push(required(`${path}.name`));
  else if (names.has(container.name)) errors.push({ field: `${path}.name`, message: `Duplicate value: ${goQuote(container.name)}` });
  else names.add(container.name);
  if (container.resources) validateRequirements(container.resources, `${path}.resources`, errors);
  asList(container.ports, `${path}.ports`, errors).forEach((port, i) => {
    const p = port as { containerPort?: unknown; hostPort?: unknown; protocol?: unknown };
    const portPath = `${path}.ports[${i}]`;
    if (!isPort(p.containerPort)) errors.push(p.containerPort === undefined ? required(`${portPath}.containerPort`) : invalid(`${portPath}.containerPort`, p.containerPort, 'must be between 1 and 65535, inclusive'));
    if (p.hostPort !== undefined && p.hostPort !== 0 && !isPort(p.hostPort)) errors.push(invalid(`${portPath}.hostPort`, p.hostPort, 'must be between 1 and 65535, inclusive'));
    if (p.protocol !== undefined && !(protocols as readonly unknown[]).includes(p.protocol)) errors.push(unsupported(`${portPath}.protocol`, p.protocol, protocols));
  });
}

function isPort(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

function validateRequirements(resources: { requests?: ResourceList; limits?: ResourceList }, path: string, errors: FieldError[]): void {
  if (!isObject(resources)) {
    errors.push(typeError(path, resources, 'object'));
    return;
  }
  const limits = resources.limits ? validateResourceList(resources.limits, `${path}.limits`, errors) : new Map<string, Quantity>();
  const requests = resources.requests ? validateResourceList(resources.requests, `${path}.requests`, errors) : new Map<string, Quantity>();
  for (const [name, request] of requests) {
    const limit = limits.get(name);
    if (limit === undefined) continue;
    if (request.nanos > limit.nanos) {
      errors.push(invalid(`${path}.requests`, String(resources.requests![name]), `must be less than or equal to ${name} limit of ${String(resources.limits![name])}`));
    } else if (overcommitForbiddenPrefix.some((prefix) => name.startsWith(prefix)) && request.nanos !== limit.nanos) {
      errors.push(invalid(`${path}.requests[${name}]`, String(resources.requests![name]), `must be equal to ${name} limit`));
    }
  }
}

function validateResourceList(list: ResourceList, path: string, errors: FieldError[]): Map<string, Quantity> {
  const parsed = new Map<string, Quantity>();
  if (!isObject(list)) {
    errors.push(typeError(path, list, 'map[string]Quantity'));
    return parsed;
  }
  for (const [name, value] of Object.entries(list)) {
    const field = `${path}[${name}]`;
    for (const message of qualifiedNameErrors(name)) errors.push(invalid(field, name, message));
    let quantity: Quantity;
    try {
      if (typeof value !== 'string' && typeof value !== 'number') throw new Error();
      quantity = parseQuantity(value);
    } catch {
      errors.push(invalid(field, String(value), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
      continue;
    }
    if (quantity.nanos < 0n) {
      errors.push(invalid(field, String(value), 'must be greater than or equal to 0'));
      continue;
    }
    parsed.set(name, quantity);
  }
  return parsed;
}

function validateTaint(taint: Taint, path: string, errors: FieldError[]): void {
  if (!isObject(taint)) {
    errors.push(typeError(path, taint, 'object'));
    return;
  }
  if (!taint.key) errors.push(required(`${path}.key`));
  else for (const message of qualifiedNameErrors(taint.key)) errors.push(invalid(`${path}.key`, taint.key, message));
  if (taint.value) for (const message of labelValueErrors(taint.value)) errors.push(invalid(`${path}.value`, taint.value, message));
  if (!taint.effect) errors.push(required(`${path}.effect`));
  else if (!(taintEffects as readonly string[]).includes(taint.effect)) errors.push(unsupported(`${path}.effect`, taint.effect, taintEffects));
}

function validateToleration(toleration: Toleration, path: string, errors: FieldError[]): void {
  if (!isObject(toleration)) {
    errors.push(typeError(path, toleration, 'object'));
    return;
  }
  if (toleration.key) for (const message of qualifiedNameErrors(toleration.key)) errors.push(invalid(`${path}.key`, toleration.key, message));
  const operator = toleration.operator;
  if (!toleration.key && operator !== 'Exists') errors.push(invalid(`${path}.operator`, operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
  if (operator && !(tolerationOperators as readonly string[]).includes(operator)) errors.push(unsupported(`${path}.operator`, operator, tolerationOperators));
  if (operator === 'Exists' && toleration.value) errors.push(invalid(`${path}.operator`, toleration.value, 'value must be empty when `operator` is \'Exists\''));
  if (toleration.effect && !(taintEffects as readonly string[]).includes(toleration.effect)) errors.push(unsupported(`${path}.effect`, toleration.effect, taintEffects));
  if (toleration.tolerationSeconds !== undefined && toleration.tolerationSeconds !== null && toleration.effect !== 'NoExecute') {
    errors.push(invalid(`${path}.effect`, toleration.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
  }
}

function validateSpreadConstraint(constraint: TopologySpreadConstraint, path: string, errors: FieldError[]): void {
  if (!isObject(constraint)) {
    errors.push(typeError(path, constraint, 'object'));
    return;
  }
  if (typeof constraint.maxSkew !== 'number' || !Number.isInteger(constraint.maxSkew) || constraint.maxSkew < 1) {
    errors.push(invalid(`${path}.maxSkew`, constraint.maxSkew ?? 0, 'must be greater than zero'));
  }
  if (!constraint.topologyKey) errors.push(required(`${path}.topologyKey`, 'can not be empty'));
  else for (const message of qualifiedNameErrors(constraint.topologyKey)) errors.push(invalid(`${path}.topologyKey`, constraint.topologyKey, message));
  if (!constraint.whenUnsatisfiable) errors.push(required(`${path}.whenUnsatisfiable`));
  else if (!(whenUnsatisfiable as readonly string[]).includes(constraint.whenUnsatisfiable)) {
    errors.push(unsupported(`${path}.whenUnsatisfiable`, constraint.whenUnsatisfiable, whenUnsatisfiable));
  }
  if (constraint.minDomains !== undefined && constraint.minDomains !== null) {
    if (constraint.minDomains < 1) errors.push(invalid(`${path}.minDomains`, constraint.minDomains, 'must be greater than zero'));
    else if (constraint.whenUnsatisfiable !== 'DoNotSchedule') {
      errors.push(invalid(`${path}.minDomains`, constraint.minDomains, 'can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway'));
    }
  }
  for (const field of ['nodeAffinityPolicy', 'nodeTaintsPolicy'] as const) {
    const value = constraint[field];
    if (value && !(policies as readonly string[]).includes(value)) errors.push(unsupported(`${path}.${field}`, value, policies));
  }
  if (constraint.labelSelector) validateLabelSelector(constraint.labelSelector, `${path}.labelSelector`, errors);
}

function validateAffinity(affinity: Affinity, path: string, errors: FieldError[]): void {
  if (!isObject(affinity)) {
    errors.push(typeError(path, affinity, 'object'));
    return;
  }
  const node = affinity.nodeAffinity;
  if (node) {
    const nodePath = `${path}.nodeAffinity`;
    const requiredTerms = node.requiredDuringSchedulingIgnoredDuringExecution as unknown;
    const requiredPath = `${nodePath}.requiredDuringSchedulingIgnoredDuringExecution`;
    if (requiredTerms !== undefined && requiredTerms !== null) {
      if (!isObject(requiredTerms)) errors.push(typeError(requiredPath, requiredTerms, 'v1.NodeSelector'));
      else {
        const terms = (requiredTerms as { nodeSelectorTerms?: unknown }).nodeSelectorTerms;
        if (!Array.isArray(terms) || terms.length === 0) errors.push(required(`${requiredPath}.nodeSelectorTerms`, 'must have at least one node selector term'));
        else {
          terms.forEach((term, i) => {
            validateNodeSelectorTerm(term as NodeSelectorTerm, `${requiredPath}.nodeSelectorTerms[${i}]`, errors);
          });
        }
      }
    }
    asList(node.preferredDuringSchedulingIgnoredDuringExecution, `${nodePath}.preferredDuringSchedulingIgnoredDuringExecution`, errors).forEach((term, i) => {
      const termPath = `${nodePath}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      const weighted = term as { weight?: unknown; preference?: NodeSelectorTerm };
      checkWeight(weighted.weight, `${termPath}.weight`, errors);
      validateNodeSelectorTerm(weighted.preference ?? {}, `${termPath}.preference`, errors);
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const terms = affinity[kind];
    if (!terms) continue;
    const kindPath = `${path}.${kind}`;
    asList(terms.requiredDuringSchedulingIgnoredDuringExecution, `${kindPath}.requiredDuringSchedulingIgnoredDuringExecution`, errors).forEach((term, i) => {
      validatePodAffinityTerm(term as PodAffinityTerm, `${kindPath}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`, errors);
    });
    asList(terms.preferredDuringSchedulingIgnoredDuringExecution, `${kindPath}.preferredDuringSchedulingIgnoredDuringExecution`, errors).forEach((term, i) => {
      const termPath = `${kindPath}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      const weighted = term as { weight?: unknown; podAffinityTerm?: PodAffinityTerm };
      checkWeight(weighted.weight, `${termPath}.weight`, errors);
      validatePodAffinityTerm(weighted.podAffinityTerm ?? ({} as PodAffinityTerm), `${termPath}.podAffinityTerm`, errors);
    });
  }
}

function checkWeight(weight: unknown, path: string, errors: FieldError[]): void {
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1 || weight > 100) errors.push(invalid(path, weight ?? 0, 'must be in the range 1-100'));
}

function validateNodeSelectorTerm(term: NodeSelectorTerm, path: string, errors: FieldError[]): void {
  if (!isObject(term)) {
    errors.push(typeError(path, term, 'v1.NodeSelectorTerm'));
    return;
  }
  asList(term.matchExpressions, `${path}.matchExpressions`, errors).forEach((requirement, i) => {
    validateRequirement(requirement, `${path}.matchExpressions[${i}]`, true, errors);
  });
  asList(term.matchFields, `${path}.matchFields`, errors).forEach((requirement, i) => {
    const r = requirement as { key?: string; operator?: string; values?: unknown };
    const requirementPath = `${path}.matchFields[${i}]`;
    if (r.key !== 'metadata.name') errors.push(invalid(`${requirementPath}.key`, r.key ?? '', 'not a valid field selector key'));
    if (r.operator !== 'In' && r.operator !== 'NotIn') errors.push(invalid(`${requirementPath}.operator`, r.operator ?? '', 'not a valid selector operator'));
    if (!Array.isArray(r.values) || r.values.length !== 1) errors.push(required(`${requirementPath}.values`, 'must be only one value when `operator` is \'In\' or \'NotIn\' for node field selector'));
  });
}

function validatePodAffinityTerm(term: PodAffinityTerm, path: string, errors: FieldError[]): void {
  if (!isObject(term)) {
    errors.push(typeError(path, term, 'v1.PodAffinityTerm'));
    return;
  }
  if (!term.topologyKey) errors.push(required(`${path}.topologyKey`, 'can not be empty'));
  else for (const message of qualifiedNameErrors(term.topologyKey)) errors.push(invalid(`${path}.topologyKey`, term.topologyKey, message));
  if (term.labelSelector) validateLabelSelector(term.labelSelector, `${path}.labelSelector`, errors);
  if (term.namespaceSelector) validateLabelSelector(term.namespaceSelector, `${path}.namespaceSelector`, errors);
}

function validateLabelSelector(selector: LabelSelector, path: string, errors: FieldError[]): void {
  if (!isObject(selector)) {
    errors.push(typeError(path, selector, 'v1.LabelSelector'));
    return;
  }
  if (selector.matchLabels) validateLabels(selector.matchLabels, `${path}.matchLabels`, errors);
  asList(selector.matchExpressions, `${path}.matchExpressions`, errors).forEach((requirement, i) => {
    validateRequirement(requirement, `${path}.matchExpressions[${i}]`, false, errors);
  });
}

/** One selector requirement: a valid key and the values its operator needs (Gt and Lt only in node selectors). */
function validateRequirement(requirement: unknown, path: string, nodeSelector: boolean, errors: FieldError[]): void {
  const r = requirement as { key?: string; operator?: string; values?: unknown };
  if (!r.key) errors.push(required(`${path}.key`));
  else for (const message of qualifiedNameErrors(r.key)) errors.push(invalid(`${path}.key`, r.key, message));
  const values = Array.isArray(r.values) ? r.values : [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errors.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      return;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errors.push({ field: `${path}.values`, message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'" });
      return;
    case 'Gt':
    case 'Lt':
      if (!nodeSelector) break;
      if (values.length !== 1) errors.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      return;
  }
  errors.push(invalid(`${path}.operator`, r.operator ?? '', 'not a valid selector operator'));
}

/** A list field: its elements, or a type error (kube's decoder refuses an object or a scalar where it wants a list). */
function asList(value: unknown, path: string, errors: FieldError[]): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  errors.push(typeError(path, value, 'array'));
  return [];
}

/** The decoder's refusal of a value of the wrong JSON type, as kube-apiserver words it. */
function typeError(path: string, value: unknown, expected: string): FieldError {
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value === 'object' ? 'object' : typeof value;
  return { field: path, message: `Invalid value: ${actual}: cannot unmarshal ${actual} into Go value of type ${expected}` };
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
