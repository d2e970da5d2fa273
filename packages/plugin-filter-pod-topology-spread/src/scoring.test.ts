import type { Service } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { type Cluster, Harness, hostKey, makeNode, makePod, podsOn, spread, zoneKey } from './harness.fixture.js';
import { topologyNormalizingWeight } from './scoring.js';

/**
 * Worked by hand from kube's formula: raw = round(sum over constraints of count * ln(domains + 2) + maxSkew - 1),
 * normalized = 100 * (max + min - raw) / max with integer division (100 when max is 0), ignored nodes 0.
 */

/** Zones a (n1, n2), b (n3), c (n4); app=web pods: n1 2, n2 1, n3 1, n4 0. */
function cluster(extraNodes: Cluster['nodes'] = [], extraPods: Cluster['pods'] = []): Cluster {
  return {
    nodes: [makeNode('n1', 'a'), makeNode('n2', 'a'), makeNode('n3', 'b'), makeNode('n4', 'c'), ...extraNodes],
    pods: [...podsOn('n1', 2), ...podsOn('n2', 1), ...podsOn('n3', 1), ...extraPods],
  };
}

const webService: Service = { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } };

describe('topologyNormalizingWeight', () => {
  it.each([
    [0, Math.log(2)],
    [3, 1.6094379124341003],
    [4, 1.791759469228055],
    [5, 1.9459101490553132],
  ])('ln(%i + 2) = %f', (size, weight) => {
    expect(topologyNormalizingWeight(size)).toBe(weight);
  });
});

describe('PodTopologySpread Score + NormalizeScore', () => {
  it('one zone constraint: zone counts a=3, b=1, c=0, weight ln(5)', async () => {
    // n1, n2: 3 * 1.6094 = 4.83 -> 5; n3: 1.61 -> 2; n4: 0. Normalized with min 0, max 5: 0, 0, 60, 100.
    const pod = makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'ScheduleAnyway')] });
    expect(await new Harness(cluster()).score(pod)).toEqual({
      raw: { n1: 5, n2: 5, n3: 2, n4: 0 },
      normalized: { n1: 0, n2: 0, n3: 60, n4: 100 },
    });
  });

  it('hostname and zone constraints add up; hostname counts are per node, weight ln(4 nodes + 2)', async () => {
    // host (maxSkew 2): count * 1.7918 + 1; zone (maxSkew 1): count * 1.6094.
    // n1: 2*1.7918+1 + 3*1.6094 = 9.41 -> 9; n2: 2.79 + 4.83 = 7.62 -> 8; n3: 2.79 + 1.61 = 4.40 -> 4; n4: 1 + 0 -> 1.
    // Normalized with min 1, max 9: 100*1/9 = 11, 100*2/9 = 22, 100*6/9 = 66, 100*9/9 = 100.
    const pod = makePod('p', { labels: { app: 'web' }, constraints: [spread(hostKey, 2, 'ScheduleAnyway'), spread(zoneKey, 1, 'ScheduleAnyway')] });
    expect(await new Harness(cluster()).score(pod)).toEqual({
      raw: { n1: 9, n2: 8, n3: 4, n4: 1 },
      normalized: { n1: 11, n2: 22, n3: 66, n4: 100 },
    });
  });

  it('domains come from feasible nodes, counts from every node: n1 is infeasible but its pods count in zone a', async () => {
    // Feasible n2, n3, n4 still span zones a, b, c (weight ln 5); zone a holds 3 pods.
    // n2: 4.83 -> 5; n3: 2; n4: 0. Normalized: 0, 60, 100.
    const pod = makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'ScheduleAnyway')] });
    expect(await new Harness(cluster()).score(pod, ['n2', 'n3', 'n4'])).toEqual({
      raw: { n2: 5, n3: 2, n4: 0 },
      normalized: { n2: 0, n3: 60, n4: 100 },
    });
  });

  it('a zone reached only by infeasible nodes is no domain and its pods are not counted', async () => {
    // Feasible n3, n4: zones b and c, weight ln(4) = 1.3863. n3: 1.39 -> 1; n4: 0. Normalized: 0, 100.
    const pod = makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'ScheduleAnyway')] });
    expect(await new Harness(cluster()).score(pod, ['n3', 'n4'])).toEqual({ raw: { n3: 1, n4: 0 }, normalized: { n3: 0, n4: 100 } });
  });

  it('the pod’s own constraints require every topology key: a node without a zone is ignored (scored 0)', async () => {
    // n5 has no zone: ignored, not a domain. Zones a, b, c: weight ln 5 as before.
    const pod = makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'ScheduleAnyway')] });
    expect(await new Harness(cluster([makeNode('n5')], podsOn('n5', 1))).score(pod)).toEqual({
      raw: { n1: 5, n2: 5, n3: 2, n4: 0, n5: 0 },
      normalized: { n1: 0, n2: 0, n3: 60, n4: 100, n5: 0 },
    });
  });

  it('maxSkew - 1 is added per constraint: counts 0 everywhere with maxSkew 3 all score 2 -> 100', async () => {
    const pod = makePod('p', { labels: { app: 'db' }, constraints: [spread(zoneKey, 3, 'ScheduleAnyway', { labelSelector: { matchLabels: { app: 'db' } } })] });
    expect(await new Harness(cluster()).score(pod)).toEqual({
      raw: { n1: 2, n2: 2, n3: 2, n4: 2 },
      normalized: { n1: 100, n2: 100, n3: 100, n4: 100 },
    });
  });

  it('all raw scores 0: every node gets 100', async () => {
    const pod = makePod('p', { labels: { app: 'db' }, constraints: [spread(zoneKey, 1, 'ScheduleAnyway', { labelSelector: { matchLabels: { app: 'db' } } })] });
    expect(await new Harness(cluster()).score(pod)).toEqual({
      raw: { n1: 0, n2: 0, n3: 0, n4: 0 },
      normalized: { n1: 100, n2: 100, n3: 100, n4: 100 },
    });
  });

  it('nodeAffinityPolicy Honor: pods on nodes failing the pod’s nodeSelector are not counted', async () => {
    // The pod requires disk=ssd, which only n2, n3, n4 have: n1's two pods leave zone a with 1.
    // n2 1.61 -> 2, n3 2, n4 0 (n1 still scored, as if feasible: zone a 1 -> 2). Normalized: 0, 0, 0, 100.
    const ssd = { labels: { disk: 'ssd' } };
    const c: Cluster = {
      nodes: [makeNode('n1', 'a'), makeNode('n2', 'a', ssd), makeNode('n3', 'b', ssd), makeNode('n4', 'c', ssd)],
      pods: [...podsOn('n1', 2), ...podsOn('n2', 1), ...podsOn('n3', 1)],
    };
    const pod = makePod('p', { labels: { app: 'web' }, nodeSelector: { disk: 'ssd' }, constraints: [spread(zoneKey, 1, 'ScheduleAnyway')] });
    expect(await new Harness(c).score(pod)).toEqual({
      raw: { n1: 2, n2: 2, n3: 2, n4: 0 },
      normalized: { n1: 0, n2: 0, n3: 0, n4: 100 },
    });
  });

  it('PreScore skips pods without soft constraints, including pods with only hard ones', async () => {
    const h = new Harness({ ...cluster(), services: [webService] });
    expect(await h.score(makePod('p', { labels: { app: 'other' } }))).toBe('Skip');
    expect(await h.score(makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule')] }))).toBe('Skip');
  });
});

describe('PodTopologySpread system default constraints (hostname maxSkew 3, zone maxSkew 5)', () => {
  it('apply with the Service selector, and a node without a zone is still scored by hostname', async () => {
    // n5 has no zone label and one app=web pod. It is not ignored: zone domains a, b, c and '' (weight ln 6),
    // hostname weight ln(5 + 2) = 1.9459.
    // n1: 2*1.9459+2 + 3*1.7918+4 = 15.27 -> 15; n2: 3.95 + 9.38 = 13.32 -> 13; n3: 3.95 + 5.79 = 9.74 -> 10;
    // n4: 2 + 4 = 6; n5: 3.95 -> 4 (no zone term). Min 4, max 15: 26, 40, 60, 86, 100.
    const h = new Harness({ ...cluster([makeNode('n5')], podsOn('n5', 1)), services: [webService] });
    expect(await h.score(makePod('p', { labels: { app: 'web' } }))).toEqual({
      raw: { n1: 15, n2: 13, n3: 10, n4: 6, n5: 4 },
      normalized: { n1: 26, n2: 40, n3: 60, n4: 86, n5: 100 },
    });
  });

  it('do not apply without a selecting Service or controller (PreScore skips)', async () => {
    expect(await new Harness(cluster()).score(makePod('p', { labels: { app: 'web' } }))).toBe('Skip');
  });

  it('do not apply when the pod declares constraints of its own', async () => {
    const pod = makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule')] });
    expect(await new Harness({ ...cluster(), services: [webService] }).score(pod)).toBe('Skip');
  });

  it('List defaulting with configured constraints requires every topology key', async () => {
    // Default constraint zone maxSkew 1 ScheduleAnyway: n5 (no zone) is ignored; as in the one-zone case.
    const args = { defaultingType: 'List', defaultConstraints: [{ maxSkew: 1, topologyKey: zoneKey, whenUnsatisfiable: 'ScheduleAnyway' }] };
    const h = new Harness({ ...cluster([makeNode('n5')], podsOn('n5', 1)), services: [webService] }, args);
    expect(await h.score(makePod('p', { labels: { app: 'web' } }))).toEqual({
      raw: { n1: 5, n2: 5, n3: 2, n4: 0, n5: 0 },
      normalized: { n1: 0, n2: 0, n3: 60, n4: 100, n5: 0 },
    });
  });
});
