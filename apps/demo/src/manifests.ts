import { readFile } from 'node:fs/promises';
import { type Node, NodeInfo, type Pod } from '@schedkit/framework';
import { LineCounter, parseAllDocuments } from 'yaml';
import { InputError } from './errors.js';

/**
 * How each field of a manifest is treated: `keep` copies the value as is (schedkit reads it), `drop` removes it
 * silently (Kubernetes has it, kube-scheduler never reads it), a nested rule set applies to an object, and
 * {@link listOf} to every element of a list. A field with no rule is unsupported: it is removed with a warning.
 */
type Rule = 'keep' | 'drop' | RuleSet | ListRule;
interface RuleSet {
  readonly [field: string]: Rule;
}

class ListRule {
  constructor(readonly items: Rule) {}
}

/** The rule for a list whose every element follows `items`. */
function listOf(items: Rule): ListRule {
  return new ListRule(items);
}

const metadataRules: RuleSet = {
  name: 'keep',
  namespace: 'keep',
  uid: 'keep',
  labels: 'keep',
  annotations: 'keep',
  creationTimestamp: 'keep',
  resourceVersion: 'keep',
  deletionTimestamp: 'keep',
  ownerReferences: 'keep',
  generateName: 'drop',
  selfLink: 'drop',
  generation: 'drop',
  managedFields: 'drop',
  finalizers: 'drop',
  deletionGracePeriodSeconds: 'drop',
};

const containerRules: RuleSet = {
  name: 'keep',
  image: 'keep',
  resources: { requests: 'keep', limits: 'keep' },
  ports: 'keep',
  restartPolicy: 'keep',
  command: 'drop',
  args: 'drop',
  workingDir: 'drop',
  env: 'drop',
  envFrom: 'drop',
  volumeMounts: 'drop',
  volumeDevices: 'drop',
  livenessProbe: 'drop',
  readinessProbe: 'drop',
  startupProbe: 'drop',
  lifecycle: 'drop',
  terminationMessagePath: 'drop',
  terminationMessagePolicy: 'drop',
  imagePullPolicy: 'drop',
  securityContext: 'drop',
  stdin: 'drop',
  stdinOnce: 'drop',
  tty: 'drop',
  resizePolicy: 'drop',
};

const containerStatusRules: RuleSet = {
  name: 'keep',
  resources: 'keep',
  allocatedResources: 'keep',
  containerID: 'drop',
  image: 'drop',
  imageID: 'drop',
  lastState: 'drop',
  ready: 'drop',
  restartCount: 'drop',
  started: 'drop',
  state: 'drop',
  volumeMounts: 'drop',
  user: 'drop',
  allocatedResourcesStatus: 'drop',
  stopSignal: 'drop',
};

/** Volumes that do not tie a pod to particular nodes; the others (claims, disks, CSI) would need volume plugins. */
const nodeNeutralVolume: RuleSet = {
  name: 'drop',
  configMap: 'drop',
  secret: 'drop',
  emptyDir: 'drop',
  projected: 'drop',
  downwardAPI: 'drop',
  hostPath: 'drop',
  image: 'drop',
};

const podRules: RuleSet = {
  apiVersion: 'keep',
  kind: 'keep',
  metadata: metadataRules,
  spec: {
    containers: listOf(containerRules),
    initContainers: listOf(containerRules),
    overhead: 'keep',
    resources: { requests: 'keep', limits: 'keep' },
    nodeName: 'keep',
    nodeSelector: 'keep',
    affinity: 'keep',
    tolerations: 'keep',
    topologySpreadConstraints: 'keep',
    priority: 'keep',
    priorityClassName: 'keep',
    preemptionPolicy: 'keep',
    schedulerName: 'keep',
    schedulingGates: 'keep',
    hostNetwork: 'keep',
    restartPolicy: 'keep',
    terminationGracePeriodSeconds: 'keep',
    volumes: listOf(nodeNeutralVolume),
    dnsPolicy: 'drop',
    dnsConfig: 'drop',
    serviceAccountName: 'drop',
    serviceAccount: 'drop',
    automountServiceAccountToken: 'drop',
    securityContext: 'drop',
    enableServiceLinks: 'drop',
    hostname: 'drop',
    subdomain: 'drop',
    imagePullSecrets: 'drop',
    activeDeadlineSeconds: 'drop',
    readinessGates: 'drop',
    shareProcessNamespace: 'drop',
    hostPID: 'drop',
    hostIPC: 'drop',
    hostUsers: 'drop',
    hostAliases: 'drop',
    setHostnameAsFQDN: 'drop',
    os: 'drop',
    ephemeralContainers: 'drop',
    // Admission has already copied the runtime class's overhead into spec.overhead.
    runtimeClassName: 'drop',
  },
  status: {
    phase: 'keep',
    conditions: 'keep',
    nominatedNodeName: 'keep',
    startTime: 'keep',
    containerStatuses: listOf(containerStatusRules),
    initContainerStatuses: listOf(containerStatusRules),
    ephemeralContainerStatuses: 'drop',
    hostIP: 'drop',
    hostIPs: 'drop',
    podIP: 'drop',
    podIPs: 'drop',
    qosClass: 'drop',
    message: 'drop',
    reason: 'drop',
    observedGeneration: 'drop',
    resize: 'drop',
  },
};

const nodeRules: RuleSet = {
  apiVersion: 'keep',
  kind: 'keep',
  metadata: metadataRules,
  spec: {
    unschedulable: 'keep',
    taints: 'keep',
    podCIDR: 'keep',
    providerID: 'keep',
    podCIDRs: 'drop',
    externalID: 'drop',
    configSource: 'drop',
  },
  status: {
    capacity: 'keep',
    allocatable: 'keep',
    images: 'keep',
    conditions: 'keep',
    addresses: 'drop',
    daemonEndpoints: 'drop',
    nodeInfo: 'drop',
    volumesAttached: 'drop',
    volumesInUse: 'drop',
    phase: 'drop',
    config: 'drop',
    runtimeHandlers: 'drop',
    features: 'drop',
    declaredFeatures: 'drop',
  },
};

/** Objects of one kind read from a manifest file, and what was left out. */
export interface ManifestRead<T> {
  objects: T[];
  /** One line per unsupported field path (with how many objects had it) and per ignored kind. */
  warnings: string[];
}

/** Reads the Nodes of a manifest file (`kubectl get nodes -o yaml`, JSON, or multi-document YAML). */
export async function readNodes(file: string): Promise<ManifestRead<Node>> {
  const read = await readObjects(file, 'Node', nodeRules);
  for (const { object, where } of read.found) {
    try {
      new NodeInfo(object as unknown as Node);
    } catch (error) {
      throw new InputError(`${file}: ${where}: ${(error as Error).message}`);
    }
  }
  return { objects: read.found.map((f) => f.object as unknown as Node), warnings: read.warnings };
}

/** Reads the Pods of a manifest file (`kubectl get pods -A -o yaml`, JSON, or multi-document YAML). */
export async function readPods(file: string): Promise<ManifestRead<Pod>> {
  const read = await readObjects(file, 'Pod', podRules);
  for (const { object, where } of read.found) {
    const spec = object.spec as Record<string, unknown> | undefined;
    if (!spec || !Array.isArray(spec.containers) || spec.containers.length === 0) {
      throw new InputError(`${file}: ${where}: spec.containers must list at least one container`);
    }
    try {
      // Parses every quantity and compiles the affinity terms, as the scheduler will.
      new NodeInfo(undefined, [object as unknown as Pod]);
    } catch (error) {
      throw new InputError(`${file}: ${where}: ${(error as Error).message}`);
    }
  }
  // Volumes were only read to warn about the node-bound kinds; nothing else looks at them.
  for (const { object } of read.found) delete (object.spec as Record<string, unknown>).volumes;
  return { objects: read.found.map((f) => f.object as unknown as Pod), warnings: read.warnings };
}

type PlainObject = Record<string, unknown>;

async function readObjects(file: string, kind: 'Node' | 'Pod', rules: RuleSet): Promise<{ found: { object: PlainObject; where: string }[]; warnings: string[] }> {
  const text = await readText(file);
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const raw: { value: unknown; where: string }[] = [];
  const list = Array.isArray(documents) ? documents : [documents];
  for (const [index, document] of list.entries()) {
    const error = document.errors[0];
    if (error) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      throw new InputError(`${file}: line ${line}, column ${col}: ${error.message.split('\n')[0]}`);
    }
    const value: unknown = document.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) continue;
    raw.push({ value, where: list.length > 1 ? `document ${index + 1}` : '' });
  }

  const found: { object: PlainObject; where: string }[] = [];
  const ignoredKinds = new Map<string, number>();
  const unsupported = new Map<string, number>();
  const visit = (value: unknown, where: string): void => {
    if (!isObject(value)) throw new InputError(`${file}: ${where || 'document'}: expected a Kubernetes object, found ${describe(value)}`);
    const objectKind = value.kind;
    if (typeof objectKind !== 'string') throw new InputError(`${file}: ${where || 'document'}: the object has no "kind"`);
    if (objectKind === 'List' || objectKind.endsWith('List')) {
      if (!Array.isArray(value.items)) throw new InputError(`${file}: ${join(where, 'items')}: a ${objectKind} needs an "items" list`);
      for (const [i, item] of value.items.entries()) visit(item, join(where, `items[${i}]`));
      return;
    }
    if (objectKind !== kind) {
      ignoredKinds.set(objectKind, (ignoredKinds.get(objectKind) ?? 0) + 1);
      return;
    }
    const metadata = value.metadata;
    if (!isObject(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
      throw new InputError(`${file}: ${where || 'document'}: metadata.name is missing`);
    }
    const label = `${join(where, `${kind.toLowerCase()} ${typeof metadata.namespace === 'string' ? `${metadata.namespace}/` : ''}${metadata.name}`)}`;
    const seen = new Set<string>();
    const object = apply(rules, value, '', (path) => seen.add(path), label, file) as PlainObject;
    for (const path of seen) unsupported.set(path, (unsupported.get(path) ?? 0) + 1);
    found.push({ object, where: label });
  };
  for (const { value, where } of raw) visit(value, where);

  const plural = kind === 'Node' ? 'nodes' : 'pods';
  const warnings = [
    ...[...unsupported].map(([path, count]) => `${file}: ignoring ${path}: not supported by schedkit (in ${count} ${count === 1 ? kind.toLowerCase() : plural})`),
    ...[...ignoredKinds].map(([other, count]) => `${file}: ignoring ${count} ${other} object${count === 1 ? '' : 's'}: only ${kind} objects are read from this file`),
  ];
  return { found, warnings };
}

/** Applies `rule` to `value`: returns the kept part and reports each unsupported field's path once per object. */
function apply(rule: Rule, value: unknown, path: string, unsupported: (path: string) => void, where: string, file: string): unknown {
  if (rule === 'keep') return value;
  if (rule === 'drop') return undefined;
  if (rule instanceof ListRule) {
    if (value === null || value === undefined) return undefined;
    if (!Array.isArray(value)) throw new InputError(`${file}: ${where}: ${path} must be a list, found ${describe(value)}`);
    return value.map((item) => apply(rule.items, item, `${path}[]`, unsupported, where, file));
  }
  if (value === null || value === undefined) return undefined;
  if (!isObject(value)) throw new InputError(`${file}: ${where}: ${path} must be an object, found ${describe(value)}`);
  const out: PlainObject = {};
  for (const [key, child] of Object.entries(value)) {
    const childRule = rule[key];
    const childPath = path ? `${path}.${key}` : key;
    if (childRule === undefined) {
      unsupported(childPath);
      continue;
    }
    const kept = apply(childRule, child, childPath, unsupported, where, file);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a file' : (error as Error).message;
    throw new InputError(`${file}: ${reason}`);
  }
}

function isObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string "${value.length > 30 ? `${value.slice(0, 30)}…` : value}"`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function join(where: string, part: string): string {
  return where ? `${where}, ${part}` : part;
}
