/**
 * The pods kube's workload controllers would create for Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs
 * and CronJobs, so that "would this fit, and where?" can be answered before anything is applied. Names, labels and
 * owner references are the controllers' own: a Deployment makes a ReplicaSet `<name>-<pod-template-hash>` whose
 * pods are `<replicaset>-<5 random characters>`; a StatefulSet's pods are `<name>-<ordinal>` with their claims
 * `<template>-<pod>` recorded; a DaemonSet makes one pod per eligible node, pinned to it by node affinity on
 * `metadata.name`, with the tolerations its controller adds; a Job makes `parallelism` pods (at most the
 * completions); a CronJob makes the Job of its next run, named `<name>-<scheduled time in minutes>`.
 */
import {
  compileNodeSelector,
  defaultPod,
  findUntoleratedTaint,
  isDoNotScheduleTaint,
  type Labels,
  matchesNodeSelectorMap,
  type Node,
  type NodeSelectorTerm,
  type OwnerReference,
  type PersistentVolumeClaim,
  type Pod,
  type PodSpec,
  type ReplicaSetLike,
  type Toleration,
  type Volume,
} from '@schedkit/framework';
import { InputError } from '../errors.js';
import type { ManifestObject } from '../manifests/read.js';
import { nextCronTime } from './cron.js';
import { generateName, templateHash } from './names.js';

/** What expanding the workloads made. */
export interface Expansion {
  /** The pending pods, in workload order. */
  pods: Pod[];
  /** Claims a StatefulSet's volumeClaimTemplates create (Pending: no volume plugins bind them yet). */
  claims: PersistentVolumeClaim[];
  /** ReplicaSets made for Deployments (PodTopologySpread's system defaults read their selectors). */
  controllers: ReplicaSetLike[];
  /** Each made pod's owning workload as written (`Deployment default/web`), by pod key. */
  owners: Map<string, string>;
  /** One line per workload that made no pods, and why. */
  warnings: string[];
}

/** How to expand. */
export interface ExpandOptions {
  /** The nodes DaemonSets run on. */
  nodes: readonly Node[];
  /** Random suffixes of generated names and uids (seeded for repeatable runs). */
  random: () => number;
  /** When a CronJob's next run is computed from. */
  now: Date;
}

type Workload = Record<string, unknown> & { metadata: { name: string; namespace?: string; labels?: Labels; uid?: string } };
interface PodTemplate {
  metadata?: { labels?: Labels; annotations?: Labels };
  spec: PodSpec;
}

/** Expands every workload of `objects` (other kinds are left alone). */
export function expandWorkloads(objects: readonly ManifestObject[], options: ExpandOptions): Expansion {
  const expansion: Expansion = { pods: [], claims: [], controllers: [], owners: new Map(), warnings: [] };
  for (const { kind, object, where } of objects) {
    const workload = object as Workload;
    const owner = `${kind} ${workload.metadata.namespace ?? 'default'}/${workload.metadata.name}`;
    const before = expansion.pods.length;
    switch (kind) {
      case 'Deployment':
        expandDeployment(workload, options, expansion, owner);
        break;
      case 'ReplicaSet':
        expandReplicaSet(workload, options, expansion, owner);
        break;
      case 'StatefulSet':
        expandStatefulSet(workload, options, expansion, owner);
        break;
      case 'DaemonSet':
        expandDaemonSet(workload, options, expansion, owner);
        break;
      case 'Job':
        expandJob(workload, options, expansion, owner);
        break;
      case 'CronJob':
        expandCronJob(workload, where, options, expansion, owner);
        break;
      default:
        continue;
    }
    if (expansion.pods.length === before && !expansion.warnings.some((w) => w.includes(owner))) expansion.warnings.push(`${where}: makes no pods (0 replicas)`);
  }
  return expansion;
}

function spec(workload: Workload): Record<string, unknown> {
  return (workload.spec ?? {}) as Record<string, unknown>;
}

function uid(random: () => number): string {
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(random() * 4)]}${hex(3)}-${hex(12)}`;
}

function ownerReference(apiVersion: string, kind: string, owner: Workload): OwnerReference & { blockOwnerDeletion: boolean } {
  return { apiVersion, kind, name: owner.metadata.name, uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** A pod from a template, as the API server stores what a controller creates. */
function podFrom(template: PodTemplate, name: string, namespace: string, labels: Labels, owner: OwnerReference, random: () => number, annotations?: Labels): Pod {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      uid: uid(random),
      labels,
      ...(template.metadata?.annotations || annotations ? { annotations: { ...template.metadata?.annotations, ...annotations } } : {}),
      ownerReferences: [owner],
    },
    spec: structuredClone(template.spec),
    status: { phase: 'Pending' },
  };
  return defaultPod(pod);
}

function add(expansion: Expansion, pod: Pod, owner: string): void {
  expansion.pods.push(pod);
  expansion.owners.set(`${pod.metadata.namespace}/${pod.metadata.name}`, owner);
}

function replicas(workload: Workload): number {
  const value = spec(workload).replicas;
  return typeof value === 'number' ? value : 1;
}

function withUid(workload: Workload, random: () => number): Workload {
  return workload.metadata.uid ? workload : { ...workload, metadata: { ...workload.metadata, uid: uid(random) } };
}

function expandDeployment(deployment: Workload, options: ExpandOptions, expansion: Expansion, owner: string): void {
  const d = withUid(deployment, options.random);
  const s = spec(d);
  const template = s.template as PodTemplate;
  const hash = templateHash(template, typeof (d.status as { collisionCount?: number } | undefined)?.collisionCount === 'number' ? (d.status as { collisionCount: number }).collisionCount : undefined);
  const namespace = d.metadata.namespace ?? 'default';
  const selector = (s.selector ?? {}) as { matchLabels?: Labels };
  const replicaSet: Workload = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace,
      uid: uid(options.random),
      labels: { ...template.metadata?.labels, 'pod-template-hash': hash },
      ownerReferences: [ownerReference('apps/v1', 'Deployment', d)],
    } as Workload['metadata'],
    spec: {
      replicas: replicas(d),
      selector: { ...selector, matchLabels: { ...selector.matchLabels, 'pod-template-hash': hash } },
      template: { ...template, metadata: { ...template.metadata, labels: { ...template.metadata?.labels, 'pod-template-hash': hash } } },
    },
  };
  expansion.controllers.push(replicaSet as unknown as ReplicaSetLike);
  expandReplicaSet(replicaSet, options, expansion, owner);
}

function expandReplicaSet(replicaSet: Workload, options: ExpandOptions, expansion: Expansion, owner: string): void {
  const rs = withUid(replicaSet, options.random);
  const template = spec(rs).template as PodTemplate;
  const namespace = rs.metadata.namespace ?? 'default';
  const ref = ownerReference('apps/v1', 'ReplicaSet', rs);
  for (let i = 0; i < replicas(rs); i++) {
    add(expansion, podFrom(template, generateName(`${rs.metadata.name}-`, options.random), namespace, { ...template.metadata?.labels }, ref, options.random), owner);
  }
}

function expandStatefulSet(statefulSet: Workload, options: ExpandOptions, expansion: Expansion, owner: string): void {
  const sts = withUid(statefulSet, options.random);
  const s = spec(sts);
  const template = s.template as PodTemplate;
  const namespace = sts.metadata.namespace ?? 'default';
  const revision = `${sts.metadata.name}-${templateHash(template)}`;
  const start = ((s.ordinals as { start?: number } | undefined)?.start ?? 0) as number;
  const claimTemplates = (s.volumeClaimTemplates ?? []) as { metadata?: { name?: string; labels?: Labels }; spec?: PersistentVolumeClaim['spec'] }[];
  const selectorLabels = ((s.selector as { matchLabels?: Labels } | undefined)?.matchLabels ?? {}) as Labels;
  const ref = ownerReference('apps/v1', 'StatefulSet', sts);
  for (let ordinal = start; ordinal < start + replicas(sts); ordinal++) {
    const name = `${sts.metadata.name}-${ordinal}`;
    const labels: Labels = {
      ...template.metadata?.labels,
      'controller-revision-hash': revision,
      'statefulset.kubernetes.io/pod-name': name,
      'apps.kubernetes.io/pod-index': String(ordinal),
    };
    const pod = podFrom(template, name, namespace, labels, ref, options.random);
    const volumes: Volume[] = [...(pod.spec.volumes ?? [])];
    for (const claimTemplate of claimTemplates) {
      const templateName = claimTemplate.metadata?.name ?? '';
      const claimName = `${templateName}-${name}`;
      expansion.claims.push({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: claimName, namespace, labels: { ...selectorLabels, ...claimTemplate.metadata?.labels } },
        ...(claimTemplate.spec ? { spec: structuredClone(claimTemplate.spec) } : {}),
        status: { phase: 'Pending' },
      });
      const volume: Volume = { name: templateName, persistentVolumeClaim: { claimName } };
      const index = volumes.findIndex((v) => v.name === templateName);
      if (index >= 0) volumes[index] = volume;
      else volumes.push(volume);
    }
    if (volumes.length > 0) pod.spec.volumes = volumes;
    add(expansion, pod, owner);
  }
}

/** The tolerations kube's DaemonSet controller adds to every daemon pod (AddOrUpdateDaemonPodTolerations). */
function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const exists = (key: string, effect: 'NoSchedule' | 'NoExecute'): Toleration => ({ key, operator: 'Exists', effect });
  return [
    exists('node.kubernetes.io/not-ready', 'NoExecute'),
    exists('node.kubernetes.io/unreachable', 'NoExecute'),
    exists('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/unschedulable', 'NoSchedule'),
    ...(hostNetwork ? [exists('node.kubernetes.io/network-unavailable', 'NoSchedule')] : []),
  ];
}

function expandDaemonSet(daemonSet: Workload, options: ExpandOptions, expansion: Expansion, owner: string): void {
  const ds = withUid(daemonSet, options.random);
  const template = spec(ds).template as PodTemplate;
  const namespace = ds.metadata.namespace ?? 'default';
  const revision = templateHash(template);
  const ref = ownerReference('apps/v1', 'DaemonSet', ds);
  const tolerations = [...(template.spec.tolerations ?? [])];
  for (const toleration of daemonTolerations(template.spec.hostNetwork === true)) {
    if (!tolerations.some((t) => t.key === toleration.key && t.effect === toleration.effect)) tolerations.push(toleration);
  }
  const required = template.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const selector = required ? compileNodeSelector(required) : undefined;
  for (const node of options.nodes) {
    // nodeShouldRunDaemonPod: the template's node selector and affinity, and the taints it does not tolerate.
    if (!matchesNodeSelectorMap(node.metadata.labels, template.spec.nodeSelector)) continue;
    if (selector && !selector.matches(node)) continue;
    if (findUntoleratedTaint(node.spec?.taints, tolerations, isDoNotScheduleTaint)) continue;
    const labels: Labels = { ...template.metadata?.labels, 'controller-revision-hash': revision, 'pod-template-generation': '1' };
    const pod = podFrom(template, generateName(`${ds.metadata.name}-`, options.random), namespace, labels, ref, options.random);
    pod.spec.tolerations = tolerations;
    pod.spec.affinity = { ...pod.spec.affinity, nodeAffinity: { ...pod.spec.affinity?.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: pinTo(node.metadata.name, required?.nodeSelectorTerms) } };
    add(expansion, pod, owner);
  }
}

/** kube's ReplaceDaemonSetPodNodeNameNodeAffinity: every term's matchFields becomes `metadata.name In [node]`. */
function pinTo(nodeName: string, terms: readonly NodeSelectorTerm[] | undefined): { nodeSelectorTerms: NodeSelectorTerm[] } {
  const field = { key: 'metadata.name', operator: 'In' as const, values: [nodeName] };
  if (!terms || terms.length === 0) return { nodeSelectorTerms: [{ matchFields: [field] }] };
  return { nodeSelectorTerms: terms.map((term) => ({ ...term, matchFields: [field] })) };
}

function expandJob(job: Workload, options: ExpandOptions, expansion: Expansion, owner: string): void {
  const j = withUid(job, options.random);
  const s = spec(j);
  if (s.suspend === true) {
    expansion.warnings.push(`${owner}: suspended; it makes no pods`);
    return;
  }
  const template = s.template as PodTemplate;
  const namespace = j.metadata.namespace ?? 'default';
  const completions = typeof s.completions === 'number' ? s.completions : s.parallelism === undefined ? 1 : undefined;
  const parallelism = typeof s.parallelism === 'number' ? s.parallelism : 1;
  const count = completions === undefined ? parallelism : Math.min(parallelism, completions);
  const indexed = s.completionMode === 'Indexed';
  const controllerUid = j.metadata.uid!;
  const ref = ownerReference('batch/v1', 'Job', j);
  for (let index = 0; index < count; index++) {
    const labels: Labels = {
      ...template.metadata?.labels,
      'batch.kubernetes.io/controller-uid': controllerUid,
      'batch.kubernetes.io/job-name': j.metadata.name,
      'controller-uid': controllerUid,
      'job-name': j.metadata.name,
      ...(indexed ? { 'batch.kubernetes.io/job-completion-index': String(index) } : {}),
    };
    const base = indexed ? `${j.metadata.name}-${index}-` : `${j.metadata.name}-`;
    const annotations = indexed ? { 'batch.kubernetes.io/job-completion-index': String(index) } : undefined;
    add(expansion, podFrom(template, generateName(base, options.random), namespace, labels, ref, options.random, annotations), owner);
  }
}

function expandCronJob(cronJob: Workload, where: string, options: ExpandOptions, expansion: Expansion, owner: string): void {
  const cj = withUid(cronJob, options.random);
  const s = spec(cj);
  if (s.suspend === true) {
    expansion.warnings.push(`${owner}: suspended; it makes no pods`);
    return;
  }
  let next: Date;
  try {
    next = nextCronTime(String(s.schedule), options.now, typeof s.timeZone === 'string' ? s.timeZone : undefined);
  } catch (error) {
    throw new InputError(`${where}: spec.schedule: Invalid value: ${JSON.stringify(s.schedule)}: ${(error as Error).message}`);
  }
  const jobTemplate = (s.jobTemplate ?? {}) as { metadata?: { labels?: Labels; annotations?: Labels }; spec?: Record<string, unknown> };
  const job: Workload = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `${cj.metadata.name}-${Math.floor(next.getTime() / 60_000)}`,
      namespace: cj.metadata.namespace ?? 'default',
      uid: uid(options.random),
      ...(jobTemplate.metadata?.labels ? { labels: jobTemplate.metadata.labels } : {}),
      ownerReferences: [ownerReference('batch/v1', 'CronJob', cj)],
    } as Workload['metadata'],
    spec: jobTemplate.spec ?? {},
  };
  expandJob(job, options, expansion, owner);
}
