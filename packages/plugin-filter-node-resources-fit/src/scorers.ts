import { MaxNodeScore } from '@schedkit/framework';
import type { ResourceSpec } from '@schedkit/framework';
import type { ScoringStrategy, UtilizationShapePoint } from './args.js';

/**
 * Turns per-resource (requested, allocatable) pairs into a node score. Both arrays follow the order of the
 * strategy's resources; an allocatable of 0 means "not scored on this node" (kube leaves such entries out).
 */
export type ResourceScorer = (requested: readonly number[], allocatable: readonly number[]) => number;

/**
 * Go's `a * b / c` on int64 (integer division truncating toward zero). While the product is a safe integer the
 * double quotient is within less than 1/c of the true one, so truncating it is exact; larger products (huge byte
 * counts such as ephemeral storage) use BigInt.
 */
export function mulDiv(a: number, b: number, c: number): number {
  const product = a * b;
  if (Number.isSafeInteger(product)) return Math.trunc(product / c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** The free share of a resource on a 0..100 scale, 0 when over-committed (kube's `leastRequestedScore`). */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return mulDiv(capacity - requested, MaxNodeScore, capacity);
}

/** The used share of a resource on a 0..100 scale, capped at 100 (kube's `mostRequestedScore`). */
export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  const used = Math.min(requested, capacity);
  return mulDiv(used, MaxNodeScore, capacity);
}

/** Weighted integer mean of per-resource scores over the resources the node has. */
function weightedMeanScorer(resources: readonly ResourceSpec[], perResource: (requested: number, capacity: number) => number): ResourceScorer {
  return (requested, allocatable) => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < requested.length; i++) {
      const capacity = allocatable[i]!;
      if (capacity === 0) continue;
      const weight = resources[i]!.weight;
      nodeScore += perResource(requested[i]!, capacity) * weight;
      weightSum += weight;
    }
    return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
  };
}

/** LeastAllocated: favors nodes with more free capacity after placing the pod. */
export function leastAllocatedScorer(resources: readonly ResourceSpec[]): ResourceScorer {
  return weightedMeanScorer(resources, leastRequestedScore);
}

/** MostAllocated: favors nodes with less free capacity after placing the pod (bin packing). */
export function mostAllocatedScorer(resources: readonly ResourceSpec[]): ResourceScorer {
  return weightedMeanScorer(resources, mostRequestedScore);
}

/** A point of a piecewise linear function on kube's node-score scale. */
export interface FunctionShapePoint {
  utilization: number;
  score: number;
}

/**
 * kube's `BuildBrokenLinearFunction`: the first point's score below the first utilization, the last point's
 * score above the last, and linear interpolation (Go integer division) in between. Points are sorted by
 * increasing utilization (args validation guarantees it).
 */
export function brokenLinearFunction(shape: readonly FunctionShapePoint[]): (utilization: number) => number {
  return (p) => {
    for (let i = 0; i < shape.length; i++) {
      const point = shape[i]!;
      if (p <= point.utilization) {
        if (i === 0) return point.score;
        const previous = shape[i - 1]!;
        return previous.score + mulDiv(point.score - previous.score, p - previous.utilization, point.utilization - previous.utilization);
      }
    }
    return shape[shape.length - 1]!.score;
  };
}

/** The largest score a RequestedToCapacityRatio shape point may give (kube's MaxCustomPriorityScore). */
export const MaxCustomPriorityScore = 10;

/** The utilization scale of RequestedToCapacityRatio shape points (percent). */
const maxUtilization = 100;

/**
 * RequestedToCapacityRatio: each resource's utilization percentage (integer) goes through the configured
 * shape, whose 0..10 scores are scaled to 0..100; resources scoring 0 are left out of the weighted mean, which
 * is rounded (half away from zero).
 */
export function requestedToCapacityRatioScorer(resources: readonly ResourceSpec[], shape: readonly UtilizationShapePoint[]): ResourceScorer {
  const raw = brokenLinearFunction(
    shape.map((point) => ({ utilization: point.utilization, score: point.score * (MaxNodeScore / MaxCustomPriorityScore) })),
  );
  const resourceScore = (requested: number, capacity: number): number =>
    capacity === 0 || requested > capacity ? raw(maxUtilization) : raw(mulDiv(requested, maxUtilization, capacity));
  return (requested, allocatable) => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < requested.length; i++) {
      const capacity = allocatable[i]!;
      if (capacity === 0) continue;
      const weight = resources[i]!.weight;
      const score = resourceScore(requested[i]!, capacity);
      if (score > 0) {
        nodeScore += score * weight;
        weightSum += weight;
      }
    }
    // Non-negative, so Math.round matches Go's math.Round (half away from zero).
    return weightSum === 0 ? 0 : Math.round(nodeScore / weightSum);
  };
}

/** The scorer of a scoring strategy. */
export function scorerFor(strategy: ScoringStrategy): ResourceScorer {
  switch (strategy.type) {
    case 'LeastAllocated':
      return leastAllocatedScorer(strategy.resources);
    case 'MostAllocated':
      return mostAllocatedScorer(strategy.resources);
    case 'RequestedToCapacityRatio':
      return requestedToCapacityRatioScorer(strategy.resources, strategy.requestedToCapacityRatio?.shape ?? []);
  }
}
