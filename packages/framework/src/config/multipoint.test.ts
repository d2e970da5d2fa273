import { describe, expect, it } from 'vitest';
import type { ExtensionPoint } from '../plugins/extension-points.js';
import { ConfigError } from './errors.js';
import { parseConfiguration } from './load.js';
import { type ExpandedPlugins, expandPlugins, validateCommonQueueSort, validateExpanded } from './multipoint.js';
import type { PluginConfigEntry, PluginRef, PluginSet, PluginsConfig } from './types.js';

const points: Record<string, ExtensionPoint[]> = {
  A: ['filter', 'score'],
  B: ['filter', 'score'],
  C: ['score'],
  P: ['preFilter', 'filter'],
  Q: ['queueSort'],
  Q2: ['queueSort'],
  D: ['bind'],
  D2: ['bind'],
};
const implementsPoint = (name: string, point: ExtensionPoint) => points[name]?.includes(point) ?? false;

const set = (enabled: PluginRef[], disabled: string[] = []): PluginSet => ({ enabled, disabled: disabled.map((name) => ({ name })) });
const at = (expanded: ExpandedPlugins, point: ExtensionPoint) => expanded[point].map((p) => `${p.name}:${p.weight}`);

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('expandPlugins (kube expandMultiPointPlugins)', () => {
  const multiPoint = set([{ name: 'A', weight: 2 }, { name: 'B', weight: 3 }, { name: 'C' }, { name: 'P' }, { name: 'Q' }, { name: 'D' }]);

  it.each<[string, PluginsConfig, Partial<Record<ExtensionPoint, string[]>>]>([
    [
      'multiPoint alone: each point runs the multiPoint plugins that implement it, in order',
      { multiPoint },
      { preFilter: ['P:1'], filter: ['A:2', 'B:3', 'P:1'], score: ['A:2', 'B:3', 'C:1'], queueSort: ['Q:1'], bind: ['D:1'], reserve: [] },
    ],
    [
      'a point entry for a multiPoint plugin wins there: it comes first, with its weight',
      { multiPoint, score: set([{ name: 'B', weight: 7 }]) },
      { score: ['B:7', 'A:2', 'C:1'], filter: ['A:2', 'B:3', 'P:1'] },
    ],
    [
      'a point entry without a weight overrides the multiPoint weight with 1',
      { multiPoint, score: set([{ name: 'B' }]) },
      { score: ['B:1', 'A:2', 'C:1'] },
    ],
    [
      'point entries not in multiPoint come after the multiPoint plugins',
      { multiPoint: set([{ name: 'A' }, { name: 'B' }]), score: set([{ name: 'C', weight: 4 }]) },
      { score: ['A:1', 'B:1', 'C:4'] },
    ],
    [
      'overrides first in point order, then multiPoint, then the other point entries',
      { multiPoint: set([{ name: 'A', weight: 2 }, { name: 'B', weight: 3 }]), score: set([{ name: 'C', weight: 5 }, { name: 'B', weight: 9 }]) },
      { score: ['B:9', 'A:2', 'C:5'] },
    ],
    [
      'several overrides keep the point order, not the multiPoint order',
      { multiPoint, score: set([{ name: 'C', weight: 6 }, { name: 'A', weight: 8 }]) },
      { score: ['C:6', 'A:8', 'B:3'] },
    ],
    ['a name disabled at a point drops it there only', { multiPoint, filter: set([], ['A']) }, { filter: ['B:3', 'P:1'], score: ['A:2', 'B:3', 'C:1'] }],
    ['disabled * at a point keeps only that point own entries', { multiPoint, score: set([{ name: 'C', weight: 4 }], ['*']) }, { score: ['C:4'], filter: ['A:2', 'B:3', 'P:1'] }],
    ['disabled * with nothing enabled empties the point', { multiPoint, filter: set([], ['*']) }, { filter: [], preFilter: ['P:1'] }],
    ['a weight of 0 reads as 1', { multiPoint: set([{ name: 'C', weight: 0 }]) }, { score: ['C:1'] }],
    ['a multiPoint name that implements nothing (unknown) is skipped', { multiPoint: set([{ name: 'Unknown' }, { name: 'A' }]) }, { filter: ['A:1'], score: ['A:1'] }],
    [
      'a multiPoint duplicate is no error where a point entry overrides it or it is disabled',
      { multiPoint: set([{ name: 'A' }, { name: 'A' }]), filter: set([], ['A']), score: set([{ name: 'A', weight: 2 }]) },
      { filter: [], score: ['A:2'] },
    ],
    ['without multiPoint, the point lists stand', { filter: set([{ name: 'B' }, { name: 'A' }]) }, { filter: ['B:1', 'A:1'], score: [] }],
  ])('%s', (_case, plugins, expected) => {
    const expanded = expandPlugins(plugins, implementsPoint);
    for (const [point, list] of Object.entries(expected) as [ExtensionPoint, string[]][]) {
      expect(at(expanded, point), point).toEqual(list);
    }
  });

  it.each<[string, PluginsConfig, string[]]>([
    [
      'a point entry that does not implement the point',
      { filter: set([{ name: 'A' }, { name: 'C' }]) },
      ['plugins.filter.enabled[1].name: plugin "C" does not implement the filter extension point'],
    ],
    [
      'a plugin enabled twice at a point',
      { score: set([{ name: 'C' }, { name: 'A' }, { name: 'C' }]) },
      ['plugins.score.enabled[2].name: duplicate plugin "C" (also plugins.score.enabled[0])'],
    ],
    [
      'a multiPoint plugin enabled twice, reported once though it runs at two points',
      { multiPoint: set([{ name: 'A' }, { name: 'B' }, { name: 'A' }]) },
      ['plugins.multiPoint.enabled[2].name: duplicate plugin "A" (also plugins.multiPoint.enabled[0])'],
    ],
  ])('rejects %s', (_case, plugins, expected) => {
    expect(issuesOf(() => expandPlugins(plugins, implementsPoint))).toEqual(expected);
  });

  it('prefixes issue paths with the given path', () => {
    expect(issuesOf(() => expandPlugins({ bind: set([{ name: 'Q' }]) }, implementsPoint, 'profiles[2].plugins'))).toEqual([
      'profiles[2].plugins.bind.enabled[0].name: plugin "Q" does not implement the bind extension point',
    ]);
  });

  it('names entries read from a file by their path in the file, not their merged position', () => {
    // The default P comes first at filter, so C is enabled[2] once merged but enabled[1] in the file.
    const defaults: PluginsConfig = { multiPoint: set([{ name: 'Q' }, { name: 'D' }]), filter: set([{ name: 'P' }]) };
    const text = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- plugins:
    filter:
      enabled: [{name: A}, {name: C}]
`;
    const { plugins } = parseConfiguration(text, { defaultPlugins: defaults }).profiles[0]!;
    expect(plugins.filter?.enabled.map((ref) => ref.name)).toEqual(['P', 'A', 'C']);
    expect(issuesOf(() => expandPlugins(plugins, implementsPoint, 'ignored'))).toEqual([
      'profiles[0].plugins.filter.enabled[1].name: plugin "C" does not implement the filter extension point',
    ]);
  });
});

describe('validateExpanded', () => {
  const expand = (plugins: PluginsConfig) => expandPlugins(plugins, implementsPoint);

  it('accepts one queueSort plugin and one or more binders', () => {
    expect(() => validateExpanded(expand({ multiPoint: set([{ name: 'Q' }, { name: 'D' }, { name: 'D2' }]) }))).not.toThrow();
  });

  it.each<[string, PluginsConfig, string[]]>([
    ['no queueSort plugin', { multiPoint: set([{ name: 'D' }]) }, ['profiles[0].plugins.queueSort: no queueSort plugin is enabled']],
    [
      'two queueSort plugins',
      { multiPoint: set([{ name: 'Q' }, { name: 'D' }]), queueSort: set([{ name: 'Q2' }]) },
      ['profiles[0].plugins.queueSort: only one queueSort plugin can be enabled, got 2: Q, Q2'],
    ],
    ['no bind plugin', { multiPoint: set([{ name: 'Q' }, { name: 'D' }]), bind: set([], ['D']) }, ['profiles[0].plugins.bind: at least one bind plugin must be enabled']],
    [
      'neither',
      { multiPoint: set([{ name: 'A' }]) },
      ['profiles[0].plugins.queueSort: no queueSort plugin is enabled', 'profiles[0].plugins.bind: at least one bind plugin must be enabled'],
    ],
  ])('rejects %s', (_case, plugins, expected) => {
    expect(issuesOf(() => validateExpanded(expand(plugins), 'profiles[0].plugins'))).toEqual(expected);
  });
});

describe('validateCommonQueueSort', () => {
  const profile = (queueSort: string, pluginConfig: PluginConfigEntry[] = []) => ({
    expanded: expandPlugins({ multiPoint: set([{ name: queueSort }, { name: 'D' }]) }, implementsPoint),
    pluginConfig,
  });

  it.each([
    ['one profile', [profile('Q')]],
    ['the same plugin everywhere', [profile('Q'), profile('Q'), profile('Q')]],
    ['the same args', [profile('Q', [{ name: 'Q', args: { a: [1] } }]), profile('Q', [{ name: 'Q', args: { a: [1] } }])]],
    ['args of other plugins differing', [profile('Q', [{ name: 'D', args: 1 }]), profile('Q', [{ name: 'D', args: 2 }])]],
  ])('accepts %s', (_case, profiles) => {
    expect(() => validateCommonQueueSort(profiles)).not.toThrow();
  });

  it.each([
    [
      'a different plugin',
      [profile('Q'), profile('Q'), profile('Q2')],
      ['profiles[2].plugins.queueSort: queueSort plugin must be the same for all profiles: profiles[0] uses "Q", this one "Q2"'],
    ],
    [
      'different args',
      [profile('Q', [{ name: 'Q', args: { a: 1 } }]), profile('Q', [{ name: 'Q', args: { a: 2 } }])],
      ['profiles[1].pluginConfig: args of queueSort plugin "Q" must be the same for all profiles'],
    ],
    [
      'args in one profile only',
      [profile('Q', [{ name: 'Q', args: { a: 1 } }]), profile('Q')],
      ['profiles[1].pluginConfig: args of queueSort plugin "Q" must be the same for all profiles'],
    ],
  ])('rejects %s', (_case, profiles, expected) => {
    expect(issuesOf(() => validateCommonQueueSort(profiles))).toEqual(expected);
  });
});
