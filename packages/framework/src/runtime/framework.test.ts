import { describe, expect, it } from 'vitest';
import { CycleState } from '../cycle-state/cycle-state.js';
import { injectable } from '../di.js';
import type { Pod } from '../model/types.js';
import { Code, Status } from '../status/status.js';
import { framework, pod } from './test-framework.helpers.js';

describe('Framework.runPermitPlugins', () => {
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
