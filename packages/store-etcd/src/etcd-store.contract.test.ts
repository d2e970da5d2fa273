import { clusterStoreContract } from '@schedkit/framework/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { parseEtcdDsn } from './dsn.js';
import { EtcdClusterStore } from './etcd-store.js';
import { type EtcdServer, etcdBinary, startEtcd } from './testing/etcd-server.js';

const available = etcdBinary() !== undefined;

describe.skipIf(!available)('EtcdClusterStore: the ClusterStore contract on a real etcd', () => {
  let etcd: EtcdServer;
  let cases = 0;
  beforeAll(async () => {
    etcd = await startEtcd();
  });
  afterAll(async () => {
    await etcd?.destroy();
  });

  const contract = clusterStoreContract(
    async () => {
      // Each case gets its own prefix: an empty store on the shared etcd.
      const connection = parseEtcdDsn(`${etcd.dsnBase}/contract-${++cases}`);
      const store = await EtcdClusterStore.open(connection);
      const otherClient = await EtcdClusterStore.open(connection);
      return {
        store,
        otherClient,
        interruptWatch: () => store.dropWatch(500),
        compact: async () => {
          const revision = (await store.client.get('/').exec()).header.revision;
          await store.client.kv.compact({ revision, physical: true });
        },
        cleanup: async () => {
          await store.client.delete().prefix(`${connection.prefix}/`);
          await Promise.all([store.close(), otherClient.close()]);
        },
      };
    },
    { withResume: true },
  );
  for (const c of contract) it(c.name, c.run);
});
