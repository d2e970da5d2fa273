import type { Node } from '../model/types.js';

const zoneLabels = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];
const regionLabels = ['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'];

/**
 * The key kube uses to group nodes by failure domain: region and zone joined with ":\0:", or '' when the node
 * has neither label (kube's `utilnode.GetZoneKey`).
 */
export function nodeZoneKey(node: Node): string {
  const labels = node.metadata.labels;
  if (!labels) return '';
  const region = firstLabel(labels, regionLabels);
  const zone = firstLabel(labels, zoneLabels);
  if (region === '' && zone === '') return '';
  return `${region}:\u0000:${zone}`;
}

function firstLabel(labels: Record<string, string>, keys: readonly string[]): string {
  for (const key of keys) {
    const value = labels[key];
    if (value) return value;
  }
  return '';
}
