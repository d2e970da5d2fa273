import { afterEach, describe, expect, it } from 'vitest';
import type { Pod } from '../model/types.js';
import { MemoryClusterStore } from '../store/memory-store.js';
import { Scheduler, type SchedulerEvent } from '../scheduler/scheduler.js';
import { FakeClock } from '../scheduler/clock.js';
import { node, pod, testConfiguration, testRegistry } from '../scheduler/test-plugins.helpers.js';
import { closedPort, type ScriptedAnswer, type ScriptedExtender, startScriptedExtender } from '../testing/scripted-extender.js';
import { buildExtenders } from './extenders.js';
import { HTTPExtender } from './http-extender.js';

const running: { close(): Promise<void> | void; stop?: never }[] = [];
const schedulers: Scheduler[] = [];
afterEach(async () => {
  for (const s of schedulers.splice(0)) await s.stop();
  for (const item of running.splice(0)) await item.close();
});

async function serve(answer: (verb: string, body: unknown) => ScriptedAnswer | Promise<ScriptedAnswer>): Promise<ScriptedExtender> {
  const server = await startScriptedExtender(answer);
  running.push(server);
  return server;
}

/** Runs a scheduler over `store` with the test plugins and `extenders` (YAML list items), until idle. */
async function schedule(store: MemoryClusterStore, extenders: string) {
  const events: SchedulerEvent[] = [];
  const scheduler = new Scheduler({
    store,
    registry: testRegistry(),
    configuration: testConfiguration(`extenders:\n${extenders}`),
    clock: new FakeClock(),
    random: () => 0,
    onEvent: (e) => events.push(e),
  });
  schedulers.push(scheduler);
  scheduler.start();
  await scheduler.waitForIdle();
  return { scheduler, events };
}

const placement = (store: MemoryClusterStore) => Object.fromEntries(store.listPods().map((p) => [p.metadata.name, p.spec.nodeName ?? null]));
const conditionOf = (store: MemoryClusterStore, name: string) => store.getPod('default', name)?.status?.conditions?.[0]?.message;
const names = (body: unknown) => ((body as { Nodes: { items: { metadata: { name: string } }[] } }).Nodes.items ?? []).map((n) => n.metadata.name);

function cluster(): MemoryClusterStore {
  const store = new MemoryClusterStore();
  store.applyNode(node('a'));
  store.applyNode(node('b'));
  store.applyNode(node('small', '500m'));
  return store;
}

describe('extenders in the scheduling cycle', () => {
  it('filter runs after the Filter plugins on the feasible nodes and narrows them', async () => {
    const server = await serve(() => ({ body: { Nodes: { items: [{ metadata: { name: 'b' } }] }, FailedNodes: { a: 'disk pressure (extender)' } } }));
    const store = cluster();
    store.applyPod(pod('p'));
    await schedule(store, `- urlPrefix: ${server.urlPrefix}\n  filterVerb: filter\n`);
    expect(placement(store)).toEqual({ p: 'b' });
    expect(server.calls).toHaveLength(1);
    expect(names(server.calls[0]!.body).sort()).toEqual(['a', 'b']);
  });

  it("puts the extenders' failed nodes and messages in the FitError text, as kube words it", async () => {
    const server = await serve(() => ({
      body: { NodeNames: [], FailedNodes: { a: 'no free accelerator' }, FailedAndUnresolvableNodes: { b: 'accelerator driver missing' } },
    }));
    const store = cluster();
    store.applyPod(pod('p'));
    const { events } = await schedule(store, `- urlPrefix: ${server.urlPrefix}\n  filterVerb: filter\n  nodeCacheCapable: true\n`);
    expect(conditionOf(store, 'p')).toBe('0/3 nodes are available: 1 Insufficient cpu, 1 accelerator driver missing, 1 no free accelerator.');
    const unschedulable = events.find((e) => e.type === 'unschedulable');
    expect(unschedulable?.type === 'unschedulable' && unschedulable.plugins.sort()).toEqual(['Extender', 'TestFit']);
    expect((server.calls[0]!.body as { NodeNames: string[] }).NodeNames.sort()).toEqual(['a', 'b']);
  });

  it('chains filter extenders in configuration order, each on what the last one left', async () => {
    const first = await serve(() => ({ body: { Nodes: { items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] } } }));
    const second = await serve((_verb, body) => ({ body: { Nodes: { items: [{ metadata: { name: names(body)[0] } }] } } }));
    const store = cluster();
    store.applyPod(pod('p'));
    await schedule(store, `- urlPrefix: ${first.urlPrefix}\n  filterVerb: filter\n- urlPrefix: ${second.urlPrefix}\n  filterVerb: filter\n`);
    expect(second.calls).toHaveLength(1);
    expect(placement(store).p).toBe(names(second.calls[0]!.body)[0]);
  });

  it("adds the prioritize scores scaled as kube scales them (score x weight x 100/10)", async () => {
    const server = await serve(() => ({ body: [{ Host: 'a', Score: 1 }, { Host: 'b', Score: 3 }] }));
    const store = cluster();
    store.applyPod(pod('p'));
    const { events } = await schedule(store, `- urlPrefix: ${server.urlPrefix}\n  prioritizeVerb: prioritize\n  weight: 2\n`);
    expect(placement(store)).toEqual({ p: 'b' });
    const scheduled = events.find((e) => e.type === 'scheduled');
    if (scheduled?.type !== 'scheduled') throw new Error('not scheduled');
    const scores = Object.fromEntries(scheduled.result.nodeScores.map((n) => [n.name, n]));
    expect(scores.b!.scores.find((s) => s.name === server.urlPrefix)).toEqual({ name: server.urlPrefix, score: 60, raw: 3 });
    expect(scores.a!.scores.find((s) => s.name === server.urlPrefix)).toEqual({ name: server.urlPrefix, score: 20, raw: 1 });
    expect(scores.b!.totalScore - scores.a!.totalScore).toBe(40);
    expect(scheduled.result.extenderVerdicts).toEqual([{ extender: server.urlPrefix, verb: 'prioritize', sent: 2 }]);
  });

  it('lets the bind extender bind the pods it manages instead of the Bind plugins', async () => {
    const store = cluster();
    const server = await serve(async (_verb, body) => {
      const args = body as { PodName: string; PodNamespace: string; Node: string };
      await store.bind(store.getPod(args.PodNamespace, args.PodName)!, args.Node);
      return { body: { Error: '' } };
    });
    store.applyPod(pod('gpu', '1', {}, {}));
    const gpu = store.getPod('default', 'gpu')!;
    store.applyPod({ ...gpu, spec: { ...gpu.spec, containers: [{ name: 'c', resources: { requests: { cpu: '1', 'example.com/gpu': '1' } } }] } } as Pod);
    store.applyPod(pod('plain'));
    const { events } = await schedule(store, `- urlPrefix: ${server.urlPrefix}\n  bindVerb: bind\n  managedResources:\n  - name: example.com/gpu\n`);
    expect(server.calls.map((c) => c.verb)).toEqual(['bind']);
    expect(server.calls[0]!.body).toMatchObject({ PodName: 'gpu', PodNamespace: 'default', PodUID: 'uid-gpu' });
    expect(placement(store).gpu).toBe((server.calls[0]!.body as { Node: string }).Node);
    expect(placement(store).plain).not.toBeNull();
    expect(events.filter((e) => e.type === 'bindingFailed')).toEqual([]);
  });

  it('keeps a pod the bind extender bound though its answer was an error (the store is the truth)', async () => {
    const store = cluster();
    const server = await serve(async (_verb, body) => {
      const args = body as { PodName: string; PodNamespace: string; Node: string };
      await store.bind(store.getPod(args.PodNamespace, args.PodName)!, args.Node);
      return { status: 500, body: 'bound, then failed to answer' };
    });
    store.applyPod(pod('p'));
    const { events, scheduler } = await schedule(store, `- urlPrefix: ${server.urlPrefix}\n  bindVerb: bind\n`);
    expect(placement(store).p).not.toBeNull();
    expect(events.filter((e) => e.type === 'bindingFailed')).toEqual([]);
    expect(events.filter((e) => e.type === 'bound').map((e) => e.type === 'bound' && e.nodeName)).toEqual([placement(store).p]);
    expect(scheduler.queue.stats().active).toBe(0);
  });

  it("reports each extender call's latency to the metrics", async () => {
    const server = await serve((verb) => ({ body: verb === 'filter' ? { Nodes: { items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] } } : [] }));
    const store = cluster();
    store.applyPod(pod('p'));
    const observed: [string, string][] = [];
    const scheduler = new Scheduler({
      store,
      registry: testRegistry(),
      configuration: testConfiguration(`extenders:\n- urlPrefix: ${server.urlPrefix}\n  filterVerb: filter\n  prioritizeVerb: prioritize\n  weight: 1\n`),
      random: () => 0,
      metrics: { observePoint: () => undefined, observeExtender: (extender, verb, ms) => observed.push([extender === server.urlPrefix ? 'it' : extender, ms >= 0 ? verb : 'negative']) },
    });
    schedulers.push(scheduler);
    scheduler.start();
    await scheduler.waitForIdle();
    expect(observed).toEqual([
      ['it', 'filter'],
      ['it', 'prioritize'],
    ]);
  });

  it('calls an extender with managedResources only for pods that request one of them', async () => {
    const server = await serve(() => ({ body: { Nodes: { items: [{ metadata: { name: 'a' } }] } } }));
    const store = cluster();
    store.applyPod(pod('plain'));
    await schedule(store, `- urlPrefix: ${server.urlPrefix}\n  filterVerb: filter\n  managedResources:\n  - name: example.com/gpu\n`);
    expect(server.calls).toEqual([]);
    expect(placement(store).plain).not.toBeNull();
  });
});

describe('extender failures', () => {
  const failures: [string, (url: string) => Promise<{ url: string; message: RegExp }>][] = [
    ['a timeout', async () => {
      const server = await serve(() => ({ body: {}, delayMs: 3_000 }));
      return { url: `${server.urlPrefix}\n  httpTimeout: 100ms`, message: /filter: timed out after 100 ms \(httpTimeout\)/ };
    }],
    ['a 500 answer', async () => {
      const server = await serve(() => ({ status: 500, body: 'boom' }));
      return { url: server.urlPrefix, message: /filter: failed filter with extender at URL .*\/filter, code 500/ };
    }],
    ['a refused connection', async () => {
      const port = await closedPort();
      return { url: `http://127.0.0.1:${port}`, message: /filter: cannot connect to .*: connection refused/ };
    }],
    ['an Error field', async () => {
      const server = await serve(() => ({ body: { Error: 'inventory unavailable' } }));
      return { url: server.urlPrefix, message: /filter: inventory unavailable/ };
    }],
  ];

  it.each(failures)('%s fails the cycle with an error naming the extender', async (_what, make) => {
    const { url, message } = await make('');
    const store = cluster();
    store.applyPod(pod('p'));
    const { events } = await schedule(store, `- urlPrefix: ${url}\n  filterVerb: filter\n`);
    expect(placement(store)).toEqual({ p: null });
    const error = events.find((e) => e.type === 'error');
    expect(error?.type === 'error' && error.error.message).toMatch(/^extender "http:\/\/127\.0\.0\.1:\d+(\/scheduler)?" /);
    expect(error?.type === 'error' && error.error.message).toMatch(message);
    expect(store.getPod('default', 'p')?.status?.conditions?.[0]?.reason).toBe('SchedulerError');
  });

  it.each(failures)('%s skips an ignorable extender', async (_what, make) => {
    const { url } = await make('');
    const store = cluster();
    store.applyPod(pod('p'));
    const { events } = await schedule(store, `- urlPrefix: ${url}\n  filterVerb: filter\n  prioritizeVerb: prioritize\n  weight: 1\n  ignorable: true\n`);
    expect(placement(store).p).not.toBeNull();
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    const scheduled = events.find((e) => e.type === 'scheduled');
    expect(scheduled?.type === 'scheduled' && scheduled.result.extenderVerdicts?.map((v) => [v.verb, v.skipped !== undefined])).toEqual([
      ['filter', true],
      ['prioritize', true],
    ]);
  });

  it('skips a failing prioritize even when not ignorable, as kube does', async () => {
    const server = await serve(() => ({ status: 503, body: '' }));
    const store = cluster();
    store.applyPod(pod('p'));
    await schedule(store, `- urlPrefix: ${server.urlPrefix}\n  prioritizeVerb: prioritize\n  weight: 1\n`);
    expect(placement(store).p).not.toBeNull();
  });
});

describe('buildExtenders', () => {
  it('calls the ignorable extenders last and collects the resources the scheduler ignores', () => {
    const configuration = testConfiguration(
      'extenders:\n- urlPrefix: http://a/\n  ignorable: true\n  managedResources: [{name: example.com/a, ignoredByScheduler: true}]\n- urlPrefix: http://b/\n  managedResources: [{name: example.com/b}, {name: example.com/c, ignoredByScheduler: true}]\n',
    );
    const set = buildExtenders(configuration.extenders ?? []);
    running.push(set);
    expect(set.list.map((e) => e.name)).toEqual(['http://b/', 'http://a/']);
    expect(set.ignoredResources).toEqual(['example.com/a', 'example.com/c']);
    expect(set.applyIgnoredResources([{ name: 'NodeResourcesFit', args: { ignoredResources: ['x/y'], ignoredResourceGroups: ['g'] } }])).toEqual([
      { name: 'NodeResourcesFit', args: { ignoredResources: ['example.com/a', 'example.com/c'], ignoredResourceGroups: ['g'] } },
    ]);
    expect(set.applyIgnoredResources([])).toEqual([{ name: 'NodeResourcesFit', args: { ignoredResources: ['example.com/a', 'example.com/c'] } }]);
    expect(set.list[0]).toBeInstanceOf(HTTPExtender);
  });

  it('names the field of a TLS file it cannot read', () => {
    const configuration = testConfiguration('extenders:\n- urlPrefix: https://a/\n  tlsConfig: {caFile: /nonexistent/ca.pem}\n');
    expect(() => buildExtenders(configuration.extenders ?? [], 'c.yaml')).toThrow(/^c\.yaml: extenders\[0\]\.tlsConfig\.caFile: cannot read \/nonexistent\/ca\.pem: ENOENT/);
  });
});
