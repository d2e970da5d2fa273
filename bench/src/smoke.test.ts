import { CycleState } from '@schedkit/framework';
import { startScriptedExtender } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { defaultFramework, HandWrittenScheduler, loadedSnapshot } from './micro-dispatch.js';
import { measureAsync } from './micro-parallelizer.js';
import { measureEventChannel } from './micro-event-channel.js';
import { measureExtenderCost } from './micro-extender.js';
import { trivialFramework } from './micro-runtime.js';
import { overcommit, preemptionBasic, runSettle } from './run-settle.js';
import { runWorkload } from './run-workload.js';
import { verifyPlacement } from './verify.js';
import { cold, makeNode, makePod, resized, scalingWorkloads, schedulerPerfWorkloads, type Workload } from './workloads.js';

// Correctness of every benchmark at a tiny size; no timing is asserted (CI machines may be slow).

describe('scheduler_perf workloads, tiny', () => {
  const tiny: Record<string, [number, number, number]> = { a: [20, 40, 10], b: [30, 60, 10], c: [30, 20, 20], d: [30, 60, 30] };
  for (const workload of schedulerPerfWorkloads) {
    const [nodes, pods, initPods] = tiny[workload.id]!;
    it(`(${workload.id}) ${workload.title} at ${nodes} nodes / ${initPods} init + ${pods} pods binds every pod within the rules`, async () => {
      const run = await runWorkload(resized(workload, nodes, pods, initPods), { timeoutMs: 30_000 });
      expect(run.problems).toEqual([]);
      expect(run.pods).toBe(pods);
      expect(run.podsPerSecond).toBeGreaterThan(0);
    });
  }

  it('(c) fills every host with one green pod per namespace: init pods do not repel the measured ones', async () => {
    const c = schedulerPerfWorkloads.find((w) => w.id === 'c')!;
    const run = await runWorkload(resized(c, 10, 10, 10), { timeoutMs: 30_000 });
    expect(run.problems).toEqual([]);
  });

  it('a cold workload has no init pods', () => {
    expect(schedulerPerfWorkloads.map((w) => [w.id, w.initPods, cold(w).initPods])).toEqual([
      ['a', 500, 0],
      ['b', 1_000, 0],
      ['c', 1_000, 0],
      ['d', 5_000, 0],
    ]);
  });

  it('the scaling series uses the default pod', () => {
    expect(scalingWorkloads.map((w) => [w.nodes, w.template])).toEqual([
      [1_000, 'default'],
      [5_000, 'default'],
      [15_000, 'default'],
    ]);
  });
});

describe('verifyPlacement', () => {
  const workload: Workload = { id: 't', title: 't', nodes: 2, pods: 2, template: 'anti-affinity', namespace: 'default', initPods: 0, initTemplate: 'default' as const, initNamespace: 'default', zones: 0 };
  const nodes = [makeNode(0, 0), makeNode(1, 0)];
  const bound = (index: number, node: number) => {
    const pod = makePod(index, 'anti-affinity');
    pod.spec.nodeName = `node-${node}`;
    return pod;
  };

  it('accepts one green pod per host', () => {
    expect(verifyPlacement(workload, nodes, [bound(0, 0), bound(1, 1)])).toEqual([]);
  });

  it('reports two green pods on one host', () => {
    expect(verifyPlacement(workload, nodes, [bound(0, 0), bound(1, 0)])).toEqual(['1 hosts hold more than one green pod (first: default/node-0 with 2)']);
  });

  it('accepts two green pods on one host in different namespaces (the term names no namespaces)', () => {
    const other = makePod(1, 'anti-affinity', 'sched-1');
    other.spec.nodeName = 'node-0';
    expect(verifyPlacement(workload, nodes, [bound(0, 0), other])).toEqual([]);
  });

  it('reports unbound pods and zone skew', () => {
    const spread: Workload = { id: 's', title: 's', nodes: 2, pods: 3, template: 'topology-spread', namespace: 'default', initPods: 0, initTemplate: 'default' as const, initNamespace: 'default', zones: 2 };
    const zoned = [makeNode(0, 2), makeNode(1, 2)];
    const pods = [0, 1, 2].map((i) => {
      const pod = makePod(i, 'topology-spread');
      pod.spec.nodeName = 'node-0';
      return pod;
    });
    expect(verifyPlacement(spread, zoned, pods)).toEqual(['zone skew 3 > 1 (zone-0=3 zone-1=0)']);
    expect(verifyPlacement(spread, zoned, [makePod(0, 'topology-spread')])).toEqual(['0 of 3 pods bound (1 pods in the store)']);
  });

  it('reports a node over its allocatable pods', () => {
    const basic: Workload = { id: 'b', title: 'b', nodes: 1, pods: 111, template: 'default', namespace: 'default', initPods: 0, initTemplate: 'default' as const, initNamespace: 'default', zones: 0 };
    const crowded = Array.from({ length: 111 }, (_, i) => {
      const pod = makePod(i, 'default');
      pod.spec.nodeName = 'node-0';
      pod.spec.containers[0]!.resources = {};
      return pod;
    });
    expect(verifyPlacement(basic, [makeNode(0, 0)], crowded)).toEqual(['node node-0 is over allocatable: 111 pods, 0m cpu, 0 bytes of memory']);
  });
});

describe('micro-benchmarks, tiny', () => {
  it('the hand-written loop places pods where the framework does', async () => {
    const snapshot = loadedSnapshot(150, 1);
    const framework = defaultFramework();
    const hand = new HandWrittenScheduler(defaultFramework());
    for (let i = 0; i < 5; i++) {
      const pod = makePod(i, 'default');
      const result = await framework.schedulePod(pod, snapshot, new CycleState());
      expect(hand.schedule(pod, snapshot)).toBe(result.suggestedHost);
    }
  });

  it('the trivial-plugin framework evaluates every node of a small cluster', async () => {
    const { Snapshot } = await import('@schedkit/framework');
    const snapshot = Snapshot.from(Array.from({ length: 50 }, (_, i) => makeNode(i, 0)));
    const result = await trivialFramework().schedulePod(makePod(0, 'default'), snapshot, new CycleState());
    expect(result.evaluatedNodes).toBe(50);
  });

  it('the event channel delivers the last write of every key', async () => {
    const result = await measureEventChannel(2_000, 10, 20);
    expect(result.ratio).toBeGreaterThan(0);
  });

  it('the async parallelizer run finishes every piece', async () => {
    const result = await measureAsync(32, 1, 16, 1);
    expect(result.idealMs).toBe(2);
    expect(result.idealWithTimerMs).toBeGreaterThanOrEqual(2);
    expect(result.runsMs).toHaveLength(1);
  });
});

describe('micro-extender, tiny', () => {
  it('calls the extender once per verb per pod, with full nodes or node names', async () => {
    const server = await startScriptedExtender((verb, body) => {
      const args = body as { Nodes: { items: unknown[] } | null; NodeNames: string[] | null };
      if (verb === 'filter') return { body: args.NodeNames ? { NodeNames: args.NodeNames } : { Nodes: args.Nodes } };
      return { body: [] };
    });
    try {
      const results = await measureExtenderCost(30, 20, [100], server.urlPrefix, 2);
      expect(results.map((r) => [r.variant, r.nodesSent])).toEqual([
        ['no extender', 0],
        ['extender, nodeCacheCapable off', 30],
        ['extender, nodeCacheCapable on', 30],
      ]);
      const sent = server.calls.filter((c) => c.verb === 'filter').map((c) => (c.body as { NodeNames: string[] | null }).NodeNames === null);
      expect(sent).toContain(true);
      expect(sent).toContain(false);
      expect(server.calls.filter((c) => c.verb === 'prioritize').length).toBe(server.calls.filter((c) => c.verb === 'filter').length);
    } finally {
      await server.close();
    }
  });
});

describe('settle workloads, tiny', () => {
  it('(e1) overcommit binds exactly what fits, one attempt per pod, then goes idle', async () => {
    const run = await runSettle({ ...overcommit, nodes: 10, pods: 200 }, { quietMs: 200 });
    expect(run).toMatchObject({ bound: 80, pending: 120, attemptsPerPod: 1, victims: 0 });
  });

  it('(e2) PreemptionBasic: every measured pod preempts three victims once and binds on its second attempt', async () => {
    const run = await runSettle({ ...preemptionBasic, nodes: 10, initPods: 40, pods: 10 });
    expect(run).toMatchObject({ bound: 10, attemptsPerPod: 2, victims: 30, victimsChosenTwice: 0 });
  });
});
