import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { checkKnownPlugins, closestName, unimplementedPluginsIn, unimplementedPluginsWarning, withoutUnimplementedPlugins } from './known-plugins.js';
import { parseConfiguration } from './load.js';

const header = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as ConfigError).message;
  }
  throw new Error('expected an error');
}

describe('configurations as kube-scheduler v1.35 loads them', () => {
  it('accepts plugin args that carry apiVersion and kind (as --write-config-to writes them) and hands plugins the fields only', () => {
    const configuration = parseConfiguration(
      `${header}profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      apiVersion: kubescheduler.config.k8s.io/v1\n      kind: NodeResourcesFitArgs\n      scoringStrategy: {type: MostAllocated}\n`,
    );
    expect(configuration.profiles[0]!.pluginConfig).toEqual([{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }]);
  });

  it('refuses args whose kind is another plugin\'s, naming both', () => {
    const message = errorOf(() =>
      parseConfiguration(`${header}profiles:\n- pluginConfig:\n  - name: NodeAffinity\n    args: {apiVersion: kubescheduler.config.k8s.io/v1, kind: NodeResourcesFitArgs}\n`),
    );
    expect(message).toBe('profiles[0].pluginConfig[0].args.kind: args of kind "NodeResourcesFitArgs" do not match plugin "NodeAffinity" (its args are NodeAffinityArgs)');
  });

  it('reads score weight 0 as kube does (it means 1) and accepts any positive int32', () => {
    const configuration = parseConfiguration(`${header}profiles:\n- plugins:\n    score:\n      enabled: [{name: A, weight: 0}, {name: B, weight: 1000}, {name: C, weight: 2147483647}]\n`);
    expect(configuration.profiles[0]!.plugins.score!.enabled.map((ref) => ref.weight)).toEqual([0, 1000, 2147483647]);
  });

  it('validates the global settings with kube messages', () => {
    expect(errorOf(() => parseConfiguration(`${header}parallelism: 0\n`))).toBe('parallelism: Invalid value: 0: should be an integer value greater than zero');
    expect(errorOf(() => parseConfiguration(`${header}percentageOfNodesToScore: 120\n`))).toBe('percentageOfNodesToScore: Invalid value: 120: not in valid range [0-100]');
    const several = parseConfiguration(`${header}percentageOfNodesToScore: 30\npodInitialBackoffSeconds: 2\npodMaxBackoffSeconds: 20\nparallelism: 4\nprofiles:\n- schedulerName: a\n- schedulerName: b\n`);
    expect(several).toMatchObject({ percentageOfNodesToScore: 30, podInitialBackoffSeconds: 2, podMaxBackoffSeconds: 20, parallelism: 4 });
    expect(several.profiles.map((p) => p.schedulerName)).toEqual(['a', 'b']);
  });

  it('applies the v1 defaults kube applies', () => {
    expect(parseConfiguration(header)).toMatchObject({ parallelism: 16, percentageOfNodesToScore: 0, podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 10 });
  });
});

describe('kube plugins schedkit does not have yet', () => {
  const configuration = parseConfiguration(
    `${header}profiles:\n- plugins:\n    multiPoint:\n      enabled: [{name: VolumeBinding}, {name: NodeAffinity}]\n    filter:\n      enabled: [{name: VolumeZone}, {name: NodeVolumeLimits}]\n  pluginConfig:\n  - name: VolumeBinding\n    args: {bindTimeoutSeconds: 600}\n`,
  );
  const registered = new Set(['NodeAffinity']);

  it('are found once each, and not once a registry has them', () => {
    expect(unimplementedPluginsIn(configuration, (name) => registered.has(name))).toEqual(['NodeVolumeLimits', 'VolumeBinding', 'VolumeZone']);
    expect(unimplementedPluginsIn(configuration, (name) => name === 'VolumeBinding' || registered.has(name))).toEqual(['NodeVolumeLimits', 'VolumeZone']);
    expect(unimplementedPluginsWarning(['VolumeBinding'])).toMatch(/^kube plugins schedkit does not have yet are left out: VolumeBinding; decisions ignore/);
    expect(unimplementedPluginsWarning([])).toBeUndefined();
  });

  it('are left out of the profile, args included, so that it builds', () => {
    const profile = withoutUnimplementedPlugins(configuration.profiles[0]!, (name) => registered.has(name));
    expect(profile.plugins.multiPoint!.enabled.map((ref) => ref.name)).toEqual(['NodeAffinity']);
    expect(profile.plugins.filter!.enabled).toEqual([]);
    expect(profile.pluginConfig).toEqual([]);
    expect(checkKnownPlugins(profile, (name) => registered.has(name), 0)).toEqual([]);
  });

  it('leave a name kube does not know an error, with the closest known name suggested', () => {
    const typo = parseConfiguration(`${header}profiles:\n- plugins:\n    filter:\n      enabled: [{name: NodeAfinity}]\n`);
    expect(checkKnownPlugins(typo.profiles[0]!, (name) => registered.has(name), 0, [...registered])).toEqual([
      { path: 'profiles[0].plugins.filter.enabled[0].name', message: 'unknown plugin "NodeAfinity" (did you mean "NodeAffinity"?)' },
    ]);
    expect(closestName('Zzzzzzzz', ['NodeAffinity'])).toBeUndefined();
  });
});
