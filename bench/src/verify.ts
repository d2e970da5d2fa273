import { type Node, type Pod, podRequests, Resource } from '@schedkit/framework';
import { HostnameLabel, type Workload, ZoneLabel } from './workloads.js';

/**
 * Checks a finished run against the workload's rules, independently of the scheduler: every pod is bound to an
 * existing node (init pods included), no node holds more than its allocatable pods, cpu or memory, and the
 * template's constraint holds (anti-affinity: at most one green pod per hostname in each namespace, as the term
 * names no namespaces; spreading: zone counts of blue pods differ by at most 1). Returns the violations, empty
 * when the run is correct.
 */
export function verifyPlacement(workload: Workload, nodes: readonly Node[], pods: readonly Pod[]): string[] {
  const problems: string[] = [];
  const byName = new Map(nodes.map((node) => [node.metadata.name, node]));
  const used = new Map<string, { pods: number; cpu: number; memory: number }>();
  let bound = 0;
  for (const pod of pods) {
    const nodeName = pod.spec.nodeName;
    if (!nodeName) continue;
    if (!byName.has(nodeName)) {
      problems.push(`pod ${pod.metadata.name} is bound to unknown node ${nodeName}`);
      continue;
    }
    bound++;
    const requests = podRequests(pod);
    const usage = used.get(nodeName) ?? { pods: 0, cpu: 0, memory: 0 };
    usage.pods++;
    usage.cpu += requests.milliCPU;
    usage.memory += requests.memory;
    used.set(nodeName, usage);
  }
  const total = workload.pods + workload.initPods;
  if (bound !== total || pods.length !== total) {
    problems.push(`${bound} of ${total} pods bound (${pods.length} pods in the store)`);
  }
  for (const [nodeName, usage] of used) {
    const allocatable = Resource.fromResourceList(byName.get(nodeName)!.status?.allocatable ?? {});
    if (usage.pods > allocatable.allowedPodNumber || usage.cpu > allocatable.milliCPU || usage.memory > allocatable.memory) {
      problems.push(`node ${nodeName} is over allocatable: ${usage.pods} pods, ${usage.cpu}m cpu, ${usage.memory} bytes of memory`);
    }
  }
  if (workload.template === 'anti-affinity' || workload.initTemplate === 'anti-affinity') problems.push(...checkAntiAffinity(byName, pods));
  if (workload.template === 'topology-spread') problems.push(...checkSpread(byName, pods));
  return problems;
}

function checkAntiAffinity(nodes: ReadonlyMap<string, Node>, pods: readonly Pod[]): string[] {
  const greenPerHost = new Map<string, number>();
  for (const pod of pods) {
    if (pod.metadata.labels?.color !== 'green' || !pod.spec.nodeName) continue;
    const host = nodes.get(pod.spec.nodeName)?.metadata.labels?.[HostnameLabel] ?? pod.spec.nodeName;
    const key = `${pod.metadata.namespace ?? 'default'}/${host}`;
    greenPerHost.set(key, (greenPerHost.get(key) ?? 0) + 1);
  }
  const crowded = [...greenPerHost].filter(([, count]) => count > 1);
  return crowded.length === 0 ? [] : [`${crowded.length} hosts hold more than one green pod (first: ${crowded[0]![0]} with ${crowded[0]![1]})`];
}

function checkSpread(nodes: ReadonlyMap<string, Node>, pods: readonly Pod[]): string[] {
  const perZone = new Map<string, number>();
  for (const node of nodes.values()) {
    const zone = node.metadata.labels?.[ZoneLabel];
    if (zone !== undefined) perZone.set(zone, 0);
  }
  for (const pod of pods) {
    if (pod.metadata.labels?.color !== 'blue' || !pod.spec.nodeName) continue;
    const zone = nodes.get(pod.spec.nodeName)?.metadata.labels?.[ZoneLabel];
    if (zone === undefined) return [`blue pod ${pod.metadata.name} landed on node ${pod.spec.nodeName} without a zone`];
    perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
  }
  const counts = [...perZone.values()];
  if (counts.length === 0) return ['no zones'];
  const skew = Math.max(...counts) - Math.min(...counts);
  return skew <= 1 ? [] : [`zone skew ${skew} > 1 (${[...perZone].map(([zone, count]) => `${zone}=${count}`).join(' ')})`];
}
