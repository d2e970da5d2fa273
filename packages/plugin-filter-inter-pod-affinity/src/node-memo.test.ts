import { codeName, CycleState, Framework, LabelHostname, LabelTopologyZone, type Pod, PodInfo, Registry, Snapshot } from '@schedkit/framework';
import { makeNode, makePod } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { ChurnCluster, churnIncomingPod, churnSteps } from './cluster-churn.fixture.js';
import { plugin } from './index.js';
import { NodeMemos, type NodeTotals } from './node-memo.js';

const green = { matchLabels: { color: 'green' } };

function framework(): Framework {
  return new Framework({
    profile: { schedulerName: 't', plugins: { multiPoint: { enabled: [{ name: 'InterPodAffinity', weight: 2 }], disabled: [] } }, pluginConfig: [] },
    registry: new Registry().use(plugin),
  });
}

/** A green pod that repels green pods per hostname, optionally bound to `node`. */
function greenPod(name: string, node?: string): Pod {
  const builder = makePod(name).label('color', 'green').podAntiAffinity(LabelHostname, green);
  if (node) builder.node(node);
  return builder.obj();
}

/** Filter's verdict per node for `pod` on `snapshot`, with PreFilter run by `fw` first. */
async function verdicts(fw: Framework, snapshot: Snapshot, pod: Pod): Promise<Record<string, string>> {
  fw.setSnapshot(snapshot);
  const state = new CycleState();
  const pre = await fw.runPreFilterPlugins(state, pod, snapshot.list());
  const out: Record<string, string> = {};
  for (const info of snapshot.list()) {
    if (state.skipFilterPlugins.has('InterPodAffinity') || pre.status) {
      out[info.name] = 'skip';
      continue;
    }
    const status = await fw.runFilterPlugins(state, pod, info);
    out[info.name] = status ? codeName(status.code) : 'pass';
  }
  return out;
}

/** Writes `change` into a copy of node `name` and refreshes the snapshot with it, as the scheduler's cache does. */
function refresh(snapshot: Snapshot, name: string, change: (copy: ReturnType<Snapshot['list']>[number]) => void): void {
  const copy = snapshot.get(name)!.clone();
  change(copy);
  snapshot.refresh([copy], (target, source) => target.copyFrom(source));
}

describe('InterPodAffinity counts kept between cycles', () => {
  it('sees pods added to and removed from nodes through the snapshot, as a fresh plugin does', async () => {
    const placed = greenPod('e1', 'h1');
    const snapshot = Snapshot.from(['h1', 'h2', 'h3'].map((n) => makeNode(n).obj()), [placed]);
    const kept = framework();
    const incoming = greenPod('in');

    expect(await verdicts(kept, snapshot, incoming)).toEqual({ h1: 'Unschedulable', h2: 'pass', h3: 'pass' });

    refresh(snapshot, 'h2', (copy) => copy.addPod(greenPod('e2', 'h2')));
    const afterAdd = { h1: 'Unschedulable', h2: 'Unschedulable', h3: 'pass' };
    expect(await verdicts(kept, snapshot, incoming)).toEqual(afterAdd);
    expect(await verdicts(framework(), snapshot, incoming)).toEqual(afterAdd);

    refresh(snapshot, 'h1', (copy) => copy.removePod(placed));
    const afterRemove = { h1: 'pass', h2: 'Unschedulable', h3: 'pass' };
    expect(await verdicts(kept, snapshot, incoming)).toEqual(afterRemove);
    expect(await verdicts(framework(), snapshot, incoming)).toEqual(afterRemove);
  });

  it('keeps pods of different labels apart: a pod the existing terms do not select passes everywhere', async () => {
    const snapshot = Snapshot.from(['h1', 'h2'].map((n) => makeNode(n).obj()), [greenPod('e1', 'h1')]);
    const kept = framework();
    expect(await verdicts(kept, snapshot, greenPod('in'))).toEqual({ h1: 'Unschedulable', h2: 'pass' });
    expect(await verdicts(kept, snapshot, makePod('blue').label('color', 'blue').obj())).toEqual({ h1: 'skip', h2: 'skip' });
  });
});

/** Everything the plugin decides for `pod` in one cycle: PreFilter, Filter per node, PreScore, Score per feasible node. */
async function decisions(fw: Framework, snapshot: Snapshot, pod: Pod): Promise<Record<string, unknown>> {
  fw.setSnapshot(snapshot);
  const state = new CycleState();
  const nodes = snapshot.list();
  const pre = await fw.runPreFilterPlugins(state, pod, nodes);
  const filter: Record<string, string> = {};
  const feasible = [];
  for (const info of nodes) {
    const status = state.skipFilterPlugins.has('InterPodAffinity') ? null : await fw.runFilterPlugins(state, pod, info);
    filter[info.name] = status ? `${codeName(status.code)} ${status.reasons.join('; ')}` : 'pass';
    if (!status) feasible.push(info);
  }
  const preScore = await fw.runPreScorePlugins(state, pod, feasible);
  const { scores } = await fw.runScorePlugins(state, pod, feasible);
  return {
    preFilter: pre.status ? codeName(pre.status.code) : state.skipFilterPlugins.has('InterPodAffinity') ? 'skip' : 'run',
    filter,
    preScore: preScore ? codeName(preScore.code) : state.skipScorePlugins.has('InterPodAffinity') ? 'skip' : 'run',
    scores: Object.fromEntries(scores.map((s) => [s.name, s.scores.map((p) => [p.raw, p.score])])),
  };
}

describe('InterPodAffinity decisions from counts kept between cycles', () => {
  const incomingPods: Record<string, Pod> = {
    'all kinds of terms': churnIncomingPod,
    'no terms (existing pods decide)': makePod('plain').label('app', 'web').obj(),
    'preferred terms only': makePod('soft').label('app', 'web').preferredPodAffinity(3, LabelTopologyZone, { matchLabels: { app: 'db' } }).obj(),
  };
  const cluster = new ChurnCluster();
  const kept = framework();
  const warmUp = Promise.all(Object.values(incomingPods).map((pod) => decisions(kept, cluster.snapshot, pod)));

  // Each step runs on the cluster the steps before it left, so the cases run in order.
  it.each(churnSteps)('$name: the same as a plugin that counts from scratch', async ({ apply }) => {
    await warmUp;
    apply(cluster);
    for (const [name, pod] of Object.entries(incomingPods)) {
      const fromScratch = await decisions(framework(), cluster.snapshot, pod);
      expect({ name, ...(await decisions(kept, cluster.snapshot, pod)) }).toEqual({ name, ...fromScratch });
    }
  });
});

describe("PreFilter's AddPod/RemovePod and clones leave the kept counts alone", () => {
  /** h1 holds a green pod; the incoming green pod is rejected there by its own and the existing pod's anti-affinity. */
  function setUp() {
    const placed = greenPod('e1', 'h1');
    const snapshot = Snapshot.from(['h1', 'h2', 'h3'].map((n) => makeNode(n).obj()), [placed]);
    return { placed, snapshot, fw: framework(), incoming: greenPod('in') };
  }
  const untouched = { h1: 'Unschedulable', h2: 'pass', h3: 'pass' };

  async function filterWith(fw: Framework, snapshot: Snapshot, state: CycleState, pod: Pod): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const info of snapshot.list()) {
      const status = await fw.runFilterPlugins(state, pod, info);
      out[info.name] = status ? codeName(status.code) : 'pass';
    }
    return out;
  }

  it("a cycle's AddPod and RemovePod change its own verdicts only, not the next cycle's", async () => {
    const { placed, snapshot, fw, incoming } = setUp();
    fw.setSnapshot(snapshot);
    const state = new CycleState();
    await fw.runPreFilterPlugins(state, incoming, snapshot.list());
    await fw.runPreFilterExtensionAddPod(state, incoming, PodInfo.of(greenPod('sim', 'h2')), snapshot.get('h2')!);
    await fw.runPreFilterExtensionRemovePod(state, incoming, PodInfo.of(placed), snapshot.get('h1')!);
    expect(await filterWith(fw, snapshot, state, incoming)).toEqual({ h1: 'pass', h2: 'Unschedulable', h3: 'pass' });

    expect(await verdicts(fw, snapshot, incoming)).toEqual(untouched);
  });

  it('a clone and its original write apart: neither sees the other, nor does the next cycle', async () => {
    const { placed, snapshot, fw, incoming } = setUp();
    fw.setSnapshot(snapshot);
    const state = new CycleState();
    await fw.runPreFilterPlugins(state, incoming, snapshot.list());
    const copy = state.clone();
    await fw.runPreFilterExtensionRemovePod(copy, incoming, PodInfo.of(placed), snapshot.get('h1')!);
    await fw.runPreFilterExtensionAddPod(state, incoming, PodInfo.of(greenPod('sim', 'h3')), snapshot.get('h3')!);
    // `copy` owns its counts by now; once cloned, it must copy again before its next write.
    const copyOfCopy = copy.clone();
    await fw.runPreFilterExtensionAddPod(copy, incoming, PodInfo.of(greenPod('sim', 'h3')), snapshot.get('h3')!);
    await fw.runPreFilterExtensionAddPod(copyOfCopy, incoming, PodInfo.of(greenPod('sim2', 'h2')), snapshot.get('h2')!);

    expect(await filterWith(fw, snapshot, copy, incoming)).toEqual({ h1: 'pass', h2: 'pass', h3: 'Unschedulable' });
    expect(await filterWith(fw, snapshot, copyOfCopy, incoming)).toEqual({ h1: 'pass', h2: 'Unschedulable', h3: 'pass' });
    expect(await filterWith(fw, snapshot, state, incoming)).toEqual({ h1: 'Unschedulable', h2: 'pass', h3: 'Unschedulable' });
    expect(await verdicts(fw, snapshot, incoming)).toEqual(untouched);
  });
});

/** Totals that count the pods on the nodes: simple enough to check against the snapshot by hand. */
class PodTotals implements NodeTotals<number> {
  pods = 0;
  apply(value: number, sign: 1 | -1): void {
    this.pods += sign * value;
  }
}

const podCount = (info: { pods: readonly unknown[] }): number => info.pods.length;

describe('NodeMemos', () => {
  const snapshot = () => Snapshot.from(['h1', 'h2', 'h3'].map((n) => makeNode(n).obj()), [greenPod('e1', 'h1')]);

  it('gives a signature its memo the second time it comes, and the same memo while nothing changed', () => {
    const lister = snapshot();
    const memos = new NodeMemos<number, PodTotals>(() => new PodTotals());
    expect(memos.get('a', lister)).toBeUndefined();
    const memo = memos.get('a', lister);
    expect(memo?.update(podCount).pods).toBe(1);
    expect(memos.get('a', lister)).toBe(memo);
  });

  it('drops the least recently used memo beyond 16, which must then come twice again', () => {
    const lister = snapshot();
    const memos = new NodeMemos<number, PodTotals>(() => new PodTotals());
    const make = (key: string) => {
      memos.get(key, lister);
      return memos.get(key, lister);
    };
    const first = make('k0');
    for (let i = 1; i < 16; i++) make(`k${i}`);
    expect(memos.get('k0', lister)).toBe(first); // k0 is now the most recently used, k1 the least
    make('k16');
    expect(memos.get('k0', lister)).toBe(first);
    expect(memos.get('k1', lister)).toBeUndefined();
    expect(memos.get('k1', lister)).toBeDefined();
  });

  it('keeps memos right when a NodeInfo is swapped into the list in place, for memos made before and after the swap', () => {
    const lister = snapshot();
    const memos = new NodeMemos<number, PodTotals>(() => new PodTotals());
    const totals = (key: string) => {
      const memo = memos.get(key, lister) ?? memos.get(key, lister);
      return memo?.update(podCount).pods;
    };
    expect(totals('before')).toBe(1);

    const swapped = lister.get('h2')!.clone();
    swapped.addPod(greenPod('e2', 'h2'));
    lister.replace([swapped]);
    expect(totals('after')).toBe(2);

    refresh(lister, 'h2', (copy) => copy.addPod(greenPod('e3', 'h2')));
    refresh(lister, 'h3', (copy) => copy.addPod(greenPod('e4', 'h3')));
    expect([totals('before'), totals('after')]).toEqual([4, 4]);
    refresh(lister, 'h1', (copy) => copy.removePod(lister.get('h1')!.pods[0]!.pod));
    expect([totals('before'), totals('after')]).toEqual([3, 3]);
  });
});
