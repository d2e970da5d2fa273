import { describe, it } from 'vitest';
import { clusterStoreContract } from '../testing/store-contract.js';
import { MemoryClusterStore } from './memory-store.js';

describe('MemoryClusterStore: the ClusterStore contract', () => {
  const cases = clusterStoreContract(async () => {
    const store = new MemoryClusterStore();
    return { store, otherClient: store, cleanup: () => store.close() };
  });
  for (const c of cases) it(c.name, c.run);
});
