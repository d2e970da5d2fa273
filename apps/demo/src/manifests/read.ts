import {
  defaultNamespace,
  defaultNode,
  defaultPod,
  defaultPodDisruptionBudget,
  defaultPriorityClass,
  type FieldError,
  formatFieldError,
  type Node,
  type Pod,
  type StoreKind,
  storeKey,
  validateNamespace,
  validateNode,
  validatePod,
  validatePodDisruptionBudget,
  validatePriorityClass,
} from '@schedkit/framework';
import { InputError } from '../errors.js';
import { generateName } from '../workloads/names.js';
import { type ListHeader, readDocuments } from './documents.js';
import { isManifestKind, type ManifestKind, resourceName, versionError } from './kinds.js';
import { apply, describe, isObject, metadataRules, nodeRules, podRules, type Rule, workloadRules } from './rules.js';

/** One object read from a manifest, defaulted and validated, with where it was written. */
export interface ManifestObject {
  kind: ManifestKind;
  /** The object as the API server would store it (kube's defaults applied, fields scheduling never reads dropped). */
  object: Record<string, unknown> & { metadata: { name: string; namespace?: string } };
  /** `file: document 2, items[0] (Pod default/web-0)`, for messages. */
  where: string;
  /** The file it was read from, as given. */
  file: string;
}

/** What {@link readManifests} found. */
export interface ManifestSet {
  /** Every object of a kind schedkit reads, in file order. */
  objects: ManifestObject[];
  /** One line per unknown field (with how many objects had it) and per kind that was skipped. */
  warnings: string[];
}

/** How to read manifests. */
export interface ReadOptions {
  /** Draws the random suffix of names made from `metadata.generateName` (a seeded source makes them repeatable). */
  random?: () => number;
}

/** Kinds that are workloads: their pods come from expanding them (see `expandWorkloads`). */
export const WorkloadKinds: ReadonlySet<ManifestKind> = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/** Where each manifest kind lives in a ClusterStore (workloads other than ReplicaSet and StatefulSet live nowhere). */
export const StoreKindOf: Partial<Record<ManifestKind, StoreKind>> = {
  Node: 'Node',
  Pod: 'Pod',
  Namespace: 'Namespace',
  Service: 'Service',
  PriorityClass: 'PriorityClass',
  PodDisruptionBudget: 'PodDisruptionBudget',
  PersistentVolumeClaim: 'PersistentVolumeClaim',
  PersistentVolume: 'PersistentVolume',
  StorageClass: 'StorageClass',
  CSINode: 'CSINode',
  CSIDriver: 'CSIDriver',
  ReplicationController: 'Controller',
};

const clusterScopedKinds: ReadonlySet<ManifestKind> = new Set([
  'Node',
  'Namespace',
  'PriorityClass',
  'PersistentVolume',
  'StorageClass',
  'CSINode',
  'CSIDriver',
  'RuntimeClass',
]);

/**
 * Reads every object of the given manifest files (`kubectl get -o yaml/json` output, Lists, multi-document YAML,
 * JSON) as kube-apiserver would accept them: each document is streamed, each object's apiVersion checked against
 * the versions v1.35 serves, kube's defaults applied (`defaultPod`, `defaultNode`, ...) and the result validated
 * with kube's rules (`validatePod`, ...). An object that appears twice (same kind and key, in one file or across
 * files) is refused as the API server refuses a second create. Fields kube does not know get one warning each, as
 * `kubectl apply` warns; kinds schedkit does not read are skipped with one warning per kind.
 * @throws InputError with one line naming the file, the document, the object and the field.
 */
export async function readManifests(files: string | readonly string[], options: ReadOptions = {}): Promise<ManifestSet> {
  const random = options.random ?? Math.random;
  const objects: ManifestObject[] = [];
  const warnings: string[] = [];
  const seen = new Map<string, string>();
  for (const file of typeof files === 'string' ? [files] : files) {
    const unknownFields = new Map<string, Map<string, number>>();
    const ignoredKinds = new Map<string, number>();
    const visit = (value: unknown, location: string): void => {
      if (!isObject(value)) throw new InputError(`${file}: ${location}: expected a Kubernetes object, found ${describe(value)}`);
      const kind = value.kind;
      if (typeof kind !== 'string' || kind === '') throw new InputError(`${file}: ${location}: Object 'Kind' is missing`);
      if (kind === 'List' || kind.endsWith('List')) {
        if (!Array.isArray(value.items)) throw new InputError(`${file}: ${location}: a ${kind} needs an "items" list`);
        for (const [i, item] of value.items.entries()) visit(item, `${location}, items[${i}]`);
        return;
      }
      if (!isManifestKind(kind)) {
        ignoredKinds.set(kind, (ignoredKinds.get(kind) ?? 0) + 1);
        return;
      }
      const read = readObject(file, location, kind, value, random, (path) => {
        const byPath = unknownFields.get(kind) ?? new Map<string, number>();
        byPath.set(path, (byPath.get(path) ?? 0) + 1);
        unknownFields.set(kind, byPath);
      });
      const key = `${kind}/${clusterScopedKinds.has(kind) ? read.object.metadata.name : `${read.object.metadata.namespace ?? 'default'}/${read.object.metadata.name}`}`;
      const first = seen.get(key);
      if (first !== undefined) {
        throw new InputError(`${read.where}: ${resourceName(kind)} ${JSON.stringify(read.object.metadata.name)} already exists (also ${first})`);
      }
      seen.set(key, read.where.replace(/ \(.*\)$/, ''));
      objects.push(read);
    };
    const headers: ListHeader[] = [];
    for await (const source of readDocuments(file, (header) => headers.push(header))) {
      const location = `document ${source.document}${source.item === undefined ? '' : `, items[${source.item}]`}`;
      visit(source.value, location);
    }
    for (const header of headers) {
      const kind = isObject(header.value) ? header.value.kind : undefined;
      if (typeof kind !== 'string' || !kind.endsWith('List')) {
        throw new InputError(`${file}: document ${header.document}: has an "items" list but is not a List (kind ${JSON.stringify(kind ?? '')})`);
      }
    }
    for (const [kind, byPath] of unknownFields) {
      for (const [path, count] of byPath) {
        warnings.push(`${file}: unknown field ${JSON.stringify(path)} (in ${count} ${count === 1 ? kind : `${kind} objects`}); it is ignored`);
      }
    }
    for (const [kind, count] of ignoredKinds) {
      warnings.push(`${file}: ignoring ${count} ${kind} object${count === 1 ? '' : 's'}: schedkit does not read this kind`);
    }
  }
  return { objects, warnings };
}

function readObject(file: string, location: string, kind: ManifestKind, value: Record<string, unknown>, random: () => number, unknown: (path: string) => void): ManifestObject {
  const metadata = value.metadata;
  if (metadata !== undefined && metadata !== null && !isObject(metadata)) throw new InputError(`${file}: ${location} (${kind}): metadata: must be an object, found ${describe(metadata)}`);
  const meta = { ...(metadata ?? {}) } as Record<string, unknown>;
  if ((meta.name === undefined || meta.name === '') && typeof meta.generateName === 'string' && meta.generateName !== '') {
    meta.name = generateName(meta.generateName, random);
  }
  if (clusterScopedKinds.has(kind)) delete meta.namespace;
  else if (typeof meta.namespace !== 'string' || meta.namespace === '') meta.namespace = 'default';
  const label = typeof meta.name === 'string' && meta.name !== '' ? (clusterScopedKinds.has(kind) ? meta.name : `${meta.namespace}/${meta.name}`) : '(no name)';
  const described = `${location} (${kind} ${label})`;
  const where = `${file}: ${described}`;
  const versionProblem = versionError(kind, value.apiVersion);
  if (versionProblem) throw new InputError(`${where}: ${versionProblem}`);
  const rules: Rule | undefined = kind === 'Pod' ? podRules : kind === 'Node' ? nodeRules : workloadRules[kind];
  // Kinds without rules are kept as written but for their metadata.
  const kept = rules
    ? (apply(rules, { ...value, metadata: meta }, '', unknown, described, file) as Record<string, unknown>)
    : { ...value, metadata: apply(metadataRules, meta, 'metadata', unknown, described, file) };
  const { object, errors } = defaultAndValidate(kind, kept);
  if (errors.length > 0) throw new InputError(`${where}: ${formatFieldError(errors[0]!)}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`);
  return { kind, object: object as ManifestObject['object'], where, file };
}

/** kube's defaulting, then its validation, for one object of `kind`. */
function defaultAndValidate(kind: ManifestKind, object: Record<string, unknown>): { object: unknown; errors: FieldError[] } {
  switch (kind) {
    case 'Pod': {
      const pod = defaultPod(object as unknown as Pod);
      return { object: pod, errors: validatePod(pod) };
    }
    case 'Node': {
      const node = defaultNode(object as unknown as Node);
      return { object: node, errors: validateNode(node) };
    }
    case 'Namespace': {
      const namespace = defaultNamespace(object as never);
      return { object: namespace, errors: validateNamespace(namespace) };
    }
    case 'PriorityClass': {
      const priorityClass = defaultPriorityClass(object as never);
      return { object: priorityClass, errors: validatePriorityClass(priorityClass) };
    }
    case 'PodDisruptionBudget': {
      const pdb = defaultPodDisruptionBudget(object as never);
      return { object: pdb, errors: validatePodDisruptionBudget(pdb) };
    }
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
    case 'CronJob':
      return { object, errors: validateWorkload(kind, object) };
    default:
      return { object, errors: metadataErrors(object) };
  }
}

function metadataErrors(object: Record<string, unknown>): FieldError[] {
  const meta = object.metadata as { name?: unknown } | undefined;
  if (typeof meta?.name !== 'string' || meta.name === '') return [{ field: 'metadata.name', message: 'Required value: name or generateName is required' }];
  return [];
}

/** A workload's own fields and its pod template, validated as the pods it makes will be. */
function validateWorkload(kind: ManifestKind, object: Record<string, unknown>): FieldError[] {
  const errors = metadataErrors(object);
  const spec = object.spec as Record<string, unknown> | undefined;
  if (!isObject(spec)) return [...errors, { field: 'spec', message: 'Required value' }];
  for (const field of ['replicas', 'parallelism', 'completions'] as const) {
    const value = spec[field];
    if (value !== undefined && value !== null && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
      errors.push({ field: `spec.${field}`, message: `Invalid value: ${JSON.stringify(value)}: must be greater than or equal to 0` });
    }
  }
  if (kind === 'CronJob' && (typeof spec.schedule !== 'string' || spec.schedule.trim() === '')) errors.push({ field: 'spec.schedule', message: 'Required value' });
  const templatePath = kind === 'CronJob' ? 'spec.jobTemplate.spec.template' : 'spec.template';
  const template = kind === 'CronJob' ? ((spec.jobTemplate as { spec?: { template?: unknown } } | undefined)?.spec?.template as unknown) : spec.template;
  if (!isObject(template)) return [...errors, { field: templatePath, message: 'Required value' }];
  const templateMeta = (template.metadata ?? {}) as { labels?: Record<string, string> };
  const pod = defaultPod({ metadata: { name: 'template', ...templateMeta }, spec: template.spec as Pod['spec'] });
  for (const error of validatePod(pod)) {
    if (error.field === 'metadata.name') continue;
    errors.push({ ...error, field: `${templatePath}.${error.field}` });
  }
  if (kind === 'Job' || kind === 'CronJob') {
    const restartPolicy = (template.spec as { restartPolicy?: string } | undefined)?.restartPolicy;
    if (restartPolicy === undefined) errors.push({ field: `${templatePath}.spec.restartPolicy`, message: 'Required value: valid values: "OnFailure", "Never"' });
    else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
      errors.push({ field: `${templatePath}.spec.restartPolicy`, message: `Unsupported value: ${JSON.stringify(restartPolicy)}: supported values: "OnFailure", "Never"` });
    }
  }
  const selector = spec.selector as { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined;
  if (kind !== 'Job' && kind !== 'CronJob') {
    if (!isObject(selector)) errors.push({ field: 'spec.selector', message: 'Required value' });
    else if (selector.matchLabels && Object.entries(selector.matchLabels).some(([k, v]) => templateMeta.labels?.[k] !== v)) {
      errors.push({
        field: `${templatePath}.metadata.labels`,
        message: `Invalid value: ${JSON.stringify(templateMeta.labels ?? {})}: \`selector\` does not match template \`labels\``,
      });
    }
  }
  return errors;
}

/** The store key of a read object of a store kind (for library users that apply a ManifestSet to a store). */
export function manifestStoreKey(object: ManifestObject): string | undefined {
  const kind = StoreKindOf[object.kind];
  return kind ? storeKey(kind, object.object as never) : undefined;
}
