import { type CycleState, injectable, parseQuantity, type Pod, Registry, Status } from '@schedkit/framework';
import { defaultPluginConfig, defaultPlugins, registerDefaultPlugins } from '@schedkit/preset-default';
import { parseConfiguration } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { node, pod, seeded, startScheduler } from './harness.js';

const NODES = 2_000;
const PODS = 20_000;
const chaos = seeded(99);

/** Throws on 5% of its calls, at PreFilter (once per cycle) and Reserve (once per placement). */
@injectable()
class Chaos {
  readonly name = 'Chaos';
  calls = 0;
  throws = 0;
  private maybeThrow(): void {
    this.calls++;
    if (chaos() < 0.05) {
      this.throws++;
      throw new Error('chaos monkey');
    }
  }
  preFilter(): null {
    this.maybeThrow();
    return null;
  }
  reserve(_state: CycleState, _pod: Pod): null {
    this.maybeThrow();
    return null;
  }
  unreserve(): void {}
}

describe('soak: 20,000 pods on 2,000 nodes with failing plugins and bindings', () => {
  it('ends with every pod bound (no overcommit, no double binding) or pending with a reason', async () => {
    const registry = registerDefaultPlugins(new Registry()).register({ name: 'Chaos', plugin: Chaos });
    const configuration = parseConfiguration(
      'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - plugins:\n      preFilter:\n        enabled: [{ name: Chaos }]\n      reserve:\n        enabled: [{ name: Chaos }]\n',
      { defaultPlugins, defaultPluginConfig },
    );
    const h = startScheduler({ configuration, registry, seed: 7 });
    const store = h.store;
    const bindChaos = seeded(1234);
    let bindAttempts = 0;
    let bindFailures = 0;
    const realBind = store.bind.bind(store);
    store.bind = async (p: Pod, nodeName: string) => {
      bindAttempts++;
      if (bindChaos() < 0.05) {
        bindFailures++;
        throw new Error('injected binding failure');
      }
      return realBind(p, nodeName);
    };

    const rand = seeded(42);
    for (let i = 0; i < NODES; i++) {
      const cpu = ['4', '8', '16'][i % 3]!;
      store.applyNode(node(`node-${i}`, cpu, '32Gi', '110', { 'topology.kubernetes.io/zone': `zone-${i % 5}` }));
    }
    // Requests add up to more cpu than the cluster has, so some pods must stay pending.
    for (let i = 0; i < PODS; i++) {
      const cpu = `${100 + Math.floor(rand() * 12) * 100}m`;
      store.applyPod(pod(`p-${i}`, cpu, { memory: `${128 + Math.floor(rand() * 8) * 128}Mi`, priority: Math.floor(rand() * 3) }));
    }
    await h.settle(200);

    const pods = store.listPods();
    expect(pods).toHaveLength(PODS);
    const bound = pods.filter((p) => p.spec.nodeName);
    const pending = pods.filter((p) => !p.spec.nodeName);
    // Every pending pod says why.
    for (const p of pending) {
      const condition = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
      expect(condition?.status, p.metadata.name).toBe('False');
      expect(condition?.message, p.metadata.name).toMatch(/nodes are available|chaos monkey|injected binding failure/);
    }
    // No node over allocatable.
    const used = new Map<string, { cpu: number; memory: number; pods: number }>();
    for (const p of bound) {
      const u = used.get(p.spec.nodeName!) ?? { cpu: 0, memory: 0, pods: 0 };
      const requests = p.spec.containers[0]!.resources!.requests!;
      u.cpu += parseQuantity(requests.cpu!).milliValue();
      u.memory += parseQuantity(requests.memory!).value();
      u.pods += 1;
      used.set(p.spec.nodeName!, u);
    }
    for (const n of store.listNodes()) {
      const u = used.get(n.metadata.name);
      if (!u) continue;
      expect(u.cpu).toBeLessThanOrEqual(parseQuantity(n.status!.allocatable!.cpu!).milliValue());
      expect(u.memory).toBeLessThanOrEqual(parseQuantity(n.status!.allocatable!.memory!).value());
      expect(u.pods).toBeLessThanOrEqual(110);
    }
    // No pod bound twice: exactly one successful bind per bound pod.
    const boundEvents = h.events.filter((e) => e.type === 'bound');
    expect(boundEvents).toHaveLength(bound.length);
    expect(new Set(boundEvents.map((e) => e.type === 'bound' && e.pod.metadata.name)).size).toBe(bound.length);
    expect(bindAttempts - bindFailures).toBe(bound.length);
    // The chaos was real, and the cache agrees with the store.
    expect(bindFailures).toBeGreaterThan(100);
    expect(h.events.some((e) => e.type === 'error')).toBe(true);
    expect(h.scheduler.cache.pods().filter((p) => p.assumed)).toEqual([]);
    expect(h.scheduler.cache.podCount).toBe(bound.length);
    // Capacity is 56,000 cpu-millis... per 3 nodes; most pods fit, the rest are pending for lack of room.
    expect(bound.length).toBeGreaterThan(PODS * 0.5);
    expect(pending.every((p) => /nodes are available/.test(p.status!.conditions!.find((c) => c.type === 'PodScheduled')!.message!))).toBe(true);
    await h.scheduler.stop();
    void Status;
  }, 600_000);
});
