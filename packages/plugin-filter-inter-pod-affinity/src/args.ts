import { z } from 'zod';

/** kube's default `hardPodAffinityWeight`. */
export const DefaultHardPodAffinityWeight = 1;
/** The lowest `hardPodAffinityWeight` kube accepts (0 turns the existing pods' required affinity out of scoring). */
export const MinHardPodAffinityWeight = 0;
/** The highest `hardPodAffinityWeight` kube accepts. */
export const MaxHardPodAffinityWeight = 100;

/**
 * kube's `InterPodAffinityArgs`:
 * - `hardPodAffinityWeight` (default 1, 0..100): the score an existing pod's *required* affinity term adds to
 *   the nodes of its topology domain when the incoming pod matches the term;
 * - `ignorePreferredTermsOfExistingPods` (default false): when true, a pod without preferred (anti-)affinity of
 *   its own is not scored at all, so existing pods' preferences are ignored for it.
 */
export const InterPodAffinityArgsSchema = z
  .object({
    hardPodAffinityWeight: z
      .number()
      .int()
      .default(DefaultHardPodAffinityWeight)
      .superRefine((weight, ctx) => {
        if (weight < MinHardPodAffinityWeight || weight > MaxHardPodAffinityWeight) {
          ctx.addIssue({
            code: 'custom',
            message: `Invalid value: ${weight}: not in valid range [${MinHardPodAffinityWeight}-${MaxHardPodAffinityWeight}]`,
          });
        }
      }),
    ignorePreferredTermsOfExistingPods: z.boolean().default(false),
  })
  .strict();

/** The validated args of {@link InterPodAffinity}. */
export type InterPodAffinityArgs = z.infer<typeof InterPodAffinityArgsSchema>;
