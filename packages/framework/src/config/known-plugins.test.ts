import { describe, expect, it } from 'vitest';
import { formatIssue } from './errors.js';
import { pluginSourcesReminder } from '../registry/authoring-errors.js';
import { checkKnownPlugins } from './known-plugins.js';
import { parseConfiguration } from './load.js';
import type { PluginsConfig, ProfileConfig } from './types.js';

const defaultPlugins: PluginsConfig = {
  multiPoint: { enabled: [{ name: 'PrioritySort' }, { name: 'NodeAffinity', weight: 2 }, { name: 'DefaultBinder' }], disabled: [] },
};
const defaultPluginConfig = [{ name: 'NodeAffinity', args: {} }];
const registered = new Set(['PrioritySort', 'NodeAffinity', 'DefaultBinder', 'ImageLocality']);

const header = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';
const lines = (profile: ProfileConfig, isKnown: (name: string) => boolean, index = 0) =>
  checkKnownPlugins(profile, { has: isKnown, names: () => [...registered] }, index).map((issue) => formatIssue(issue));

describe('checkKnownPlugins', () => {
  it('reports nothing when every name is registered', () => {
    const { profiles } = parseConfiguration(`${header}profiles:\n- plugins:\n    score:\n      enabled: [{name: ImageLocality}]\n`, {
      defaultPlugins,
      defaultPluginConfig,
    });
    expect(lines(profiles[0]!, (name) => registered.has(name))).toEqual([]);
  });

  it('names unknown entries of a file by their path in the file', () => {
    const text = `${header}profiles:
- schedulerName: a
- schedulerName: b
  plugins:
    multiPoint:
      enabled: [{name: Gpu, weight: 3}]
      disabled: [{name: Missing}]
    score:
      enabled: [{name: ImageLocality}, {name: Spread}]
  pluginConfig:
  - {name: NodeAffinity, args: {}}
  - {name: GpuArgs, args: {slots: 1}}
`;
    const { profiles } = parseConfiguration(text, { defaultPlugins, defaultPluginConfig });
    // Merged, Gpu follows the three defaults: multiPoint.enabled[3]; the file has it at enabled[0].
    expect(profiles[1]!.plugins.multiPoint!.enabled[3]!.name).toBe('Gpu');
    expect(lines(profiles[1]!, (name) => registered.has(name), 1)).toEqual([
      `profiles[1].plugins.multiPoint.enabled[0].name: unknown plugin "Gpu" (${pluginSourcesReminder})`,
      `profiles[1].plugins.score.enabled[1].name: unknown plugin "Spread" (${pluginSourcesReminder})`,
      `profiles[1].pluginConfig[1].name: unknown plugin "GpuArgs" (${pluginSourcesReminder})`,
    ]);
  });

  it('reports a default plugin missing from the registry once per point, not its args', () => {
    const { profiles } = parseConfiguration(header, { defaultPlugins, defaultPluginConfig });
    expect(lines(profiles[0]!, (name) => name !== 'NodeAffinity')).toEqual([
      `profiles[0].plugins.multiPoint: unknown plugin "NodeAffinity" (enabled by the default plugins) (${pluginSourcesReminder})`,
    ]);
  });

  it('names entries built in code by their position', () => {
    const profile: ProfileConfig = {
      schedulerName: 'code',
      plugins: {
        multiPoint: { enabled: [{ name: 'PrioritySort' }, { name: 'X' }], disabled: [] },
        bind: { enabled: [{ name: 'DefaultBinder' }, { name: 'Y' }], disabled: [{ name: 'Z' }] },
      },
      pluginConfig: [{ name: 'X', args: null }],
    };
    expect(lines(profile, (name) => registered.has(name), 4)).toEqual([
      `profiles[4].plugins.multiPoint.enabled[1].name: unknown plugin "X" (${pluginSourcesReminder})`,
      `profiles[4].plugins.bind.enabled[1].name: unknown plugin "Y" (${pluginSourcesReminder})`,
      `profiles[4].pluginConfig[0].name: unknown plugin "X" (${pluginSourcesReminder})`,
    ]);
  });

  it('suggests the closest registered name for a misspelt one', () => {
    const { profiles } = parseConfiguration(`${header}profiles:\n- plugins:\n    score:\n      enabled: [{name: ImageLocalty}]\n`, { defaultPlugins, defaultPluginConfig });
    expect(lines(profiles[0]!, (name) => registered.has(name))).toEqual([
      `profiles[0].plugins.score.enabled[0].name: unknown plugin "ImageLocalty": did you mean "ImageLocality"? (${pluginSourcesReminder})`,
    ]);
  });
});
