import { LabelTopologyZone, type Node } from '@schedkit/framework';

/** The node's zone label ('' when it has none). */
export function zoneOf(node: Node): string {
  return node.metadata.labels?.[LabelTopologyZone] ?? '';
}
