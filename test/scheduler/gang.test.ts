import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from '@schedkit/framework';
import coscheduling, { PodGroupLabel, PodGroupMinAvailableLabel, PodGroupTimeoutLabel } from '@schedkit/plugin-permit-coscheduling';
import { loadDefaultConfiguration, registerDefaultPlugins } from '@schedkit/preset-default';
import { node, pod, startScheduler } from './harness.js';

const gangConfiguration = () =>
  loadDefaultConfiguration(`apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
  - schedulerName: default-scheduler
    plugins:
      queueSort:
        enabled: [{ name: Coscheduling }]
        disabled: [{ name: "*" }]
      reserve:
        enabled: [{ name: Coscheduling }]
      permit:
        enabled: [{ name: Coscheduling }]
`);

const member = (name: string, group: string, min: number, cpu = '1', timeoutSeconds?: number) =>
  pod(name, cpu, {
    labels: {
      [PodGroupLabel]: group,
      [PodGroupMinAvailableLabel]: String(min),
      ...(timeoutSeconds ? { [PodGroupTimeoutLabel]: String(timeoutSeconds) } : {}),
    },
  });

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('gang scheduling end to end', () => {
  it('binds a complete group together, holds an incomplete one, then rejects and unreserves it on timeout', async () => {
    const registry = registerDefaultPlugins(new Registry()).use(coscheduling);
    const h = startScheduler({ configuration: gangConfiguration(), registry });
    stops.push(() => h.scheduler.stop());
    for (const name of ['n1', 'n2', 'n3']) h.store.applyNode(node(name, '2'));

    for (const name of ['g-0', 'g-1', 'g-2']) h.store.applyPod(member(name, 'train', 3));
    for (const name of ['h-0', 'h-1']) h.store.applyPod(member(name, 'partial', 3, '1', 30));
    await h.scheduler.waitForIdle();

    // The full group is bound; the partial group is reserved but waiting at Permit (nothing bound).
    for (const name of ['g-0', 'g-1', 'g-2']) expect(h.store.getPod('default', name)?.spec.nodeName).toMatch(/^n[123]$/);
    for (const name of ['h-0', 'h-1']) expect(h.store.getPod('default', name)?.spec.nodeName).toBeUndefined();
    expect(h.scheduler.cache.pods().filter((p) => p.assumed).map((p) => p.pod.metadata.name).sort()).toEqual(['h-0', 'h-1']);

    // After 30 s the waiting members are rejected: unreserved, forgotten, requeued with a reason.
    h.clock.advance(30_000);
    await h.scheduler.waitForIdle();
    // Both were forgotten and requeued; with activeQ empty they are tried again at once (kube pops backoffQ
    // then), so they may be held at Permit again, still unbound.
    expect(h.events.filter((e) => e.type === 'bindingFailed').map((e) => e.type === 'bindingFailed' && e.pod.metadata.name).sort()).toEqual(['h-0', 'h-1']);
    for (const name of ['h-0', 'h-1']) {
      const p = h.store.getPod('default', name)!;
      expect(p.spec.nodeName).toBeUndefined();
      expect(p.status?.conditions?.[0]).toMatchObject({ type: 'PodScheduled', status: 'False' });
      expect(p.status?.conditions?.[0]?.message).toMatch(/timeout|pod group default\/partial failed/);
    }
    expect(h.events.filter((e) => e.type === 'bound').map((e) => e.type === 'bound' && e.pod.metadata.name).sort()).toEqual(['g-0', 'g-1', 'g-2']);

    // The third member arrives: the group completes on its next attempt.
    h.store.applyPod(member('h-2', 'partial', 3, '1', 30));
    await h.settle();
    for (const name of ['h-0', 'h-1', 'h-2']) expect(h.store.getPod('default', name)?.spec.nodeName).toMatch(/^n[123]$/);
  });
});
