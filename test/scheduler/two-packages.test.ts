import { MemoryClusterStore, parseConfiguration, Registry, Scheduler } from '@schedkit/framework';
import bindDefault from '@schedkit/plugin-bind-default';
import nodeName from '@schedkit/plugin-filter-node-name';
import resourcesFit from '@schedkit/plugin-filter-node-resources-fit';
import prioritySort from '@schedkit/plugin-queue-sort-priority';
import { makeNode, makePod } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';

describe('plugins from separate workspace packages, registered through DI', () => {
  it('schedules pods with NodeName and NodeResourcesFit from their own packages', async () => {
    const registry = new Registry().use(prioritySort).use(bindDefault).use(nodeName).use(resourcesFit);
    expect(registry.registeredBy('NodeName')).toBe('@schedkit/plugin-filter-node-name');
    expect(registry.registeredBy('NodeResourcesFit')).toBe('@schedkit/plugin-filter-node-resources-fit');
    const configuration = parseConfiguration(
      `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
  - plugins:
      multiPoint:
        enabled: [{ name: PrioritySort }, { name: NodeName }, { name: NodeResourcesFit }, { name: DefaultBinder }]
`,
    );
    const store = new MemoryClusterStore();
    store.applyNode(makeNode('small').capacity({ cpu: '1', memory: '1Gi', pods: '10' }).obj());
    store.applyNode(makeNode('large').capacity({ cpu: '8', memory: '16Gi', pods: '10' }).obj());
    store.applyPod(makePod('pinned').node('small').obj());
    store.applyPod(makePod('wants-small').req({ cpu: '500m' }).obj());
    store.applyPod(makePod('big').req({ cpu: '4' }).obj());
    const unschedulable: string[] = [];
    const scheduler = new Scheduler({ store, registry, configuration, random: () => 0, onEvent: (e) => e.type === 'unschedulable' && unschedulable.push(e.message) });
    scheduler.start();
    await scheduler.waitForIdle();
    expect(store.getPod('default', 'big')?.spec.nodeName).toBe('large');
    expect(store.getPod('default', 'wants-small')?.spec.nodeName).toMatch(/^(small|large)$/);
    // The plugin instances came from the packages' classes, resolved in the profile's container.
    const framework = scheduler.profiles().get('default-scheduler')!;
    expect([...framework.plugins.keys()].sort()).toEqual(['DefaultBinder', 'NodeName', 'NodeResourcesFit', 'PrioritySort']);
    expect(framework.describe().filter.map((p) => p.name)).toEqual(['NodeName', 'NodeResourcesFit']);
    expect(unschedulable).toEqual([]);
    await scheduler.stop();
  });

  it('refuses a second registration of a name, naming both packages', () => {
    const registry = new Registry().use(nodeName);
    expect(() => registry.use({ ...nodeName, name: '@acme/another-node-name' })).toThrow(
      'plugin "NodeName" is registered twice: by @schedkit/plugin-filter-node-name and by @acme/another-node-name',
    );
  });

  it('refuses a module that needs another framework major', () => {
    expect(() => new Registry().use({ ...nodeName, frameworkRange: '^9.0.0' })).toThrow(
      /@schedkit\/plugin-filter-node-name needs @schedkit\/framework \^9\.0\.0, but this is 0\.1\.0/,
    );
  });
});
