import { Registry, RegistryError } from '@schedkit/framework';
import { makeNode, makePod, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';
import { imageScoreToNodeScore, normalizedImageName, scaledImageScore } from './scoring.js';

const MB = 1024 * 1024;

describe('normalizedImageName', () => {
  const cases: [string, string][] = [
    ['nginx', 'nginx:latest'],
    ['nginx:1.25', 'nginx:1.25'],
    ['docker.io/library/nginx', 'docker.io/library/nginx:latest'],
    // A registry port is not a tag: the ':' comes before the last '/'.
    ['registry.local:5000/team/app', 'registry.local:5000/team/app:latest'],
    ['registry.local:5000/team/app:v1', 'registry.local:5000/team/app:v1'],
    // A digest counts as tagged (its ':' follows the last '/').
    ['app@sha256:0123abcd', 'app@sha256:0123abcd'],
    ['', ':latest'],
  ];
  it.each(cases)('%j -> %j', (image, normalized) => {
    expect(normalizedImageName(image)).toBe(normalized);
  });
});

describe('scaledImageScore', () => {
  const cases: [string, number, number, number, number][] = [
    ['on every node: full size', 300 * MB, 4, 4, 300 * MB],
    ['on half the nodes: half the size', 300 * MB, 2, 4, 150 * MB],
    ['fractions are truncated', 100, 1, 3, 33],
  ];
  it.each(cases)('%s', (_name, size, numNodes, totalNodes, scaled) => {
    expect(scaledImageScore({ size, numNodes }, totalNodes)).toBe(scaled);
  });
});

describe('imageScoreToNodeScore', () => {
  const cases: [string, number, number, number][] = [
    ['nothing present', 0, 1, 0],
    ['exactly the 23 MiB floor', 23 * MB, 1, 0],
    ['halfway between 23 MiB and 1000 MiB', 511.5 * MB, 1, 50],
    ['the 1000 MiB ceiling of one container', 1000 * MB, 1, 100],
    ['above the ceiling is clamped', 5000 * MB, 1, 100],
    ['two containers double the ceiling: 100 x 977 / 1977, truncated', 1000 * MB, 2, 49],
  ];
  it.each(cases)('%s', (_name, sum, containers, score) => {
    expect(imageScoreToNodeScore(sum, containers)).toBe(score);
  });
});

describe('ImageLocality.score', () => {
  // Four nodes: the 250 MiB image is on two of them, the 600 MiB one on one, the small one everywhere.
  const nodes = [
    makeNode('n1').image(['docker.io/library/web:2', 'web:2'], 250 * MB).image('tools:latest', 600 * MB).image('tiny:1', 10 * MB),
    makeNode('n2').image('web:2', 250 * MB).image('tiny:1', 10 * MB),
    makeNode('n3').image('tiny:1', 10 * MB),
    makeNode('n4').image('tiny:1', 10 * MB),
  ];
  const tester = new PluginTester({ plugin, nodes });

  const cases: [string, ReturnType<typeof makePod>, Record<string, number>][] = [
    [
      // Two containers: the ceiling is 2000 MiB. n1: 250 x 2/4 + 600 x 1/4 = 275 MiB -> 100 x 252 / 1977 = 12;
      // n2: 125 MiB -> 100 x 102 / 1977 = 5.
      'images present on few nodes count for their spread share',
      makePod('p').container('web:2').container('tools'),
      { n1: 12, n2: 5, n3: 0, n4: 0 },
    ],
    [
      // Init containers count too, in the sum and in the ceiling (3 containers: 3000 MiB). n1: 150 + 125 + 10 =
      // 285 MiB -> 100 x 262 / 2977 = 8; n2: 135 MiB -> 100 x 112 / 2977 = 3; n3, n4: 10 MiB, below the floor.
      'init container images count, and each container raises the ceiling',
      makePod('p').initContainer('tools:latest').container('web:2').container('tiny:1'),
      { n1: 8, n2: 3, n3: 0, n4: 0 },
    ],
    ['an image below the 23 MiB floor scores nothing', makePod('p').container('tiny:1'), { n1: 0, n2: 0, n3: 0, n4: 0 }],
    [
      // The pod names "web" (normalized to web:latest), which no node reports.
      'names are matched exactly after adding :latest',
      makePod('p').container('web'),
      { n1: 0, n2: 0, n3: 0, n4: 0 },
    ],
  ];
  it.each(cases)('%s', async (_name, pod, expected) => {
    const report = await tester.score(pod);
    expect(report.status).toBeNull();
    expect(report.preScore.skipped).toBe(false);
    expect(Object.fromEntries(report.scores.map((s) => [s.node, s.raw]))).toEqual(expected);
    for (const score of report.scores) expect(score.weighted).toBe(score.raw);
  });

  it('counts every node of the cluster for the spread, not only the scored ones', async () => {
    const report = await tester.score(makePod('p').container('web:2'), ['n1']);
    // 250 MiB on 2 of 4 nodes: 125 MiB -> 100 x 102 / 977 = 10.
    expect(report.scores).toEqual([{ node: 'n1', raw: 10, normalized: 10, weighted: 10 }]);
  });
});

describe('ImageLocality args', () => {
  const registry = new Registry().use(plugin);
  it('takes none, as kube', () => {
    expect(registry.parseArgs('ImageLocality', undefined)).toEqual({});
    expect(() => registry.parseArgs('ImageLocality', { minThreshold: 1 })).toThrow(RegistryError);
  });
});
