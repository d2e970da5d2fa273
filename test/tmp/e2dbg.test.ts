import { it } from 'vitest';
import { MemoryClusterStore, Registry, Scheduler, type Pod } from '@schedkit/framework';
import { defaultConfiguration, registerDefaultPlugins } from '@schedkit/preset-default';
import { makeNode } from '../../bench/src/workloads.js';
function pod(name: string, cpu: string, memory: string, priority: number): Pod {
  return { metadata: { name, namespace: 'default', uid: `${name}-uid` }, spec: { priority, containers: [{ name: 'c', resources: { requests: { cpu, memory } } }] } };
}
it('dbg', async () => {
  const store = new MemoryClusterStore();
  for (let i = 0; i < 10; i++) store.applyNode(makeNode(i, 0));
  const t0 = performance.now();
  const log: string[] = [];
  const s = new Scheduler({ store, registry: registerDefaultPlugins(new Registry()), configuration: defaultConfiguration(), onEvent: (e) => {
    if (e.type === 'reconfigured' || e.type === 'internalError') return;
    if (e.pod.metadata.name.startsWith('high')) log.push(`${(performance.now() - t0).toFixed(0)} ${e.type} ${e.pod.metadata.name} ${'message' in e ? e.message.slice(0, 60) : ''} ${JSON.stringify(s.queue.stats())}`);
  } });
  s.start();
  for (let i = 0; i < 40; i++) store.applyPod(pod(`low-${i}`, '900m', '500Mi', 0));
  await s.waitForIdle();
  for (let i = 0; i < 10; i++) store.applyPod(pod(`high-${i}`, '3', '500Mi', 10));
  await s.waitForIdle();
  log.push('idle ' + JSON.stringify(s.queue.stats()));
  for (let k = 0; k < 100 && store.listPods().filter((p) => p.metadata.name.startsWith('high') && p.spec.nodeName).length < 10; k++) await new Promise((r) => setTimeout(r, 200));
  console.log(log.join('\n'));
  await s.stop();
}, 60_000);
