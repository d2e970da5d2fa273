import { describe, expect, it } from 'vitest';
import { PodTopologySpreadArgsSchema, systemDefaultConstraints } from './args.js';

describe('PodTopologySpreadArgsSchema', () => {
  it('defaults to System defaulting without constraints', () => {
    expect(PodTopologySpreadArgsSchema.parse({})).toEqual({ defaultingType: 'System', defaultConstraints: [] });
  });

  it('System defaults are hostname maxSkew 3 and zone maxSkew 5, ScheduleAnyway', () => {
    expect(systemDefaultConstraints).toEqual([
      { topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
      { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
    ]);
  });

  it('accepts List defaulting with constraints', () => {
    const args = {
      defaultingType: 'List',
      defaultConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', minDomains: 2 }],
    };
    expect(PodTopologySpreadArgsSchema.parse(args)).toEqual(args);
  });

  const zone = 'topology.kubernetes.io/zone';
  it.each([
    { name: 'System with constraints', args: { defaultConstraints: [{ maxSkew: 1, topologyKey: zone, whenUnsatisfiable: 'DoNotSchedule' }] }, path: 'defaultingType', message: 'when .defaultConstraints are not empty' },
    { name: 'unknown defaulting type', args: { defaultingType: 'Other' }, path: 'defaultingType', message: 'supported values: "System", "List"' },
    {
      name: 'maxSkew 0',
      args: { defaultingType: 'List', defaultConstraints: [{ maxSkew: 0, topologyKey: zone, whenUnsatisfiable: 'DoNotSchedule' }] },
      path: 'defaultConstraints.0.maxSkew',
      message: 'not in valid range (0, inf)',
    },
    {
      name: 'empty topologyKey',
      args: { defaultingType: 'List', defaultConstraints: [{ maxSkew: 1, topologyKey: '', whenUnsatisfiable: 'DoNotSchedule' }] },
      path: 'defaultConstraints.0.topologyKey',
      message: 'can not be empty',
    },
    {
      name: 'a selector',
      args: {
        defaultingType: 'List',
        defaultConstraints: [{ maxSkew: 1, topologyKey: zone, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { a: 'b' } } }],
      },
      path: 'defaultConstraints.0.labelSelector',
      message: 'constraint must not define a selector, as they deduced for each pod',
    },
    {
      name: 'a duplicate {topologyKey, whenUnsatisfiable}',
      args: {
        defaultingType: 'List',
        defaultConstraints: [
          { maxSkew: 1, topologyKey: zone, whenUnsatisfiable: 'DoNotSchedule' },
          { maxSkew: 2, topologyKey: zone, whenUnsatisfiable: 'DoNotSchedule' },
        ],
      },
      path: 'defaultConstraints.1',
      message: `Duplicate value: "{${zone}, DoNotSchedule}"`,
    },
  ])('rejects $name', ({ args, path, message }) => {
    const result = PodTopologySpreadArgsSchema.safeParse(args);
    expect(result.success).toBe(false);
    const issues = result.success ? [] : result.error.issues.map((issue) => [issue.path.join('.'), issue.message]);
    expect(issues).toContainEqual([path, message]);
  });
});
