import {
  type CycleState,
  fillAllocatableAndRequested,
  goQuote,
  inject,
  injectable,
  MaxNodeScore,
  type NodeInfo,
  type Pod,
  podResourceRequestList,
  type PreScorePlugin,
  requestsNothing,
  type ResourceSpec,
  type ScorePlugin,
  StateKey,
  Status,
  Tokens,
} from '@schedkit/framework';
import { z } from 'zod';

/** The name kube-scheduler configurations use for this plugin. */
export const NodeResourcesBalancedAllocationName = 'NodeResourcesBalancedAllocation';

/** NodeResourcesBalancedAllocation's args (kube's `NodeResourcesBalancedAllocationArgs`), after defaulting. */
export interface NodeResourcesBalancedAllocationArgs {
  /** The resources whose usage should stay balanced. Default: cpu and memory. Every weight is 1. */
  resources: ResourceSpec[];
}

const rawArgsSchema = z
  .object({ resources: z.array(z.object({ name: z.string(), weight: z.number().int().optional() }).strict()).optional() })
  .strict();

/**
 * Validates and defaults {@link NodeResourcesBalancedAllocationArgs} as kube does: no resources means cpu and
 * memory; a weight of 0 (or none) means 1, and any other weight than 1 is rejected ("must be 1"); a resource may
 * be listed once.
 */
export const NodeResourcesBalancedAllocationArgsSchema = rawArgsSchema.transform((raw, ctx): NodeResourcesBalancedAllocationArgs => {
  const listed = raw.resources?.length ? raw.resources : [{ name: 'cpu' }, { name: 'memory' }];
  const resources = listed.map((r) => ({ name: r.name, weight: r.weight ? r.weight : 1 }));
  const seen = new Set<string>();
  resources.forEach((resource, i) => {
    if (seen.has(resource.name)) {
      ctx.addIssue({ code: 'custom', path: ['resources', i, 'name'], message: `Duplicate value: ${goQuote(resource.name)}` });
    } else {
      seen.add(resource.name);
    }
    if (resource.weight !== 1) {
      ctx.addIssue({ code: 'custom', path: ['resources', i, 'weight'], message: `Invalid value: ${resource.weight}: must be 1` });
    }
  });
  return { resources };
});

/**
 * How balanced a node's usage would be (kube's `balancedResourceScorer`): each offered resource's requested share
 * of allocatable, capped at 1, and the score (1 - standard deviation of the shares) x 100, truncated. With two
 * shares the deviation is half their difference; with one or none it is 0.
 */
export function balancedResourceScore(requested: readonly number[], allocatable: readonly number[]): number {
  let count = 0;
  let total = 0;
  let first = 0;
  let second = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const fraction = Math.min(requested[i]! / allocatable[i]!, 1);
    if (count === 0) first = fraction;
    else if (count === 1) second = fraction;
    total += fraction;
    count++;
  }
  let std = 0;
  if (count === 2) {
    std = Math.abs((first - second) / 2);
  } else if (count > 2) {
    const mean = total / count;
    let sum = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const deviation = Math.min(requested[i]! / allocatable[i]!, 1) - mean;
      sum += deviation * deviation;
    }
    std = Math.sqrt(sum / count);
  }
  return Math.trunc((1 - std) * MaxNodeScore);
}

/** The pod's request of each balanced resource (args order), computed once per cycle by PreScore. */
const preScoreStateKey = new StateKey<readonly number[]>('NodeResourcesBalancedAllocation/preScore');

/**
 * kube-scheduler's NodeResourcesBalancedAllocation score plugin: favors nodes where, with the pod placed, the
 * configured resources (cpu and memory by default) would be used in similar proportions. It counts the plain
 * requests of the node's pods and of the pod (no 100m / 200Mi defaults), and PreScore skips pods that request
 * none of the resources, so best-effort pods are not all packed onto the same balanced node.
 */
@injectable()
export class NodeResourcesBalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = NodeResourcesBalancedAllocationName;

  private readonly resourceNames: readonly string[];
  /** Score scratch space: Score is synchronous, so calls never interleave. */
  private readonly requested: number[];
  private readonly allocatable: number[];

  constructor(@inject(Tokens.Args) args: NodeResourcesBalancedAllocationArgs) {
    this.resourceNames = args.resources.map((r) => r.name);
    this.requested = new Array<number>(this.resourceNames.length).fill(0);
    this.allocatable = new Array<number>(this.resourceNames.length).fill(0);
  }

  preScore(state: CycleState, pod: Pod): Status | null {
    const podRequestList = podResourceRequestList(pod, this.resourceNames, 'requested');
    if (requestsNothing(podRequestList)) return Status.skip;
    state.write(preScoreStateKey, podRequestList);
    return null;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const podRequestList = state.read(preScoreStateKey) ?? podResourceRequestList(pod, this.resourceNames, 'requested');
    if (requestsNothing(podRequestList)) return 0;
    fillAllocatableAndRequested(nodeInfo, this.resourceNames, podRequestList, 'requested', this.requested, this.allocatable);
    return balancedResourceScore(this.requested, this.allocatable);
  }
}
