import { Registry, RegistryError } from '@schedkit/framework';
import { makeNode, makePod, PluginTester, type PodBuilder } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { balancedResourceScore } from './balanced-allocation.js';
import { plugin } from './index.js';

describe('balancedResourceScore', () => {
  const cases: [string, number[], number[], number][] = [
    ['equal shares are perfectly balanced', [2000, 5000], [4000, 10000], 100],
    ['two shares: (1 - |0.75 - 0.3| / 2) x 100, truncated', [3000, 3000], [4000, 10000], 77],
    ['a share above 1 is capped at 1', [8000, 5000], [4000, 10000], 75],
    ['an unoffered resource is left out; one share has no deviation', [3000, 0], [4000, 0], 100],
    // Shares 0.5, 0.2, 0.8: mean 0.5, deviation sqrt(0.18 / 3) = 0.2449...
    ['three shares use the population standard deviation', [2000, 2000, 8000], [4000, 10000, 10000], 75],
    ['no offered resource scores 100', [1, 1], [0, 0], 100],
  ];
  it.each(cases)('%s', (_name, requested, allocatable, score) => {
    expect(balancedResourceScore(requested, allocatable)).toBe(score);
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  /** A node of 4000m cpu, 10000 bytes of memory and 10000 of ephemeral storage, running a pod requesting 1000m and 2000. */
  function tester(args?: unknown): PluginTester {
    return new PluginTester({
      plugin,
      args,
      nodes: [makeNode('n').capacity({ cpu: '4', memory: '10000', 'ephemeral-storage': '10000', 'example.com/gpu': '4' })],
      pods: [makePod('running').node('n').req({ cpu: '1', memory: '2000' })],
    });
  }

  const cases: [string, unknown, PodBuilder, number][] = [
    ['the pod brings the node to 50% cpu and 50% memory', undefined, makePod('p').req({ cpu: '1', memory: '3000' }), 100],
    ['75% cpu and 30% memory: (1 - 0.225) x 100', undefined, makePod('p').req({ cpu: '2', memory: '1000' }), 77],
    // Plain requests, no 100m / 200Mi defaults: memory stays at the running pod's 20%.
    ['a pod requesting only cpu: 50% cpu against 20% memory', undefined, makePod('p').req({ cpu: '1' }), 85],
    [
      'configured resources: ephemeral storage is counted from the plain requests',
      { resources: [{ name: 'cpu' }, { name: 'ephemeral-storage' }] },
      makePod('p').req({ cpu: '1', 'ephemeral-storage': '2000' }),
      85,
    ],
    [
      'an extended resource the pod does not request is left out',
      { resources: [{ name: 'cpu' }, { name: 'memory' }, { name: 'example.com/gpu' }] },
      makePod('p').req({ cpu: '1', memory: '3000' }),
      100,
    ],
    [
      // Shares 0.5, 0.5 and 0.25: mean 0.41667, deviation 0.11785.
      'an extended resource the pod requests joins the deviation',
      { resources: [{ name: 'cpu' }, { name: 'memory' }, { name: 'example.com/gpu' }] },
      makePod('p').req({ cpu: '1', memory: '3000', 'example.com/gpu': '1' }),
      88,
    ],
  ];
  it.each(cases)('%s', async (_name, args, pod, expected) => {
    const report = await tester(args).score(pod);
    expect(report.status).toBeNull();
    expect(report.preScore.skipped).toBe(false);
    expect(report.scores).toEqual([{ node: 'n', raw: expected, normalized: expected, weighted: expected }]);
  });

  const skipCases: [string, PodBuilder][] = [
    ['a pod without requests', makePod('p').container()],
    ['a pod requesting zero', makePod('p').req({ cpu: '0', memory: '0' })],
    ['a pod requesting only resources that are not balanced', makePod('p').req({ 'ephemeral-storage': '100' })],
  ];
  it.each(skipCases)('PreScore skips %s (kube issue 129138)', async (_name, pod) => {
    const report = await tester().score(pod);
    expect(report.preScore).toEqual({ status: null, skipped: true });
    expect(report.scores).toEqual([]);
  });
});

describe('NodeResourcesBalancedAllocation args', () => {
  const registry = new Registry().use(plugin);
  const parse = (raw: unknown): unknown => registry.parseArgs('NodeResourcesBalancedAllocation', raw);
  const where = 'pluginConfig[NodeResourcesBalancedAllocation].args';

  it('defaults to cpu and memory, and a missing or zero weight means 1', () => {
    expect(parse(undefined)).toEqual({
      resources: [
        { name: 'cpu', weight: 1 },
        { name: 'memory', weight: 1 },
      ],
    });
    expect(parse({ resources: [{ name: 'cpu', weight: 0 }, { name: 'example.com/gpu' }] })).toEqual({
      resources: [
        { name: 'cpu', weight: 1 },
        { name: 'example.com/gpu', weight: 1 },
      ],
    });
  });

  const invalid: [string, unknown, string][] = [
    ['a weight other than 1', { resources: [{ name: 'cpu', weight: 2 }] }, `${where}.resources[0].weight: Invalid value: 2: must be 1`],
    ['a resource listed twice', { resources: [{ name: 'cpu' }, { name: 'cpu' }] }, `${where}.resources[1].name: Duplicate value: "cpu"`],
  ];
  it.each(invalid)('rejects %s with kube’s message', (_name, raw, message) => {
    expect(() => parse(raw)).toThrow(RegistryError);
    expect(() => parse(raw)).toThrow(message);
  });
});
