import { compileNodeSelector, compilePreferredSchedulingTerms } from '@schedkit/framework';
import { z } from 'zod';

const requirementSchema = z
  .object({
    key: z.string(),
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']),
    values: z.array(z.string()).optional(),
  })
  .strict();

const termSchema = z
  .object({
    matchExpressions: z.array(requirementSchema).optional(),
    matchFields: z.array(requirementSchema).optional(),
  })
  .strict();

const nodeAffinitySchema = z
  .object({
    requiredDuringSchedulingIgnoredDuringExecution: z.object({ nodeSelectorTerms: z.array(termSchema) }).strict().nullish(),
    preferredDuringSchedulingIgnoredDuringExecution: z
      .array(z.object({ weight: z.number().int(), preference: termSchema }).strict())
      .optional(),
  })
  .strict();

/**
 * kube's `NodeAffinityArgs`. `addedAffinity` (default: none) is node affinity the scheduler applies to every pod
 * of the profile on top of the pod's own: its required terms must match (else the node is rejected with
 * "node(s) didn't match scheduler-enforced node affinity"), its preferred terms add their weights to the score.
 * Terms that would not parse (bad operator, label key or value, a non-integer Gt/Lt bound) are rejected here,
 * as kube's args validation does.
 */
export const NodeAffinityArgsSchema = z
  .object({ addedAffinity: nodeAffinitySchema.nullish() })
  .strict()
  .superRefine((args, ctx) => {
    const added = args.addedAffinity;
    if (!added) return;
    const report = (field: string, error: string | undefined): void => {
      if (error !== undefined) ctx.addIssue({ code: 'custom', path: ['addedAffinity', field], message: error });
    };
    const required = added.requiredDuringSchedulingIgnoredDuringExecution;
    if (required) report('requiredDuringSchedulingIgnoredDuringExecution', compileNodeSelector(required).error);
    const preferred = added.preferredDuringSchedulingIgnoredDuringExecution;
    if (preferred && preferred.length > 0) {
      report('preferredDuringSchedulingIgnoredDuringExecution', compilePreferredSchedulingTerms(preferred).error);
    }
  });

/** The validated args of {@link NodeAffinity}. */
export type NodeAffinityArgs = z.infer<typeof NodeAffinityArgsSchema>;
