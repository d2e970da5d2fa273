import { describe, expect, it } from 'vitest';
import type { CycleState } from '../cycle-state/cycle-state.js';
import { injectable } from '../di.js';
import type { Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import { Snapshot } from '../node-info/snapshot.js';
import { framework, node, pod } from './test-framework.helpers.js';

describe('score tables share one buffer per framework', () => {
  /** Scores a node by the number in its name, plus the pod's `bonus` label on node n1. */
  @injectable()
  class Numbered {
    readonly name = 'Numbered';
    score(_s: CycleState, p: Pod, n: NodeInfo): number {
      return Number(n.name.slice(1)) + (n.name === 'n1' ? Number(p.metadata.labels?.bonus ?? 0) : 0);
    }
  }
  /** The same score, answered after a timer (cycles interleave). */
  @injectable()
  class SlowNumbered extends Numbered {
    async scoreLater(s: CycleState, p: Pod, n: NodeInfo): Promise<number> {
      await new Promise((resolve) => setTimeout(resolve, 2));
      return super.score(s, p, n);
    }
  }
  const nodes = Snapshot.from([node('n1'), node('n2'), node('n3')]);

  it('lets a result’s scores be read until the next cycle, then refuses instead of reading another pod’s', async () => {
    const fw = framework([{ name: 'Numbered', plugin: Numbered }]);
    const first = await fw.schedulePod(pod('first', { bonus: '10' }), nodes);
    expect(first.suggestedHost).toBe('n1');
    const kept = first.nodeScores;
    expect(kept.map((s) => s.totalScore)).toEqual([11, 2, 3]);
    const second = await fw.schedulePod(pod('second'), nodes);
    expect(second.suggestedHost).toBe('n3');
    expect(second.nodeScores.map((s) => s.totalScore)).toEqual([1, 2, 3]);
    // Read before the second cycle: still the first pod's.
    expect(first.nodeScores.map((s) => s.totalScore)).toEqual([11, 2, 3]);
    const third = await fw.schedulePod(pod('third', { bonus: '10' }), nodes);
    await fw.schedulePod(pod('fourth'), nodes);
    expect(() => third.nodeScores).toThrow(
      'ScheduleResult.nodeScores read after the framework scored another pod: read them (or copy them) before the next cycle of the same framework (pod default/third)',
    );
  });

  it('gives a cycle that scores while another holds the buffer a table of its own', async () => {
    @injectable()
    class Slow {
      readonly name = 'Slow';
      private readonly inner = new SlowNumbered();
      score(s: CycleState, p: Pod, n: NodeInfo): Promise<number> {
        return this.inner.scoreLater(s, p, n);
      }
    }
    const fw = framework([{ name: 'Slow', plugin: Slow }]);
    const [a, b] = await Promise.all([fw.schedulePod(pod('a', { bonus: '10' }), nodes), fw.schedulePod(pod('b'), nodes)]);
    expect([a.suggestedHost, b.suggestedHost]).toEqual(['n1', 'n3']);
    expect(a.nodeScores.map((s) => s.totalScore)).toEqual([11, 2, 3]);
    expect(b.nodeScores.map((s) => s.totalScore)).toEqual([1, 2, 3]);
  });
});
