import { goQuote, qualifiedNameErrors, type ResourceSpec } from '@schedkit/framework';

/** The framework's ResourceSpec, as this package exported it before it moved there. */
export type { ResourceSpec };
import { z } from 'zod';

/** How NodeResourcesFit scores nodes. */
export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

/** A point of the RequestedToCapacityRatio shape: at `utilization` percent, the resource scores `score`. */
export interface UtilizationShapePoint {
  /** 0..100, strictly increasing along the shape. */
  utilization: number;
  /** 0..10 (kube scales it by 10 to the 0..100 node score range). */
  score: number;
}

/** kube's `ScoringStrategy`. */
export interface ScoringStrategy {
  type: ScoringStrategyType;
  /** The resources scored, in order. Default: cpu and memory with weight 1. */
  resources: ResourceSpec[];
  /** The shape of the RequestedToCapacityRatio strategy (required for that type, ignored by the others). */
  requestedToCapacityRatio?: { shape: UtilizationShapePoint[] } | undefined;
}

/** NodeResourcesFit's args (kube's `NodeResourcesFitArgs`), after defaulting. */
export interface NodeResourcesFitArgs {
  /** Extended resources Filter does not check (exact names, e.g. `example.com/foo`). */
  ignoredResources: string[];
  /** Extended-resource groups Filter does not check: the part before the '/' (e.g. `example.com`). */
  ignoredResourceGroups: string[];
  /** How Score ranks nodes. Default: LeastAllocated on cpu and memory, weight 1 each. */
  scoringStrategy: ScoringStrategy;
}

/** The resources scored when none are configured (kube's `defaultResourceSpec`). */
export const defaultResourceSpec: readonly ResourceSpec[] = Object.freeze([
  Object.freeze({ name: 'cpu', weight: 1 }),
  Object.freeze({ name: 'memory', weight: 1 }),
]);

const supportedStrategies: readonly ScoringStrategyType[] = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'];

const resourceSpecSchema = z.object({ name: z.string(), weight: z.number().int().optional() }).strict();
const shapePointSchema = z.object({ utilization: z.number().int(), score: z.number().int() }).strict();

const rawArgsSchema = z
  .object({
    ignoredResources: z.array(z.string()).optional(),
    ignoredResourceGroups: z.array(z.string()).optional(),
    scoringStrategy: z
      .object({
        type: z.string().optional(),
        resources: z.array(resourceSpecSchema).optional(),
        requestedToCapacityRatio: z.object({ shape: z.array(shapePointSchema).optional() }).strict().nullish(),
      })
      .strict()
      .nullish(),
  })
  .strict();

type RawArgs = z.infer<typeof rawArgsSchema>;
type IssueSink = (path: (string | number)[], message: string) => void;

/** kube's `field.Invalid` body: the value as Go's `%#v`-like rendering, then the detail. */
function invalid(value: string | number, detail: string): string {
  return `Invalid value: ${typeof value === 'string' ? goQuote(value) : value}: ${detail}`;
}

/** kube's `SetDefaults_NodeResourcesFitArgs`: LeastAllocated on cpu+memory when unset, weight 0 means 1. */
function withDefaults(raw: RawArgs): NodeResourcesFitArgs {
  const strategy = raw.scoringStrategy;
  const resources = strategy?.resources?.length ? strategy.resources : defaultResourceSpec;
  const scoringStrategy: ScoringStrategy = {
    type: (strategy ? (strategy.type ?? '') : 'LeastAllocated') as ScoringStrategyType,
    resources: resources.map((r) => ({ name: r.name, weight: r.weight ? r.weight : 1 })),
  };
  if (strategy?.requestedToCapacityRatio) {
    scoringStrategy.requestedToCapacityRatio = { shape: (strategy.requestedToCapacityRatio.shape ?? []).map((p) => ({ ...p })) };
  }
  return { ignoredResources: raw.ignoredResources ?? [], ignoredResourceGroups: raw.ignoredResourceGroups ?? [], scoringStrategy };
}

/** kube's `validateFunctionShape`, reported (as kube does) under `scoringStrategy.shape`. */
function validateShape(shape: readonly UtilizationShapePoint[], report: IssueSink): void {
  const path = ['scoringStrategy', 'shape'];
  if (shape.length === 0) {
    report(path, 'Required value: at least one point must be specified');
    return;
  }
  for (let i = 1; i < shape.length; i++) {
    if (shape[i - 1]!.utilization >= shape[i]!.utilization) {
      report([...path, i, 'utilization'], invalid(shape[i]!.utilization, 'values must be sorted in increasing order'));
      break;
    }
  }
  shape.forEach((point, i) => {
    if (point.utilization < 0 || point.utilization > 100) report([...path, i, 'utilization'], invalid(point.utilization, 'not in valid range [0, 100]'));
    if (point.score < 0 || point.score > 10) report([...path, i, 'score'], invalid(point.score, 'not in valid range [0, 10]'));
  });
}

/** kube's `ValidateNodeResourcesFitArgs` on defaulted args. */
function validate(args: NodeResourcesFitArgs, report: IssueSink): void {
  args.ignoredResources.forEach((name, i) => {
    for (const message of qualifiedNameErrors(name)) report(['ignoredResources', i], invalid(name, message));
  });
  args.ignoredResourceGroups.forEach((group, i) => {
    if (group.includes('/')) report(['ignoredResourceGroups', i], invalid(group, "resource group name can't contain '/'"));
    for (const message of qualifiedNameErrors(group)) report(['ignoredResourceGroups', i], invalid(group, message));
  });
  const strategy = args.scoringStrategy;
  if (!supportedStrategies.includes(strategy.type)) {
    report(
      ['scoringStrategy', 'type'],
      `Unsupported value: ${goQuote(strategy.type)}: supported values: ${supportedStrategies.map((s) => goQuote(s)).join(', ')}`,
    );
  }
  strategy.resources.forEach((resource, i) => {
    if (resource.weight <= 0 || resource.weight > 100) {
      report(['scoringStrategy', 'resources', i, 'weight'], invalid(resource.weight, `resource weight of ${resource.name} not in valid range (0, 100]`));
    }
  });
  if (strategy.requestedToCapacityRatio) validateShape(strategy.requestedToCapacityRatio.shape, report);
  else if (strategy.type === 'RequestedToCapacityRatio') {
    // kube dereferences the missing shape and fails to build the plugin; say what is missing instead.
    report(['scoringStrategy', 'requestedToCapacityRatio'], 'Required value: the RequestedToCapacityRatio strategy needs a shape');
  }
}

/**
 * Validates and defaults {@link NodeResourcesFitArgs} as kube does: no scoring strategy means LeastAllocated on
 * cpu and memory; an empty resource list means cpu and memory; a weight of 0 means 1. Then kube's checks, with
 * kube's messages: ignored resources and groups must be label-style names (groups without '/'), the strategy
 * type must be known, weights must be in (0, 100], and a shape needs at least one point, strictly increasing
 * utilizations in [0, 100] and scores in [0, 10].
 */
export const NodeResourcesFitArgsSchema = rawArgsSchema.transform((raw, ctx): NodeResourcesFitArgs => {
  const args = withDefaults(raw);
  validate(args, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
  return args;
});
