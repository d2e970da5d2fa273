import { definePlugin, inject, injectable, type NodeInfo, Tokens } from '@schedkit/framework';
import { makeNode, makePod, schedulePods } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { defaultPreset } from './preset.js';

/** Prefers nodes labelled `tier=<args.tier>`. */
@injectable()
class PreferTier {
  readonly name = 'PreferTier';
  constructor(@inject(Tokens.Args) private readonly args: { tier: string }) {}
  score(_state: unknown, _pod: unknown, nodeInfo: NodeInfo): number {
    return nodeInfo.node?.metadata.labels?.tier === this.args.tier ? 100 : 0;
  }
}
const plugin = definePlugin({
  packageName: '@acme/prefer-tier',
  name: 'PreferTier',
  frameworkRange: '*',
  args: { safeParse: (input: unknown) => ({ success: true as const, data: { tier: String((input as { tier?: string }).tier ?? 'gold') } }) },
  plugin: PreferTier,
});

const nodes = ['a', 'b', 'c'].map((name) => makeNode(name).label('tier', name === 'c' ? 'gold' : 'bronze').capacity({ cpu: '4', memory: '8Gi', pods: '10' }));
const pods = [makePod('web-1').req({ cpu: '1' }), makePod('web-2').req({ cpu: '1' }), makePod('huge').req({ cpu: '8' })];

describe('schedulePods with defaultPreset', () => {
  it('schedules with the default profile alone: spread by the default scores', async () => {
    const { placements, unschedulable } = await schedulePods({ preset: defaultPreset, nodes }, pods);
    // The default scores spread the two web pods; no node has 8 cpus.
    expect(placements.huge).toBeNull();
    expect(new Set([placements['web-1'], placements['web-2']]).size).toBe(2);
    expect(unschedulable.huge).toMatch(/^0\/3 nodes are available: 3 Insufficient cpu\./);
  });

  it('shows a plugin among the default plugins changing placement', async () => {
    const { placements } = await schedulePods({ preset: defaultPreset, plugins: [plugin], enable: [{ name: 'PreferTier', weight: 10 }], nodes }, pods);
    expect(placements).toEqual({ 'web-1': 'c', 'web-2': 'c', huge: null });
  });

  it("passes the plugin's args", async () => {
    const { placements } = await schedulePods(
      { preset: defaultPreset, plugins: [plugin], enable: [{ name: 'PreferTier', weight: 10, args: { tier: 'bronze' } }], nodes },
      pods.slice(0, 1),
    );
    expect(['a', 'b']).toContain(placements['web-1']);
  });
});
