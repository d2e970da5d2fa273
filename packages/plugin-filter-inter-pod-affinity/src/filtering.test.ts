import { Code, CycleState, codeName, LabelHostname, LabelTopologyZone, type Namespace, PodInfo, type Status } from '@schedkit/framework';
import { fakeHandle, makeNode, makePod, type PodBuilder, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import {
  ErrReasonAffinityRulesNotMatch,
  ErrReasonAntiAffinityRulesNotMatch,
  ErrReasonExistingAntiAffinityRulesNotMatch,
  InterPodAffinity,
  plugin,
} from './index.js';

const zone = LabelTopologyZone;
const host = LabelHostname;

/** Four nodes: two in zone a, one in zone b, one without a zone label. */
const nodes = [makeNode('a1').zone('a'), makeNode('a2').zone('a'), makeNode('b1').zone('b'), makeNode('nozone')];

const namespaces: Namespace[] = [
  { metadata: { name: 'default', labels: { team: 'core' } } },
  { metadata: { name: 'prod', labels: { env: 'prod', team: 'core' } } },
  { metadata: { name: 'dev', labels: { env: 'dev' } } },
];

/** What Filter says about a node: pass, or which of kube's three rejections. */
type Verdict = 'pass' | 'affinity' | 'anti' | 'existing';

const expectedStatus: Record<Exclude<Verdict, 'pass'>, string> = {
  affinity: `UnschedulableAndUnresolvable ${JSON.stringify([ErrReasonAffinityRulesNotMatch])}`,
  anti: `Unschedulable ${JSON.stringify([ErrReasonAntiAffinityRulesNotMatch])}`,
  existing: `Unschedulable ${JSON.stringify([ErrReasonExistingAntiAffinityRulesNotMatch])}`,
};

function describeStatus(status: Status | null): string {
  return status ? `${codeName(status.code)} ${JSON.stringify(status.reasons)}` : 'pass';
}

interface FilterCase {
  name: string;
  pod: PodBuilder;
  existing: PodBuilder[];
  /** True when kube's PreFilter returns Skip (Filter does not run). */
  skip: boolean;
  verdicts: Record<string, Verdict>;
}

const web = { matchLabels: { app: 'web' } };
const db = { matchLabels: { app: 'db' } };

const cases: FilterCase[] = [
  {
    name: 'no terms and no existing anti-affinity: PreFilter skips',
    pod: makePod('in').label('app', 'web'),
    existing: [makePod('e1').node('a1').label('app', 'web').podAffinity(zone, web)],
    skip: true,
    verdicts: { a1: 'pass', a2: 'pass', b1: 'pass', nozone: 'pass' },
  },
  {
    name: "an existing pod's hostname anti-affinity selecting the pod rejects only its node",
    pod: makePod('in').label('app', 'web'),
    existing: [makePod('e1').node('a1').podAntiAffinity(host, web)],
    skip: false,
    verdicts: { a1: 'existing', a2: 'pass', b1: 'pass', nozone: 'pass' },
  },
  {
    name: "an existing pod's zone anti-affinity selecting the pod rejects its whole zone",
    pod: makePod('in').label('app', 'web'),
    existing: [makePod('e1').node('a2').podAntiAffinity(zone, web)],
    skip: false,
    verdicts: { a1: 'existing', a2: 'existing', b1: 'pass', nozone: 'pass' },
  },
  {
    name: "an existing pod's anti-affinity on a key its node lacks claims no domain: PreFilter skips",
    pod: makePod('in').label('app', 'web'),
    existing: [makePod('e1').node('nozone').podAntiAffinity(zone, web)],
    skip: true,
    verdicts: { a1: 'pass', a2: 'pass', b1: 'pass', nozone: 'pass' },
  },
  {
    name: "an existing pod's anti-affinity that does not select the pod: PreFilter skips",
    pod: makePod('in').label('app', 'web'),
    existing: [makePod('e1').node('a1').podAntiAffinity(zone, db)],
    skip: true,
    verdicts: { a1: 'pass', a2: 'pass', b1: 'pass', nozone: 'pass' },
  },
  {
    name: "an existing pod's term without namespaces covers only its own namespace",
    pod: makePod('in').label('app', 'web'),
    existing: [makePod('e1').namespace('prod').node('a1').podAntiAffinity(zone, web)],
    skip: true,
    verdicts: { a1: 'pass', a2: 'pass', b1: 'pass', nozone: 'pass' },
  },
  {
    name: "an existing pod's empty namespaceSelector covers every namespace",
    pod: makePod('in').label('app', 'web'),
    existing: [makePod('e1').namespace('prod').node('b1').podAntiAffinity(zone, web, { namespaceSelector: {} })],
    skip: false,
    verdicts: { a1: 'pass', a2: 'pass', b1: 'existing', nozone: 'pass' },
  },
  {
    name: "an existing pod's namespaceSelector is matched against the labels of the pod's namespace",
    pod: makePod('in').label('app', 'web'),
    existing: [
      makePod('e1').namespace('prod').node('a1').podAntiAffinity(host, web, { namespaceSelector: { matchLabels: { team: 'core' } } }),
      makePod('e2').namespace('prod').node('b1').podAntiAffinity(host, web, { namespaceSelector: { matchLabels: { env: 'prod' } } }),
    ],
    skip: false,
    verdicts: { a1: 'existing', a2: 'pass', b1: 'pass', nozone: 'pass' },
  },
  {
    name: 'required affinity: nodes in the domain of a matching pod pass; others, and nodes without the key, do not',
    pod: makePod('in').label('app', 'web').podAffinity(zone, db),
    existing: [makePod('e1').node('a2').label('app', 'db')],
    skip: false,
    verdicts: { a1: 'pass', a2: 'pass', b1: 'affinity', nozone: 'affinity' },
  },
  {
    name: 'required affinity with no matching pod anywhere: the first pod of its group (it matches itself) may go to any node with the key',
    pod: makePod('in').label('app', 'db').podAffinity(zone, db),
    existing: [makePod('e1').node('a2').label('app', 'web')],
    skip: false,
    verdicts: { a1: 'pass', a2: 'pass', b1: 'pass', nozone: 'affinity' },
  },
  {
    name: 'required affinity with no matching pod and a pod that does not match itself: every node is rejected',
    pod: makePod('in').label('app', 'web').podAffinity(zone, db),
    existing: [],
    skip: false,
    verdicts: { a1: 'affinity', a2: 'affinity', b1: 'affinity', nozone: 'affinity' },
  },
  {
    name: 'the first-pod exception does not apply once any pod in the cluster matches',
    pod: makePod('in').label('app', 'db').podAffinity(zone, db),
    existing: [makePod('e1').node('b1').label('app', 'db')],
    skip: false,
    verdicts: { a1: 'affinity', a2: 'affinity', b1: 'pass', nozone: 'affinity' },
  },
  {
    name: 'several affinity terms: one pod must match them all, and every term needs its key on the node',
    pod: makePod('in').podAffinity(zone, db).podAffinity(host, { matchLabels: { tier: 'cache' } }),
    existing: [
      makePod('e1').node('a1').label('app', 'db'),
      makePod('e2').node('a2').label('tier', 'cache'),
      makePod('e3').node('b1').labels({ app: 'db', tier: 'cache' }),
    ],
    skip: false,
    verdicts: { a1: 'affinity', a2: 'affinity', b1: 'pass', nozone: 'affinity' },
  },
  {
    name: 'required anti-affinity: the domains of matching pods are rejected; a node without the key passes',
    pod: makePod('in').label('app', 'web').podAntiAffinity(zone, db),
    existing: [makePod('e1').node('a1').label('app', 'db')],
    skip: false,
    verdicts: { a1: 'anti', a2: 'anti', b1: 'pass', nozone: 'pass' },
  },
  {
    name: "required anti-affinity only looks at the pod's own namespace unless told otherwise",
    pod: makePod('in').podAntiAffinity(zone, db),
    existing: [makePod('e1').namespace('prod').node('a1').label('app', 'db'), makePod('e2').namespace('default').node('b1').label('app', 'db')],
    skip: false,
    verdicts: { a1: 'pass', a2: 'pass', b1: 'anti', nozone: 'pass' },
  },
  {
    name: "the pod's namespaceSelector covers the namespaces whose labels match it",
    pod: makePod('in').podAntiAffinity(host, db, { namespaceSelector: { matchLabels: { env: 'prod' } } }),
    existing: [
      makePod('e1').namespace('prod').node('a1').label('app', 'db'),
      makePod('e2').namespace('dev').node('a2').label('app', 'db'),
      makePod('e3').namespace('default').node('b1').label('app', 'db'),
    ],
    skip: false,
    verdicts: { a1: 'anti', a2: 'pass', b1: 'pass', nozone: 'pass' },
  },
  {
    name: "the pod's namespaceSelector never covers a namespace that does not exist, even with DoesNotExist",
    pod: makePod('in').podAntiAffinity(host, db, { namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] } }),
    existing: [makePod('e1').namespace('ghost').node('a1').label('app', 'db'), makePod('e2').namespace('default').node('b1').label('app', 'db')],
    skip: false,
    verdicts: { a1: 'pass', a2: 'pass', b1: 'anti', nozone: 'pass' },
  },
  {
    name: "listed namespaces and the namespaceSelector add up, and the pod's own namespace is then not implied",
    pod: makePod('in').podAffinity(host, db, { namespaces: ['dev'], namespaceSelector: { matchLabels: { env: 'prod' } } }),
    existing: [
      makePod('e1').namespace('prod').node('a1').label('app', 'db'),
      makePod('e2').namespace('dev').node('a2').label('app', 'db'),
      makePod('e3').namespace('default').node('b1').label('app', 'db'),
    ],
    skip: false,
    verdicts: { a1: 'pass', a2: 'pass', b1: 'affinity', nozone: 'affinity' },
  },
  {
    name: 'a null labelSelector selects no pod',
    pod: makePod('in').podAntiAffinity(zone, null),
    existing: [makePod('e1').node('a1').label('app', 'db')],
    skip: false,
    verdicts: { a1: 'pass', a2: 'pass', b1: 'pass', nozone: 'pass' },
  },
  {
    name: 'an empty labelSelector selects every pod of the namespace',
    pod: makePod('in').podAntiAffinity(zone, {}),
    existing: [makePod('e1').node('b1')],
    skip: false,
    verdicts: { a1: 'pass', a2: 'pass', b1: 'anti', nozone: 'pass' },
  },
  {
    name: 'affinity is checked first, then the pod anti-affinity, then existing pods anti-affinity',
    pod: makePod('in').label('app', 'web').podAffinity(zone, db).podAntiAffinity(host, { matchLabels: { app: 'cache' } }),
    existing: [
      makePod('e1').node('a1').labels({ app: 'db' }),
      makePod('e2').node('a1').label('app', 'cache'),
      makePod('e3').node('a2').podAntiAffinity(host, web),
    ],
    skip: false,
    verdicts: { a1: 'anti', a2: 'existing', b1: 'affinity', nozone: 'affinity' },
  },
];

describe('InterPodAffinity Filter', () => {
  it.each(cases)('$name', async ({ pod, existing, skip, verdicts }) => {
    const tester = new PluginTester({ plugin, nodes, pods: existing, namespaces });
    const report = await tester.filter(pod);
    expect(report.preFilter.status).toBeNull();
    expect(report.preFilter.skipped).toBe(skip);
    const got = Object.fromEntries(report.nodes.map((n) => [n.node, describeStatus(n.status)]));
    const want = Object.fromEntries(Object.entries(verdicts).map(([node, v]) => [node, v === 'pass' ? 'pass' : expectedStatus[v]]));
    expect(got).toEqual(want);
  });

  it('rejects at PreFilter a pod whose terms kube cannot parse', async () => {
    const pod = makePod('in').podAffinity(zone, { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] });
    const tester = new PluginTester({ plugin, nodes, namespaces });
    const report = await tester.filter(pod);
    expect(report.preFilter.status?.code).toBe(Code.UnschedulableAndUnresolvable);
    expect(report.preFilter.status?.reasons).toEqual([`parsing pod: ${PodInfo.of(pod.obj()).affinityError}`]);
    expect(report.preFilter.status?.reasons[0]).toMatch(/^parsing pod: requiredAffinityTerms: /);
  });

  it('reports an Error when Filter runs without its PreFilter state', () => {
    const tester = new PluginTester({ plugin, nodes });
    const standalone = new InterPodAffinity(fakeHandle(tester.snapshot), { hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false });
    const status = standalone.filter(new CycleState(), makePod('in').obj(), tester.snapshot.get('a1')!);
    expect(status?.code).toBe(Code.Error);
  });

  it('ignores existing pods whose anti-affinity terms cannot be parsed', async () => {
    const broken = makePod('e1').node('a1').podAntiAffinity(zone, { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] });
    const tester = new PluginTester({ plugin, nodes, pods: [broken], namespaces });
    const report = await tester.filter(makePod('in').label('app', 'x'));
    expect(report.preFilter.skipped).toBe(true);
  });
});

describe('InterPodAffinity PreFilter extensions (AddPod / RemovePod)', () => {
  async function preFiltered(pod: PodBuilder, existing: PodBuilder[]) {
    const tester = new PluginTester({ plugin, nodes, pods: existing, namespaces });
    const report = await tester.filter(pod);
    const framework = tester.framework;
    const target = pod.obj();
    const verdicts = async (): Promise<Record<string, string>> => {
      const out: Record<string, string> = {};
      for (const info of tester.snapshot.list()) out[info.name] = describeStatus(await framework.runFilterPlugins(report.state, target, info));
      return out;
    };
    const change = async (kind: 'add' | 'remove', pod: PodBuilder, nodeName: string) => {
      const info = PodInfo.of(pod.obj());
      const nodeInfo = tester.snapshot.get(nodeName)!;
      const status =
        kind === 'add'
          ? await framework.runPreFilterExtensionAddPod(report.state, target, info, nodeInfo)
          : await framework.runPreFilterExtensionRemovePod(report.state, target, info, nodeInfo);
      expect(status ?? null).toBeNull();
    };
    return { report, verdicts, change };
  }

  it('adding a pod that matches the affinity terms opens its domain', async () => {
    const { verdicts, change } = await preFiltered(makePod('in').podAffinity(zone, db), [makePod('e1').node('a1').label('app', 'db')]);
    await change('add', makePod('new').node('b1').label('app', 'db'), 'b1');
    expect(await verdicts()).toEqual({ a1: 'pass', a2: 'pass', b1: 'pass', nozone: expectedStatus.affinity });
  });

  it('removing the only pod that matched the affinity terms brings back the first-pod exception', async () => {
    const existing = makePod('e1').node('a1').label('app', 'db');
    const { verdicts, change } = await preFiltered(makePod('in').label('app', 'db').podAffinity(zone, db), [existing]);
    expect((await verdicts()).b1).toBe(expectedStatus.affinity);
    await change('remove', existing, 'a1');
    expect(await verdicts()).toEqual({ a1: 'pass', a2: 'pass', b1: 'pass', nozone: expectedStatus.affinity });
  });

  it('removing the pod that the anti-affinity selected frees its domain', async () => {
    const existing = makePod('e1').node('a1').label('app', 'db');
    const { verdicts, change } = await preFiltered(makePod('in').podAntiAffinity(zone, db), [existing]);
    expect((await verdicts()).a2).toBe(expectedStatus.anti);
    await change('remove', existing, 'a1');
    expect(await verdicts()).toEqual({ a1: 'pass', a2: 'pass', b1: 'pass', nozone: 'pass' });
  });

  it("adding a pod whose anti-affinity selects the incoming pod rejects that pod's domain", async () => {
    const { verdicts, change } = await preFiltered(makePod('in').label('app', 'web').podAntiAffinity(host, db), []);
    await change('add', makePod('new').node('b1').podAntiAffinity(zone, web), 'b1');
    expect(await verdicts()).toEqual({ a1: 'pass', a2: 'pass', b1: expectedStatus.existing, nozone: 'pass' });
  });

  it('a cloned cycle state is simulated on without touching the original (preemption)', async () => {
    const existing = makePod('e1').node('a1').label('app', 'db');
    const tester = new PluginTester({ plugin, nodes, pods: [existing], namespaces });
    const pod = makePod('in').podAntiAffinity(zone, db);
    const report = await tester.filter(pod);
    const copy = report.state.clone();
    const a2 = tester.snapshot.get('a2')!;
    await tester.framework.runPreFilterExtensionRemovePod(copy, pod.obj(), PodInfo.of(existing.obj()), tester.snapshot.get('a1')!);
    expect(describeStatus(await tester.framework.runFilterPlugins(copy, pod.obj(), a2))).toBe('pass');
    expect(describeStatus(await tester.framework.runFilterPlugins(report.state, pod.obj(), a2))).toBe(expectedStatus.anti);
  });
});
