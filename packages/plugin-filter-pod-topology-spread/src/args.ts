import type { TopologySpreadConstraint } from '@schedkit/framework';
import { LabelHostname, LabelTopologyZone } from '@schedkit/framework';
import { z } from 'zod';

/** How PodTopologySpread picks the constraints of a pod that declares none. */
export type DefaultingType = 'System' | 'List';

/** PodTopologySpread's args (kube's `PodTopologySpreadArgs`). */
export interface PodTopologySpreadArgs {
  /**
   * Constraints applied to pods that declare no `topologySpreadConstraints` when `defaultingType` is `List`.
   * They must not set a `labelSelector`: it is computed per pod from the Services, ReplicaSets,
   * StatefulSets and ReplicationControllers that select the pod.
   */
  defaultConstraints: TopologySpreadConstraint[];
  /**
   * `System` (default): use kube's built-in defaults ({@link systemDefaultConstraints}); `defaultConstraints`
   * must then be empty. `List`: use `defaultConstraints` (none when empty).
   */
  defaultingType: DefaultingType;
}

/**
 * The constraints kube applies with `defaultingType: System`: spread over hostnames with maxSkew 3 and over
 * zones with maxSkew 5, both ScheduleAnyway (so they only score).
 */
export const systemDefaultConstraints: readonly TopologySpreadConstraint[] = Object.freeze([
  { topologyKey: LabelHostname, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LabelTopologyZone, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
]);

const namePattern = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const dnsSubdomainPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** kube's `ValidateLabelName`: a qualified name with an optional DNS-subdomain prefix. */
function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0 || prefix.length > 253 || !dnsSubdomainPattern.test(prefix)) return false;
  }
  return name.length > 0 && name.length <= 63 && namePattern.test(name);
}

const defaultConstraintSchema = z
  .object({
    maxSkew: z.number().int().refine((v) => v > 0, { message: 'not in valid range (0, inf)' }),
    topologyKey: z
      .string()
      .refine((v) => v.length > 0, { message: 'can not be empty' })
      .refine((v) => v.length === 0 || isQualifiedName(v), { message: 'must be a qualified name (a label key)' }),
    whenUnsatisfiable: z.enum(['DoNotSchedule', 'ScheduleAnyway'], { message: 'supported values: "DoNotSchedule", "ScheduleAnyway"' }),
    labelSelector: z.unknown().optional(),
    minDomains: z.number().int().nullable().optional(),
    nodeAffinityPolicy: z.enum(['Honor', 'Ignore']).nullable().optional(),
    nodeTaintsPolicy: z.enum(['Honor', 'Ignore']).nullable().optional(),
    matchLabelKeys: z.array(z.string()).optional(),
  })
  .superRefine((constraint, ctx) => {
    if (constraint.labelSelector != null) {
      ctx.addIssue({ code: 'custom', path: ['labelSelector'], message: 'constraint must not define a selector, as they deduced for each pod' });
    }
  });

/**
 * Validates and defaults {@link PodTopologySpreadArgs} as kube does: `defaultingType` defaults to `System`,
 * `System` forbids `defaultConstraints`, each default constraint needs a positive maxSkew, a label-key
 * topologyKey, a known whenUnsatisfiable and no labelSelector, and no two share topologyKey + whenUnsatisfiable.
 */
export const PodTopologySpreadArgsSchema = z
  .object({
    defaultConstraints: z.array(defaultConstraintSchema).default([]),
    defaultingType: z.enum(['System', 'List'], { message: 'supported values: "System", "List"' }).default('System'),
  })
  .superRefine((args, ctx) => {
    if (args.defaultingType === 'System' && args.defaultConstraints.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['defaultingType'], message: 'when .defaultConstraints are not empty' });
    }
    args.defaultConstraints.forEach((constraint, index) => {
      const earlier = args.defaultConstraints
        .slice(0, index)
        .some((other) => other.topologyKey === constraint.topologyKey && other.whenUnsatisfiable === constraint.whenUnsatisfiable);
      if (earlier) {
        ctx.addIssue({
          code: 'custom',
          path: ['defaultConstraints', index],
          message: `Duplicate value: "{${constraint.topologyKey}, ${constraint.whenUnsatisfiable}}"`,
        });
      }
    });
  })
  .transform((args): PodTopologySpreadArgs => ({
    defaultingType: args.defaultingType,
    defaultConstraints: args.defaultConstraints.map((c) => {
      const constraint: TopologySpreadConstraint = { maxSkew: c.maxSkew, topologyKey: c.topologyKey, whenUnsatisfiable: c.whenUnsatisfiable };
      if (c.minDomains != null) constraint.minDomains = c.minDomains;
      if (c.nodeAffinityPolicy != null) constraint.nodeAffinityPolicy = c.nodeAffinityPolicy;
      if (c.nodeTaintsPolicy != null) constraint.nodeTaintsPolicy = c.nodeTaintsPolicy;
      if (c.matchLabelKeys !== undefined) constraint.matchLabelKeys = c.matchLabelKeys;
      return constraint;
    }),
  }));
