import assert from 'node:assert/strict';
import type { Node, Pod } from '../model/types.js';
import type { ClusterStore, StoreEvent } from '../store/cluster-store.js';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../store/errors.js';

/** A store opened for one contract case, with what the case may do to its backend. */
export interface StoreUnderTest {
  /** The store under test, empty. */
  store: ClusterStore;
  /**
   * A second client of the same backend (another process would hold one): its writes race with `store`'s. The
   * memory store passes itself.
   */
  otherClient: ClusterStore;
  /** Cuts the store's watch connection (the store must resume from the last revision it delivered). */
  interruptWatch?: () => Promise<void>;
  /** Compacts the backend's history up to now (a resuming watch must relist). */
  compact?: () => Promise<void>;
  /** Closes the clients and removes what the case wrote. */
  cleanup: () => Promise<void>;
}

/** One case of the contract: a name and a body that throws on a broken promise. */
export interface StoreContractCase {
  name: string;
  run: () => Promise<void>;
}

/** How long a case waits for a remote store's local view or watch to catch up. */
const convergeTimeoutMs = 10_000;

/**
 * The `ClusterStore` contract, as cases any test runner can run: every store (memory, etcd, the Kubernetes API)
 * must pass all of them. `open` gives each case a fresh, empty store. Cases that need `interruptWatch` or
 * `compact` are included only when the store under test offers them.
 *
 * ```ts
 * for (const c of clusterStoreContract(openMyStore)) it(c.name, c.run);
 * ```
 */
export function clusterStoreContract(open: () => Promise<StoreUnderTest>, options: { withResume?: boolean } = {}): StoreContractCase[] {
  const cases: StoreContractCase[] = [];
  const add = (name: string, body: (t: StoreUnderTest) => Promise<void>): void => {
    cases.push({
      name,
      run: async () => {
        const t = await open();
        try {
          await body(t);
        } finally {
          await t.cleanup();
        }
      },
    });
  };

  add('create stores the object with a resourceVersion and refuses a second create', async ({ store }) => {
    const created = await store.create('Node', node('n1'));
    assert.ok(created.metadata.resourceVersion, 'a created object carries its resourceVersion');
    await until(() => store.getNode('n1') !== undefined, 'the created node in the local view');
    assert.equal(store.get('Node', 'n1')?.metadata.name, 'n1');
    await assert.rejects(store.create('Node', node('n1')), AlreadyExistsError);
  });

  add('update is conditional on the resourceVersion the writer read', async ({ store, otherClient }) => {
    const created = await store.create('Pod', pod('p1'));
    const mine = await store.update('Pod', { ...created, metadata: { ...created.metadata, labels: { v: '1' } } });
    assert.notEqual(mine.metadata.resourceVersion, created.metadata.resourceVersion, 'an update moves the resourceVersion');
    // The other client still holds the version before that update: its write must fail, not overwrite.
    await assert.rejects(otherClient.update('Pod', { ...created, metadata: { ...created.metadata, labels: { v: 'stale' } } }), ConflictError);
    await until(() => store.getPod('default', 'p1')?.metadata.labels?.v === '1', 'the first update in the local view');
    await assert.rejects(store.update('Pod', pod('missing')), NotFoundError);
  });

  add('apply creates or replaces; delete honours its preconditions', async ({ store }) => {
    const first = await store.apply('Service', { metadata: { name: 's', namespace: 'default' }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }] } });
    const second = await store.apply('Service', { metadata: { name: 's', namespace: 'default' }, spec: { selector: { app: 'b' }, ports: [{ port: 80 }] } });
    assert.notEqual(first.metadata.resourceVersion, second.metadata.resourceVersion);
    await until(() => store.services('default')[0]?.spec?.selector?.app === 'b', 'the applied service in the local view');
    await assert.rejects(store.delete('Service', 'default/s', { uid: 'not-its-uid' }), ConflictError);
    assert.equal(await store.delete('Service', 'default/s'), true);
    assert.equal(await store.delete('Service', 'default/s'), false);
    await until(() => store.services('default').length === 0, 'the deleted service gone from the local view');
  });

  add('bind succeeds once: a second bind, a missing pod and a replaced pod are refused', async ({ store }) => {
    const created = await store.create('Pod', pod('p1'));
    await store.bind(created, 'n1');
    await until(() => store.getPod('default', 'p1')?.spec.nodeName === 'n1', 'the binding in the local view');
    await assert.rejects(store.bind(created, 'n2'), ConflictError);
    await assert.rejects(store.bind(pod('ghost'), 'n1'), NotFoundError);
    const replaced = { ...created, metadata: { ...created.metadata, uid: 'another-uid' } };
    await store.create('Pod', pod('p2'));
    await assert.rejects(store.bind({ ...replaced, metadata: { ...replaced.metadata, name: 'p2' } }, 'n1'), NotFoundError);
  });

  add('two clients binding one pod at once: exactly one wins', async ({ store, otherClient }) => {
    const created = await store.create('Pod', pod('race'));
    const results = await Promise.allSettled([store.bind(created, 'n1'), otherClient.bind(created, 'n2')]);
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, 'exactly one binding commits');
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(lost.reason instanceof ConflictError, `the loser gets a ConflictError, not ${String(lost.reason)}`);
    await until(() => store.getPod('default', 'race')?.spec.nodeName !== undefined, 'the binding in the local view');
  });

  add('updatePodStatus merges conditions by type', async ({ store }) => {
    await store.create('Pod', pod('p1'));
    await store.updatePodStatus('default', 'p1', { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no fit' }] });
    await store.updatePodStatus('default', 'p1', { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] });
    // The API server defaults a new pod's phase to Pending: wait for the condition, which only the write sets.
    await until(() => store.getPod('default', 'p1')?.status?.conditions?.some((c) => c.type === 'Ready') === true, 'the status in the local view');
    assert.equal(store.getPod('default', 'p1')?.status?.phase, 'Pending');
    const conditions = store.getPod('default', 'p1')?.status?.conditions ?? [];
    assert.deepEqual(conditions.map((c) => `${c.type}=${c.status}`).sort(), ['PodScheduled=False', 'Ready=False']);
    await assert.rejects(store.updatePodStatus('default', 'missing', { phase: 'Running' }), NotFoundError);
  });

  add('watch delivers each object’s changes in order, ending in its current state, after the write returned', async ({ store }) => {
    const seen = new Recorder();
    const stop = store.watch(seen.listener);
    try {
      await store.create('Node', node('n1'));
      const p = await store.create('Pod', pod('p1'));
      await store.update('Pod', { ...p, metadata: { ...p.metadata, labels: { step: '2' } } });
      await store.delete('Node', 'n1');
      await until(() => seen.last('Pod', 'default/p1')?.object.metadata.labels?.step === '2' && seen.last('Node', 'n1')?.type === 'delete', 'the events');
      const podEvents = seen.of('Pod', 'default/p1');
      assert.equal(podEvents[0]?.type, 'add');
      assert.ok(
        podEvents.slice(1).every((e) => e.type === 'update'),
        'after the add, only updates',
      );
    } finally {
      stop();
    }
  });

  add('a replaying watch delivers what the store holds, nodes before their pods', async ({ store }) => {
    await store.create('Namespace', { metadata: { name: 'team', labels: { tier: 'gold' } } });
    await store.create('Node', node('n1'));
    const p = await store.create('Pod', pod('p1'));
    await store.bind(p, 'n1');
    await until(() => store.getPod('default', 'p1')?.spec.nodeName === 'n1', 'the binding in the local view');
    const seen = new Recorder();
    const stop = store.watch(seen.listener, { replay: true });
    try {
      await until(() => seen.last('Pod', 'default/p1') !== undefined, 'the replayed pod');
      const order = seen.events.map((e) => e.kind);
      assert.ok(order.indexOf('Node') < order.indexOf('Pod'), `nodes before pods, got ${order.join(',')}`);
      assert.equal((seen.last('Pod', 'default/p1')?.object as Pod | undefined)?.spec.nodeName, 'n1');
      assert.equal(store.namespaceLabels('team')?.tier, 'gold');
      assert.equal(store.namespaceLabels('team')?.['kubernetes.io/metadata.name'], 'team');
    } finally {
      stop();
    }
  });

  add('a write by another client reaches this client’s watch and local view', async ({ store, otherClient }) => {
    const seen = new Recorder();
    const stop = store.watch(seen.listener);
    try {
      await otherClient.create('Node', node('remote'));
      await until(() => seen.last('Node', 'remote')?.type === 'add', 'the other client’s node');
      await until(() => store.getNode('remote') !== undefined, 'the other client’s node in the local view');
    } finally {
      stop();
    }
  });

  if (options.withResume) {
    add('a watch cut off resumes from its last revision and misses nothing', async (t) => {
      assert.ok(t.interruptWatch, 'the store under test offers interruptWatch');
      const seen = new Recorder();
      const stop = t.store.watch(seen.listener);
      try {
        await t.store.create('Node', node('before'));
        await until(() => seen.last('Node', 'before') !== undefined, 'the first node');
        await t.interruptWatch();
        await t.otherClient.create('Node', node('during'));
        await t.otherClient.delete('Node', 'before');
        await until(() => seen.last('Node', 'during')?.type === 'add' && seen.last('Node', 'before')?.type === 'delete', 'the changes made while cut off');
        assert.equal(t.store.getNode('before'), undefined);
      } finally {
        stop();
      }
    });

    add('a watch whose revision was compacted relists and converges', async (t) => {
      assert.ok(t.interruptWatch && t.compact, 'the store under test offers interruptWatch and compact');
      const seen = new Recorder();
      const stop = t.store.watch(seen.listener);
      try {
        await t.store.create('Node', node('kept'));
        await t.store.create('Node', node('dropped'));
        await until(() => seen.last('Node', 'dropped') !== undefined, 'the nodes');
        await t.interruptWatch();
        await t.otherClient.delete('Node', 'dropped');
        await t.otherClient.create('Node', node('new'));
        await t.otherClient.apply('Node', { ...node('kept'), metadata: { name: 'kept', labels: { changed: 'yes' } } });
        await t.compact();
        await until(
          () => seen.last('Node', 'dropped')?.type === 'delete' && seen.last('Node', 'new')?.type === 'add' && seen.last('Node', 'kept')?.object.metadata.labels?.changed === 'yes',
          'the relisted differences as events',
        );
        assert.deepEqual(t.store.listNodes().map((n) => n.metadata.name).sort(), ['kept', 'new']);
      } finally {
        stop();
      }
    });
  }

  return cases;
}

/** Records a watch's events. */
class Recorder {
  readonly events: StoreEvent[] = [];
  readonly listener = (events: readonly StoreEvent[]): void => {
    this.events.push(...events);
  };

  of(kind: StoreEvent['kind'], key: string): StoreEvent[] {
    return this.events.filter((e) => e.kind === kind && e.key === key);
  }

  last(kind: StoreEvent['kind'], key: string): StoreEvent | undefined {
    const events = this.of(kind, key);
    return events[events.length - 1];
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + convergeTimeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${convergeTimeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function node(name: string): Node {
  return { metadata: { name }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } };
}

function pod(name: string): Pod {
  return { metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
}
