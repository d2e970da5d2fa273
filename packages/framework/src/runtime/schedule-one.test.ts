import { describe, expect, it } from 'vitest';
import { CycleState } from '../cycle-state/cycle-state.js';
import { injectable } from '../di.js';
import type { Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import { Snapshot } from '../node-info/snapshot.js';
import { PreFilterResult } from '../plugins/extension-points.js';
import { Code, Status } from '../status/status.js';
import { FitError } from './fit-error.js';
import { framework, node, pod } from './test-framework.helpers.js';

describe('Framework.schedulePod', () => {
  @injectable()
  class ZoneFilter {
    readonly name = 'ZoneFilter';
    filter(_s: CycleState, _p: Pod, n: NodeInfo): Status | null {
      const zone = n.node?.metadata.labels?.zone;
      if (zone === 'bad') return Status.unschedulable('node(s) were in a bad zone');
      if (zone === 'worse') return Status.unresolvable('node(s) were in a worse zone', 'and more');
      return null;
    }
  }
  @injectable()
  class NameScore {
    readonly name = 'NameScore';
    score(_s: CycleState, _p: Pod, n: NodeInfo): number {
      return Number(n.name.replace(/\D/g, '')) % 100;
    }
  }
  @injectable()
  class Flat {
    readonly name = 'Flat';
    score(): number {
      return 7;
    }
  }
  @injectable()
  class OutOfRange {
    readonly name = 'OutOfRange';
    score(): number {
      return 101;
    }
  }

  it.each([
    [0, 'n4'],
    [0.25, 'n3'],
    [0.5, 'n2'],
    [0.75, 'n1'],
    [0.9999, 'n1'],
  ])('breaks a tie among the top nodes with one random number (%f -> %s), in schedulePod and selectHost alike', async (r, expected) => {
    let calls = 0;
    const random = () => {
      calls++;
      return r;
    };
    const fw = framework([{ name: 'ZoneFilter', plugin: ZoneFilter }, { name: 'Flat', plugin: Flat }], { random });
    const snapshot = Snapshot.from([node('n1'), node('n2'), node('n0', { zone: 'bad' }), node('n3'), node('n4')]);
    const result = await fw.schedulePod(pod('p'), snapshot);
    expect(result.suggestedHost).toBe(expected);
    expect(calls).toBe(1);
    expect(fw.selectHost(result.nodeScores)).toBe(expected);
  });

  it('returns the top node, with raw and weighted scores per plugin', async () => {
    const fw = framework([{ name: 'ZoneFilter', plugin: ZoneFilter }, { name: 'NameScore', plugin: NameScore, weight: 2 }, { name: 'Flat', plugin: Flat, weight: 3 }]);
    const snapshot = Snapshot.from([node('n1'), node('n42'), node('n7', { zone: 'bad' })]);
    const result = await fw.schedulePod(pod('p'), snapshot);
    expect(result.suggestedHost).toBe('n42');
    expect(result.feasibleNodes).toBe(2);
    expect(result.evaluatedNodes).toBe(3);
    const n42 = result.nodeScores.find((s) => s.name === 'n42')!;
    expect(n42.scores).toEqual([
      { name: 'NameScore', score: 84, raw: 42 },
      { name: 'Flat', score: 21, raw: 7 },
    ]);
    expect(n42.totalScore).toBe(105);
  });

  it('throws a FitError whose message counts reasons as kube does (sorted as strings)', async () => {
    const fw = framework([{ name: 'ZoneFilter', plugin: ZoneFilter }]);
    const nodes = [...Array.from({ length: 10 }, (_, i) => node(`b${i}`, { zone: 'bad' })), node('w1', { zone: 'worse' }), node('w2', { zone: 'worse' })];
    const error = await fw.schedulePod(pod('p'), Snapshot.from(nodes)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FitError);
    expect((error as FitError).message).toBe(
      '0/12 nodes are available: 10 node(s) were in a bad zone, 2 and more, 2 node(s) were in a worse zone.',
    );
    expect([...(error as FitError).diagnosis.unschedulablePlugins]).toEqual(['ZoneFilter']);
    expect((error as FitError).diagnosis.nodeToStatus.get('w1')?.code).toBe(Code.UnschedulableAndUnresolvable);
  });

  it('skips scoring when exactly one node fits', async () => {
    const fw = framework([{ name: 'ZoneFilter', plugin: ZoneFilter }, { name: 'OutOfRange', plugin: OutOfRange }]);
    const result = await fw.schedulePod(pod('p'), Snapshot.from([node('ok'), node('x', { zone: 'bad' })]));
    expect(result).toMatchObject({ suggestedHost: 'ok', feasibleNodes: 1, nodeScores: [] });
  });

  it('rejects a score outside [0, 100] as an Error naming the plugin', async () => {
    const fw = framework([{ name: 'OutOfRange', plugin: OutOfRange }]);
    await expect(fw.schedulePod(pod('p'), Snapshot.from([node('a'), node('b')]))).rejects.toThrow(
      'plugin "OutOfRange" returns an invalid score 101, it should in the range of [0, 100] after normalizing',
    );
  });

  it('breaks ties uniformly at random with the injected source', async () => {
    const counts = new Map<string, number>();
    let seed = 1;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const fw = framework([{ name: 'Flat', plugin: Flat }], { random });
    const snapshot = Snapshot.from([node('a'), node('b'), node('c'), node('d')]);
    for (let i = 0; i < 4000; i++) {
      const host = (await fw.schedulePod(pod(`p${i}`), snapshot)).suggestedHost;
      counts.set(host, (counts.get(host) ?? 0) + 1);
    }
    for (const name of ['a', 'b', 'c', 'd']) {
      expect(counts.get(name)).toBeGreaterThan(850);
      expect(counts.get(name)).toBeLessThan(1150);
    }
  });

  it('stops filtering once enough feasible nodes are found and rotates the start index', async () => {
    let filtered = 0;
    @injectable()
    class Counting {
      readonly name = 'Counting';
      filter(): null {
        filtered++;
        return null;
      }
    }
    // A profile with a score plugin: without one kube looks for a single feasible node.
    const fw = framework([{ name: 'Counting', plugin: Counting }, { name: 'Flat', plugin: Flat }]);
    const snapshot = Snapshot.from(Array.from({ length: 1000 }, (_, i) => node(`n${i}`)));
    const first = await fw.schedulePod(pod('p1'), snapshot);
    expect(first.feasibleNodes).toBe(420);
    expect(filtered).toBeLessThan(460); // chunks already running may finish their current piece
    const second = await fw.schedulePod(pod('p2'), snapshot);
    expect(second.feasibleNodes).toBe(420);
  });

  it('merges PreFilterResults and records nodes outside them as kube does', async () => {
    @injectable()
    class OnlyAB {
      readonly name = 'OnlyAB';
      preFilter(): PreFilterResult {
        return new PreFilterResult(new Set(['a', 'b']));
      }
    }
    @injectable()
    class OnlyBC {
      readonly name = 'OnlyBC';
      preFilter(): PreFilterResult {
        return new PreFilterResult(new Set(['b', 'c']));
      }
    }
    const fw = framework([{ name: 'OnlyAB', plugin: OnlyAB }, { name: 'OnlyBC', plugin: OnlyBC }]);
    const snapshot = Snapshot.from([node('a'), node('b'), node('c')]);
    const state = new CycleState();
    const found = await fw.findNodesThatFitPod(state, pod('p'), snapshot.list());
    expect(found.feasible.map((n) => n.name)).toEqual(['b']);
    expect(found.diagnosis.nodeToStatus.get('a')?.reasons).toEqual(["node(s) didn't satisfy plugin(s) [OnlyAB OnlyBC]"]);

    @injectable()
    class OnlyD {
      readonly name = 'OnlyD';
      preFilter(): PreFilterResult {
        return new PreFilterResult(new Set(['d']));
      }
    }
    const none = framework([{ name: 'OnlyAB', plugin: OnlyAB }, { name: 'OnlyD', plugin: OnlyD }]);
    const pre = await none.runPreFilterPlugins(new CycleState(), pod('p'), snapshot.list());
    expect(pre.status?.code).toBe(Code.UnschedulableAndUnresolvable);
    expect(pre.status?.reasons).toEqual(["node(s) didn't satisfy plugin(s) [OnlyAB OnlyD] simultaneously"]);
  });

  it('skips a plugin’s Filter and Score when its PreFilter / PreScore says Skip', async () => {
    const calls: string[] = [];
    @injectable()
    class Skipper {
      readonly name = 'Skipper';
      preFilter(): Status {
        return Status.skip;
      }
      filter(): Status {
        calls.push('filter');
        return Status.unschedulable('never');
      }
      preScore(): Status {
        return Status.skip;
      }
      score(): number {
        calls.push('score');
        return 1;
      }
    }
    const fw = framework([{ name: 'Skipper', plugin: Skipper }, { name: 'Flat', plugin: Flat }]);
    const result = await fw.schedulePod(pod('p'), Snapshot.from([node('a'), node('b')]));
    expect(calls).toEqual([]);
    expect(result.nodeScores[0]!.scores.map((s) => s.name)).toEqual(['Flat']);
  });

  it('awaits async plugins, and turns a slow one into an Error naming it', async () => {
    @injectable()
    class AsyncScore {
      readonly name = 'AsyncScore';
      async score(_s: CycleState, _p: Pod, n: NodeInfo): Promise<number> {
        await new Promise((r) => setTimeout(r, 1));
        return n.name === 'b' ? 90 : 10;
      }
    }
    @injectable()
    class Hanging {
      readonly name = 'Hanging';
      filter(): Promise<null> {
        return new Promise(() => undefined);
      }
    }
    const fw = framework([{ name: 'AsyncScore', plugin: AsyncScore }]);
    expect((await fw.schedulePod(pod('p'), Snapshot.from([node('a'), node('b')]))).suggestedHost).toBe('b');
    const slow = framework([{ name: 'Hanging', plugin: Hanging }], { timeout: 20 });
    await expect(slow.schedulePod(pod('p'), Snapshot.from([node('a')]))).rejects.toThrow('running Filter plugin "Hanging": Filter plugin "Hanging" timed out after 20 ms');
  });
});

describe('Filter tries the plugin that rejected the last node first', () => {
  const calls = { first: 0, second: 0 };
  /** Rejects nodes labelled cordoned=yes; runs first in the chain. */
  @injectable()
  class Cordon {
    readonly name = 'Cordon';
    filter(_s: CycleState, _p: Pod, n: NodeInfo): Status | null {
      calls.first++;
      return n.node?.metadata.labels?.cordoned === 'yes' ? Status.unschedulable('node(s) were cordoned') : null;
    }
  }
  /** Rejects every node outside zone a; runs second. */
  @injectable()
  class ZoneA {
    readonly name = 'ZoneA';
    filter(_s: CycleState, _p: Pod, n: NodeInfo): Status | null {
      calls.second++;
      if (n.node?.metadata.labels?.broken === 'yes') return Status.error(new Error('cannot read node'));
      return n.node?.metadata.labels?.zone === 'a' ? null : Status.unresolvable('node(s) were outside zone a');
    }
  }
  @injectable()
  class Even {
    readonly name = 'Even';
    score(): number {
      return 1;
    }
  }
  const chain = (percentage = 100) =>
    framework([{ name: 'Cordon', plugin: Cordon }, { name: 'ZoneA', plugin: ZoneA }, { name: 'Even', plugin: Even }], { percentage });
  // n0..n9 in zone b (n3 and n4 also cordoned), n10, n11 in zone a (n11 cordoned).
  const nodes = () =>
    Snapshot.from(
      Array.from({ length: 12 }, (_, i) => node(`n${i}`, { zone: i >= 10 ? 'a' : 'b', ...(i === 3 || i === 4 || i === 11 ? { cordoned: 'yes' } : {}) })),
    ).list();

  it('reports each node’s status in configuration order, as kube does', async () => {
    const found = await chain().findNodesThatFitPod(new CycleState(), pod('p'), nodes());
    expect(found.feasible.map((n) => n.name)).toEqual(['n10']);
    const statuses = Object.fromEntries([...found.diagnosis.nodeToStatus.entries()].map(([name, s]) => [name, `${s.plugin}: ${s.reasons.join()}`]));
    expect(statuses).toEqual({
      n0: 'ZoneA: node(s) were outside zone a',
      n1: 'ZoneA: node(s) were outside zone a',
      n2: 'ZoneA: node(s) were outside zone a',
      n3: 'Cordon: node(s) were cordoned',
      n4: 'Cordon: node(s) were cordoned',
      n5: 'ZoneA: node(s) were outside zone a',
      n6: 'ZoneA: node(s) were outside zone a',
      n7: 'ZoneA: node(s) were outside zone a',
      n8: 'ZoneA: node(s) were outside zone a',
      n9: 'ZoneA: node(s) were outside zone a',
      n11: 'Cordon: node(s) were cordoned',
    });
    expect([...found.diagnosis.unschedulablePlugins].sort()).toEqual(['Cordon', 'ZoneA']);
  });

  it('rejects a run of nodes with one call each, and sees the same feasible nodes', async () => {
    calls.first = 0;
    calls.second = 0;
    const fw = chain();
    const result = await fw.schedulePod(pod('p'), Snapshot.from(nodes().map((n) => n.node!)));
    expect(result.suggestedHost).toBe('n10');
    expect(result.evaluatedNodes).toBe(12);
    // In order: 12 + 9 calls. With the probe: n0 runs the chain (2), n1..n9 one ZoneA call each except that ZoneA
    // passes none of them; n10 probes ZoneA (pass) then Cordon; n11 probes ZoneA (pass) then Cordon rejects.
    expect(calls.first + calls.second).toBeLessThan(12 + 10);
    expect(calls.second).toBe(12);
  });

  it('gives the chain’s statuses when no node fits', async () => {
    const allB = Snapshot.from(Array.from({ length: 6 }, (_, i) => node(`n${i}`, { zone: 'b', ...(i === 4 ? { cordoned: 'yes' } : {}) })));
    const error = await chain()
      .schedulePod(pod('p'), allB)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FitError);
    expect((error as FitError).message).toBe('0/6 nodes are available: 1 node(s) were cordoned, 5 node(s) were outside zone a.');
  });

  it('keeps the round-robin start of an in-order walk', async () => {
    // 300 nodes, all in zone a except n1..n100 (zone b): a cycle that needs 150 feasible nodes stops after 250.
    const many = Snapshot.from(Array.from({ length: 300 }, (_, i) => node(`n${i}`, { zone: i >= 1 && i <= 100 ? 'b' : 'a' })));
    const fw = chain(50);
    const first = await fw.schedulePod(pod('p'), many);
    expect(first.evaluatedNodes).toBe(250);
    expect(first.feasibleNodes).toBe(150);
    // The next cycle starts at n250.
    const second = await fw.findNodesThatFitPod(new CycleState(), pod('q'), many.list());
    expect(second.feasible[0]!.name).toBe('n250');
    expect(second.feasible).toHaveLength(150);
    expect(second.diagnosis.nodeToStatus.size).toBe(100);
  });

  it('runs the chain in order when the probe errors, so an earlier rejection still wins', async () => {
    // ZoneA (probed after n0) errors on n1, which Cordon, first in the chain, rejects: no error, as in order.
    const snapshot = Snapshot.from([node('n0', { zone: 'b' }), node('n1', { zone: 'b', cordoned: 'yes', broken: 'yes' }), node('n2', { zone: 'a' })]);
    const found = await chain().findNodesThatFitPod(new CycleState(), pod('p'), snapshot.list());
    expect(found.feasible.map((n) => n.name)).toEqual(['n2']);
    expect(found.diagnosis.nodeToStatus.get('n1')?.plugin).toBe('Cordon');
    // A node the chain itself errors on fails the cycle.
    const broken = Snapshot.from([node('n0', { zone: 'b' }), node('n1', { zone: 'a', broken: 'yes' })]);
    const error = await chain()
      .schedulePod(pod('p'), broken)
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('cannot read node');
  });
});

describe('the search as kube runs it (findNodesThatPassFilters)', () => {
  @injectable()
  class OddOnly {
    readonly name = 'OddOnly';
    filter(_s: CycleState, _p: Pod, n: NodeInfo): Status | null {
      return Number(n.name.slice(1)) % 2 === 1 ? null : Status.unschedulable('even node');
    }
  }
  @injectable()
  class One {
    readonly name = 'One';
    score(): number {
      return 1;
    }
  }

  it('evaluates the rejected nodes after the last kept feasible node, and drops the next feasible one', async () => {
    // 240 nodes, 10% of them is under 100: 100 to find; n1, n3, ... pass.
    const snapshot = Snapshot.from(Array.from({ length: 240 }, (_, i) => node(`n${i}`)));
    const fw = framework([{ name: 'OddOnly', plugin: OddOnly }, { name: 'One', plugin: One }], { percentage: 10 });
    expect(fw.numFeasibleNodesToFind(240)).toBe(100);
    const found = await fw.findNodesThatFitPod(new CycleState(), pod('p'), snapshot.list());
    expect(found.feasible).toHaveLength(100);
    expect(found.feasible.at(-1)!.name).toBe('n199');
    // n200 (even) is evaluated after the 100th feasible node; n201 is filtered and dropped.
    expect(found.diagnosis.nodeToStatus.size).toBe(101);
    expect(fw.nextStartNodeIndex).toBe(201);
  });

  it('looks for one feasible node when the profile does not score', async () => {
    const snapshot = Snapshot.from(Array.from({ length: 10 }, (_, i) => node(`n${i}`)));
    const fw = framework([{ name: 'OddOnly', plugin: OddOnly }]);
    expect(fw.numFeasibleNodesToFind(10)).toBe(1);
    const found = await fw.findNodesThatFitPod(new CycleState(), pod('p'), snapshot.list());
    expect(found.feasible.map((n) => n.name)).toEqual(['n1']);
    // n0 rejected, n1 kept, n2 rejected (evaluated), n3 found and dropped.
    expect(fw.nextStartNodeIndex).toBe(3);
  });

  it('moves the start on modulo the whole cluster when a PreFilterResult narrows the nodes', async () => {
    @injectable()
    class FirstThree {
      readonly name = 'FirstThree';
      preFilter(): PreFilterResult {
        return new PreFilterResult(new Set(['n0', 'n1', 'n2']));
      }
    }
    const snapshot = Snapshot.from(Array.from({ length: 10 }, (_, i) => node(`n${i}`)));
    const fw = framework([{ name: 'FirstThree', plugin: FirstThree }, { name: 'One', plugin: One }]);
    await fw.findNodesThatFitPod(new CycleState(), pod('p'), snapshot.list());
    expect(fw.nextStartNodeIndex).toBe(3);
    await fw.findNodesThatFitPod(new CycleState(), pod('p'), snapshot.list());
    expect(fw.nextStartNodeIndex).toBe(6);
  });
});
