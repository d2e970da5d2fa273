import type { Labels, Node, Pod, PodStatus, ReplicaSetLike, Service } from '../model/types.js';
import { type ClusterStore, type DeletePreconditions, namespaceMatchLabels, type StoreEvent, type StoreListener, type Unsubscribe, type WatchOptions } from './cluster-store.js';
import { AlreadyExistsError, ConflictError, NotFoundError } from './errors.js';
import { boundPod, withMergedStatus } from './pod-writes.js';
import { StoreKindNames, type StoreKind, type StoreKinds, type StoreObject, storeKey } from './kinds.js';
import { WatchQueue } from './watch-queue.js';

export { StoreError } from './errors.js';

interface Watcher {
  /** Pending events, de-duplicated per kind and key. */
  queue: WatchQueue<StoreObject, StoreEvent>;
  listener: StoreListener;
  scheduled: boolean;
  active: boolean;
}

type KindMaps = { [K in StoreKind]: Map<string, StoreKinds[K]> };

/**
 * The embedded in-memory cluster store. Writes change the maps directly and append to each watcher's
 * de-duplicating queue; delivery happens on a microtask, so writers never wait for consumers.
 *
 * The store keeps the very objects it is given and hands them to watchers (as kube's informer caches share
 * theirs): once written, an object is treated as immutable. To change one, write a new object; the store's own
 * writes (`bind`, `updatePodStatus`) do the same.
 *
 * Two ways to write: the {@link ClusterStore} methods (`create`, `update`, `apply`, `delete`), asynchronous as
 * every store's are, which stamp `metadata.resourceVersion` on a copy of the object for optimistic concurrency;
 * and the synchronous `applyNode`/`applyPod`/... that embedded users and benchmarks feed clusters with, which keep
 * the object as it is: copying every write to stamp a version cost the event path four times a plain Map write.
 * {@link MemoryClusterStore.resourceVersion} counts every write.
 */
export class MemoryClusterStore implements ClusterStore {
  private readonly objects: KindMaps = {
    Node: new Map(),
    Pod: new Map(),
    Service: new Map(),
    Namespace: new Map(),
    Controller: new Map(),
    PriorityClass: new Map(),
    PodDisruptionBudget: new Map(),
    PersistentVolumeClaim: new Map(),
    PersistentVolume: new Map(),
    StorageClass: new Map(),
    CSINode: new Map(),
    CSIDriver: new Map(),
  };
  private readonly nodes = this.objects.Node;
  private readonly pods = this.objects.Pod;
  /** An array, not a Set: every write walks it, and an array's loop allocates no iterator. */
  private watchers: Watcher[] = [];
  private version = 0;
  private uids = 0;

  list<K extends StoreKind>(kind: K): StoreKinds[K][] {
    return [...(this.objects[kind] as Map<string, StoreKinds[K]>).values()];
  }

  get<K extends StoreKind>(kind: K, key: string): StoreKinds[K] | undefined {
    return (this.objects[kind] as Map<string, StoreKinds[K]>).get(key);
  }

  listNodes(): Node[] {
    return [...this.nodes.values()];
  }

  listPods(): Pod[] {
    return [...this.pods.values()];
  }

  getNode(name: string): Node | undefined {
    return this.nodes.get(name);
  }

  getPod(namespace: string, name: string): Pod | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  async create<K extends StoreKind>(kind: K, object: StoreKinds[K]): Promise<StoreKinds[K]> {
    const key = storeKey(kind, object);
    if (this.objects[kind].has(key)) throw new AlreadyExistsError(`creating ${describe(kind, key)}: it already exists`);
    return this.write(kind, key, object, true);
  }

  async update<K extends StoreKind>(kind: K, object: StoreKinds[K]): Promise<StoreKinds[K]> {
    const key = storeKey(kind, object);
    const current = this.objects[kind].get(key);
    if (!current) throw new NotFoundError(`updating ${describe(kind, key)}: not found`);
    const expected = object.metadata.resourceVersion;
    if (expected !== undefined && expected !== current.metadata.resourceVersion) {
      throw new ConflictError(
        `updating ${describe(kind, key)}: the object has been modified (resourceVersion ${current.metadata.resourceVersion ?? 'unset'}, not ${expected}); read it again and retry`,
      );
    }
    return this.write(kind, key, object, false, current.metadata.uid);
  }

  async apply<K extends StoreKind>(kind: K, object: StoreKinds[K]): Promise<StoreKinds[K]> {
    const key = storeKey(kind, object);
    const current = this.objects[kind].get(key);
    return this.write(kind, key, object, current === undefined, current?.metadata.uid);
  }

  async delete(kind: StoreKind, key: string, preconditions: DeletePreconditions = {}): Promise<boolean> {
    const current = this.objects[kind].get(key);
    if (!current) return false;
    if (preconditions.uid !== undefined && current.metadata.uid !== preconditions.uid) {
      throw new ConflictError(`deleting ${describe(kind, key)}: precondition failed: uid is ${current.metadata.uid ?? 'unset'}, not ${preconditions.uid}`);
    }
    if (preconditions.resourceVersion !== undefined && current.metadata.resourceVersion !== preconditions.resourceVersion) {
      throw new ConflictError(`deleting ${describe(kind, key)}: precondition failed: the object has been modified (resourceVersion ${current.metadata.resourceVersion ?? 'unset'})`);
    }
    return this.remove(kind, key);
  }

  /** Creates or replaces a node (synchronously, keeping the object as it is). */
  applyNode(node: Node): void {
    this.put('Node', node.metadata.name, node);
  }

  deleteNode(name: string): boolean {
    return this.remove('Node', name);
  }

  /** Creates or replaces a pod (synchronously, keeping the object as it is; an absent namespace is `default`). */
  applyPod(pod: Pod): void {
    const withDefaults = pod.metadata.namespace ? pod : { ...pod, metadata: { ...pod.metadata, namespace: 'default' } };
    this.put('Pod', podKey(withDefaults), withDefaults);
  }

  deletePod(namespace: string, name: string): boolean {
    return this.remove('Pod', `${namespace}/${name}`);
  }

  applyService(service: Service): void {
    this.put('Service', storeKey('Service', service), service);
  }

  applyNamespace(namespace: StoreKinds['Namespace']): void {
    this.put('Namespace', namespace.metadata.name, namespace);
  }

  applyController(controller: ReplicaSetLike): void {
    this.put('Controller', storeKey('Controller', controller), controller);
  }

  /** Creates or replaces an object of any kind (synchronously, keeping the object as it is). */
  applyObject<K extends StoreKind>(kind: K, object: StoreKinds[K]): void {
    this.put(kind, storeKey(kind, object), object);
  }

  /** Deletes an object of any kind (synchronously); false when it was not there. */
  removeObject(kind: StoreKind, key: string): boolean {
    return this.remove(kind, key);
  }

  /** Writes the binding: sets `spec.nodeName`. Fails when the pod is gone or already bound. */
  async bind(pod: Pod, nodeName: string): Promise<void> {
    const key = podKey(pod);
    const current = this.pods.get(key);
    if (!current) throw new NotFoundError(`binding pod ${key} to ${nodeName}: pod not found`);
    if (pod.metadata.uid && current.metadata.uid && pod.metadata.uid !== current.metadata.uid) {
      throw new NotFoundError(`binding pod ${key} to ${nodeName}: pod was replaced (uid ${current.metadata.uid})`);
    }
    if (current.spec.nodeName) {
      throw new ConflictError(`binding pod ${key} to ${nodeName}: pod is already assigned to node "${current.spec.nodeName}"`);
    }
    this.put('Pod', key, boundPod(current, nodeName));
  }

  async updatePodStatus(namespace: string, name: string, status: Partial<PodStatus>): Promise<void> {
    const key = `${namespace}/${name}`;
    const current = this.pods.get(key);
    if (!current) throw new NotFoundError(`updating status of pod ${key}: pod not found`);
    this.put('Pod', key, withMergedStatus(current, status));
  }

  services(namespace: string): readonly Service[] {
    const out: Service[] = [];
    for (const service of this.objects.Service.values()) if ((service.metadata.namespace ?? 'default') === namespace) out.push(service);
    return out;
  }

  controllers(namespace: string): readonly ReplicaSetLike[] {
    const out: ReplicaSetLike[] = [];
    for (const controller of this.objects.Controller.values()) if ((controller.metadata.namespace ?? 'default') === namespace) out.push(controller);
    return out;
  }

  namespaceLabels(name: string): Labels | undefined {
    const namespace = this.objects.Namespace.get(name);
    return namespace ? namespaceMatchLabels(namespace) : undefined;
  }

  watch(listener: StoreListener, options: WatchOptions = {}): Unsubscribe {
    const watcher: Watcher = { queue: new WatchQueue(), listener, scheduled: false, active: true };
    this.watchers = [...this.watchers, watcher];
    if (options.replay) {
      for (const kind of StoreKindNames) {
        for (const [key, object] of this.objects[kind]) this.enqueue(watcher, kind, { type: 'add', key, object, kind } as StoreEvent);
      }
    }
    return () => {
      watcher.active = false;
      this.watchers = this.watchers.filter((w) => w !== watcher);
    };
  }

  async close(): Promise<void> {
    for (const watcher of this.watchers) watcher.active = false;
    this.watchers = [];
  }

  /** The number of writes so far (a resourceVersion). */
  get resourceVersion(): number {
    return this.version;
  }

  /** A ClusterStore write: stamps the next resourceVersion (and a uid on creation) on a copy, then stores it. */
  private write<K extends StoreKind>(kind: K, key: string, object: StoreKinds[K], created: boolean, currentUid?: string): StoreKinds[K] {
    const uid = object.metadata.uid ?? currentUid ?? (created ? `memory-uid-${++this.uids}` : undefined);
    const metadata = { ...object.metadata, resourceVersion: String(this.version + 1), ...(uid === undefined ? {} : { uid }) };
    if (kind === 'Pod' && !metadata.namespace) metadata.namespace = 'default';
    const stored = { ...object, metadata } as StoreKinds[K];
    this.put(kind, key, stored);
    return stored;
  }

  private put<K extends StoreKind>(kind: K, key: string, object: StoreKinds[K]): void {
    this.version++;
    const map = this.objects[kind] as Map<string, StoreKinds[K]>;
    const old = map.get(key);
    map.set(key, object);
    const watchers = this.watchers;
    for (let w = 0; w < watchers.length; w++) {
      const watcher = watchers[w]!;
      // An update of an object whose change is still pending folds into it without building an event.
      if (old && watcher.queue.foldUpdate(key, object, kind)) continue;
      this.enqueue(watcher, kind, (old ? { type: 'update', key, object, oldObject: old, kind } : { type: 'add', key, object, kind }) as StoreEvent);
    }
  }

  private remove(kind: StoreKind, key: string): boolean {
    const map = this.objects[kind];
    const old = map.get(key);
    if (!old) return false;
    this.version++;
    map.delete(key);
    for (const watcher of this.watchers) this.enqueue(watcher, kind, { type: 'delete', key, object: old, kind } as StoreEvent);
    return true;
  }

  private enqueue(watcher: Watcher, kind: StoreKind, event: StoreEvent): void {
    watcher.queue.push(event, kind);
    if (watcher.scheduled) return;
    watcher.scheduled = true;
    queueMicrotask(() => this.deliver(watcher));
  }

  private deliver(watcher: Watcher): void {
    watcher.scheduled = false;
    if (!watcher.active) return;
    const events = watcher.queue.drain();
    if (events.length > 0) watcher.listener(events);
  }
}

function describe(kind: StoreKind, key: string): string {
  return `${kind} ${key}`;
}

function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}
