import { type Binder, Code, CycleState, Framework, Registry, Snapshot } from '@schedkit/framework';
import { fakeHandle, makeNode, makePod } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { DefaultBinder } from './default-binder.js';
import { plugin } from './index.js';

const pod = makePod('web').container().obj();
const snapshot = Snapshot.from([makeNode('node-1').obj()]);

function recordingBinder(calls: [string, string][], failure?: Error): Binder {
  return {
    bind: async (p, node) => {
      calls.push([p.metadata.name, node]);
      if (failure) throw failure;
    },
  };
}

describe('DefaultBinder Bind', () => {
  // [case, binder failure, expected code (null = bound)]
  const cases: [string, Error | undefined, Code | null][] = [
    ['writes the binding and succeeds', undefined, null],
    ['a failed write is an Error status', new Error('pods "web" is already assigned to node "node-2"'), Code.Error],
  ];
  it.each(cases)('%s', async (_name, failure, code) => {
    const calls: [string, string][] = [];
    const binder = new DefaultBinder(fakeHandle(snapshot, {}, { binder: recordingBinder(calls, failure) }));
    const status = await binder.bind(new CycleState(), pod, 'node-1');
    expect(calls).toEqual([['web', 'node-1']]);
    if (code === null) {
      expect(status).toBeNull();
    } else {
      expect(status?.code).toBe(code);
      expect(status?.reasons).toEqual([failure?.message]);
      expect(status?.cause).toBe(failure);
    }
  });

  it('binds through the profile’s binder when the framework runs Bind', async () => {
    const calls: [string, string][] = [];
    const framework = new Framework({
      profile: { schedulerName: 't', plugins: { bind: { enabled: [{ name: 'DefaultBinder' }], disabled: [] } }, pluginConfig: [] },
      registry: new Registry().use(plugin),
      binder: recordingBinder(calls),
    });
    expect(await framework.runBindPlugins(new CycleState(), pod, 'node-1')).toBeNull();
    expect(calls).toEqual([['web', 'node-1']]);
  });

  it('the framework reports a failed binding as an Error naming DefaultBinder', async () => {
    const framework = new Framework({
      profile: { schedulerName: 't', plugins: { bind: { enabled: [{ name: 'DefaultBinder' }], disabled: [] } }, pluginConfig: [] },
      registry: new Registry().use(plugin),
      binder: recordingBinder([], new Error('conflict')),
    });
    const status = await framework.runBindPlugins(new CycleState(), pod, 'node-1');
    expect(status?.code).toBe(Code.Error);
    expect(status?.plugin).toBe('DefaultBinder');
    expect(status?.message()).toContain('conflict');
  });
});
