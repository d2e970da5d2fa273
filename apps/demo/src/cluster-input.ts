import { resolve } from 'node:path';
import {
  AdmissionError,
  admitPod,
  type Node,
  objectKey,
  type Pod,
  type PriorityClass,
  type RuntimeClass,
  type StoreKind,
} from '@schedkit/framework';
import { InputError } from './errors.js';
import { type ManifestObject, readManifests, StoreKindOf, WorkloadKinds } from './manifests/index.js';
import type { StoreEntry } from './simulation.js';
import { expandWorkloads } from './workloads/expand.js';

/** The cluster `simulate` reads from its two files. */
export interface ClusterInput {
  nodes: Node[];
  /** Every pod: read ones and those the workloads make, admitted (priority resolved, RuntimeClass applied). */
  pods: Pod[];
  /** The other objects for the store. */
  objects: StoreEntry[];
  /** The workload that owns each pod (from its controller reference, or the workload expanded), by pod key. */
  owners: Map<string, string>;
  warnings: string[];
}

/** Kinds whose objects go into the store next to nodes and pods (ReplicaSets and StatefulSets as `Controller`). */
const controllerKinds = new Set(['ReplicaSet', 'StatefulSet', 'ReplicationController']);

/**
 * Reads the nodes and pods files (the same file may be given twice), expands the workloads into the pods their
 * controllers would make (unless `expand` is false), and admits every pod as kube-apiserver would.
 * @throws InputError naming the file, document, object and field.
 */
export async function readCluster(
  options: { nodes: string; pods: string; expand?: boolean },
  random: () => number,
  hasPlugin: (name: string) => boolean = () => false,
): Promise<ClusterInput> {
  const sameFile = resolve(options.nodes) === resolve(options.pods);
  const set = await readManifests(sameFile ? [options.nodes] : [options.nodes, options.pods], { random });
  const warnings = [...set.warnings];
  const nodes = set.objects.filter((o) => o.kind === 'Node').map((o) => o.object as unknown as Node);
  if (!set.objects.some((o) => o.kind === 'Node' && o.file === options.nodes)) throw new InputError(`${options.nodes}: no Node objects found`);
  if (!sameFile && !set.objects.some((o) => o.file === options.pods)) warnings.push(`${options.pods}: no objects found; there is nothing to schedule`);

  const priorityClasses = set.objects.filter((o) => o.kind === 'PriorityClass').map((o) => o.object as unknown as PriorityClass);
  const runtimeClasses = set.objects.filter((o) => o.kind === 'RuntimeClass').map((o) => o.object as unknown as RuntimeClass);
  const admit = (pod: Pod, where: string): Pod => {
    try {
      return admitPod(pod, { priorityClasses, runtimeClasses });
    } catch (error) {
      if (error instanceof AdmissionError) throw new InputError(`${where}: ${error.message}`);
      throw error;
    }
  };

  const owners = new Map<string, string>();
  const pods: Pod[] = [];
  const objects: StoreEntry[] = [];
  const workloads: ManifestObject[] = [];
  for (const entry of set.objects) {
    if (entry.kind === 'Pod') {
      const pod = admit(entry.object as unknown as Pod, entry.where);
      pods.push(pod);
      const controller = pod.metadata.ownerReferences?.find((ref) => ref.controller) ?? pod.metadata.ownerReferences?.[0];
      if (controller) owners.set(objectKey(pod.metadata), `${controller.kind} ${pod.metadata.namespace ?? 'default'}/${controller.name}`);
      continue;
    }
    if (WorkloadKinds.has(entry.kind)) workloads.push(entry);
    if (controllerKinds.has(entry.kind)) objects.push({ kind: 'Controller', object: entry.object as never });
    const kind: StoreKind | undefined = StoreKindOf[entry.kind];
    if (kind && kind !== 'Node' && kind !== 'Controller') objects.push({ kind, object: entry.object as never });
  }

  if (options.expand === false) {
    for (const workload of workloads) warnings.push(`${workload.where}: not expanded (--no-expand): the pods its controller would make are not scheduled`);
  } else if (workloads.length > 0) {
    const expansion = expandWorkloads(workloads, { nodes, random, now: new Date() });
    warnings.push(...expansion.warnings);
    const whereOf = new Map(workloads.map((w) => [`${w.kind} ${w.object.metadata.namespace ?? 'default'}/${w.object.metadata.name}`, w.where]));
    const existing = new Set(pods.map((pod) => objectKey(pod.metadata)));
    for (const pod of expansion.pods) {
      const key = objectKey(pod.metadata);
      const owner = expansion.owners.get(key)!;
      if (existing.has(key)) throw new InputError(`${whereOf.get(owner)}: pods ${JSON.stringify(pod.metadata.name)} already exists (the pod it would create is in the manifests)`);
      pods.push(admit(pod, whereOf.get(owner) ?? owner));
      owners.set(key, owner);
    }
    // A claim the manifests already hold (kubectl output of a running StatefulSet) is the one its pods use, as the
    // StatefulSet controller reuses an existing claim.
    const claimKeys = new Set(objects.filter((entry) => entry.kind === 'PersistentVolumeClaim').map((entry) => objectKey(entry.object.metadata)));
    for (const claim of expansion.claims) if (!claimKeys.has(objectKey(claim.metadata))) objects.push({ kind: 'PersistentVolumeClaim', object: claim });
    for (const controller of expansion.controllers) objects.push({ kind: 'Controller', object: controller });
  }
  const withClaims = pods.filter((pod) => pod.spec.volumes?.some((volume) => volume.persistentVolumeClaim || volume.ephemeral)).length;
  if (withClaims > 0 && !hasPlugin('VolumeBinding')) {
    warnings.unshift(
      `${options.pods}: ${withClaims} pod${withClaims === 1 ? ' uses' : 's use'} PersistentVolumeClaims or ephemeral volumes: schedkit has no VolumeBinding plugin yet, so their volumes do not constrain placement`,
    );
  }
  return { nodes, pods, objects, owners, warnings };
}
