import { describe, expect, it } from 'vitest';
import { CycleState } from '../cycle-state/cycle-state.js';
import { injectable } from '../di.js';
import type { Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import { Snapshot } from '../node-info/snapshot.js';
import { PreFilterResult } from '../plugins/extension-points.js';
import { Registry } from '../registry/registry.js';
import { Code, Status } from '../status/status.js';
import { FitError } from './fit-error.js';
import { Framework } from './framework.js';
import { numFeasibleNodesToFind } from './sampling.js';

const node = (name: string, labels: Record<string, string> = {}) => ({ metadata: { name, labels }, status: { allocatable: { cpu: '4', pods: '110' } } });
const pod = (name: string, labels: Record<string, string> = {}): Pod => ({ metadata: { name, namespace: 'default', uid: name, labels }, spec: { containers: [{ name: 'c' }] } });

function framework(plugins: { name: string; plugin: new (...args: never[]) => { name: string }; weight?: number; point?: string }[], options: { random?: () => number; percentage?: number; timeout?: number } = {}) {
  const registry = new Registry();
  for (const p of plugins) registry.register({ name: p.name, plugin: p.plugin as never });
  return new Framework({
    profile: {
      schedulerName: 't',
      plugins: { multiPoint: { enabled: plugins.map((p) => ({ name: p.name, ...(p.weight ? { weight: p.weight } : {}) })), disabled: [] } },
      pluginConfig: [],
    },
    registry,
    ...(options.random ? { random: options.random } : {}),
    ...(options.percentage !== undefined ? { percentageOfNodesToScore: options.percentage } : {}),
    ...(options.timeout !== undefined ? { asyncPluginTimeoutMs: options.timeout } : {}),
  });
}

describe('numFeasibleNodesToFind (kube adaptive sampling)', () => {
  // [percentageOfNodesToScore, nodes, expected]
  const table: [number | undefined, number, number][] = [
    [undefined, 0, 0],
    [undefined, 50, 50],
    [undefined, 99, 99],
    [undefined, 100, 100], // 50 - 0 = 50% of 100 = 50 -> at least 100
    [undefined, 500, 230], // 50 - 4 = 46%
    [undefined, 1000, 420], // 50 - 8 = 42%
    [undefined, 5000, 500], // 50 - 40 = 10%
    [undefined, 6000, 300], // 50 - 48 = 2% -> 5%
    [undefined, 15000, 750], // 50 - 120 < 5 -> 5%
    [0, 1000, 420],
    [10, 1000, 100],
    [10, 5000, 500],
    [1, 5000, 100], // never fewer than 100
    [100, 5000, 5000],
    [50, 99, 99], // below 100 nodes: all
  ];
  it.each(table)('percentage %s of %i nodes -> %i', (percentage, nodes, expected) => {
    expect(numFeasibleNodesToFind(percentage, nodes)).toBe(expected);
  });
});

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
    const fw = framework([{ name: 'Counting', plugin: Counting }]);
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

  it('runs Permit: allow, reject, or wait with a timeout', async () => {
    @injectable()
    class Gate {
      readonly name = 'Gate';
      permit(_s: CycleState, p: Pod) {
        if (p.metadata.name === 'deny') return { status: Status.unschedulable('denied') };
        if (p.metadata.name === 'wait') return { status: Status.of(Code.Wait), timeoutMs: 10 };
        return { status: null };
      }
    }
    const fw = framework([{ name: 'Gate', plugin: Gate }]);
    expect(await fw.runPermitPlugins(new CycleState(), pod('ok'), 'a')).toBeNull();
    const denied = await fw.runPermitPlugins(new CycleState(), pod('deny'), 'a');
    expect(denied).toMatchObject({ code: Code.Unschedulable, plugin: 'Gate', reasons: ['denied'] });
    const waiting = await fw.runPermitPlugins(new CycleState(), pod('wait'), 'a');
    expect(waiting?.code).toBe(Code.Wait);
    expect(fw.getWaitingPod('wait')?.pendingPlugins()).toEqual(['Gate']);
    const outcome = await fw.waitOnPermit(pod('wait'));
    expect(outcome?.reasons).toEqual(['rejected due to timeout after waiting 0.01s at plugin Gate']);
  });
});
