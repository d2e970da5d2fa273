import { CycleState, NodeInfo, type Pod } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { type Cluster, Harness, hostKey, makeNode, makePod, podsOn, spread, zoneKey } from './harness.fixture.js';

const ok = 'Success';
const skew = "Unschedulable: node(s) didn't match pod topology spread constraints";
const missing = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";

/** Zones a (n1, n2), b (n3), c (n4); app=web pods: n1 2, n3 1. */
function threeZones(extraPods: Cluster['pods'] = []): Cluster {
  return {
    nodes: [makeNode('n1', 'a'), makeNode('n2', 'a'), makeNode('n3', 'b'), makeNode('n4', 'c')],
    pods: [...podsOn('n1', 2), ...podsOn('n3', 1), ...extraPods],
  };
}

describe('PodTopologySpread Filter: skew = domain matches + self match - global minimum', () => {
  const cases: { name: string; cluster: Cluster; pod: ReturnType<typeof makePod>; want: Record<string, string> }[] = [
    {
      name: 'zones 2/1/0, maxSkew 1, pod matches itself: only the empty zone fits (1+1-0)',
      cluster: threeZones(),
      pod: makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule')] }),
      want: { n1: skew, n2: skew, n3: skew, n4: ok },
    },
    {
      name: 'zones 2/1/0, maxSkew 2: zone a would reach 3-0 > 2, zone b 2-0 fits',
      cluster: threeZones(),
      pod: makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 2, 'DoNotSchedule')] }),
      want: { n1: skew, n2: skew, n3: ok, n4: ok },
    },
    {
      name: 'pod not matching its own selector adds no self match: zone b 1-0 fits maxSkew 1',
      cluster: threeZones(),
      pod: makePod('p', { labels: { app: 'api' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule')] }),
      want: { n1: skew, n2: skew, n3: ok, n4: ok },
    },
    {
      name: 'pods in another namespace and terminating pods are not counted',
      cluster: {
        nodes: [makeNode('n1', 'a'), makeNode('n2', 'b')],
        pods: [...podsOn('n1', 3, { app: 'web' }, { namespace: 'prod' }), ...podsOn('n1', 2, { app: 'web' }, { terminating: true })],
      },
      pod: makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule')] }),
      want: { n1: ok, n2: ok },
    },
    {
      name: 'a node without the topology key: missing required label (and it forms no domain)',
      cluster: { nodes: [makeNode('n1', 'a'), makeNode('n2', 'b'), makeNode('n3')], pods: [...podsOn('n1', 1), ...podsOn('n3', 5)] },
      pod: makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule')] }),
      want: { n1: skew, n2: ok, n3: missing },
    },
    {
      name: 'constraints are checked in order: a skew failure on the first wins over a missing key of the second',
      // n1 lacks a hostname so it forms no domain, but zone a (2 pods on n0) already fails it: 2+1-0 > 1.
      cluster: { nodes: [makeNode('n0', 'a'), makeNode('n1', 'a', { hostname: false }), makeNode('n2', 'b')], pods: podsOn('n0', 2) },
      pod: makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule'), spread(hostKey, 1, 'DoNotSchedule')] }),
      want: { n0: skew, n1: skew, n2: ok },
    },
    {
      name: 'a node without every topology key is no domain: its zone has no count, then its missing hostname rejects it',
      cluster: { nodes: [makeNode('n0', 'b'), makeNode('n1', 'a', { hostname: false }), makeNode('n2', 'b')], pods: podsOn('n1', 2) },
      pod: makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule'), spread(hostKey, 1, 'DoNotSchedule')] }),
      want: { n0: ok, n1: missing, n2: ok },
    },
    {
      name: 'a node must carry every topology key to form domains: n3 lacks a hostname so zone c is no domain',
      cluster: { nodes: [makeNode('n1', 'a'), makeNode('n2', 'b'), makeNode('n3', 'c', { hostname: false })], pods: [...podsOn('n1', 1), ...podsOn('n2', 1)] },
      // Without n3's zone c (0 pods) the zone minimum is 1, so zones a and b (1+1-1) fit.
      pod: makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule'), spread(hostKey, 1, 'DoNotSchedule')] }),
      want: { n1: ok, n2: ok, n3: missing },
    },
    {
      name: 'labelSelector {} selects everything but counts no pod: every node is at skew 1',
      cluster: threeZones(),
      pod: makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule', { labelSelector: {} })] }),
      want: { n1: ok, n2: ok, n3: ok, n4: ok },
    },
    {
      name: 'labelSelector null selects nothing: no counts and no self match',
      cluster: threeZones(),
      pod: makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 0, 'DoNotSchedule', { labelSelector: null })] }),
      want: { n1: ok, n2: ok, n3: ok, n4: ok },
    },
  ];
  it.each(cases)('$name', async ({ cluster, pod, want }) => {
    expect(await new Harness(cluster).filter(pod)).toEqual(want);
  });
});

describe('PodTopologySpread Filter: minDomains', () => {
  // Four hostname domains with one app=web pod each: the minimum is 1, so 1+1-1 = 1 fits maxSkew 1.
  const cluster: Cluster = {
    nodes: ['n1', 'n2', 'n3', 'n4'].map((name) => makeNode(name, 'a')),
    pods: ['n1', 'n2', 'n3', 'n4'].flatMap((name) => podsOn(name, 1)),
  };
  it.each([
    { minDomains: undefined, want: ok, why: 'unset behaves as 1: 4 domains, minimum 1' },
    { minDomains: 4, want: ok, why: '4 domains are enough: minimum 1' },
    { minDomains: 5, want: skew, why: 'fewer than 5 domains: the minimum counts as 0, so 1+1-0 > 1' },
  ])('minDomains $minDomains: $why', async ({ minDomains, want }) => {
    const pod = makePod('p', { labels: { app: 'web' }, constraints: [spread(hostKey, 1, 'DoNotSchedule', { minDomains })] });
    expect(await new Harness(cluster).filter(pod)).toEqual({ n1: want, n2: want, n3: want, n4: want });
  });

  it('with too few domains an empty node still fits: 0+1-0 <= 1', async () => {
    const withEmpty: Cluster = { nodes: [...cluster.nodes, makeNode('n5', 'a')], pods: cluster.pods };
    const pod = makePod('p', { labels: { app: 'web' }, constraints: [spread(hostKey, 1, 'DoNotSchedule', { minDomains: 6 })] });
    expect(await new Harness(withEmpty).filter(pod)).toEqual({ n1: skew, n2: skew, n3: skew, n4: skew, n5: ok });
  });
});

describe('PodTopologySpread Filter: node inclusion policies', () => {
  // Zones a and b hold one app=web pod each; zone c's node n3 is empty.
  const nodes = (n3Extra: Parameters<typeof makeNode>[2] = {}) => [
    makeNode('n1', 'a', { labels: { disk: 'ssd' } }),
    makeNode('n2', 'b', { labels: { disk: 'ssd' } }),
    makeNode('n3', 'c', n3Extra),
  ];
  const pods = [...podsOn('n1', 1), ...podsOn('n2', 1)];
  const cases = [
    {
      name: 'nodeAffinityPolicy Honor (default): n3 fails the nodeSelector, zone c is no domain, minimum 1',
      cluster: { nodes: nodes(), pods },
      pod: makePod('p', { labels: { app: 'web' }, nodeSelector: { disk: 'ssd' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule')] }),
      want: { n1: ok, n2: ok, n3: ok },
    },
    {
      name: 'nodeAffinityPolicy Ignore: zone c counts, minimum 0, zones a and b are at skew 2',
      cluster: { nodes: nodes(), pods },
      pod: makePod('p', {
        labels: { app: 'web' },
        nodeSelector: { disk: 'ssd' },
        constraints: [spread(zoneKey, 1, 'DoNotSchedule', { nodeAffinityPolicy: 'Ignore' })],
      }),
      want: { n1: skew, n2: skew, n3: ok },
    },
    {
      name: 'nodeTaintsPolicy Ignore (default): the tainted n3 still forms zone c',
      cluster: { nodes: nodes({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), pods },
      pod: makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule')] }),
      want: { n1: skew, n2: skew, n3: ok },
    },
    {
      name: 'nodeTaintsPolicy Honor: an untolerated NoSchedule taint removes zone c, minimum 1',
      cluster: { nodes: nodes({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), pods },
      pod: makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule', { nodeTaintsPolicy: 'Honor' })] }),
      want: { n1: ok, n2: ok, n3: ok },
    },
    {
      name: 'nodeTaintsPolicy Honor with a matching toleration: zone c counts again',
      cluster: { nodes: nodes({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), pods },
      pod: makePod('p', {
        labels: { app: 'web' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }],
        constraints: [spread(zoneKey, 1, 'DoNotSchedule', { nodeTaintsPolicy: 'Honor' })],
      }),
      want: { n1: skew, n2: skew, n3: ok },
    },
    {
      name: 'nodeTaintsPolicy Honor ignores PreferNoSchedule taints',
      cluster: { nodes: nodes({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'PreferNoSchedule' }] }), pods },
      pod: makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule', { nodeTaintsPolicy: 'Honor' })] }),
      want: { n1: skew, n2: skew, n3: ok },
    },
  ];
  it.each(cases)('$name', async ({ cluster, pod, want }) => {
    expect(await new Harness(cluster).filter(pod)).toEqual(want);
  });

  it('required node affinity terms are ORed and the nodeSelector ANDed, for Honor', async () => {
    const cluster: Cluster = {
      nodes: [makeNode('n1', 'a', { labels: { tier: 'x' } }), makeNode('n2', 'b', { labels: { tier: 'y' } }), makeNode('n3', 'c', { labels: { tier: 'z' } })],
      pods: [...podsOn('n1', 1), ...podsOn('n2', 1)],
    };
    const pod = makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule')] });
    pod.spec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['x'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }],
        },
      },
    };
    // Only zones a and b are domains (minimum 1): every node is at skew 1.
    expect(await new Harness(cluster).filter(pod)).toEqual({ n1: ok, n2: ok, n3: ok });
  });
});

describe('PodTopologySpread PreFilter: which constraints apply', () => {
  it.each([
    { name: 'no constraints and no Service selecting the pod', pod: makePod('p', { labels: { app: 'other' } }) },
    { name: 'only ScheduleAnyway constraints', pod: makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'ScheduleAnyway')] }) },
    {
      name: 'no constraints, selected by a Service, but the system defaults are ScheduleAnyway',
      pod: makePod('p', { labels: { app: 'web' } }),
    },
  ])('skips Filter when the pod has no hard constraint: $name', async ({ pod }) => {
    const cluster: Cluster = { ...threeZones(), services: [{ metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } }] };
    expect(await new Harness(cluster).filter(pod)).toEqual({ n1: 'Skip', n2: 'Skip', n3: 'Skip', n4: 'Skip' });
  });

  it('List defaulting applies a DoNotSchedule default constraint with the selector of the Service', async () => {
    const cluster: Cluster = { ...threeZones(), services: [{ metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } }] };
    const args = { defaultingType: 'List', defaultConstraints: [{ maxSkew: 1, topologyKey: zoneKey, whenUnsatisfiable: 'DoNotSchedule' }] };
    const pod = makePod('p', { labels: { app: 'web' } });
    expect(await new Harness(cluster, args).filter(pod)).toEqual({ n1: skew, n2: skew, n3: skew, n4: ok });
  });

  it('List defaulting without a selecting Service or controller applies nothing', async () => {
    const args = { defaultingType: 'List', defaultConstraints: [{ maxSkew: 1, topologyKey: zoneKey, whenUnsatisfiable: 'DoNotSchedule' }] };
    const pod = makePod('p', { labels: { app: 'web' } });
    expect(await new Harness(threeZones(), args).filter(pod)).toEqual({ n1: 'Skip', n2: 'Skip', n3: 'Skip', n4: 'Skip' });
  });

  it('matchLabelKeys ANDs the pod’s own label values into the selector', async () => {
    const cluster: Cluster = {
      nodes: [makeNode('n1', 'a'), makeNode('n2', 'b')],
      pods: [...podsOn('n1', 2, { app: 'web', 'pod-template-hash': 'old' }), ...podsOn('n2', 1, { app: 'web', 'pod-template-hash': 'new' })],
    };
    const pod = makePod('p', {
      labels: { app: 'web', 'pod-template-hash': 'new' },
      constraints: [spread(zoneKey, 1, 'DoNotSchedule', { matchLabelKeys: ['pod-template-hash', 'absent-key'] })],
    });
    // Only the 'new' pods count: zone a 0, zone b 1.
    expect(await new Harness(cluster).filter(pod)).toEqual({ n1: ok, n2: skew });
  });

  it('an invalid selector is an error', async () => {
    const pod = makePod('p', {
      labels: { app: 'web' },
      constraints: [spread(zoneKey, 1, 'DoNotSchedule', { labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] } })],
    });
    const outcome = await new Harness(threeZones()).filter(pod);
    expect(Object.values(outcome).every((o) => o.startsWith('Error: ') && o.includes("values set can't be empty"))).toBe(true);
  });
});

describe('PodTopologySpread PreFilter extensions (preemption)', () => {
  const cluster: Cluster = {
    nodes: [makeNode('n1', 'a'), makeNode('n2', 'b'), makeNode('n3', 'c')],
    pods: [...podsOn('n1', 1), ...podsOn('n2', 1), ...podsOn('n3', 1)],
  };
  const pod = makePod('p', { labels: { app: 'web' }, constraints: [spread(zoneKey, 1, 'DoNotSchedule')] });

  async function setup() {
    const harness = new Harness(cluster);
    const state = new CycleState();
    expect(await harness.filter(pod, state)).toEqual({ n1: ok, n2: ok, n3: ok });
    const extensions = harness.plugin.preFilterExtensions();
    const node = (name: string) => harness.snapshot.get(name)!;
    const filterAll = (s: CycleState) =>
      Object.fromEntries(['n1', 'n2', 'n3'].map((name) => [name, harness.plugin.filter(s, pod, node(name))?.reasons[0] ?? ok]));
    return { state, extensions, node, filterAll };
  }
  const reason = "node(s) didn't match pod topology spread constraints";

  it('AddPod raises the domain count: zone a reaches 2+1-1', async () => {
    const { state, extensions, node, filterAll } = await setup();
    extensions.addPod(state, pod, podInfo(makePod('added', { labels: { app: 'web' }, nodeName: 'n1' })), node('n1'));
    expect(filterAll(state)).toEqual({ n1: reason, n2: ok, n3: ok });
  });

  it('RemovePod lowers the minimum: zone c drops to 0, so zones a and b reach 1+1-0', async () => {
    const { state, extensions, node, filterAll } = await setup();
    // The victim is the PodInfo the snapshot holds for n3's pod, as preemption passes it.
    extensions.removePod(state, pod, node('n3').pods[0]!, node('n3'));
    expect(filterAll(state)).toEqual({ n1: reason, n2: reason, n3: ok });
  });

  it('pods of other namespaces or not selected change nothing', async () => {
    const { state, extensions, node, filterAll } = await setup();
    extensions.addPod(state, pod, podInfo(makePod('x', { labels: { app: 'web' }, namespace: 'prod', nodeName: 'n1' })), node('n1'));
    extensions.addPod(state, pod, podInfo(makePod('y', { labels: { app: 'db' }, nodeName: 'n1' })), node('n1'));
    expect(filterAll(state)).toEqual({ n1: ok, n2: ok, n3: ok });
  });

  it('a cloned state is updated independently of the original', async () => {
    const { state, extensions, node, filterAll } = await setup();
    const copy = state.clone();
    extensions.addPod(copy, pod, podInfo(makePod('added', { labels: { app: 'web' }, nodeName: 'n2' })), node('n2'));
    expect(filterAll(copy)).toEqual({ n1: ok, n2: reason, n3: ok });
    expect(filterAll(state)).toEqual({ n1: ok, n2: ok, n3: ok });
  });
});

/** The PodInfo of a pod that is not in the snapshot (a nominated pod, for AddPod). */
function podInfo(pod: Pod) {
  return new NodeInfo(undefined, [pod]).pods[0]!;
}
