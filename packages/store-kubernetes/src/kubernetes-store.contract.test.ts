import { clusterStoreContract } from '@schedkit/framework/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { KubernetesClusterStore } from './kubernetes-store.js';
import { controlPlaneBinaries, missingAssetsMessage } from './testing/assets.js';
import { startApiServer, type TestApiServer } from './testing/api-server.js';

const available = controlPlaneBinaries() !== undefined;
if (!available) console.warn(missingAssetsMessage);

// The watch cache is off here so that an etcd compaction reaches the watch as 410 Gone, as it does on a busy
// cluster whose watch cache has moved past a reconnecting client's resourceVersion.
describe.skipIf(!available)('KubernetesClusterStore: the ClusterStore contract on a real kube-apiserver', () => {
  let server: TestApiServer;
  beforeAll(async () => {
    server = await startApiServer({ extraFlags: ['--watch-cache=false'] });
    // The contract writes nodes, services and namespaces, which a scheduler never does: a second user gets
    // those rights; the store under test runs as the scheduler user with only the package's ClusterRole.
    await server.grant('user-0', [
      { apiGroups: [''], resources: ['nodes', 'pods', 'services', 'namespaces'], verbs: ['create', 'update', 'patch', 'delete', 'get', 'list', 'watch'] },
    ]);
    await server.grant('schedkit-scheduler', [{ apiGroups: [''], resources: ['nodes', 'pods', 'services', 'namespaces'], verbs: ['create', 'update', 'delete'] }]);
    // The API server's own `kubernetes` Service would be one more Service in `default` than the contract made.
    await server.admin.client().call({ method: 'DELETE', path: '/api/v1/namespaces/default/services/kubernetes' }, 'deleting the kubernetes service');
  });
  afterAll(async () => {
    await server?.stop();
  });

  const contract = clusterStoreContract(
    async () => {
      const store = await KubernetesClusterStore.open({ kubeconfig: server.scheduler.kubeconfig });
      const otherClient = await KubernetesClusterStore.open({ kubeconfig: server.user('user-0').kubeconfig, kinds: ['Namespace', 'Service'] });
      return {
        store,
        otherClient,
        interruptWatch: async () => store.interruptWatches(),
        compact: () => server.compactEtcd(),
        cleanup: async () => {
          await Promise.all([store.close(), otherClient.close()]);
          const admin = server.admin.client();
          for (const path of ['/api/v1/namespaces/default/pods?gracePeriodSeconds=0', '/api/v1/nodes', '/api/v1/namespaces/default/services']) {
            await admin.call({ method: 'DELETE', path }, `cleaning up ${path}`);
          }
        },
      };
    },
    { withResume: true },
  );
  for (const c of contract) it(c.name, c.run);
});
