import { PodInfo } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { ChurnCluster, churnIncomingPod, churnSteps } from './cluster-churn.fixture.js';
import {
  countExistingAntiAffinity,
  countIncomingTermMatches,
  existingAntiAffinityOnNode,
  type IncomingAdditions,
  type IncomingRequiredTerms,
  incomingMatchesOnNode,
  type PairAddition,
} from './filtering.js';
import { resolveIncomingTerms, resolveIncomingWeightedTerms } from './incoming-terms.js';
import { type NodeMemo, NodeMemos, type NodeTotals, type TrackingLister } from './node-memo.js';
import { ExistingAntiAffinityTotals, IncomingTotals, ScoreTotals } from './running-totals.js';
import { computeTopologyScores, type ScoreAddition, type ScoringInputs, scoreAdditionsOnNode, TopologyScores } from './scoring.js';

const noNamespaces = (): undefined => undefined;
const info = PodInfo.of(churnIncomingPod);
const terms: IncomingRequiredTerms = {
  affinity: resolveIncomingTerms(info.requiredAffinityTerms, noNamespaces),
  antiAffinity: resolveIncomingTerms(info.requiredAntiAffinityTerms, noNamespaces),
};
const scoringInputs = (allPods: boolean): ScoringInputs => ({
  pod: churnIncomingPod,
  namespaceLabels: undefined,
  preferredAffinity: allPods ? resolveIncomingWeightedTerms(info.preferredAffinityTerms, noNamespaces) : [],
  preferredAntiAffinity: allPods ? resolveIncomingWeightedTerms(info.preferredAntiAffinityTerms, noNamespaces) : [],
  hardPodAffinityWeight: 1,
  allPods,
});

/** Running totals of each kind, kept across the steps as the plugin keeps them across cycles. */
class KeptTotals {
  private readonly existing = new NodeMemos<PairAddition[] | null, ExistingAntiAffinityTotals>(() => new ExistingAntiAffinityTotals());
  private readonly incoming = new NodeMemos<IncomingAdditions | null, IncomingTotals>(() => new IncomingTotals());
  private readonly scores = new NodeMemos<ScoreAddition[] | null, ScoreTotals>(() => new ScoreTotals());

  /** The first sighting of each signature, which NodeMemos answers without a memo. */
  constructor(lister: TrackingLister) {
    for (const memos of [this.existing, this.incoming]) expect(memos.get('in', lister)).toBeUndefined();
    for (const allPods of [false, true]) expect(this.scores.get(String(allPods), lister)).toBeUndefined();
  }

  existingCounts(lister: TrackingLister) {
    return memo(this.existing, 'in', lister).update((nodeInfo) => existingAntiAffinityOnNode(churnIncomingPod, undefined, nodeInfo)).counts;
  }

  incomingCounts(lister: TrackingLister) {
    return memo(this.incoming, 'in', lister).update((nodeInfo) => incomingMatchesOnNode(terms, nodeInfo));
  }

  topologyScores(lister: TrackingLister, allPods: boolean) {
    const inputs = scoringInputs(allPods);
    return memo(this.scores, String(allPods), lister).update((nodeInfo) => scoreAdditionsOnNode(inputs, nodeInfo)).scores;
  }
}

function memo<T, S extends NodeTotals<T>>(memos: NodeMemos<T, S>, key: string, lister: TrackingLister): NodeMemo<T, S> {
  const found = memos.get(key, lister);
  if (found === undefined) throw new Error(`no memo for ${key}`);
  return found;
}

/** Pairs and size of scores, an absent (null) result being no pairs. */
function scoresSeen(scores: TopologyScores | null): { record: Record<string, number>; size: number } {
  return { record: scores?.toRecord() ?? {}, size: scores?.size ?? 0 };
}

describe('running totals kept between cycles', () => {
  // One cycle on the empty cluster first, so that every step is applied to totals that already exist.
  const cluster = new ChurnCluster();
  const lister = cluster.snapshot;
  const kept = new KeptTotals(lister);
  kept.existingCounts(lister);
  kept.incomingCounts(lister);
  kept.topologyScores(lister, false);
  kept.topologyScores(lister, true);

  // Each step runs on the cluster the steps before it left, so the cases run in order.
  it.each(churnSteps)('$name: the totals equal counts made from scratch', ({ apply, expected }) => {
    apply(cluster);
    const snapshot = cluster.snapshot;

    const existing = kept.existingCounts(lister);
    const existingFromScratch = countExistingAntiAffinity(churnIncomingPod, undefined, snapshot.havePodsWithRequiredAntiAffinityList());
    expect(existing.toRecord()).toEqual(expected.existing);
    expect(existingFromScratch.toRecord()).toEqual(expected.existing);
    expect(existing.size).toBe(existingFromScratch.size);

    const incoming = kept.incomingCounts(lister);
    const incomingFromScratch = countIncomingTermMatches(terms, snapshot.list());
    expect(incoming.affinity.toRecord()).toEqual(expected.affinity);
    expect(incoming.antiAffinity.toRecord()).toEqual(expected.antiAffinity);
    expect(incomingFromScratch.affinity.toRecord()).toEqual(expected.affinity);
    expect(incomingFromScratch.antiAffinity.toRecord()).toEqual(expected.antiAffinity);
    expect([incoming.affinity.size, incoming.antiAffinity.size]).toEqual([incomingFromScratch.affinity.size, incomingFromScratch.antiAffinity.size]);

    const fromPodsWithAffinity = scoresSeen(kept.topologyScores(lister, false));
    expect(fromPodsWithAffinity.record).toEqual(expected.scoresFromPodsWithAffinity);
    expect(fromPodsWithAffinity).toEqual(scoresSeen(computeTopologyScores(scoringInputs(false), snapshot.havePodsWithAffinityList())));
    expect(scoresSeen(kept.topologyScores(lister, true))).toEqual(scoresSeen(computeTopologyScores(scoringInputs(true), snapshot.list())));
  });

  it('a cycle without changes leaves the totals as they were', () => {
    const before = kept.existingCounts(lister).toRecord();
    const incomingBefore = kept.incomingCounts(lister).antiAffinity.toRecord();
    expect(kept.existingCounts(lister).toRecord()).toEqual(before);
    expect(kept.incomingCounts(lister).antiAffinity.toRecord()).toEqual(incomingBefore);
  });
});

describe('TopologyScores.takeBack', () => {
  it('undoes an addition exactly: a pair holding other additions keeps them, even at a zero sum', () => {
    const scores = new TopologyScores();
    scores.add('zone', 'a', 1);
    scores.add('zone', 'a', -1);
    scores.add('host', 'n1', 4);
    scores.takeBack('host', 'n1', 4);
    expect(scores.toRecord()).toEqual({ 'zone=a': 0 });
    expect(scores.size).toBe(1);
    expect(scores.scoreOf({ zone: 'a', host: 'n1' })).toBe(0);
    scores.takeBack('zone', 'a', -1);
    expect(scores.toRecord()).toEqual({ 'zone=a': 1 });
    scores.takeBack('zone', 'a', 1);
    expect(scores.size).toBe(0);
  });

  it('keeps the remaining keys readable after one in the middle goes', () => {
    const scores = new TopologyScores();
    scores.add('zone', 'a', 2);
    scores.add('rack', 'r1', 3);
    scores.add('host', 'n1', 5);
    scores.takeBack('rack', 'r1', 3);
    scores.add('host', 'n1', 1);
    expect(scores.toRecord()).toEqual({ 'zone=a': 2, 'host=n1': 6 });
    expect(scores.scoreOf({ zone: 'a', rack: 'r1', host: 'n1' })).toBe(8);
  });

  it('refuses to take back what was never added', () => {
    const scores = new TopologyScores();
    scores.add('zone', 'a', 2);
    expect(() => scores.takeBack('zone', 'b', 2)).toThrow('no addition to zone=b');
    expect(() => scores.takeBack('host', 'n1', 1)).toThrow('no addition to host=n1');
  });
});
