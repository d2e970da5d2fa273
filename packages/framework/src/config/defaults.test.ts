import { describe, expect, it } from 'vitest';
import { mergePlugins, mergePluginSet, withDefaultPluginConfig } from './defaults.js';
import type { PluginSet } from './types.js';

const set = (enabled: string[], disabled: string[] = []): PluginSet => ({
  enabled: enabled.map((entry) => {
    const [name, weight] = entry.split(':');
    return weight === undefined ? { name: name! } : { name: name!, weight: Number(weight) };
  }),
  disabled: disabled.map((name) => ({ name })),
});
const show = (result: PluginSet) => ({
  enabled: result.enabled.map((ref) => (ref.weight === undefined ? ref.name : `${ref.name}:${ref.weight}`)),
  disabled: result.disabled.map((ref) => ref.name),
});

describe('mergePluginSet (kube mergePluginSet)', () => {
  it.each<[string, PluginSet | undefined, PluginSet | undefined, { enabled: string[]; disabled: string[] }]>([
    ['no custom set', set(['A', 'B:2']), undefined, { enabled: ['A', 'B:2'], disabled: [] }],
    ['no defaults', undefined, set(['X'], ['Y']), { enabled: ['X'], disabled: ['Y'] }],
    ['replacement in place', set(['A', 'B:2', 'C']), set(['B:5']), { enabled: ['A', 'B:5', 'C'], disabled: [] }],
    ['appended custom plugins', set(['A']), set(['X:3', 'Y']), { enabled: ['A', 'X:3', 'Y'], disabled: [] }],
    ['disabled names', set(['A', 'B', 'C']), set([], ['B', 'Unknown']), { enabled: ['A', 'C'], disabled: ['B', 'Unknown'] }],
    ['disabled *', set(['A', 'B']), set(['B:4', 'X'], ['*']), { enabled: ['B:4', 'X'], disabled: ['*'] }],
    ['the defaults own disabled list, kept after the custom one', set(['A', 'B'], ['B']), set([], ['C']), { enabled: ['A'], disabled: ['C', 'B'] }],
    ['a custom name given twice replaces with its last entry', set(['A:1', 'B']), set(['A:2', 'A:3']), { enabled: ['A:3', 'B', 'A:2'], disabled: [] }],
  ])('%s', (_case, defaults, custom, expected) => {
    expect(show(mergePluginSet(defaults, custom))).toEqual(expected);
  });

  it('mergePlugins leaves out points empty on both sides and copies the defaults', () => {
    const defaults = { multiPoint: set(['A:2']) };
    const merged = mergePlugins(defaults, { score: set(['C']), filter: set([]) });
    expect(merged).toEqual({ multiPoint: set(['A:2']), score: set(['C']) });
    expect(merged.multiPoint!.enabled[0]).not.toBe(defaults.multiPoint.enabled[0]);
  });
});

describe('withDefaultPluginConfig', () => {
  const defaults = [
    { name: 'B', args: { b: [1] } },
    { name: 'A', args: { a: 1 } },
    { name: 'Off', args: {} },
  ];

  it.each([
    ['adds defaults for enabled plugins in name order', { multiPoint: set(['B', 'A']) }, [], ['A', 'B']],
    ['keeps written entries first', { multiPoint: set(['B', 'A']) }, [{ name: 'B', args: 'mine' }], ['B', 'A']],
    ['counts plugins enabled at any point', { score: set(['B']), filter: set(['A'], ['Off']) }, [], ['A', 'B']],
    ['adds nothing for plugins without default args', { multiPoint: set(['Z']) }, [], []],
  ])('%s', (_case, plugins, written, expected) => {
    expect(withDefaultPluginConfig(plugins, written, defaults).map((entry) => entry.name)).toEqual(expected);
  });

  it('keeps written args as written and deep-copies default args', () => {
    const result = withDefaultPluginConfig({ multiPoint: set(['A', 'B']) }, [{ name: 'A', args: 'mine' }], defaults);
    expect(result).toEqual([
      { name: 'A', args: 'mine' },
      { name: 'B', args: { b: [1] } },
    ]);
    expect(result[1]!.args).not.toBe(defaults[0]!.args);
  });
});
