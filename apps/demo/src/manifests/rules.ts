import { InputError } from '../errors.js';

/**
 * How each field of a manifest is treated: `keep` copies the value as is (schedkit reads it), `drop` removes it
 * silently (Kubernetes has it, kube-scheduler never reads it), a nested rule set applies to an object, and
 * {@link listOf} to every element of a list. A field with no rule is unsupported: it is removed with a warning.
 */
export type Rule = 'keep' | 'drop' | RuleSet | ListRule;
export interface RuleSet {
  readonly [field: string]: Rule;
}

class ListRule {
  constructor(readonly items: Rule) {}
}

/** The rule for a list whose every element follows `items`. */
function listOf(items: Rule): ListRule {
  return new ListRule(items);
}

export const metadataRules: RuleSet = {
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
  resources: { requests: 'keep', limits: 'keep', claims: 'drop' },
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

export const podRules: RuleSet = {
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
    volumes: 'keep',
    resourceClaims: 'drop',
    schedulingGroup: 'drop',
    workloadRef: 'drop',
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
    // Admission copies the class's overhead and scheduling constraints (see admitPod).
    runtimeClassName: 'keep',
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

export const nodeRules: RuleSet = {
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


/** Applies `rule` to `value`: returns the kept part and reports each unknown field's path once per object. */
export function apply(rule: Rule, value: unknown, path: string, unsupported: (path: string) => void, where: string, file: string): unknown {
  if (rule === 'keep') return value;
  if (rule === 'drop') return undefined;
  if (rule instanceof ListRule) {
    if (value === null || value === undefined) return undefined;
    if (!Array.isArray(value)) throw new InputError(`${file}: ${where}: ${path} must be a list, found ${describe(value)}`);
    return value.map((item) => apply(rule.items, item, `${path}[]`, unsupported, where, file));
  }
  if (value === null || value === undefined) return undefined;
  if (!isObject(value)) throw new InputError(`${file}: ${where}: ${path} must be an object, found ${describe(value)}`);
  const out: Record<string, unknown> = {};
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


export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a value of the wrong type, for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string "${value.length > 30 ? `${value.slice(0, 30)}…` : value}"`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A pod template (`spec.template` of a workload). */
export const podTemplateRules: RuleSet = {
  metadata: metadataRules,
  spec: podRules.spec as RuleSet,
};

const selectorRule: Rule = 'keep';
const workloadStatus: Rule = 'drop';

/** Deployment, ReplicaSet, StatefulSet, DaemonSet, Job and CronJob: what their controllers read to make pods. */
/** A workload's rules: its own spec fields beside the type, metadata and (ignored) status every workload has. */
function workload(spec: RuleSet): RuleSet {
  return { apiVersion: 'keep', kind: 'keep', metadata: metadataRules, spec, status: workloadStatus };
}

export const workloadRules: Record<string, RuleSet> = {
  Deployment: workload({
      replicas: 'keep',
      selector: selectorRule,
      template: podTemplateRules,
      strategy: 'drop',
      minReadySeconds: 'drop',
      revisionHistoryLimit: 'drop',
      progressDeadlineSeconds: 'drop',
      paused: 'keep',
    }),
  ReplicaSet: workload({ replicas: 'keep', selector: selectorRule, template: podTemplateRules, minReadySeconds: 'drop' }),
  StatefulSet: workload({
      replicas: 'keep',
      selector: selectorRule,
      template: podTemplateRules,
      serviceName: 'keep',
      volumeClaimTemplates: 'keep',
      podManagementPolicy: 'keep',
      ordinals: 'keep',
      updateStrategy: 'drop',
      revisionHistoryLimit: 'drop',
      minReadySeconds: 'drop',
      persistentVolumeClaimRetentionPolicy: 'drop',
    }),
  DaemonSet: workload({ selector: selectorRule, template: podTemplateRules, updateStrategy: 'drop', minReadySeconds: 'drop', revisionHistoryLimit: 'drop' }),
  Job: workload(jobSpecRules()),
  CronJob: workload({
      schedule: 'keep',
      timeZone: 'keep',
      suspend: 'keep',
      jobTemplate: { metadata: metadataRules, spec: jobSpecRules() },
      startingDeadlineSeconds: 'drop',
      concurrencyPolicy: 'drop',
      successfulJobsHistoryLimit: 'drop',
      failedJobsHistoryLimit: 'drop',
    }),
};

function jobSpecRules(): RuleSet {
  return {
    parallelism: 'keep',
    completions: 'keep',
    completionMode: 'keep',
    suspend: 'keep',
    selector: selectorRule,
    manualSelector: 'drop',
    template: podTemplateRules,
    backoffLimit: 'drop',
    backoffLimitPerIndex: 'drop',
    maxFailedIndexes: 'drop',
    activeDeadlineSeconds: 'drop',
    ttlSecondsAfterFinished: 'drop',
    podFailurePolicy: 'drop',
    podReplacementPolicy: 'drop',
    successPolicy: 'drop',
    managedBy: 'drop',
  };
}
