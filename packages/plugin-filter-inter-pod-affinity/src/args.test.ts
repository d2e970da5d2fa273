import { Registry } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { InterPodAffinityArgsSchema, plugin } from './index.js';

describe('InterPodAffinityArgs', () => {
  it.each([
    { raw: {}, args: { hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false } },
    { raw: { hardPodAffinityWeight: 0 }, args: { hardPodAffinityWeight: 0, ignorePreferredTermsOfExistingPods: false } },
    { raw: { hardPodAffinityWeight: 100 }, args: { hardPodAffinityWeight: 100, ignorePreferredTermsOfExistingPods: false } },
    { raw: { ignorePreferredTermsOfExistingPods: true }, args: { hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: true } },
  ])('defaults $raw to $args', ({ raw, args }) => {
    const parsed = InterPodAffinityArgsSchema.safeParse(raw);
    expect(parsed.success && parsed.data).toEqual(args);
  });

  it.each([
    { raw: { hardPodAffinityWeight: 101 }, error: 'pluginConfig[InterPodAffinity].args.hardPodAffinityWeight: Invalid value: 101: not in valid range [0-100]' },
    { raw: { hardPodAffinityWeight: -1 }, error: 'pluginConfig[InterPodAffinity].args.hardPodAffinityWeight: Invalid value: -1: not in valid range [0-100]' },
    { raw: { hardPodAffinityWeight: 1.5 }, error: 'pluginConfig[InterPodAffinity].args.hardPodAffinityWeight:' },
    { raw: { hardPodAffinityWeight: '3' }, error: 'pluginConfig[InterPodAffinity].args.hardPodAffinityWeight:' },
    { raw: { ignorePreferredTermsOfExistingPods: 'yes' }, error: 'pluginConfig[InterPodAffinity].args.ignorePreferredTermsOfExistingPods:' },
    { raw: { hardPodAffinityWieght: 3 }, error: 'pluginConfig[InterPodAffinity].args' },
  ])('rejects $raw', ({ raw, error }) => {
    const registry = new Registry().use(plugin);
    expect(() => registry.parseArgs('InterPodAffinity', raw)).toThrow(error);
  });

  it('takes missing args as all defaults', () => {
    const registry = new Registry().use(plugin);
    expect(registry.parseArgs('InterPodAffinity', undefined)).toEqual({ hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false });
  });
});
