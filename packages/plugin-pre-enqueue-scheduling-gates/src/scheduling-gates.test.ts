import { ActionType, Code, QueueingHint } from '@schedkit/framework';
import { makePod, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';
import { SchedulingGates, SchedulingGatesArgsSchema } from './scheduling-gates.js';

describe('SchedulingGates PreEnqueue', () => {
  const tester = new PluginTester({ plugin });
  // [case, gates (undefined: field absent), message or null when the pod may enter the queue]
  const cases: [string, string[] | undefined, string | null][] = [
    ['no schedulingGates field', undefined, null],
    ['an empty schedulingGates list', [], null],
    ['one gate', ['example.com/quota'], 'waiting for scheduling gates: [example.com/quota]'],
    ['several gates, in spec order', ['gate1', 'gate2', 'gate3'], 'waiting for scheduling gates: [gate1 gate2 gate3]'],
  ];
  it.each(cases)('%s', async (_name, gates, message) => {
    const pod = makePod('p').container().obj();
    if (gates !== undefined) pod.spec.schedulingGates = gates.map((name) => ({ name }));
    const status = await tester.preEnqueue(pod);
    if (message === null) {
      expect(status).toBeNull();
    } else {
      expect(status?.code).toBe(Code.UnschedulableAndUnresolvable);
      expect(status?.reasons).toEqual([message]);
      expect(status?.plugin).toBe('SchedulingGates');
    }
  });
});

describe('SchedulingGates EnqueueExtensions', () => {
  const [registration] = new SchedulingGates().eventsToRegister();
  const gated = makePod('p').container().schedulingGates('g').obj();

  it('listens to the removal of a pod’s last gate', () => {
    expect(registration?.event).toMatchObject({ resource: 'Pod', actionType: ActionType.UpdatePodSchedulingGatesEliminated });
  });

  const cases: [string, string, QueueingHint][] = [
    ['the gated pod itself lost its gates', 'p', QueueingHint.Queue],
    ['another pod lost its gates', 'other', QueueingHint.QueueSkip],
  ];
  it.each(cases)('hint: %s', (_name, updatedName, hint) => {
    const before = makePod(updatedName).container().schedulingGates('g').obj();
    const after = makePod(updatedName).container().obj();
    expect(registration?.queueingHintFn?.(gated, before, after)).toBe(hint);
  });
});

describe('SchedulingGatesArgsSchema', () => {
  it('takes no args and rejects unknown keys', () => {
    expect(SchedulingGatesArgsSchema.safeParse({}).success).toBe(true);
    expect(SchedulingGatesArgsSchema.safeParse({ gates: [] }).success).toBe(false);
  });
});
