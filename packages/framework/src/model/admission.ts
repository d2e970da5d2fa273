/**
 * What kube-apiserver's admission plugins do to a new Pod before the scheduler sees it, for the fields scheduling
 * reads: `Priority` resolves `priorityClassName` to `spec.priority` and `spec.preemptionPolicy` (a class with
 * `globalDefault` serves pods that name none), and `RuntimeClass` copies the class's pod overhead and merges its
 * node selector and tolerations. A library user who creates pods in a store calls {@link admitPod} first, as the
 * API server would; `simulate` does it for every pod it reads.
 */
import { isDeepStrictEqual } from 'node:util';
import type { PriorityClass, RuntimeClass } from './cluster-objects.js';
import type { Pod, Toleration } from './types.js';

/** The priority of pods when no class applies (kube's DefaultPriorityWhenNoDefaultClassExists). */
export const DefaultPodPriority = 0;

/** The classes kube-apiserver creates itself; they exist in every cluster. */
export const SystemPriorityClasses: readonly PriorityClass[] = [
  { metadata: { name: 'system-node-critical' }, value: 2_000_001_000, preemptionPolicy: 'PreemptLowerPriority' },
  { metadata: { name: 'system-cluster-critical' }, value: 2_000_000_000, preemptionPolicy: 'PreemptLowerPriority' },
];

/** A pod that admission refuses; the message is the API server's. */
export class AdmissionError extends Error {
  override name = 'AdmissionError';
}

/** The cluster objects admission consults. */
export interface AdmissionObjects {
  /** The PriorityClasses of the cluster (the system classes are always there). */
  priorityClasses?: readonly PriorityClass[];
  /** The RuntimeClasses of the cluster. */
  runtimeClasses?: readonly RuntimeClass[];
}

/**
 * The pod as admission leaves it (a copy). A pod that already carries `spec.priority` has been admitted by a
 * cluster (it comes from `kubectl get`): its class must then agree with it when the class is known, and an unknown
 * class is taken on trust. A new pod (no `spec.priority`) that names an unknown class is refused, as kube does.
 * @throws AdmissionError with kube's message.
 */
export function admitPod(pod: Pod, objects: AdmissionObjects): Pod {
  return admitRuntimeClass(admitPriority(pod, objects.priorityClasses ?? []), objects.runtimeClasses ?? []);
}

function admitPriority(pod: Pod, classes: readonly PriorityClass[]): Pod {
  const admitted = pod.spec.priority !== undefined && pod.spec.priority !== null;
  const name = pod.spec.priorityClassName;
  let priorityClass: PriorityClass | undefined;
  if (name) {
    priorityClass = classes.find((c) => c.metadata.name === name) ?? SystemPriorityClasses.find((c) => c.metadata.name === name);
    if (!priorityClass) {
      if (admitted) return pod;
      throw new AdmissionError(`pods ${JSON.stringify(pod.metadata.name)} is forbidden: no PriorityClass with name ${name} was found`);
    }
  } else {
    priorityClass = globalDefault(classes);
  }
  const priority = priorityClass?.value ?? DefaultPodPriority;
  const preemptionPolicy = priorityClass?.preemptionPolicy ?? 'PreemptLowerPriority';
  if (admitted && pod.spec.priority !== priority) {
    throw new AdmissionError(
      `the integer value of priority (${pod.spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
    );
  }
  if (pod.spec.preemptionPolicy && pod.spec.preemptionPolicy !== preemptionPolicy) {
    throw new AdmissionError(
      `the string value of PreemptionPolicy (${pod.spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`,
    );
  }
  const spec = { ...pod.spec, priority, preemptionPolicy };
  if (priorityClass && !name) spec.priorityClassName = priorityClass.metadata.name;
  return { ...pod, spec };
}

/** The global default class: when several claim it, the one with the lowest value, as kube picks. */
function globalDefault(classes: readonly PriorityClass[]): PriorityClass | undefined {
  let best: PriorityClass | undefined;
  for (const c of classes) if (c.globalDefault && (!best || c.value < best.value)) best = c;
  return best;
}

function admitRuntimeClass(pod: Pod, classes: readonly RuntimeClass[]): Pod {
  const name = pod.spec.runtimeClassName;
  if (!name) return pod;
  const runtimeClass = classes.find((c) => c.metadata.name === name);
  if (!runtimeClass) {
    // A pod read back from a cluster has been through this already.
    if (pod.spec.priority !== undefined && classes.length === 0) return pod;
    throw new AdmissionError(`pod rejected: RuntimeClass ${JSON.stringify(name)} not found`);
  }
  const spec = { ...pod.spec };
  const podFixed = runtimeClass.overhead?.podFixed ?? undefined;
  if (spec.overhead) {
    if (!podFixed) throw new AdmissionError("pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead");
    if (!isDeepStrictEqual(spec.overhead, podFixed)) throw new AdmissionError("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
  } else if (podFixed) {
    spec.overhead = { ...podFixed };
  }
  const scheduling = runtimeClass.scheduling;
  if (scheduling?.nodeSelector) {
    const merged = { ...spec.nodeSelector };
    for (const [key, value] of Object.entries(scheduling.nodeSelector)) {
      const existing = merged[key];
      if (existing !== undefined && existing !== value) {
        throw new AdmissionError(`conflict: runtimeClass.scheduling.nodeSelector[${key}] = ${value}; pod.spec.nodeSelector[${key}] = ${existing}`);
      }
      merged[key] = value;
    }
    spec.nodeSelector = merged;
  }
  if (scheduling?.tolerations?.length) {
    const tolerations: Toleration[] = [...(spec.tolerations ?? [])];
    for (const toleration of scheduling.tolerations) if (!tolerations.some((t) => isDeepStrictEqual(t, toleration))) tolerations.push(toleration);
    spec.tolerations = tolerations;
  }
  return { ...pod, spec };
}
