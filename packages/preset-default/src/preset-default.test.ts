import { ConfigError, Framework, Registry, RegistryError } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { defaultConfiguration, defaultPluginConfig, defaultPluginModules, defaultPlugins, loadDefaultConfiguration, registerDefaultPlugins } from './index.js';

/** kube v1.35's getDefaultPlugins multiPoint list without DynamicResources: name and score weight. */
const kubeDefaultMultiPoint = [
  ['SchedulingGates', undefined],
  ['PrioritySort', undefined],
  ['NodeUnschedulable', undefined],
  ['NodeName', undefined],
  ['TaintToleration', 3],
  ['NodeAffinity', 2],
  ['NodePorts', undefined],
  ['NodeResourcesFit', 1],
  ['VolumeRestrictions', undefined],
  ['NodeVolumeLimits', undefined],
  ['VolumeBinding', undefined],
  ['VolumeZone', undefined],
  ['PodTopologySpread', 2],
  ['InterPodAffinity', 2],
  ['DefaultPreemption', undefined],
  ['NodeResourcesBalancedAllocation', 1],
  ['ImageLocality', 1],
  ['DefaultBinder', undefined],
] as const;

/** What kube's default profile runs at each extension point once multiPoint is expanded (DynamicResources left out). */
const kubeDefaultPoints = {
  preEnqueue: [{ name: 'SchedulingGates' }],
  queueSort: [{ name: 'PrioritySort' }],
  preFilter: [
    { name: 'NodeAffinity' },
    { name: 'NodePorts' },
    { name: 'NodeResourcesFit' },
    { name: 'VolumeRestrictions' },
    { name: 'NodeVolumeLimits' },
    { name: 'VolumeBinding' },
    { name: 'VolumeZone' },
    { name: 'PodTopologySpread' },
    { name: 'InterPodAffinity' },
  ],
  filter: [
    { name: 'NodeUnschedulable' },
    { name: 'NodeName' },
    { name: 'TaintToleration' },
    { name: 'NodeAffinity' },
    { name: 'NodePorts' },
    { name: 'NodeResourcesFit' },
    { name: 'VolumeRestrictions' },
    { name: 'NodeVolumeLimits' },
    { name: 'VolumeBinding' },
    { name: 'VolumeZone' },
    { name: 'PodTopologySpread' },
    { name: 'InterPodAffinity' },
  ],
  postFilter: [{ name: 'DefaultPreemption' }],
  preScore: [
    { name: 'TaintToleration' },
    { name: 'NodeAffinity' },
    { name: 'NodeResourcesFit' },
    { name: 'VolumeBinding' },
    { name: 'PodTopologySpread' },
    { name: 'InterPodAffinity' },
    { name: 'NodeResourcesBalancedAllocation' },
    // Not in kube: schedkit's ImageLocality reads the pod's images once per cycle here; it never skips, so the
    // plugins scored are kube's.
    { name: 'ImageLocality' },
  ],
  score: [
    { name: 'TaintToleration', weight: 3 },
    { name: 'NodeAffinity', weight: 2 },
    { name: 'NodeResourcesFit', weight: 1 },
    { name: 'VolumeBinding', weight: 1 },
    { name: 'PodTopologySpread', weight: 2 },
    { name: 'InterPodAffinity', weight: 2 },
    { name: 'NodeResourcesBalancedAllocation', weight: 1 },
    { name: 'ImageLocality', weight: 1 },
  ],
  reserve: [{ name: 'VolumeBinding' }],
  permit: [],
  preBind: [{ name: 'VolumeBinding' }],
  bind: [{ name: 'DefaultBinder' }],
  postBind: [],
};

function frameworkOf(configuration = defaultConfiguration()): Framework {
  const profile = configuration.profiles[0];
  if (!profile) throw new Error('no profile');
  return new Framework({ profile, registry: registerDefaultPlugins(new Registry()) });
}

describe('defaultPlugins', () => {
  it("lists kube's default plugins at multiPoint in kube's order with kube's weights", () => {
    expect(defaultPlugins.multiPoint?.enabled.map((ref) => [ref.name, ref.weight])).toEqual(kubeDefaultMultiPoint.map(([name, weight]) => [name, weight]));
    expect(Object.keys(defaultPlugins)).toEqual(['multiPoint']);
  });

  it('cannot be changed by a caller', () => {
    expect(() => defaultPlugins.multiPoint?.enabled.push({ name: 'Extra' })).toThrow(TypeError);
    expect(() => {
      (defaultPluginConfig[0]!.args as { minCandidateNodesAbsolute: number }).minCandidateNodesAbsolute = 1;
    }).toThrow(TypeError);
  });
});

describe('registerDefaultPlugins', () => {
  it('registers exactly the default plugins, each from its own module', () => {
    const registry = registerDefaultPlugins(new Registry());
    expect(registry.names().sort()).toEqual(kubeDefaultMultiPoint.map(([name]) => name).sort());
    expect(new Set(registry.names().map((name) => registry.registeredBy(name))).size).toBe(defaultPluginModules.length);
  });

  it('refuses to register the defaults twice in one registry', () => {
    const registry = registerDefaultPlugins(new Registry());
    expect(() => registerDefaultPlugins(registry)).toThrow(RegistryError);
  });

  it.each(defaultPluginConfig.map((entry) => [entry.name, entry.args] as const))(
    "%s: kube's default args are what the plugin's schema gives for no args",
    (name, args) => {
      const registry = registerDefaultPlugins(new Registry());
      expect(registry.parseArgs(name, args)).toEqual(registry.parseArgs(name, {}));
    },
  );
});

describe('defaultConfiguration', () => {
  it("is kube's default configuration: one default-scheduler profile with the default plugins and args", () => {
    const configuration = defaultConfiguration();
    expect(configuration).toMatchObject({ parallelism: 16, percentageOfNodesToScore: 0, podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 10 });
    expect(configuration.profiles).toHaveLength(1);
    const profile = configuration.profiles[0]!;
    expect(profile.schedulerName).toBe('default-scheduler');
    expect(profile.plugins.multiPoint?.enabled).toEqual(defaultPlugins.multiPoint?.enabled);
    // kube appends the default args in plugin name order.
    expect(profile.pluginConfig.map((entry) => entry.name)).toEqual([
      'DefaultPreemption',
      'InterPodAffinity',
      'NodeAffinity',
      'NodeResourcesBalancedAllocation',
      'NodeResourcesFit',
      'PodTopologySpread',
      'VolumeBinding',
    ]);
  });

  it('gives each call its own args, so that changing one configuration leaves the next alone', () => {
    const first = defaultConfiguration();
    (first.profiles[0]!.pluginConfig[0]!.args as { minCandidateNodesAbsolute: number }).minCandidateNodesAbsolute = 5;
    expect(defaultConfiguration().profiles[0]!.pluginConfig[0]!.args).toEqual({ minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 });
  });

  it("builds a framework that runs kube's default plugins at each extension point", () => {
    expect(frameworkOf().describe()).toEqual(kubeDefaultPoints);
  });
});

describe('loadDefaultConfiguration', () => {
  it('merges a profile into the defaults as kube does: a disabled score plugin stops scoring, own args replace the default ones', () => {
    const configuration = loadDefaultConfiguration(
      [
        'apiVersion: kubescheduler.config.k8s.io/v1',
        'kind: KubeSchedulerConfiguration',
        'profiles:',
        '  - schedulerName: packer',
        '    plugins:',
        '      score:',
        '        disabled:',
        '          - name: ImageLocality',
        '        enabled:',
        '          - name: NodeResourcesFit',
        '            weight: 5',
        '    pluginConfig:',
        '      - name: NodeResourcesFit',
        '        args:',
        '          scoringStrategy:',
        '            type: MostAllocated',
        '            resources: [{ name: cpu, weight: 1 }]',
      ].join('\n'),
    );
    const profile = configuration.profiles[0]!;
    expect(profile.schedulerName).toBe('packer');
    expect(profile.pluginConfig.filter((entry) => entry.name === 'NodeResourcesFit')).toEqual([
      { name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }] } } },
    ]);
    expect(frameworkOf(configuration).describe().score).toEqual([
      { name: 'NodeResourcesFit', weight: 5 },
      { name: 'TaintToleration', weight: 3 },
      { name: 'NodeAffinity', weight: 2 },
      { name: 'VolumeBinding', weight: 1 },
      { name: 'PodTopologySpread', weight: 2 },
      { name: 'InterPodAffinity', weight: 2 },
      { name: 'NodeResourcesBalancedAllocation', weight: 1 },
    ]);
  });

  it('disabling every multiPoint default leaves only the plugins the profile enables', () => {
    const configuration = loadDefaultConfiguration(
      'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - plugins:\n      multiPoint:\n        disabled: [{ name: "*" }]\n        enabled: [{ name: PrioritySort }, { name: NodeName }, { name: DefaultBinder }]\n',
    );
    const points = frameworkOf(configuration).describe();
    expect([points.queueSort, points.filter, points.bind, points.score]).toEqual([[{ name: 'PrioritySort' }], [{ name: 'NodeName' }], [{ name: 'DefaultBinder' }], []]);
    expect(configuration.profiles[0]!.pluginConfig).toEqual([]);
  });

  it('names the file in its errors', () => {
    const load = () => loadDefaultConfiguration('apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n', 'scheduler.yaml');
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/^scheduler\.yaml: apiVersion: /);
  });
});
