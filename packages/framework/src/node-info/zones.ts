import type { Node } from '../model/types.js';

// kube reads the deprecated beta label first (it stays on old nodes), then the GA one.
const zoneLabels = ['failure-domain.beta.kubernetes.io/zone', 'topology.kubernetes.io/zone'];
const regionLabels = ['failure-domain.beta.kubernetes.io/region', 'topology.kubernetes.io/region'];

/**
 * The key kube uses to group nodes by failure domain: region and zone joined with ":\0:", or '' when the node
 * has neither (kube's `utilnode.GetZoneKey`). For each, the beta label wins whenever it is present, even empty.
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
    if (value !== undefined) return value;
  }
  return '';
}
