// An overcommitted cluster settles as kube's does: each pod is tried once, waits for an event that can help it,
// preemption evicts once per nominated pod, and the leftover flush does not cost a pass when nothing changed.
import { type Handle, inject, injectable, parseConfiguration, Registry, type SchedulerEvent, Tokens } from '@schedkit/framework';
import { defaultConfiguration, defaultPluginConfig, defaultPlugins, registerDefaultPlugins } from '@schedkit/preset-default';
import { DefaultPreemption, type DefaultPreemptionArgs, DefaultPreemptionArgsSchema } from '@schedkit/plugin-post-filter-default-preemption';
import { afterEach, describe, expect, it } from 'vitest';
import { node, pod, seeded, startScheduler } from './harness.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function attemptsOf(events: readonly SchedulerEvent[]): Map<string, number> {
  const attempts = new Map<string, number>();
  for (const e of events) {
    if (e.type !== 'scheduled' && e.type !== 'unschedulable' && e.type !== 'error') continue;
    attempts.set(e.pod.metadata.name, (attempts.get(e.pod.metadata.name) ?? 0) + 1);
  }
  return attempts;
}

describe('an overcommitted cluster settles', () => {
  it('tries each pod once, keeps the rest in the unschedulable pool, and a flush with nothing changed costs nothing', async () => {
    const h = startScheduler({ configuration: defaultConfiguration() });
    stops.push(() => h.scheduler.stop());
    for (let i = 0; i < 20; i++) h.store.applyNode(node(`n${i}`, '4', '32Gi'));
    for (let i = 0; i < 400; i++) h.store.applyPod(pod(`p${i}`, '500m', { memory: '1Gi' }));
    await h.settle();
    expect(h.store.listPods().filter((p) => p.spec.nodeName)).toHaveLength(160);
    expect(h.scheduler.queue.stats()).toMatchObject({ active: 0, backoff: 0, unschedulable: 240, inFlight: 0 });
    expect([...attemptsOf(h.events).values()].every((n) => n === 1)).toBe(true);
    // Past podMaxInUnschedulablePodsDuration (5 min) the flush finds the cluster as every pod last saw it.
    for (let s = 0; s < 31; s++) {
      h.clock.advance(10_000);
      await h.scheduler.waitForIdle();
    }
    expect([...attemptsOf(h.events).values()].every((n) => n === 1)).toBe(true);
    // A change (one pod deleted) lets the flush and the event retry them.
    h.store.deletePod('default', h.store.listPods().find((p) => p.spec.nodeName)!.metadata.name);
    await h.settle();
    expect(h.store.listPods().filter((p) => p.spec.nodeName)).toHaveLength(160);
  });

  it('with preemption, a small overcommitted cluster goes idle within a bounded number of cycles per pod', async () => {
    const h = startScheduler({ configuration: defaultConfiguration(), seed: 7 });
    stops.push(() => h.scheduler.stop());
    const random = seeded(3);
    for (let i = 0; i < 10; i++) h.store.applyNode(node(`n${i}`, '4', '16Gi'));
    // Four priority bands, arriving mixed: every band is over the cluster's size on its own.
    for (let i = 0; i < 200; i++) {
      const priority = [0, 10, 100, 1000][Math.floor(random() * 4)]!;
      h.store.applyPod(pod(`p${i}`, ['500m', '1', '1500m'][Math.floor(random() * 3)]!, { priority, start: `2026-01-01T00:${String(i % 60).padStart(2, '0')}:00Z` }));
    }
    await h.settle(200);
    const attempts = attemptsOf(h.events);
    const cycles = [...attempts.values()].reduce((a, b) => a + b, 0);
    expect(h.scheduler.queue.stats()).toMatchObject({ active: 0, backoff: 0, inFlight: 0 });
    // Each pod: a first attempt, at most one preemption and its retry, and retries woken by evictions.
    expect(cycles / 200).toBeLessThan(4);
    const deleted = 200 - h.store.listPods().length;
    // Nothing over allocatable; every pod still there is bound or waits with a reason.
    for (const p of h.store.listPods()) {
      if (!p.spec.nodeName) expect(p.status?.conditions?.[0]?.reason).toBe('Unschedulable');
    }
    expect(deleted).toBeGreaterThan(0);
  });

  it('preemption evicts once for each nominated pod, which then binds where it was nominated', async () => {
    const h = startScheduler({ configuration: defaultConfiguration() });
    stops.push(() => h.scheduler.stop());
    for (let i = 0; i < 10; i++) h.store.applyNode(node(`n${i}`, '4', '32Gi'));
    for (let i = 0; i < 40; i++) h.store.applyPod(pod(`low${i}`, '900m', { memory: '500Mi', priority: 0 }));
    await h.settle();
    const deleted: string[] = [];
    h.store.watch((events) => {
      for (const e of events) if (e.kind === 'Pod' && e.type === 'delete') deleted.push(e.key);
    });
    for (let i = 0; i < 10; i++) h.store.applyPod(pod(`high${i}`, '3', { memory: '500Mi', priority: 10 }));
    await h.settle();
    const highs = h.store.listPods().filter((p) => p.metadata.name.startsWith('high'));
    expect(highs.every((p) => p.spec.nodeName && p.spec.nodeName === p.status?.nominatedNodeName)).toBe(true);
    expect(new Set(highs.map((p) => p.spec.nodeName)).size).toBe(10);
    expect(deleted).toHaveLength(30);
    expect(new Set(deleted).size).toBe(30);
    const attempts = attemptsOf(h.events);
    expect(highs.map((p) => attempts.get(p.metadata.name))).toEqual(new Array(10).fill(2));
  });
});

/** DefaultPreemption that always runs its dry runs, as kube does, to compare with the skipping one. */
@injectable()
class AlwaysDryRun extends DefaultPreemption {
  override readonly name = 'DefaultPreemption' as const;
  constructor(@inject(Tokens.Handle) handle: Handle, @inject(Tokens.Args) args: DefaultPreemptionArgs) {
    super(handle, args);
  }
  protected override mayFindVictims(): boolean {
    return true;
  }
}

function alwaysDryRunRegistry(): Registry {
  const defaults = registerDefaultPlugins(new Registry());
  const registry = new Registry();
  for (const name of defaults.names()) {
    if (name === 'DefaultPreemption') registry.register({ name, plugin: AlwaysDryRun, args: DefaultPreemptionArgsSchema });
    else registry.register(defaults.get(name)!);
  }
  return registry;
}

describe('preemption skips dry runs that cannot change a decision', () => {
  it('decides and explains exactly as the full dry runs do when no pod has a lower priority', async () => {
    const outcomes: string[][] = [];
    for (const registry of [undefined, alwaysDryRunRegistry()]) {
      const configuration = parseConfiguration('apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n', { defaultPlugins, defaultPluginConfig });
      const h = startScheduler({ configuration, ...(registry ? { registry } : {}), seed: 5 });
      stops.push(() => h.scheduler.stop());
      for (let i = 0; i < 6; i++) h.store.applyNode(node(`n${i}`, '2', '8Gi', '110', i % 3 === 0 ? { zone: 'a' } : {}));
      const random = seeded(11);
      // Same priority everywhere in the first half (dry runs skipped), then a higher band (dry runs needed).
      for (let i = 0; i < 40; i++) h.store.applyPod(pod(`p${i}`, ['300m', '700m', '1'][Math.floor(random() * 3)]!, { priority: i < 20 ? 5 : 50 }));
      await h.settle();
      outcomes.push(
        h.store
          .listPods()
          .map((p) => `${p.metadata.name} ${p.spec.nodeName ?? '-'} ${p.status?.nominatedNodeName ?? '-'} ${p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message ?? ''}`)
          .sort(),
      );
    }
    expect(outcomes[0]!.some((line) => line.includes('No preemption victims found'))).toBe(true);
    expect(outcomes[0]).toEqual(outcomes[1]);
  });
});
