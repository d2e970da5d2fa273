import { LabelHostname, LabelTopologyZone, type Namespace, type NodeScore } from '@schedkit/framework';
import { makeNode, makePod, type PodBuilder, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { normalizeScores, plugin } from './index.js';

const zone = LabelTopologyZone;
const host = LabelHostname;

/** Four nodes: two in zone a, one in zone b, one without a zone label. */
const nodes = [makeNode('a1').zone('a'), makeNode('a2').zone('a'), makeNode('b1').zone('b'), makeNode('nozone')];

const namespaces: Namespace[] = [
  { metadata: { name: 'default', labels: { team: 'core' } } },
  { metadata: { name: 'prod', labels: { env: 'prod' } } },
];

const web = { matchLabels: { app: 'web' } };
const db = { matchLabels: { app: 'db' } };
const cache = { matchLabels: { app: 'cache' } };

interface ScoreCase {
  name: string;
  pod: PodBuilder;
  existing: PodBuilder[];
  args?: unknown;
  /** The nodes scored (default: all four). */
  scored?: string[];
  /** null: PreScore skips. Otherwise per node [raw, normalized]. */
  scores: Record<string, [number, number]> | null;
}

const cases: ScoreCase[] = [
  {
    name: "the pod's preferred affinity adds its weight to the domains of matching pods",
    pod: makePod('in').preferredPodAffinity(5, zone, db),
    existing: [makePod('e1').node('a1').label('app', 'db')],
    scores: { a1: [5, 100], a2: [5, 100], b1: [0, 0], nozone: [0, 0] },
  },
  {
    name: "the pod's preferred anti-affinity subtracts its weight",
    pod: makePod('in').preferredPodAntiAffinity(4, zone, db),
    existing: [makePod('e1').node('a1').label('app', 'db')],
    scores: { a1: [-4, 0], a2: [-4, 0], b1: [0, 100], nozone: [0, 100] },
  },
  {
    name: 'every matching pod counts, per term and per domain',
    pod: makePod('in').preferredPodAffinity(3, host, db).preferredPodAntiAffinity(10, zone, cache),
    existing: [makePod('e1').node('a1').label('app', 'db'), makePod('e2').node('b1').label('app', 'db'), makePod('e3').node('b1').label('app', 'cache')],
    scores: { a1: [3, 100], a2: [0, 70], b1: [-7, 0], nozone: [0, 70] },
  },
  {
    name: "an existing pod's required affinity that selects the pod adds hardPodAffinityWeight (default 1)",
    pod: makePod('in').label('app', 'web'),
    existing: [makePod('e1').node('a1').podAffinity(zone, web)],
    scores: { a1: [1, 100], a2: [1, 100], b1: [0, 0], nozone: [0, 0] },
  },
  {
    name: 'hardPodAffinityWeight 7',
    pod: makePod('in').label('app', 'web'),
    existing: [makePod('e1').node('a1').podAffinity(zone, web)],
    args: { hardPodAffinityWeight: 7 },
    scores: { a1: [7, 100], a2: [7, 100], b1: [0, 0], nozone: [0, 0] },
  },
  {
    name: "hardPodAffinityWeight 0 leaves existing pods' required affinity out; nothing else scores, so PreScore skips",
    pod: makePod('in').label('app', 'web'),
    existing: [makePod('e1').node('a1').podAffinity(zone, web)],
    args: { hardPodAffinityWeight: 0 },
    scores: null,
  },
  {
    name: "existing pods' preferred affinity and anti-affinity that select the pod add and subtract their weights",
    pod: makePod('in').label('app', 'web'),
    existing: [makePod('e1').node('a1').preferredPodAffinity(20, host, web), makePod('e2').node('b1').preferredPodAntiAffinity(30, zone, web)],
    scores: { a1: [20, 100], a2: [0, 60], b1: [-30, 0], nozone: [0, 60] },
  },
  {
    name: "existing pods' required anti-affinity does not score",
    pod: makePod('in').label('app', 'web'),
    existing: [makePod('e1').node('a1').podAntiAffinity(zone, web)],
    scores: null,
  },
  {
    name: 'no term selects anything: PreScore skips',
    pod: makePod('in').label('app', 'web').preferredPodAffinity(5, zone, db),
    existing: [makePod('e1').node('a1').label('app', 'cache').preferredPodAffinity(5, zone, db)],
    scores: null,
  },
  {
    name: "ignorePreferredTermsOfExistingPods: a pod without preferred terms is not scored, whatever existing pods prefer",
    pod: makePod('in').label('app', 'web'),
    existing: [makePod('e1').node('a1').preferredPodAffinity(20, host, web), makePod('e2').node('a2').podAffinity(zone, web)],
    args: { ignorePreferredTermsOfExistingPods: true },
    scores: null,
  },
  {
    name: "ignorePreferredTermsOfExistingPods: a pod with preferred terms still counts existing pods' terms",
    pod: makePod('in').label('app', 'web').preferredPodAffinity(1, zone, db),
    existing: [makePod('e1').node('a1').preferredPodAffinity(20, host, web), makePod('e2').node('b1').preferredPodAntiAffinity(30, zone, web)],
    args: { ignorePreferredTermsOfExistingPods: true },
    scores: { a1: [20, 100], a2: [0, 60], b1: [-30, 0], nozone: [0, 60] },
  },
  {
    name: 'normalization truncates toward zero: 100 x 3/7 gives 42',
    pod: makePod('in').preferredPodAffinity(4, host, db).preferredPodAntiAffinity(3, host, cache),
    existing: [makePod('e1').node('a1').label('app', 'db'), makePod('e2').node('b1').label('app', 'cache')],
    scores: { a1: [4, 100], a2: [0, 42], b1: [-3, 0], nozone: [0, 42] },
  },
  {
    name: 'equal raw scores on every scored node all normalize to 0',
    pod: makePod('in').preferredPodAffinity(5, zone, db),
    existing: [makePod('e1').node('a1').label('app', 'db'), makePod('e2').node('b1').label('app', 'db')],
    scored: ['a1', 'b1'],
    scores: { a1: [5, 0], b1: [5, 0] },
  },
  {
    name: "the pod's namespaceSelector decides which pods its preferred terms see",
    pod: makePod('in').preferredPodAntiAffinity(10, host, db, { namespaceSelector: { matchLabels: { env: 'prod' } } }),
    existing: [makePod('e1').namespace('prod').node('a1').label('app', 'db'), makePod('e2').node('b1').label('app', 'db')],
    scores: { a1: [-10, 0], a2: [0, 100], b1: [0, 100], nozone: [0, 100] },
  },
  {
    // kube v1.35 keeps the selector of the pod's preferred terms after merging its namespaces and matches it
    // against no labels: a selector an empty label set satisfies covers every namespace (v2 conformance s0121).
    name: "a preferred term's namespaceSelector that matches no labels covers every namespace",
    pod: makePod('in').preferredPodAntiAffinity(10, host, db, { namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] } }),
    existing: [makePod('e1').namespace('prod').node('a1').label('app', 'db'), makePod('e2').node('b1').label('app', 'db')],
    scores: { a1: [-10, 0], a2: [0, 100], b1: [-10, 0], nozone: [0, 100] },
  },
  {
    name: "an existing pod's namespaceSelector is matched against the pod's namespace labels",
    pod: makePod('in').label('app', 'web'),
    existing: [
      makePod('e1').namespace('prod').node('a1').preferredPodAffinity(9, host, web, { namespaceSelector: { matchLabels: { team: 'core' } } }),
      makePod('e2').namespace('prod').node('b1').preferredPodAffinity(9, host, web, { namespaceSelector: { matchLabels: { env: 'prod' } } }),
      makePod('e3').namespace('prod').node('a2').preferredPodAffinity(9, host, web),
    ],
    scores: { a1: [9, 100], a2: [0, 0], b1: [0, 0], nozone: [0, 0] },
  },
];

describe('InterPodAffinity PreScore / Score / NormalizeScore', () => {
  it.each(cases)('$name', async ({ pod, existing, args, scored, scores }) => {
    const tester = new PluginTester({ plugin, nodes, pods: existing, namespaces, args, weight: 2 });
    const report = await tester.score(pod, scored);
    expect(report.status).toBeNull();
    if (scores === null) {
      expect(report.preScore.skipped).toBe(true);
      return;
    }
    expect(report.preScore.skipped).toBe(false);
    const got = Object.fromEntries(report.scores.map((s) => [s.node, [s.raw, s.normalized, s.weighted]]));
    const want = Object.fromEntries(Object.entries(scores).map(([node, [raw, normalized]]) => [node, [raw, normalized, normalized * 2]]));
    expect(got).toEqual(want);
  });
});

describe('normalizeScores (kube integer arithmetic)', () => {
  const table: { raw: number[]; normalized: number[] }[] = [
    { raw: [], normalized: [] },
    { raw: [7], normalized: [0] },
    { raw: [5, 5, 5], normalized: [0, 0, 0] },
    { raw: [-4, -4], normalized: [0, 0] },
    { raw: [0, 1, 3], normalized: [0, 33, 100] },
    { raw: [-5, 0, 5], normalized: [0, 50, 100] },
    { raw: [-2, -1], normalized: [0, 100] },
    // float64 as kube computes it: 100 * (29/100) is 28.999999999999996, truncated to 28.
    { raw: [0, 29, 57, 100], normalized: [0, 28, 56, 100] },
  ];
  it.each(table)('$raw -> $normalized', ({ raw, normalized }) => {
    const scores: NodeScore[] = raw.map((score, i) => ({ name: `n${i}`, score }));
    normalizeScores(scores);
    expect(scores.map((s) => s.score)).toEqual(normalized);
  });
});
