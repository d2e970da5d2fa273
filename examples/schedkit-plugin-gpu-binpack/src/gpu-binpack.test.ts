import { ActionType, Code, ConfigError, QueueingHint } from '@schedkit/framework';
import { makeNode, makePod, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { ErrReasonReservedForGpu, GpuBinpack, GpuBinpackName, plugin } from './index.js';

const gpu = 'nvidia.com/gpu';

/** Four GPU nodes with some GPUs in use, and one CPU-only node. */
const nodes = [
  makeNode('gpu-8-half').capacity({ cpu: '32', memory: '128Gi', [gpu]: '8' }),
  makeNode('gpu-8-idle').capacity({ cpu: '32', memory: '128Gi', [gpu]: '8' }),
  makeNode('gpu-4-one').capacity({ cpu: '16', memory: '64Gi', [gpu]: '4' }),
  makeNode('gpu-4-full').capacity({ cpu: '16', memory: '64Gi', [gpu]: '4' }),
  makeNode('cpu-only').capacity({ cpu: '16', memory: '64Gi' }),
];
const pods = [
  makePod('train-a').node('gpu-8-half').req({ cpu: '4', [gpu]: '4' }),
  makePod('train-b').node('gpu-4-one').req({ cpu: '2', [gpu]: '1' }),
  makePod('train-c').node('gpu-4-full').req({ cpu: '2', [gpu]: '4' }),
  makePod('web').node('cpu-only').req({ cpu: '1' }),
];

describe('GpuBinpack Filter: GPU nodes are kept for GPU pods', () => {
  it('rejects a pod without GPUs on every GPU node, as unresolvable', async () => {
    const tester = new PluginTester({ plugin, nodes, pods });
    const report = await tester.filter(makePod('api').req({ cpu: '1' }));
    expect(report.preFilter.skipped).toBe(false);
    expect(report.feasible).toEqual(['cpu-only']);
    for (const { node, status } of report.nodes.filter((entry) => entry.node !== 'cpu-only')) {
      expect({ node, code: status?.code, reasons: status?.reasons, plugin: status?.plugin }).toEqual({
        node,
        code: Code.UnschedulableAndUnresolvable,
        reasons: [ErrReasonReservedForGpu],
        plugin: GpuBinpackName,
      });
    }
  });

  const skipCases: [string, unknown, ReturnType<typeof makePod>][] = [
    ['a pod requesting GPUs', undefined, makePod('train').req({ cpu: '1', [gpu]: '1' })],
    ['a pod requesting GPUs in requests and limits', undefined, makePod('train').res({ [gpu]: '2' })],
    ['any pod when GPU nodes are not reserved', { reserveGpuNodes: false }, makePod('api').req({ cpu: '1' })],
  ];
  it.each(skipCases)('skips the Filter for %s: every node passes', async (_what, args, pod) => {
    const report = await new PluginTester({ plugin, args, nodes, pods }).filter(pod);
    expect(report.preFilter.skipped).toBe(true);
    expect(report.feasible).toEqual(['gpu-8-half', 'gpu-8-idle', 'gpu-4-one', 'gpu-4-full', 'cpu-only']);
  });

  it('counts the configured resource only', async () => {
    const report = await new PluginTester({ plugin, args: { resourceName: 'amd.com/gpu' }, nodes, pods }).filter(makePod('api').req({ cpu: '1' }));
    expect(report.feasible).toHaveLength(5);
  });
});

describe('GpuBinpack Score: the busiest node that still fits wins', () => {
  // (GPUs in use + requested) / allocatable, floored to an integer percentage; capped at 100.
  const cases: [string, string, Record<string, number>][] = [
    ['one GPU', '1', { 'gpu-8-half': 62, 'gpu-8-idle': 12, 'gpu-4-one': 50, 'gpu-4-full': 100, 'cpu-only': 0 }],
    ['two GPUs', '2', { 'gpu-8-half': 75, 'gpu-8-idle': 25, 'gpu-4-one': 75, 'gpu-4-full': 100, 'cpu-only': 0 }],
    ['four GPUs', '4', { 'gpu-8-half': 100, 'gpu-8-idle': 50, 'gpu-4-one': 100, 'gpu-4-full': 100, 'cpu-only': 0 }],
  ];
  it.each(cases)('scores a pod requesting %s', async (_what, count, expected) => {
    const report = await new PluginTester({ plugin, weight: 2, nodes, pods }).score(makePod('train').req({ cpu: '1', [gpu]: count }));
    expect(report.status).toBeNull();
    expect(Object.fromEntries(report.scores.map((score) => [score.node, score.raw]))).toEqual(expected);
    // No NormalizeScore: the final score is the raw score times the weight.
    expect(report.scores.map((score) => score.weighted)).toEqual(Object.values(expected).map((score) => score * 2));
  });

  it('skips Score for a pod without GPUs', async () => {
    const report = await new PluginTester({ plugin, nodes, pods }).score(makePod('api').req({ cpu: '1' }));
    expect(report.preScore.skipped).toBe(true);
    expect(report.scores).toEqual([]);
  });

  it('adds the GPUs of every container', async () => {
    const pod = makePod('train').req({ [gpu]: '1' }).req({ [gpu]: '1' });
    const report = await new PluginTester({ plugin, nodes, pods }).score(pod, ['gpu-8-idle']);
    expect(report.scores.map((score) => score.raw)).toEqual([25]);
  });
});

describe('GpuBinpack args', () => {
  const invalid: [string, unknown, string][] = [
    ['an untracked resource name', { resourceName: 'gpu' }, 'resourceName: must be an extended resource name such as nvidia.com/gpu'],
    ['a wrong type', { reserveGpuNodes: 'yes' }, 'reserveGpuNodes: Invalid input: expected boolean, received string'],
    ['an unknown key', { resource: 'nvidia.com/gpu' }, ': Unrecognized key: "resource"'],
  ];
  it.each(invalid)('rejects %s, naming the field', (_what, args, problem) => {
    let error: unknown;
    try {
      new PluginTester({ plugin, args, nodes });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`profiles[0].pluginConfig[0].args${problem.startsWith(':') ? '' : '.'}${problem}`);
  });

  it('defaults every field', () => {
    const tester = new PluginTester({ plugin, nodes });
    expect(tester.plugin).toBeInstanceOf(GpuBinpack);
    expect((tester.plugin as unknown as { args: unknown }).args).toEqual({ resourceName: gpu, reserveGpuNodes: true });
  });
});

describe('GpuBinpack events', () => {
  const [nodeEvent] = new GpuBinpack({ resourceName: gpu, reserveGpuNodes: true }).eventsToRegister();
  const cases: [string, ReturnType<typeof makeNode>, QueueingHint][] = [
    ['a node without GPUs', makeNode('cpu').capacity({ cpu: '8' }), QueueingHint.Queue],
    ['a node with GPUs', makeNode('gpu').capacity({ cpu: '8', [gpu]: '2' }), QueueingHint.QueueSkip],
  ];
  it.each(cases)('requeues pods kept off GPU nodes when %s appears', (_what, node, hint) => {
    expect(nodeEvent?.event).toEqual({ resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable });
    expect(nodeEvent?.queueingHintFn?.(makePod('api').obj(), undefined, node.obj())).toBe(hint);
  });
});
