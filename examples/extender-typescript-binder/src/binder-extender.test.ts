import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type ExtenderBindingArgs, MemoryClusterStore, type Node, type Pod, Registry, Scheduler, type SchedulerEvent } from '@schedkit/framework';
import { loadDefaultConfiguration, registerDefaultPlugins } from '@schedkit/preset-default';
import { afterEach, describe, expect, it } from 'vitest';
import { createBinderExtender, kubernetesBinder } from './index.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The README's configuration, pointed at `url`. */
function configuration(url: string) {
  const text = readFileSync(fileURLToPath(new URL('../scheduler-config.yaml', import.meta.url)), 'utf8').replace('http://127.0.0.1:8890', url);
  return loadDefaultConfiguration(text, 'scheduler-config.yaml');
}

const node = (name: string): Node => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } });
const pod = (name: string, requests: Record<string, string>): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { containers: [{ name: 'c', resources: { requests } }] },
});

async function schedule(store: MemoryClusterStore, url: string): Promise<SchedulerEvent[]> {
  const events: SchedulerEvent[] = [];
  const scheduler = new Scheduler({ store, registry: registerDefaultPlugins(new Registry()), configuration: configuration(url), random: () => 0, onEvent: (e) => events.push(e) });
  scheduler.start();
  await scheduler.waitForIdle();
  await scheduler.stop();
  return events;
}

describe('the TypeScript bind extender (examples/extender-typescript-binder)', () => {
  it('binds the pods that request its resource; the others go through DefaultBinder', async () => {
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    const bound: ExtenderBindingArgs[] = [];
    const url = await listen(
      createBinderExtender({
        bind: async (binding) => {
          await store.bind(store.getPod(binding.PodNamespace, binding.PodName)!, binding.Node);
        },
        onBinding: (binding) => bound.push(binding),
      }),
    );
    store.applyPod(pod('fpga', { cpu: '1', 'example.com/fpga': '1' }));
    store.applyPod(pod('plain', { cpu: '1' }));
    const events = await schedule(store, url);
    expect(bound).toEqual([{ PodName: 'fpga', PodNamespace: 'default', PodUID: 'uid-fpga', Node: 'a' }]);
    expect(store.getPod('default', 'fpga')?.spec.nodeName).toBe('a');
    expect(store.getPod('default', 'plain')?.spec.nodeName).toBe('a');
    expect(events.filter((e) => e.type === 'bindingFailed')).toEqual([]);
  });

  it('binds through the Kubernetes API, and a refused binding fails the binding cycle with its message', async () => {
    const requests: { url: string | undefined; auth: string | undefined; body: unknown }[] = [];
    let status = 201;
    const api = await listen(
      createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          requests.push({ url: req.url, auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(status === 201 ? '{}' : '{"kind":"Status","message":"pod is being deleted"}');
        });
      }),
    );
    const bind = kubernetesBinder({ server: api, token: 'secret' });
    await bind({ PodName: 'p', PodNamespace: 'ml', PodUID: 'u1', Node: 'n1' });
    expect(requests).toEqual([
      {
        url: '/api/v1/namespaces/ml/pods/p/binding',
        auth: 'Bearer secret',
        body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', namespace: 'ml', uid: 'u1' }, target: { apiVersion: 'v1', kind: 'Node', name: 'n1' } },
      },
    ]);

    status = 409;
    const store = new MemoryClusterStore();
    store.applyNode(node('a'));
    store.applyPod(pod('fpga', { cpu: '1', 'example.com/fpga': '1' }));
    const url = await listen(createBinderExtender({ bind }));
    const events = await schedule(store, url);
    const failed = events.find((e) => e.type === 'bindingFailed');
    expect(failed?.type === 'bindingFailed' && failed.status.message()).toMatch(/bind: binding default\/fpga to a: the API server answered 409: .*pod is being deleted/);
    expect(store.getPod('default', 'fpga')?.spec.nodeName).toBeUndefined();
  });

  it('answers a malformed request with a 400 and the reason', async () => {
    const url = await listen(createBinderExtender({ bind: async () => undefined }));
    const response = await fetch(`${url}/scheduler/bind`, { method: 'POST', body: JSON.stringify({ podname: 'p', PodNamespace: 'ml', PodUID: 'u' }) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ Error: 'Node: expected a string' });
  });
});
