import {
  type CycleState,
  type Handle,
  inject,
  injectable,
  type NodeInfo,
  type Pod,
  type PreScorePlugin,
  type ScorePlugin,
  StateKey,
  Status,
  Tokens,
} from '@schedkit/framework';
import { z } from 'zod';
import { imageLocalityScore, normalizedImageName } from './scoring.js';

/** The name kube-scheduler configurations use for this plugin. */
export const ImageLocalityName = 'ImageLocality';

/** ImageLocality takes no args (as in kube); unknown keys are rejected so typos surface. */
export const ImageLocalityArgsSchema = z.object({}).strict();

/** The (empty) args of {@link ImageLocality}. */
export type ImageLocalityArgs = z.infer<typeof ImageLocalityArgsSchema>;

/** What Score needs of the pod, computed once per cycle. */
interface PodImages {
  /** The image names of init and regular containers, normalized as the node's image states are keyed. */
  readonly names: readonly string[];
  /** Number of nodes in the snapshot (all nodes, not only the feasible ones). */
  readonly totalNodes: number;
}

const preScoreStateKey = new StateKey<PodImages>('ImageLocality/preScore');

/**
 * kube-scheduler's ImageLocality score plugin. A node scores higher the more of the pod's images (init and
 * regular containers) it already holds: each present image counts its size scaled by the share of cluster
 * nodes that hold it, and the sum, clamped to [23 MiB, 1000 MiB x containers], maps linearly onto 0..100.
 *
 * kube has no PreScore here; this PreScore only normalizes the image names once per cycle (it never skips,
 * so the set of scored plugins is kube's), and Score recomputes them if PreScore did not run.
 */
@injectable()
export class ImageLocality implements PreScorePlugin, ScorePlugin {
  readonly name = ImageLocalityName;

  constructor(@inject(Tokens.Handle) private readonly handle: Handle) {}

  preScore(state: CycleState, pod: Pod): Status | null {
    state.write(preScoreStateKey, this.podImages(pod));
    return null;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number | Status {
    const images = state.read(preScoreStateKey) ?? this.podImages(pod);
    if (images.totalNodes === 0) return Status.error(new Error('ImageLocality: the snapshot has no nodes'));
    return imageLocalityScore(nodeInfo.imageStates, images.names, images.totalNodes);
  }

  private podImages(pod: Pod): PodImages {
    const names: string[] = [];
    for (const container of pod.spec.initContainers ?? []) names.push(normalizedImageName(container.image ?? ''));
    for (const container of pod.spec.containers) names.push(normalizedImageName(container.image ?? ''));
    return { names, totalNodes: this.handle.snapshot().size };
  }
}
