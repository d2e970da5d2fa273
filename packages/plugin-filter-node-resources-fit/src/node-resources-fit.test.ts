import { ActionType, Code, codeName, type Pod, podResourceRequestList, QueueingHint, Registry, RegistryError } from '@schedkit/framework';
import { makeNode, makePod, PluginTester, type PodBuilder } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';
import { NodeResourcesFit } from './node-resources-fit.js';

/**
 * One node with 10m cpu, 20 bytes of memory, 20 bytes of ephemeral storage, 2 example.com/gpu and room for 3 pods,
 * running one pod that requests 8m cpu, 19 memory, 10 ephemeral storage and 1 gpu (kube's fit tests use the same
 * small integers, so every reason is easy to follow).
 */
function filterTester(args?: unknown, podLimit = '3'): PluginTester {
  return new PluginTester({
    plugin,
    args,
    nodes: [makeNode('n').capacity({ cpu: '10m', memory: '20', 'ephemeral-storage': '20', 'example.com/gpu': '2', pods: podLimit })],
    pods: [makePod('running').node('n').req({ cpu: '8m', memory: '19', 'ephemeral-storage': '10', 'example.com/gpu': '1' })],
  });
}

async function verdict(tester: PluginTester, pod: PodBuilder): Promise<string> {
  const report = await tester.filter(pod);
  expect(report.preFilter.skipped).toBe(false);
  const status = report.nodes[0]!.status;
  return status ? `${codeName(status.code)}: ${status.reasons.join(', ')}` : 'fits';
}

describe('NodeResourcesFit.filter', () => {
  const cases: [string, PodBuilder, string][] = [
    ['a pod requesting nothing fits while pods may be added', makePod('p').container(), 'fits'],
    ['what is left is enough', makePod('p').req({ cpu: '2m', memory: '1' }), 'fits'],
    ['an explicit zero request asks for nothing', makePod('p').req({ cpu: '0', memory: '0' }), 'fits'],
    ['too little cpu left; an empty node would do, so preemption can help', makePod('p').req({ cpu: '3m' }), 'Unschedulable: Insufficient cpu'],
    ['more cpu than the node has at all', makePod('p').req({ cpu: '11m' }), 'UnschedulableAndUnresolvable: Insufficient cpu'],
    [
      'every missing resource is listed in kube order; one unresolvable makes the whole status unresolvable',
      makePod('p').req({ 'example.com/gpu': '2', 'ephemeral-storage': '11', memory: '21', cpu: '3m' }),
      'UnschedulableAndUnresolvable: Insufficient cpu, Insufficient memory, Insufficient ephemeral-storage, Insufficient example.com/gpu',
    ],
    ['extended resources are checked like the others', makePod('p').req({ 'example.com/gpu': '2' }), 'Unschedulable: Insufficient example.com/gpu'],
    [
      'an extended resource the node does not offer',
      makePod('p').req({ 'example.com/fpga': '1' }),
      'UnschedulableAndUnresolvable: Insufficient example.com/fpga',
    ],
    ['hugepages the node does not offer', makePod('p').req({ 'hugepages-2Mi': '2Mi' }), 'UnschedulableAndUnresolvable: Insufficient hugepages-2Mi'],
    ['containers add up', makePod('p').req({ cpu: '1m' }).req({ cpu: '2m' }), 'Unschedulable: Insufficient cpu'],
    [
      'an init container needs its own request at least (max, not sum)',
      makePod('p').req({ cpu: '1m' }).initReq({ cpu: '3m' }),
      'Unschedulable: Insufficient cpu',
    ],
    ['init containers run one after the other', makePod('p').initReq({ cpu: '2m' }).initReq({ cpu: '2m' }), 'fits'],
    [
      'a sidecar keeps running beside the containers, so it adds up',
      makePod('p').req({ cpu: '1m' }).sidecarReq({ cpu: '2m' }),
      'Unschedulable: Insufficient cpu',
    ],
    ['the pod overhead counts', makePod('p').req({ cpu: '1m' }).overhead({ cpu: '2m' }), 'Unschedulable: Insufficient cpu'],
    [
      'pod-level requests replace the containers sum',
      makePod('p').req({ cpu: '1m' }).podResources({ requests: { cpu: '3m' } }),
      'Unschedulable: Insufficient cpu',
    ],
    ['resources the scheduler does not track are ignored', makePod('p').req({ foo: '100' }), 'fits'],
  ];
  it.each(cases)('%s', async (_name, pod, expected) => {
    expect(await verdict(filterTester(), pod)).toBe(expected);
  });

  it('rejects a node already running its maximum number of pods, before looking at resources', async () => {
    const tester = filterTester(undefined, '1');
    expect(await verdict(tester, makePod('p').container())).toBe('Unschedulable: Too many pods');
    expect(await verdict(tester, makePod('p').req({ cpu: '3m' }))).toBe('Unschedulable: Too many pods, Insufficient cpu');
  });

  const ignoredCases: [string, unknown, string][] = [
    ['by name', { ignoredResources: ['example.com/gpu'] }, 'Unschedulable: Insufficient memory'],
    ['by group', { ignoredResourceGroups: ['example.com'] }, 'Unschedulable: Insufficient memory'],
    ['another group is still checked', { ignoredResourceGroups: ['example.org'] }, 'Unschedulable: Insufficient memory, Insufficient example.com/gpu'],
  ];
  it.each(ignoredCases)('ignores extended resources %s', async (_name, args, expected) => {
    expect(await verdict(filterTester(args), makePod('p').req({ memory: '2', 'example.com/gpu': '2' }))).toBe(expected);
  });

  it('cannot ignore resources that are not extended resources (hugepages)', async () => {
    const tester = filterTester({ ignoredResources: ['hugepages-2Mi'] });
    expect(await verdict(tester, makePod('p').req({ 'hugepages-2Mi': '2Mi' }))).toBe('UnschedulableAndUnresolvable: Insufficient hugepages-2Mi');
  });
});

describe('NodeResourcesFit.score', () => {
  /** A node of 4000m cpu and 10000 bytes of memory running a pod that requests 2000m and 3000. */
  function scoreTester(args?: unknown): PluginTester {
    return new PluginTester({
      plugin,
      args,
      nodes: [makeNode('n').capacity({ cpu: '4', memory: '10000' })],
      pods: [makePod('running').node('n').req({ cpu: '2', memory: '3000' })],
    });
  }

  async function scoreOf(tester: PluginTester, pod: PodBuilder): Promise<number> {
    const report = await tester.score(pod);
    expect(report.status).toBeNull();
    expect(report.preScore.skipped).toBe(false);
    return report.scores[0]!.raw;
  }

  const cases: [string, unknown, PodBuilder, number][] = [
    ['LeastAllocated: 3000m of 4000m, 5000 of 10000: (25 + 50) / 2', undefined, makePod('p').req({ cpu: '1', memory: '2000' }), 37],
    [
      // 2100m cpu; memory 3000 + 200Mi > 10000 scores 0: (47 + 0) / 2.
      'a pod without requests counts as 100m cpu and 200Mi memory',
      undefined,
      makePod('p').container(),
      23,
    ],
    ['MostAllocated: (75 + 50) / 2', { scoringStrategy: { type: 'MostAllocated' } }, makePod('p').req({ cpu: '1', memory: '2000' }), 62],
    [
      'RequestedToCapacityRatio bin packing: round((75 + 50) / 2)',
      { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } },
      makePod('p').req({ cpu: '1', memory: '2000' }),
      63,
    ],
    [
      'resource weights: (25 x 3 + 50) / 4',
      { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 1 }] } },
      makePod('p').req({ cpu: '1', memory: '2000' }),
      31,
    ],
    [
      'an extended resource the node lacks is left out of the score',
      { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu' }, { name: 'example.com/gpu' }] } },
      makePod('p').req({ cpu: '1', 'example.com/gpu': '1' }),
      25,
    ],
  ];
  it.each(cases)('%s', async (_name, args, pod, expected) => {
    expect(await scoreOf(scoreTester(args), pod)).toBe(expected);
  });

  it('gives the raw score unchanged (no normalization), times the weight', async () => {
    const tester = new PluginTester({ plugin, weight: 2, nodes: [makeNode('n').capacity({ cpu: '4', memory: '10000' })] });
    const report = await tester.score(makePod('p').req({ cpu: '1', memory: '5000' }));
    expect(report.scores).toEqual([{ node: 'n', raw: 62, normalized: 62, weighted: 124 }]);
  });
});

describe('the incoming pod scoring requests', () => {
  const names = ['cpu', 'memory', 'ephemeral-storage', 'example.com/gpu'];
  const cases: [string, PodBuilder, number[], number[]][] = [
    ['explicit requests', makePod('p').req({ cpu: '1500m', memory: '1Ki', 'ephemeral-storage': '5', 'example.com/gpu': '2' }), [1500, 1024, 5, 2], [1500, 1024, 5, 2]],
    ['missing cpu and memory per container', makePod('p').container().req({ memory: '10' }), [200, 10 + 200 * 1024 * 1024, 0, 0], [0, 10, 0, 0]],
    [
      // kube builds NodeResourcesFit's scorer without the PodLevelResources gate (fit.go nodeResourceStrategyTypeMap):
      // its score reads the containers only, defaulted; BalancedAllocation's reads the pod-level cpu.
      'pod-level cpu: ignored by the Fit score',
      makePod('p').req({ memory: '10' }).container().podResources({ requests: { cpu: '500m' } }),
      [200, 10 + 200 * 1024 * 1024, 0, 0],
      [500, 10, 0, 0],
    ],
    [
      'overhead and a sidecar count in both',
      makePod('p').req({ cpu: '100m', memory: '10' }).initContainer(undefined, { sidecar: true }).overhead({ cpu: '50m', memory: '5' }),
      [100 + 100 + 50, 10 + 200 * 1024 * 1024 + 5, 0, 0],
      [150, 15, 0, 0],
    ],
  ];
  it.each(cases)('%s', (_name, pod, nonZero, plain) => {
    expect(podResourceRequestList(pod.obj(), names, 'nonZero')).toEqual(nonZero);
    expect(podResourceRequestList(pod.obj(), names, 'requested')).toEqual(plain);
  });
});

describe('NodeResourcesFit args', () => {
  const registry = new Registry().use(plugin);
  const parse = (raw: unknown): unknown => registry.parseArgs('NodeResourcesFit', raw);

  it('defaults to LeastAllocated on cpu and memory with weight 1', () => {
    expect(parse(undefined)).toEqual({
      ignoredResources: [],
      ignoredResourceGroups: [],
      scoringStrategy: {
        type: 'LeastAllocated',
        resources: [
          { name: 'cpu', weight: 1 },
          { name: 'memory', weight: 1 },
        ],
      },
    });
  });

  it('fills the default resources of a strategy without any, and weight 0 means 1', () => {
    expect(parse({ scoringStrategy: { type: 'MostAllocated' } })).toMatchObject({
      scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] },
    });
    expect(parse({ scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'example.com/gpu', weight: 0 }] } })).toMatchObject({
      scoringStrategy: { resources: [{ name: 'example.com/gpu', weight: 1 }] },
    });
  });

  const where = 'pluginConfig[NodeResourcesFit].args';
  const invalid: [string, unknown, string[]][] = [
    [
      'an unknown strategy',
      { scoringStrategy: { type: 'Balanced' } },
      [`${where}.scoringStrategy.type: Unsupported value: "Balanced": supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"`],
    ],
    [
      'a weight above 100',
      { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 101 }] } },
      [`${where}.scoringStrategy.resources[0].weight: Invalid value: 101: resource weight of cpu not in valid range (0, 100]`],
    ],
    [
      'a negative weight',
      { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'memory', weight: -1 }] } },
      [`${where}.scoringStrategy.resources[0].weight: Invalid value: -1: resource weight of memory not in valid range (0, 100]`],
    ],
    [
      'a group with a slash',
      { ignoredResourceGroups: ['example.com/gpu'] },
      [`${where}.ignoredResourceGroups[0]: Invalid value: "example.com/gpu": resource group name can't contain '/'`],
    ],
    [
      'an ignored resource whose name part is longer than a label key allows',
      { ignoredResources: [`example.com/${'g'.repeat(64)}`] },
      [`${where}.ignoredResources[0]: Invalid value: "example.com/${'g'.repeat(64)}": name part must be no more than 63 characters`],
    ],
    [
      'an empty shape',
      { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [] } } },
      [`${where}.scoringStrategy.shape: Required value: at least one point must be specified`],
    ],
    [
      'unsorted and out-of-range shape points',
      {
        scoringStrategy: {
          type: 'RequestedToCapacityRatio',
          requestedToCapacityRatio: { shape: [{ utilization: 50, score: 1 }, { utilization: 40, score: 11 }, { utilization: 101, score: 0 }] },
        },
      },
      [
        `${where}.scoringStrategy.shape[1].utilization: Invalid value: 40: values must be sorted in increasing order`,
        `${where}.scoringStrategy.shape[1].score: Invalid value: 11: not in valid range [0, 10]`,
        `${where}.scoringStrategy.shape[2].utilization: Invalid value: 101: not in valid range [0, 100]`,
      ],
    ],
    [
      'RequestedToCapacityRatio without a shape',
      { scoringStrategy: { type: 'RequestedToCapacityRatio' } },
      [`${where}.scoringStrategy.requestedToCapacityRatio: Required value: the RequestedToCapacityRatio strategy needs a shape`],
    ],
  ];
  it.each(invalid)('rejects %s with kube’s message', (_name, raw, lines) => {
    expect(() => parse(raw)).toThrow(RegistryError);
    expect(() => parse(raw)).toThrow(lines.join('\n'));
  });

  it('rejects unknown fields', () => {
    expect(() => parse({ ignoredResource: ['x'] })).toThrow(RegistryError);
  });
});

describe('NodeResourcesFit.eventsToRegister', () => {
  const fit = new NodeResourcesFit({ ignoredResources: [], ignoredResourceGroups: [], scoringStrategy: { type: 'LeastAllocated', resources: [] } });
  const [podEvent, nodeEvent] = fit.eventsToRegister();

  it('listens to pod deletion and scale-down, node addition and allocatable changes', () => {
    expect(podEvent?.event).toEqual({ resource: 'Pod', actionType: ActionType.Delete | ActionType.UpdatePodScaleDown });
    expect(nodeEvent?.event).toEqual({ resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable });
  });

  const wanting = makePod('pending').uid('pending').req({ cpu: '2', 'example.com/gpu': '1' }).obj();
  const bound = (cpu: string): Pod => makePod('other').uid('other').node('n').req({ cpu }).obj();
  const unbound = makePod('other').uid('other').req({ cpu: '1' }).obj();
  const podCases: [string, Pod | undefined, Pod | undefined, QueueingHint][] = [
    ['a bound pod was deleted', bound('1'), undefined, QueueingHint.Queue],
    ['an unbound pod was deleted', unbound, undefined, QueueingHint.QueueSkip],
    ['a bound pod shrank its cpu', bound('2'), bound('1'), QueueingHint.Queue],
    ['a bound pod grew', bound('1'), bound('2'), QueueingHint.QueueSkip],
    ['the pending pod itself shrank', wanting, makePod('pending').uid('pending').req({ cpu: '1' }).obj(), QueueingHint.Queue],
  ];
  it.each(podCases)('pod hint: %s', (_name, oldObj, newObj, hint) => {
    expect(podEvent?.queueingHintFn?.(wanting, oldObj, newObj)).toBe(hint);
  });

  const node = (cpu: string, gpu: string) => makeNode('n').capacity({ cpu, 'example.com/gpu': gpu }).obj();
  const nodeCases: [string, ReturnType<typeof node> | undefined, ReturnType<typeof node>, QueueingHint][] = [
    ['a node large enough was added', undefined, node('4', '1'), QueueingHint.Queue],
    ['a node too small was added', undefined, node('1', '1'), QueueingHint.QueueSkip],
    ['a node grew the cpu the pod needs', node('1', '1'), node('4', '1'), QueueingHint.Queue],
    ['a node that already fitted changed nothing the pod requests', node('4', '1'), node('4', '1'), QueueingHint.QueueSkip],
  ];
  it.each(nodeCases)('node hint: %s', (_name, oldObj, newObj, hint) => {
    expect(nodeEvent?.queueingHintFn?.(wanting, oldObj, newObj)).toBe(hint);
  });
});

describe('NodeResourcesFit.preFilter', () => {
  it('never skips, so the pod count is always checked', async () => {
    const report = await filterTester(undefined, '1').filter(makePod('p').container());
    expect(report.preFilter).toMatchObject({ skipped: false, status: null });
    expect(report.nodes[0]!.status?.code).toBe(Code.Unschedulable);
  });
});
