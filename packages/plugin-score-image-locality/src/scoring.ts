import { type ImageStateSummary, MaxNodeScore } from '@schedkit/framework';

const mebibyte = 1024 * 1024;

/** Below this sum of scaled image sizes a node scores 0 (kube's minThreshold: 23 MiB). */
export const minImageThreshold = 23 * mebibyte;

/** Per container, the sum of scaled image sizes at which a node scores 100 (kube's maxContainerThreshold: 1000 MiB). */
export const maxContainerImageThreshold = 1000 * mebibyte;

/**
 * The name an image is looked up by in a node's image states, as kube's `normalizedImageName` does: ":latest" is
 * appended when the reference has no tag (no ':' after the last '/'). Nothing else is rewritten: "nginx" and
 * "docker.io/library/nginx:latest" stay different names, and a digest reference ("app@sha256:...") counts as
 * tagged because its last ':' follows the last '/'.
 */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

/**
 * An image's size scaled by the share of nodes holding it (kube's `scaledImageScore`): widely spread images
 * count fully, an image on few nodes counts little, so pods do not pile onto the nodes that happen to have it.
 * Float math then truncation, as kube's `int64(float64(size) * spread)`.
 */
export function scaledImageScore(image: ImageStateSummary, totalNodes: number): number {
  const spread = image.numNodes / totalNodes;
  return Math.trunc(image.size * spread);
}

/**
 * Maps the sum of scaled image sizes to 0..100 (kube's `calculatePriority`): clamped to
 * [{@link minImageThreshold}, {@link maxContainerImageThreshold} x containers], then scaled with integer division.
 */
export function imageScoreToNodeScore(sum: number, containers: number): number {
  const maxThreshold = maxContainerImageThreshold * containers;
  let clamped = sum;
  if (clamped < minImageThreshold) clamped = minImageThreshold;
  else if (clamped > maxThreshold) clamped = maxThreshold;
  return Math.trunc((MaxNodeScore * (clamped - minImageThreshold)) / (maxThreshold - minImageThreshold));
}

/**
 * The ImageLocality score of a node: the scaled sizes of the wanted images present on the node (one term per
 * container, so an image used twice counts twice), mapped to 0..100 with the container count.
 */
export function imageLocalityScore(imageStates: ReadonlyMap<string, ImageStateSummary>, normalizedNames: readonly string[], totalNodes: number): number {
  let sum = 0;
  for (const name of normalizedNames) {
    const image = imageStates.get(name);
    if (image) sum += scaledImageScore(image, totalNodes);
  }
  return imageScoreToNodeScore(sum, normalizedNames.length);
}
