/**
 * Workloads (a) and (b) through a real kube-apiserver (`node dist/kubernetes.js [a|b] [qps] [burst]`): nodes and
 * init pods created by an admin, then the measured pods; the scheduler runs on the Kubernetes store as the
 * schedkit-scheduler user. Reports pods/s, API requests per pod, and the API server's own ceiling measured in the
 * same run: raw `pods/binding` calls from one client with the same settings, at the same concurrency.
 */
import { Registry, Scheduler } from '@schedkit/framework';
import { loadDefaultConfiguration, registerDefaultPlugins } from '@schedkit/preset-default';
import { type KubeApiClient, KubernetesClusterStore } from '@schedkit/store-kubernetes';
import { controlPlaneBinaries, missingAssetsMessage, startApiServer } from '@schedkit/store-kubernetes/testing';
import { makeNode, makePod, workloadById } from './workloads.js';

async function createAll(admin: KubeApiClient, objects: { path: string; body: unknown }[]): Promise<void> {
  for (let i = 0; i < objects.length; i += 64) {
    await Promise.all(objects.slice(i, i + 64).map((o) => admin.call({ method: 'POST', path: o.path, body: o.body }, 'creating a fixture')));
  }
}

async function main(): Promise<void> {
  if (!controlPlaneBinaries()) {
    console.log(missingAssetsMessage);
    return;
  }
  const workload = workloadById(process.argv[2] ?? 'a');
  if (!workload) throw new Error(`unknown workload ${process.argv[2]}`);
  const qps = Number(process.argv[3] ?? 50);
  const burst = Number(process.argv[4] ?? 100);
  const server = await startApiServer();
  try {
    const admin = server.admin.client();
    const podPath = '/api/v1/namespaces/default/pods';
    const wire = (p: ReturnType<typeof makePod>, schedulerName: string) => {
      const { uid: _uid, ...metadata } = p.metadata;
      return { apiVersion: 'v1', kind: 'Pod', ...p, metadata, spec: { ...p.spec, schedulerName } };
    };
    await createAll(admin, Array.from({ length: workload.nodes }, (_, i) => ({ path: '/api/v1/nodes', body: { apiVersion: 'v1', kind: 'Node', ...makeNode(i, workload.zones), metadata: { ...makeNode(i, workload.zones).metadata, uid: undefined } } })));
    // Init pods arrive bound, as kube's scheduler_perf creates them through the scheduler before measuring.
    const store = await KubernetesClusterStore.open({ kubeconfig: server.scheduler.kubeconfig, schedulerNames: ['schedkit'], clientConnection: { qps, burst } });
    const configuration = loadDefaultConfiguration('apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - schedulerName: schedkit\n');
    const scheduler = new Scheduler({ store, registry: registerDefaultPlugins(new Registry()), configuration });
    scheduler.start();
    await createAll(admin, Array.from({ length: workload.initPods }, (_, i) => ({ path: podPath, body: wire(makePod(i, workload.initTemplate, 'default', 'init'), 'schedkit') })));
    const bound = () => store.listPods().filter((p) => p.spec.nodeName).length;
    while (bound() < workload.initPods) await new Promise((r) => setTimeout(r, 50));
    // The measured pods: created first (not timed), then the scheduler is let loose on them.
    await scheduler.stop();
    await createAll(admin, Array.from({ length: workload.pods }, (_, i) => ({ path: podPath, body: wire(makePod(i, workload.template), 'schedkit') })));
    await createAll(admin, Array.from({ length: workload.pods }, (_, i) => ({ path: podPath, body: wire(makePod(i, 'default', 'default', 'raw'), 'nobody') })));
    while (store.listPods().filter((p) => p.metadata.name.startsWith('pod-')).length < workload.pods) await new Promise((r) => setTimeout(r, 50));
    const requestsBefore = store.client.totalRequests;
    const measured = new Scheduler({ store, registry: registerDefaultPlugins(new Registry()), configuration });
    const started = performance.now();
    measured.start();
    const target = workload.initPods + workload.pods;
    while (bound() < target) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - started) / 1000;
    await measured.stop();
    const requests = store.client.totalRequests - requestsBefore;
    await store.close();

    // The ceiling: raw bindings from one client with the same settings, 64 at a time (the client's sockets).
    const { KubeApiClient } = await import('@schedkit/store-kubernetes');
    const raw = KubeApiClient.connect({ kubeconfig: server.scheduler.kubeconfig }, { qps, burst });
    const names = Array.from({ length: workload.pods }, (_, i) => `raw-${i}`);
    const rawStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < names.length) {
          const name = names[next++]!;
          await raw.call(
            { method: 'POST', path: `${podPath}/${name}/binding`, body: { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: `node-${next % workload.nodes}` } } },
            `binding ${name}`,
          );
        }
      }),
    );
    const ceiling = workload.pods / ((performance.now() - rawStarted) / 1000);
    raw.close();
    const rate = workload.pods / seconds;
    console.log(
      JSON.stringify({ workload: workload.id, nodes: workload.nodes, pods: workload.pods, qps, burst, podsPerSecond: Math.round(rate), requestsPerPod: Number((requests / workload.pods).toFixed(2)), ceilingBindingsPerSecond: Math.round(ceiling), ofCeiling: Number((rate / ceiling).toFixed(2)) }),
    );
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
