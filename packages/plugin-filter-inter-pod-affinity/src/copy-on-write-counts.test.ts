import { LabelHostname, PodInfo } from '@schedkit/framework';
import { makeNode, makePod } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { PreFilterState, TopologyPairCounts, updateWithPod } from './index.js';

const host = LabelHostname;
const green = { matchLabels: { color: 'green' } };
const incoming = makePod('in').label('color', 'green').obj();
/** A green pod whose required anti-affinity per hostname selects the incoming pod. */
const repeller = (name: string) => PodInfo.of(makePod(name).label('color', 'green').podAntiAffinity(host, green).obj());
const node = (name: string) => makeNode(name).obj();

/** Running totals as the plugin keeps them between cycles: h1 holds one repeller. */
function sharedTotals(): TopologyPairCounts {
  const counts = new TopologyPairCounts();
  counts.add(host, 'h1', 1);
  return counts;
}

function stateOver(existing: TopologyPairCounts): PreFilterState {
  const none = { affinity: [], antiAffinity: [] };
  return new PreFilterState(incoming, none, undefined, existing, new TopologyPairCounts(), new TopologyPairCounts(), false);
}

describe("PreFilterState's counts: shared until written", () => {
  it('AddPod and RemovePod write to a copy: the shared totals keep their pairs', () => {
    const shared = sharedTotals();
    const state = stateOver(shared);
    updateWithPod(state, repeller('sim'), node('h2'), 1);
    updateWithPod(state, repeller('e1'), node('h1'), -1);
    expect(state.existingAntiAffinityCounts.toRecord()).toEqual({ [`${host}=h2`]: 1 });
    expect(shared.toRecord()).toEqual({ [`${host}=h1`]: 1 });
  });

  it('a state and its clone write apart, whichever writes first, and a clone of a clone too', () => {
    const shared = sharedTotals();
    const state = stateOver(shared);
    updateWithPod(state, repeller('a'), node('h2'), 1);
    const copy = state.clone();
    updateWithPod(state, repeller('b'), node('h3'), 1);
    updateWithPod(copy, repeller('e1'), node('h1'), -1);
    const copyOfCopy = copy.clone();
    updateWithPod(copy, repeller('c'), node('h4'), 1);

    expect(state.existingAntiAffinityCounts.toRecord()).toEqual({ [`${host}=h1`]: 1, [`${host}=h2`]: 1, [`${host}=h3`]: 1 });
    expect(copy.existingAntiAffinityCounts.toRecord()).toEqual({ [`${host}=h2`]: 1, [`${host}=h4`]: 1 });
    expect(copyOfCopy.existingAntiAffinityCounts.toRecord()).toEqual({ [`${host}=h2`]: 1 });
    expect(shared.toRecord()).toEqual({ [`${host}=h1`]: 1 });
  });

  it('a pod that matches no term leaves the counts shared (nothing is copied)', () => {
    const shared = sharedTotals();
    const state = stateOver(shared);
    updateWithPod(state, PodInfo.of(makePod('blue').label('color', 'blue').obj()), node('h2'), 1);
    expect(state.existingAntiAffinityCounts).toBe(shared);
  });
});
