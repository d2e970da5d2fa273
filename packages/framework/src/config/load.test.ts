import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExtensionPoint } from '../plugins/extension-points.js';
import { ConfigError } from './errors.js';
import { configurationFromDocument, loadConfigurationFile, parseConfiguration } from './load.js';
import { expandPlugins } from './multipoint.js';
import type { PluginConfigEntry, PluginRef, PluginsConfig } from './types.js';

/** kube v1.35's multiPoint defaults (without the volume, DRA and gate plugins). */
const kubeDefaultPlugins: PluginsConfig = {
  multiPoint: {
    enabled: [
      { name: 'PrioritySort' },
      { name: 'NodeUnschedulable' },
      { name: 'NodeName' },
      { name: 'TaintToleration', weight: 3 },
      { name: 'NodeAffinity', weight: 2 },
      { name: 'NodePorts' },
      { name: 'NodeResourcesFit', weight: 1 },
      { name: 'PodTopologySpread', weight: 2 },
      { name: 'InterPodAffinity', weight: 2 },
      { name: 'DefaultPreemption' },
      { name: 'NodeResourcesBalancedAllocation', weight: 1 },
      { name: 'ImageLocality', weight: 1 },
      { name: 'DefaultBinder' },
    ],
    disabled: [],
  },
};

const cpuMemory = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/** kube's defaulted args of those plugins that have args. */
const kubeDefaultPluginConfig: PluginConfigEntry[] = [
  { name: 'DefaultPreemption', args: { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 } },
  { name: 'InterPodAffinity', args: { hardPodAffinityWeight: 1 } },
  { name: 'NodeAffinity', args: {} },
  { name: 'NodeResourcesBalancedAllocation', args: { resources: cpuMemory } },
  { name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'LeastAllocated', resources: cpuMemory } } },
  { name: 'PodTopologySpread', args: { defaultingType: 'System' } },
];

/** The extension points each default plugin implements in kube. */
const kubePluginPoints: Record<string, ExtensionPoint[]> = {
  PrioritySort: ['queueSort'],
  NodeUnschedulable: ['filter'],
  NodeName: ['filter'],
  TaintToleration: ['filter', 'preScore', 'score'],
  NodeAffinity: ['preFilter', 'filter', 'preScore', 'score'],
  NodePorts: ['preFilter', 'filter'],
  NodeResourcesFit: ['preFilter', 'filter', 'preScore', 'score'],
  PodTopologySpread: ['preFilter', 'filter', 'preScore', 'score'],
  InterPodAffinity: ['preFilter', 'filter', 'preScore', 'score'],
  DefaultPreemption: ['postFilter'],
  NodeResourcesBalancedAllocation: ['preScore', 'score'],
  ImageLocality: ['score'],
  DefaultBinder: ['bind'],
};

const implementsKubePoint = (name: string, point: ExtensionPoint) => kubePluginPoints[name]?.includes(point) ?? false;

const header = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';
const withKubeDefaults = { defaultPlugins: kubeDefaultPlugins, defaultPluginConfig: kubeDefaultPluginConfig };

function parse(body: string) {
  return parseConfiguration(header + body, withKubeDefaults);
}

/** The message of the ConfigError `run` throws. */
function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

const names = (refs: readonly PluginRef[] | undefined) => (refs ?? []).map((ref) => (ref.weight === undefined ? ref.name : `${ref.name}:${ref.weight}`));

describe('parseConfiguration: kube v1 defaults', () => {
  it('fills every default of an empty configuration', () => {
    expect(parse('')).toEqual({
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      parallelism: 16,
      percentageOfNodesToScore: 0,
      podInitialBackoffSeconds: 1,
      podMaxBackoffSeconds: 10,
      profiles: [
        {
          schedulerName: 'default-scheduler',
          plugins: kubeDefaultPlugins,
          // kube appends default args in plugin name order.
          pluginConfig: kubeDefaultPluginConfig,
        },
      ],
      pluginPackages: [],
    });
  });

  it.each([
    ['parallelism: 4', { parallelism: 4 }],
    ['percentageOfNodesToScore: 50', { percentageOfNodesToScore: 50 }],
    ['percentageOfNodesToScore: 100', { percentageOfNodesToScore: 100 }],
    ['podInitialBackoffSeconds: 2\npodMaxBackoffSeconds: 2', { podInitialBackoffSeconds: 2, podMaxBackoffSeconds: 2 }],
    ['podMaxBackoffSeconds: 60', { podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 60 }],
    ['parallelism: null', { parallelism: 16 }],
  ])('keeps %j', (body, expected) => {
    expect(parse(body)).toMatchObject(expected);
  });

  it.each([
    ['no profiles', '', ['default-scheduler']],
    ['an empty profile list', 'profiles: []', ['default-scheduler']],
    ['a null profile list', 'profiles:', ['default-scheduler']],
    ['one unnamed profile', 'profiles:\n- percentageOfNodesToScore: 30', ['default-scheduler']],
    ['one named profile', 'profiles:\n- schedulerName: batch', ['batch']],
    ['two named profiles', 'profiles:\n- schedulerName: a\n- schedulerName: b', ['a', 'b']],
  ])('names the profiles of %s', (_case, body, expected) => {
    expect(parse(body).profiles.map((profile) => profile.schedulerName)).toEqual(expected);
  });

  it('keeps a profile percentage and leaves it out when absent', () => {
    const { profiles } = parse('profiles:\n- schedulerName: a\n  percentageOfNodesToScore: 30\n- schedulerName: b');
    expect(profiles[0]!.percentageOfNodesToScore).toBe(30);
    expect(profiles[1]).not.toHaveProperty('percentageOfNodesToScore');
  });

  it('gives each profile its own copy of the defaults', () => {
    const { profiles } = parse('profiles:\n- schedulerName: a\n- schedulerName: b');
    expect(profiles[0]!.plugins).toEqual(profiles[1]!.plugins);
    expect(profiles[0]!.plugins.multiPoint!.enabled[0]).not.toBe(profiles[1]!.plugins.multiPoint!.enabled[0]);
    expect(profiles[0]!.pluginConfig[0]!.args).not.toBe(profiles[1]!.pluginConfig[0]!.args);
    expect(profiles[0]!.pluginConfig[0]!.args).not.toBe(kubeDefaultPluginConfig[0]!.args);
  });

  it('without defaults, keeps the plugins as written', () => {
    const configuration = parseConfiguration(`${header}profiles:\n- plugins:\n    filter:\n      enabled:\n      - name: NodeName\n`);
    expect(configuration.profiles[0]).toEqual({
      schedulerName: 'default-scheduler',
      plugins: { filter: { enabled: [{ name: 'NodeName' }], disabled: [] } },
      pluginConfig: [],
    });
  });
});

describe('parseConfiguration: merge with the default plugins (kube mergePlugins)', () => {
  const defaultNames = names(kubeDefaultPlugins.multiPoint!.enabled);

  it.each([
    ['nothing written keeps the defaults', '', defaultNames],
    [
      'disabled * drops every default',
      'multiPoint:\n  enabled: [{name: PrioritySort}, {name: DefaultBinder}]\n  disabled: [{name: "*"}]',
      ['PrioritySort', 'DefaultBinder'],
    ],
    [
      'a disabled name drops that default',
      'multiPoint:\n  disabled: [{name: ImageLocality}, {name: NodePorts}]',
      defaultNames.filter((name) => name !== 'ImageLocality:1' && name !== 'NodePorts'),
    ],
    [
      'an enabled default is replaced in place with its new weight',
      'multiPoint:\n  enabled: [{name: NodeAffinity, weight: 5}]',
      defaultNames.map((name) => (name === 'NodeAffinity:2' ? 'NodeAffinity:5' : name)),
    ],
    [
      'an enabled default without a weight replaces the default weight',
      'multiPoint:\n  enabled: [{name: TaintToleration}]',
      defaultNames.map((name) => (name === 'TaintToleration:3' ? 'TaintToleration' : name)),
    ],
    [
      'other enabled plugins follow the defaults in written order',
      'multiPoint:\n  enabled: [{name: Gpu, weight: 4}, {name: ImageLocality, weight: 9}, {name: Zone}]',
      [...defaultNames.map((name) => (name === 'ImageLocality:1' ? 'ImageLocality:9' : name)), 'Gpu:4', 'Zone'],
    ],
    [
      'a disabled default enabled again moves to the end',
      'multiPoint:\n  enabled: [{name: NodeName}]\n  disabled: [{name: NodeName}]',
      [...defaultNames.filter((name) => name !== 'NodeName'), 'NodeName'],
    ],
  ])('%s', (_case, plugins, expected) => {
    const body = plugins ? `profiles:\n- plugins:\n${indent(plugins, 4)}` : '';
    expect(names(parse(body).profiles[0]!.plugins.multiPoint?.enabled)).toEqual(expected);
  });

  it('keeps point sets beside the multiPoint defaults, with their disabled lists', () => {
    const { plugins } = parse(
      'profiles:\n- plugins:\n    score:\n      enabled: [{name: NodeAffinity, weight: 5}]\n      disabled: [{name: ImageLocality}]\n    filter:\n      disabled: [{name: "*"}]',
    ).profiles[0]!;
    expect(plugins).toEqual({
      multiPoint: kubeDefaultPlugins.multiPoint,
      filter: { enabled: [], disabled: [{ name: '*' }] },
      score: { enabled: [{ name: 'NodeAffinity', weight: 5 }], disabled: [{ name: 'ImageLocality' }] },
    });
  });
});

describe('parseConfiguration: default plugin args', () => {
  const argNames = (body: string) => parse(body).profiles[0]!.pluginConfig.map((entry) => entry.name);

  it('keeps written args and adds defaults after them for the other enabled plugins, in name order', () => {
    const { pluginConfig } = parse('profiles:\n- pluginConfig:\n  - name: NodeAffinity\n    args: {addedAffinity: {}}').profiles[0]!;
    expect(pluginConfig).toEqual([
      { name: 'NodeAffinity', args: { addedAffinity: {} } },
      ...kubeDefaultPluginConfig.filter((entry) => entry.name !== 'NodeAffinity'),
    ]);
  });

  it.each([
    ['a plugin disabled in multiPoint gets no default args', 'multiPoint:\n  disabled: [{name: InterPodAffinity}]', ['DefaultPreemption', 'NodeAffinity', 'NodeResourcesBalancedAllocation', 'NodeResourcesFit', 'PodTopologySpread']],
    ['disabled * leaves only the args of plugins enabled again', 'multiPoint:\n  enabled: [{name: PrioritySort}, {name: NodeResourcesFit}, {name: DefaultBinder}]\n  disabled: [{name: "*"}]', ['NodeResourcesFit']],
    ['a plugin disabled at one point but enabled by multiPoint keeps its args', 'score:\n  disabled: [{name: "*"}]', kubeDefaultPluginConfig.map((entry) => entry.name)],
    ['a plugin enabled only at a point gets its args', 'multiPoint:\n  disabled: [{name: "*"}]\nscore:\n  enabled: [{name: PodTopologySpread}]', ['PodTopologySpread']],
  ])('%s', (_case, plugins, expected) => {
    expect(argNames(`profiles:\n- plugins:\n${indent(plugins, 4)}`)).toEqual(expected);
  });
});

describe('parseConfiguration then expandPlugins, with kube defaults', () => {
  const expand = (body: string) => expandPlugins(parse(body).profiles[0]!.plugins, implementsKubePoint);
  const list = (plugins: readonly { name: string; weight: number }[]) => plugins.map((p) => `${p.name}:${p.weight}`);

  it('gives kube default profile at every point', () => {
    const expanded = expand('');
    expect(Object.fromEntries(Object.entries(expanded).map(([point, plugins]) => [point, plugins.map((p) => p.name)]))).toEqual({
      preEnqueue: [],
      queueSort: ['PrioritySort'],
      preFilter: ['NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity'],
      filter: ['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity'],
      postFilter: ['DefaultPreemption'],
      preScore: ['TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity', 'NodeResourcesBalancedAllocation'],
      score: ['TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity', 'NodeResourcesBalancedAllocation', 'ImageLocality'],
      reserve: [],
      permit: [],
      preBind: [],
      bind: ['DefaultBinder'],
      postBind: [],
    });
    expect(list(expanded.score)).toEqual([
      'TaintToleration:3',
      'NodeAffinity:2',
      'NodeResourcesFit:1',
      'PodTopologySpread:2',
      'InterPodAffinity:2',
      'NodeResourcesBalancedAllocation:1',
      'ImageLocality:1',
    ]);
  });

  it.each([
    [
      'reweighting at score moves the plugin first there',
      'score:\n  enabled: [{name: NodeAffinity, weight: 5}]',
      ['NodeAffinity:5', 'TaintToleration:3', 'NodeResourcesFit:1', 'PodTopologySpread:2', 'InterPodAffinity:2', 'NodeResourcesBalancedAllocation:1', 'ImageLocality:1'],
    ],
    [
      'reweighting in multiPoint keeps the order',
      'multiPoint:\n  enabled: [{name: NodeAffinity, weight: 5}]',
      ['TaintToleration:3', 'NodeAffinity:5', 'NodeResourcesFit:1', 'PodTopologySpread:2', 'InterPodAffinity:2', 'NodeResourcesBalancedAllocation:1', 'ImageLocality:1'],
    ],
    [
      'enabling at score without a weight gives weight 1',
      'score:\n  enabled: [{name: TaintToleration}]',
      ['TaintToleration:1', 'NodeAffinity:2', 'NodeResourcesFit:1', 'PodTopologySpread:2', 'InterPodAffinity:2', 'NodeResourcesBalancedAllocation:1', 'ImageLocality:1'],
    ],
    ['disabled * at score keeps only what score enables', 'score:\n  enabled: [{name: ImageLocality, weight: 7}]\n  disabled: [{name: "*"}]', ['ImageLocality:7']],
    [
      'a name disabled at score leaves score only',
      'score:\n  disabled: [{name: ImageLocality}, {name: TaintToleration}]',
      ['NodeAffinity:2', 'NodeResourcesFit:1', 'PodTopologySpread:2', 'InterPodAffinity:2', 'NodeResourcesBalancedAllocation:1'],
    ],
  ])('%s', (_case, plugins, expectedScore) => {
    const expanded = expand(`profiles:\n- plugins:\n${indent(plugins, 4)}`);
    expect(list(expanded.score)).toEqual(expectedScore);
    expect(expanded.filter.map((p) => p.name)).toEqual(expand('').filter.map((p) => p.name));
  });
});

describe('parseConfiguration: validation', () => {
  const file = 'scheduler.yaml';
  const fail = (body: string) => errorOf(() => parseConfiguration(header + body, { ...withKubeDefaults, file }));

  it.each([
    ['parallelism: 0', 'parallelism: Invalid value: 0: should be an integer value greater than zero'],
    ['parallelism: -4', 'parallelism: Invalid value: -4: should be an integer value greater than zero'],
    ['percentageOfNodesToScore: 101', 'percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]'],
    ['percentageOfNodesToScore: -1', 'percentageOfNodesToScore: Invalid value: -1: not in valid range [0-100]'],
    ['profiles:\n- percentageOfNodesToScore: 150', 'profiles[0].percentageOfNodesToScore: Invalid value: 150: not in valid range [0-100]'],
    ['podInitialBackoffSeconds: 0', 'podInitialBackoffSeconds: Invalid value: 0: must be greater than 0'],
    ['podInitialBackoffSeconds: 5\npodMaxBackoffSeconds: 4', 'podMaxBackoffSeconds: Invalid value: 4: must be greater than or equal to PodInitialBackoffSeconds'],
    ['podInitialBackoffSeconds: 20', 'podMaxBackoffSeconds: Invalid value: 10: must be greater than or equal to PodInitialBackoffSeconds'],
    ['profiles:\n- schedulerName: ""', 'profiles[0].schedulerName: is required'],
    ['profiles:\n- schedulerName: a\n- {}', 'profiles[1].schedulerName: is required'],
    [
      'profiles:\n- schedulerName: a\n- schedulerName: b\n- schedulerName: a',
      'profiles[2].schedulerName: duplicate scheduler name "a" (also profiles[0].schedulerName)',
    ],
    [
      'profiles:\n- schedulerName: a\n- schedulerName: b\n  plugins:\n    queueSort:\n      enabled: [{name: Fifo}]\n      disabled: [{name: "*"}]',
      'profiles[1].plugins.queueSort: must be the same for all profiles',
    ],
    [
      'profiles:\n- schedulerName: a\n  plugins:\n    queueSort:\n      enabled: [{name: PrioritySort}, {name: Fifo}]',
      'profiles[0].plugins.queueSort.enabled: only one queueSort plugin can be enabled, got 2',
    ],
    [
      'profiles:\n- schedulerName: a\n  plugins: {queueSort: {enabled: [{name: Fifo}]}}\n  pluginConfig: [{name: Fifo, args: {order: asc}}]\n- schedulerName: b\n  plugins: {queueSort: {enabled: [{name: Fifo}]}}\n  pluginConfig: [{name: Fifo, args: {order: desc}}]',
      'profiles[1].pluginConfig[0].args: args of queueSort plugin "Fifo" must be the same for all profiles',
    ],
    [
      'profiles:\n- pluginConfig:\n  - {name: NodeAffinity, args: {}}\n  - {name: NodeAffinity, args: {}}',
      'profiles[0].pluginConfig[1].name: duplicate config for plugin "NodeAffinity" (also pluginConfig[0])',
    ],
    [
      'profiles:\n- plugins:\n    score:\n      enabled: [{name: A}, {name: B, weight: 100}, {name: C, weight: 2147483648}]',
      'profiles[0].plugins.score.enabled[2].weight: Invalid value: 2147483648: must fit in an int32 (at most 2147483647)',
    ],
    ['profiles:\n- plugins:\n    score:\n      enabled: [{name: A, weight: -3}]', 'profiles[0].plugins.score.enabled[0].weight: Invalid value: -3: must be greater than or equal to 0 (0 means 1)'],
    ['profiles:\n- plugins:\n    score:\n      enabled: [{name: A, weight: 1.5}]', 'profiles[0].plugins.score.enabled[0].weight: Invalid value: 1.5: must be an integer'],
    ['profiles:\n- plugins:\n    multiPoint:\n      enabled: [{name: Gpu, weight: -1}]', 'profiles[0].plugins.multiPoint.enabled[0].weight: Invalid value: -1: must be greater than or equal to 0 (0 means 1)'],
    [
      'profiles:\n- plugins:\n    filter:\n      enabled: [{name: NodeName}, {name: NodePorts}, {name: NodeName}]',
      'profiles[0].plugins.filter.enabled[2].name: duplicate plugin "NodeName" (also enabled[0])',
    ],
    [
      'profiles:\n- plugins:\n    multiPoint:\n      enabled: [{name: Gpu}, {name: Gpu}]',
      'profiles[0].plugins.multiPoint.enabled[1].name: duplicate plugin "Gpu" (also enabled[0])',
    ],
    [
      'profiles:\n- plugins:\n    filter:\n      enabled: [{name: EBSLimits}]',
      'profiles[0].plugins.filter.enabled[0].name: plugin "EBSLimits" is no longer valid in kubescheduler.config.k8s.io/v1',
    ],
    [
      'profiles:\n- pluginConfig:\n  - {name: GCEPDLimits, args: {}}',
      'profiles[0].pluginConfig[0].name: plugin "GCEPDLimits" is no longer valid in kubescheduler.config.k8s.io/v1',
    ],
    ['extenders:\n- urlPrefix: http://127.0.0.1:8888/', 'extenders: scheduler extenders are not supported'],
    ['plugins: [a, b, a]', 'plugins[2]: duplicate plugin package "a" (also plugins[0])'],
  ])('%j is rejected', (body, issue) => {
    expect(fail(body)).toBe(`${file}: ${issue}`);
  });

  it('accepts weights 1 and 100 and a weight at other points unchecked', () => {
    expect(() => parse('profiles:\n- plugins:\n    score:\n      enabled: [{name: A, weight: 1}, {name: B, weight: 100}]\n    filter:\n      enabled: [{name: C, weight: 0}]')).not.toThrow();
  });

  it('accepts the same queueSort configuration and args in every profile', () => {
    const body = 'profiles:\n- schedulerName: a\n  pluginConfig: [{name: PrioritySort, args: {x: 1}}]\n- schedulerName: b\n  pluginConfig: [{name: PrioritySort, args: {x: 1}}]';
    expect(parse(body).profiles).toHaveLength(2);
  });

  it('lists every issue, one a line, in document order', () => {
    const message = fail('parallelism: 0\npodInitialBackoffSeconds: 0\nprofiles:\n- schedulerName: a\n  plugins: {score: {enabled: [{name: X, weight: -2}]}}\n- schedulerName: a');
    expect(message.split('\n')).toEqual([
      'scheduler.yaml: parallelism: Invalid value: 0: should be an integer value greater than zero',
      'scheduler.yaml: podInitialBackoffSeconds: Invalid value: 0: must be greater than 0',
      'scheduler.yaml: profiles[0].plugins.score.enabled[0].weight: Invalid value: -2: must be greater than or equal to 0 (0 means 1)',
      'scheduler.yaml: profiles[1].schedulerName: duplicate scheduler name "a" (also profiles[0].schedulerName)',
    ]);
  });

  it('carries the issues and the file on the error', () => {
    try {
      parseConfiguration(`${header}parallelism: 0`, { file });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues).toEqual([{ path: 'parallelism', message: 'Invalid value: 0: should be an integer value greater than zero' }]);
      expect((error as ConfigError).file).toBe(file);
    }
  });

  it('leaves the file out of messages when none is named', () => {
    expect(errorOf(() => parseConfiguration(`${header}parallelism: 0`))).toBe('parallelism: Invalid value: 0: should be an integer value greater than zero');
  });
});

describe('parseConfiguration: document shape', () => {
  const file = 'scheduler.yaml';
  const fail = (text: string) => errorOf(() => parseConfiguration(text, { file }));

  it.each([
    [`${header}leaderElect: true`, 'unknown field "leaderElect"'],
    [`${header}profiles:\n- plugin: {}`, 'profiles[0]: unknown field "plugin"'],
    [`${header}profiles:\n- plugins:\n    scores: {}`, 'profiles[0].plugins: unknown field "scores"'],
    [`${header}profiles:\n- plugins:\n    score:\n      enabled: [{name: A, wieght: 2}]`, 'profiles[0].plugins.score.enabled[0]: unknown field "wieght"'],
    [`${header}parallelism: "16"`, 'parallelism: expected integer, got string "16"'],
    [`${header}parallelism: 1.5`, 'parallelism: expected integer, got number 1.5'],
    [`${header}profiles: {}`, 'profiles: expected array, got object'],
    [`${header}profiles:\n- schedulerName: 7`, 'profiles[0].schedulerName: expected string, got number 7'],
    [`${header}profiles:\n- plugins:\n    score:\n      enabled: [{name: A, weight: high}]`, 'profiles[0].plugins.score.enabled[0].weight: expected number, got string "high"'],
    [`${header}profiles:\n- plugins:\n    filter:\n      enabled: [{weight: 2}]`, 'profiles[0].plugins.filter.enabled[0].name: is required'],
    [`${header}profiles:\n- plugins:\n    filter:\n      disabled: [{name: ""}]`, 'profiles[0].plugins.filter.disabled[0].name: must not be empty'],
    [`${header}profiles:\n- pluginConfig: [{args: {}}]`, 'profiles[0].pluginConfig[0].name: is required'],
    [`${header}enableProfiling: "yes"`, 'enableProfiling: expected boolean, got string "yes"'],
    [`${header}plugins: [3]`, 'plugins[0]: expected a package specifier or a [specifier, options] pair'],
    [`${header}plugins: [[a]]`, 'plugins[0]: expected a package specifier or a [specifier, options] pair'],
    ['kind: KubeSchedulerConfiguration\n', 'apiVersion: is required'],
    [
      'apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n',
      'apiVersion: must be "kubescheduler.config.k8s.io/v1", got string "kubescheduler.config.k8s.io/v1beta3"',
    ],
    ['apiVersion: kubescheduler.config.k8s.io/v1\n', 'kind: is required'],
    ['apiVersion: kubescheduler.config.k8s.io/v1\nkind: Pod\n', 'kind: must be "KubeSchedulerConfiguration", got string "Pod"'],
    ['- a\n- b\n', 'expected object, got array'],
    ['', 'the configuration is empty'],
    ['# nothing here\n', 'the configuration is empty'],
  ])('%j is rejected', (text, issue) => {
    expect(fail(text)).toBe(`${file}: ${issue}`);
  });

  it('accepts and ignores kube process settings', () => {
    const configuration = parseConfiguration(
      `${header}leaderElection:\n  leaderElect: false\nclientConnection:\n  kubeconfig: /etc/kubernetes/scheduler.conf\nenableProfiling: true\nenableContentionProfiling: false\nhealthzBindAddress: ""\nmetricsBindAddress: ""\ndelayCacheUntilActive: false\nextenders: []\n`,
    );
    expect(Object.keys(configuration).sort()).toEqual([
      'apiVersion',
      'kind',
      'parallelism',
      'percentageOfNodesToScore',
      'pluginPackages',
      'podInitialBackoffSeconds',
      'podMaxBackoffSeconds',
      'profiles',
    ]);
  });

  it('reads plugin packages as specifiers or [specifier, options] pairs', () => {
    const configuration = parseConfiguration(`${header}plugins:\n- "@acme/schedkit-plugin-gpu"\n- ["./local-plugin.js", {slots: 2}]\n- ["./other.js", null]\n`);
    expect(configuration.pluginPackages).toEqual([
      { specifier: '@acme/schedkit-plugin-gpu' },
      { specifier: './local-plugin.js', options: { slots: 2 } },
      { specifier: './other.js', options: null },
    ]);
  });

  it('reports several shape issues at once', () => {
    expect(fail(`${header}parallelism: x\nfoo: 1\nbar: 2`).split('\n')).toEqual([
      'scheduler.yaml: parallelism: expected integer, got string "x"',
      'scheduler.yaml: unknown field "foo"',
      'scheduler.yaml: unknown field "bar"',
    ]);
  });
});

describe('parseConfiguration: YAML and JSON text', () => {
  const file = 'scheduler.yaml';

  it.each([
    [`${header}profiles:\n- schedulerName: a\n   plugins: {}\n`, [
        // The value `a` of line 4 is where the over-indented key turns it into a mapping.
        'scheduler.yaml: line 4, column 18: Nested mappings are not allowed in compact mappings',
        'scheduler.yaml: line 4, column 18: Implicit keys need to be on a single line',
      ].join('\n'),
    ],
    [`${header}profiles: [a, b\nparallelism: 3\n`, 'scheduler.yaml: line 4, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    [`${header}parallelism: 3\nparallelism: 4\n`, 'scheduler.yaml: line 4, column 1: Map keys must be unique'],
    [`${header}---\n${header}`, 'scheduler.yaml: line 3, column 1: a configuration holds a single document'],
    ['{"apiVersion": "kubescheduler.config.k8s.io/v1",, "kind": "KubeSchedulerConfiguration"}', 'scheduler.yaml: line 1, column 49: Unexpected , in flow map'],
  ])('reports a syntax error with its line and column: %j', (text, message) => {
    expect(errorOf(() => parseConfiguration(text, { file }))).toBe(message);
  });

  it('reads JSON as it reads the same YAML', () => {
    const json = JSON.stringify(
      {
        apiVersion: 'kubescheduler.config.k8s.io/v1',
        kind: 'KubeSchedulerConfiguration',
        parallelism: 8,
        profiles: [
          {
            schedulerName: 'json',
            plugins: { score: { enabled: [{ name: 'NodeAffinity', weight: 5 }] }, multiPoint: { disabled: [{ name: 'ImageLocality' }] } },
            pluginConfig: [{ name: 'NodeAffinity', args: { addedAffinity: null } }],
          },
        ],
        plugins: ['@acme/gpu'],
      },
      null,
      '\t',
    );
    const yaml = `${header}parallelism: 8\nprofiles:\n- schedulerName: json\n  plugins:\n    score:\n      enabled: [{name: NodeAffinity, weight: 5}]\n    multiPoint:\n      disabled: [{name: ImageLocality}]\n  pluginConfig:\n  - name: NodeAffinity\n    args: {addedAffinity: null}\nplugins: ["@acme/gpu"]\n`;
    const fromJson = parseConfiguration(json, withKubeDefaults);
    expect(fromJson).toEqual(parseConfiguration(yaml, withKubeDefaults));
    expect(fromJson.parallelism).toBe(8);
    expect(names(fromJson.profiles[0]!.plugins.score?.enabled)).toEqual(['NodeAffinity:5']);
  });

  it('builds the same configuration from a parsed object', () => {
    const document = { apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', parallelism: 2 };
    expect(configurationFromDocument(document, withKubeDefaults)).toEqual(parse('parallelism: 2'));
  });
});

describe('loadConfigurationFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'schedkit-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file and records its absolute path', async () => {
    const path = join(dir, 'scheduler.yaml');
    writeFileSync(path, `${header}parallelism: 3\n`);
    const configuration = await loadConfigurationFile(path, withKubeDefaults);
    expect(configuration.sourcePath).toBe(path);
    expect(configuration.parallelism).toBe(3);
    expect(configuration.profiles[0]!.pluginConfig).toEqual(kubeDefaultPluginConfig);
  });

  it('resolves a relative path for sourcePath and names the file as given in errors', async () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(good, header);
    const configuration = await loadConfigurationFile(relative(process.cwd(), good));
    expect(configuration.sourcePath).toBe(good);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `${header}parallelism: 0\n`);
    const relativeBad = relative(process.cwd(), bad);
    await expect(loadConfigurationFile(relativeBad)).rejects.toThrow(`${relativeBad}: parallelism: Invalid value: 0: should be an integer value greater than zero`);
  });

  it.each([
    ['a missing file', 'missing.yaml', 'file not found'],
    ['a directory', '.', 'cannot read file: it is a directory'],
  ])('names the file when it cannot read %s', async (_case, name, problem) => {
    const path = join(dir, name);
    const failure = loadConfigurationFile(path);
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(`${path}: ${problem}`);
  });

  it('reports a syntax error in the file with the file name, line and column', async () => {
    const path = join(dir, 'syntax.yaml');
    writeFileSync(path, `${header}parallelism: [\n`);
    await expect(loadConfigurationFile(path)).rejects.toThrow(`${path}: line 4, column 1:`);
  });
});

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => ' '.repeat(spaces) + line)
    .join('\n');
}
