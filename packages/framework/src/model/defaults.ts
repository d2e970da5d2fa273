/**
 * API defaulting as the API server applies it before the scheduler ever sees an object (kube's
 * `pkg/apis/core/v1/defaults.go` and the scheduling/policy groups' defaults), limited to the fields that
 * scheduling reads. A library user who feeds objects straight to a store calls these to get what kube-apiserver
 * would have stored; `simulate` calls them on every manifest it reads.
 *
 * Each function returns a defaulted copy and leaves its input alone.
 */
import type { PodDisruptionBudget, PriorityClass } from './cluster-objects.js';
import { DefaultSchedulerName } from '../config/types.js';
import type { Container, Namespace, Node, Pod, PodSpec, ResourceList, ResourceRequirements, Toleration } from './types.js';

/** The label kube puts on every Namespace, naming it (namespaceSelector terms match on it). */
export const NamespaceNameLabel = 'kubernetes.io/metadata.name';

/** kube's default `terminationGracePeriodSeconds`. */
export const DefaultTerminationGracePeriodSeconds = 30;

/** Resources whose pod-level requests default to the pod-level limits (kube's supported pod-level resources). */
const podLevelResources = new Set(['cpu', 'memory']);

/**
 * A Pod as the API server stores it: `namespace` "default", `schedulerName` default-scheduler, `restartPolicy`
 * Always, `terminationGracePeriodSeconds` 30, container and init-container requests defaulted from their limits
 * (a resource with a limit and no request requests the limit), pod-level requests from pod-level limits (cpu and
 * memory), port protocol TCP, host ports equal to container ports on the host network, and toleration operator
 * Equal. Priority and RuntimeClass overhead are admission's, not defaulting's: see {@link admitPod}.
 */
export function defaultPod(pod: Pod): Pod {
  const spec: PodSpec = { ...pod.spec };
  const hostNetwork = spec.hostNetwork === true;
  spec.containers = (spec.containers ?? []).map((container) => defaultContainer(container, hostNetwork));
  if (spec.initContainers) spec.initContainers = spec.initContainers.map((container) => defaultContainer(container, hostNetwork));
  if (spec.resources) spec.resources = defaultRequirements(spec.resources, (name) => podLevelResources.has(name) || name.startsWith('hugepages-'));
  if (spec.tolerations) spec.tolerations = spec.tolerations.map(defaultToleration);
  spec.schedulerName ||= DefaultSchedulerName;
  spec.restartPolicy ||= 'Always';
  spec.terminationGracePeriodSeconds ??= DefaultTerminationGracePeriodSeconds;
  return { ...pod, metadata: { ...pod.metadata, namespace: pod.metadata.namespace || 'default' }, spec };
}

/** A Node as stored: `status.allocatable` defaults to `status.capacity` when absent. */
export function defaultNode(node: Node): Node {
  const status = node.status;
  if (!status?.capacity || status.allocatable) return node;
  return { ...node, status: { ...status, allocatable: { ...status.capacity } } };
}

/** A Namespace as stored: it carries the `kubernetes.io/metadata.name` label naming it. */
export function defaultNamespace(namespace: Namespace): Namespace {
  return { ...namespace, metadata: { ...namespace.metadata, labels: { ...namespace.metadata.labels, [NamespaceNameLabel]: namespace.metadata.name } } };
}

/** A PriorityClass as stored: `preemptionPolicy` defaults to PreemptLowerPriority. */
export function defaultPriorityClass(priorityClass: PriorityClass): PriorityClass {
  return { ...priorityClass, preemptionPolicy: priorityClass.preemptionPolicy ?? 'PreemptLowerPriority' };
}

/** A PodDisruptionBudget as stored: `namespace` "default". */
export function defaultPodDisruptionBudget(pdb: PodDisruptionBudget): PodDisruptionBudget {
  return { ...pdb, metadata: { ...pdb.metadata, namespace: pdb.metadata.namespace || 'default' } };
}

function defaultContainer(container: Container, hostNetwork: boolean): Container {
  const out: Container = { ...container };
  if (container.resources) out.resources = defaultRequirements(container.resources, () => true);
  if (container.ports) {
    out.ports = container.ports.map((port) => ({
      ...port,
      protocol: port.protocol || 'TCP',
      ...(hostNetwork && !port.hostPort ? { hostPort: port.containerPort } : {}),
    }));
  }
  return out;
}

/** Requests default to limits, resource by resource, for the resources `defaults` accepts. */
function defaultRequirements(resources: ResourceRequirements, defaults: (name: string) => boolean): ResourceRequirements {
  const limits = resources.limits;
  if (!limits) return resources;
  let requests: ResourceList | undefined = resources.requests;
  for (const [name, value] of Object.entries(limits)) {
    if (requests?.[name] !== undefined || !defaults(name)) continue;
    requests = { ...requests, [name]: value };
  }
  return requests === resources.requests ? resources : { ...resources, requests: requests ?? {} };
}

function defaultToleration(toleration: Toleration): Toleration {
  return toleration.operator ? toleration : { ...toleration, operator: 'Equal' };
}
