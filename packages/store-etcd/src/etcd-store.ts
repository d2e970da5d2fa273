import { randomUUID } from 'node:crypto';
import {
  AlreadyExistsError,
  boundPod,
  type ClusterStore,
  ConflictError,
  type DeletePreconditions,
  LocalViewStore,
  NotFoundError,
  type Pod,
  type PodStatus,
  StoreError,
  type StoreKind,
  StoreKindNames,
  type StoreKinds,
  type StoreObject,
  StoreUnavailableError,
  storeKey,
  withMergedStatus,
} from '@schedkit/framework';

import { Etcd3, type IOptions, type IKeyValue, type IWatchResponse, type Watcher } from 'etcd3';
import type { EtcdConnection } from './dsn.js';
import { EtcdKeys } from './keys.js';

/** How an etcd store behaves beyond where it connects. */
export interface EtcdStoreOptions {
  /** Deadline of one etcd call in ms (the watch stream has none). Default 10 s. */
  callTimeoutMs?: number;
  /** How long to wait before retrying a failed relist or watch in ms. Default 200 ms. */
  retryDelayMs?: number;
}

/**
 * A condition every binding is made on, besides the pod's own: the leader elector sets one so that a replica that
 * lost its lease cannot bind, even if it has not noticed yet (a process paused past its lease, for instance).
 */
export interface WriteFence {
  /** The etcd key that must hold `value`. */
  key: string;
  value: string;
}

/** Attempts of a read-modify-write (bind, status update) against concurrent writers before giving up. */
const maxRetries = 16;

/**
 * The {@link ClusterStore} on etcd v3. Objects are JSON under `<prefix>/<kinds>/<namespace>/<name>` (see
 * {@link EtcdKeys}); `metadata.resourceVersion` is the key's mod revision, and every conditional write is a
 * transaction comparing it, as the API server's optimistic concurrency does.
 *
 * Reads answer from a local view (an in-memory store) that one watch on the prefix keeps current, as kube's
 * informers do; watchers of this store watch that view, so they get its de-duplicated batches and writers never
 * wait on them. The watch resumes from the last revision it applied after a connection loss (events it already
 * applied are skipped), and relists when that revision was compacted, turning the difference into events.
 */
export class EtcdClusterStore extends LocalViewStore implements ClusterStore {
  private watcher: Watcher | undefined;
  /** The etcd revision the local view reflects. */
  private revision = 0;
  private closed = false;
  private fence: WriteFence | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private relists = 0;
  private readonly retryDelayMs: number;
  /** The etcd client; exposed for the leader elector and tests, which share its connection. */
  readonly client: Etcd3;
  readonly keys: EtcdKeys;

  private constructor(
    private readonly connection: EtcdConnection,
    options: EtcdStoreOptions,
  ) {
    super();
    this.keys = new EtcdKeys(connection.prefix);
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.client = new Etcd3(clientOptions(connection, options.callTimeoutMs ?? 10_000));
  }

  /**
   * Connects, lists every object under the prefix into the local view and starts the watch. Resolves once the
   * view holds what etcd held (the informer has synced).
   * @throws StoreUnavailableError when etcd cannot be reached or refuses the credentials.
   */
  static async open(connection: EtcdConnection, options: EtcdStoreOptions = {}): Promise<EtcdClusterStore> {
    const store = new EtcdClusterStore(connection, options);
    try {
      await store.relist();
    } catch (error) {
      store.client.close();
      throw error;
    }
    store.startWatch();
    return store;
  }

  /** Where this store connects, for messages (no credentials). */
  get description(): string {
    return `etcd ${this.connection.endpoints.join(',')}${this.connection.prefix}`;
  }

  /** Relists done after the first (each follows a compacted watch revision). */
  get relistCount(): number {
    return this.relists - 1;
  }

  /** Sets (or clears) the condition every binding is made on. */
  setWriteFence(fence: WriteFence | undefined): void {
    this.fence = fence;
  }

  async create<K extends StoreKind>(kind: K, object: StoreKinds[K]): Promise<StoreKinds[K]> {
    const stored = normalized(kind, object, object.metadata.uid ?? randomUUID());
    const key = this.keys.ofObject(kind, stored);
    const result = await this.call(`creating ${kind} ${storeKey(kind, stored)}`, () => this.client.if(key, 'Create', '==', 0).then(this.client.put(key).value(encode(stored))).commit());
    if (!result.succeeded) throw new AlreadyExistsError(`creating ${kind} ${storeKey(kind, stored)}: it already exists`);
    return withRevision(stored, result.header.revision);
  }

  async update<K extends StoreKind>(kind: K, object: StoreKinds[K]): Promise<StoreKinds[K]> {
    const name = storeKey(kind, object);
    const key = this.keys.of(kind, name);
    const expected = object.metadata.resourceVersion;
    const current = await this.read<K>(`updating ${kind} ${name}`, key);
    if (!current) throw new NotFoundError(`updating ${kind} ${name}: not found`);
    if (expected !== undefined && expected !== current.revision) throw conflict(`updating ${kind} ${name}`, current.revision, expected);
    const stored = normalized(kind, object, object.metadata.uid ?? current.object.metadata.uid);
    const result = await this.call(`updating ${kind} ${name}`, () => this.client.if(key, 'Mod', '==', current.revision).then(this.client.put(key).value(encode(stored))).commit());
    if (!result.succeeded) {
      const now = await this.read<K>(`updating ${kind} ${name}`, key);
      if (!now) throw new NotFoundError(`updating ${kind} ${name}: not found`);
      if (expected !== undefined) throw conflict(`updating ${kind} ${name}`, now.revision, expected);
      return this.update(kind, { ...object, metadata: { ...object.metadata, resourceVersion: undefined } });
    }
    return withRevision(stored, result.header.revision);
  }

  async apply<K extends StoreKind>(kind: K, object: StoreKinds[K]): Promise<StoreKinds[K]> {
    const name = storeKey(kind, object);
    const key = this.keys.of(kind, name);
    for (let attempt = 0; attempt < maxRetries; attempt++) {
      const current = await this.read<K>(`applying ${kind} ${name}`, key);
      const stored = normalized(kind, object, object.metadata.uid ?? current?.object.metadata.uid ?? randomUUID());
      const compare = current ? this.client.if(key, 'Mod', '==', current.revision) : this.client.if(key, 'Create', '==', 0);
      const result = await this.call(`applying ${kind} ${name}`, () => compare.then(this.client.put(key).value(encode(stored))).commit());
      if (result.succeeded) return withRevision(stored, result.header.revision);
    }
    throw new ConflictError(`applying ${kind} ${name}: other writers kept changing it; retry`);
  }

  async delete(kind: StoreKind, name: string, preconditions: DeletePreconditions = {}): Promise<boolean> {
    const key = this.keys.of(kind, name);
    for (let attempt = 0; attempt < maxRetries; attempt++) {
      const current = await this.read(`deleting ${kind} ${name}`, key);
      if (!current) return false;
      if (preconditions.uid !== undefined && current.object.metadata.uid !== preconditions.uid) {
        throw new ConflictError(`deleting ${kind} ${name}: precondition failed: uid is ${current.object.metadata.uid ?? 'unset'}, not ${preconditions.uid}`);
      }
      if (preconditions.resourceVersion !== undefined && current.revision !== preconditions.resourceVersion) {
        throw new ConflictError(`deleting ${kind} ${name}: precondition failed: the object has been modified (resourceVersion ${current.revision})`);
      }
      const result = await this.call(`deleting ${kind} ${name}`, () => this.client.if(key, 'Mod', '==', current.revision).then(this.client.delete().key(key)).commit());
      if (result.succeeded) return true;
    }
    throw new ConflictError(`deleting ${kind} ${name}: other writers kept changing it; retry`);
  }

  deletePod(namespace: string, name: string): Promise<boolean> {
    return this.delete('Pod', `${namespace}/${name}`);
  }

  /**
   * One transaction in the common case: the local view's copy of the pod is the base and its revision the
   * condition, so the binding commits only if nobody changed the pod since (and, with a fence, only while the
   * fence holds). When the view was behind, the pod is read from etcd and the binding tried again.
   */
  async bind(pod: Pod, nodeName: string): Promise<void> {
    const name = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
    const key = this.keys.of('Pod', name);
    const what = `binding pod ${name} to ${nodeName}`;
    const local = this.view.getPod(pod.metadata.namespace ?? 'default', pod.metadata.name);
    let current: Versioned<Pod> | undefined = local?.metadata.resourceVersion ? { object: local, revision: local.metadata.resourceVersion } : undefined;
    for (let attempt = 0; attempt < maxRetries; attempt++) {
      current ??= await this.read<'Pod'>(what, key);
      if (!current) throw new NotFoundError(`${what}: pod not found`);
      const found = current.object;
      if (pod.metadata.uid && found.metadata.uid && pod.metadata.uid !== found.metadata.uid) throw new NotFoundError(`${what}: pod was replaced (uid ${found.metadata.uid})`);
      if (found.spec.nodeName) throw new ConflictError(`${what}: pod is already assigned to node "${found.spec.nodeName}"`);
      const bound = normalized('Pod', boundPod(found, nodeName), found.metadata.uid);
      const revision = current.revision;
      const fence = this.fence;
      const result = await this.call(what, () => {
        const txn = this.client.if(key, 'Mod', '==', revision);
        if (fence) txn.and(fence.key, 'Value', '==', fence.value);
        return txn.then(this.client.put(key).value(encode(bound))).commit();
      });
      if (result.succeeded) return;
      if (fence && !(await this.fenceHolds(what, fence))) throw new ConflictError(`${what}: this scheduler no longer holds the lease ${fence.key}`);
      current = undefined;
    }
    throw new ConflictError(`${what}: other writers kept changing the pod; retry`);
  }

  async updatePodStatus(namespace: string, name: string, status: Partial<PodStatus>): Promise<void> {
    const key = this.keys.of('Pod', `${namespace}/${name}`);
    const what = `updating status of pod ${namespace}/${name}`;
    for (let attempt = 0; attempt < maxRetries; attempt++) {
      const current = await this.read<'Pod'>(what, key);
      if (!current) throw new NotFoundError(`${what}: pod not found`);
      const next = normalized('Pod', withMergedStatus(current.object, status), current.object.metadata.uid);
      const result = await this.call(what, () => this.client.if(key, 'Mod', '==', current.revision).then(this.client.put(key).value(encode(next))).commit());
      if (result.succeeded) return;
    }
    throw new ConflictError(`${what}: other writers kept changing the pod; retry`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.restartTimer);
    const watcher = this.watcher;
    this.watcher = undefined;
    await this.view.close();
    await watcher?.cancel().catch(() => undefined);
    this.client.close();
  }

  /**
   * Drops the watch as a lost connection would and resumes it after `resumeAfterMs` from the last revision the
   * view applied (relisting if that revision was compacted meanwhile). For tests of the resume path.
   */
  async dropWatch(resumeAfterMs = 300): Promise<void> {
    const watcher = this.watcher;
    this.watcher = undefined;
    await watcher?.cancel().catch(() => undefined);
    this.scheduleRestart(resumeAfterMs, false);
  }

  private async fenceHolds(what: string, fence: WriteFence): Promise<boolean> {
    const value = await this.call(what, () => this.client.get(fence.key).string());
    return value === fence.value;
  }

  /** Reads one object from etcd (not the view): read-modify-writes need the newest revision. */
  private async read<K extends StoreKind>(what: string, key: string): Promise<Versioned<StoreKinds[K]> | undefined> {
    const response = await this.call(what, () => this.client.get(key).exec());
    const kv = response.kvs[0];
    return kv ? { object: decode(kv) as StoreKinds[K], revision: kv.mod_revision } : undefined;
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreUnavailableError(`${what}: ${this.description}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Lists the prefix and makes the view equal to it, delivering the difference to watchers as events. */
  private async relist(): Promise<void> {
    const response = await this.call(`listing ${this.keys.objects}`, () => this.client.getAll().prefix(this.keys.objects).exec());
    this.relists++;
    const seen = new Map<StoreKind, Set<string>>(StoreKindNames.map((kind) => [kind, new Set()]));
    for (const kv of response.kvs) {
      const parsed = this.keys.parse(kv.key.toString());
      if (!parsed) continue;
      seen.get(parsed.kind)!.add(parsed.key);
      if (this.view.get(parsed.kind, parsed.key)?.metadata.resourceVersion === kv.mod_revision) continue;
      this.view.applyObject(parsed.kind, decode(kv));
    }
    for (const kind of StoreKindNames) {
      const kept = seen.get(kind)!;
      for (const object of this.view.list(kind)) {
        const key = storeKey(kind, object as never);
        if (!kept.has(key)) this.view.removeObject(kind, key);
      }
    }
    this.revision = Number(response.header.revision);
  }

  private startWatch(): void {
    if (this.closed) return;
    const watcher = this.client
      .watch()
      .prefix(this.keys.objects)
      .startRevision(String(this.revision + 1))
      .watcher();
    this.watcher = watcher;
    watcher.on('data', (response: IWatchResponse) => {
      if (this.watcher === watcher) this.applyEvents(response);
    });
    // A cancelled watch (its start revision was compacted, or etcd cancelled it): relist, then watch again.
    watcher.on('error', () => {
      if (this.watcher !== watcher) return;
      this.watcher = undefined;
      void watcher.cancel().catch(() => undefined);
      this.scheduleRestart(this.retryDelayMs, true);
    });
    // A lost connection needs nothing here: the client reconnects and resumes from the last revision it saw, and
    // applyEvents skips what the view already holds.
    watcher.on('disconnected', () => undefined);
  }

  private scheduleRestart(delayMs: number, relist: boolean): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.closed) return;
      void this.restart(relist);
    }, delayMs);
  }

  /** Resumes the watch from the view's revision; a compacted revision makes etcd cancel it, and then we relist. */
  private async restart(relist: boolean): Promise<void> {
    try {
      if (relist) await this.relist();
      this.startWatch();
    } catch {
      this.scheduleRestart(this.retryDelayMs, relist);
    }
  }

  private applyEvents(response: IWatchResponse): void {
    for (const event of response.events) {
      const revision = Number(event.kv.mod_revision);
      // After a resume etcd may send again what the view has applied: skip it (events come in revision order).
      if (revision <= this.revision) continue;
      this.revision = revision;
      const parsed = this.keys.parse(event.kv.key.toString());
      if (!parsed) continue;
      if (event.type === 'Delete') this.view.removeObject(parsed.kind, parsed.key);
      else this.view.applyObject(parsed.kind, decode(event.kv));
    }
    const header = Number(response.header.revision);
    if (response.events.length === 0 && header > this.revision) this.revision = header;
  }
}

interface Versioned<T> {
  object: T;
  revision: string;
}

function clientOptions(connection: EtcdConnection, callTimeoutMs: number): IOptions {
  const tls = connection.tls;
  const scheme = tls ? 'https' : 'http';
  return {
    hosts: connection.endpoints.map((endpoint) => `${scheme}://${endpoint}`),
    dialTimeout: callTimeoutMs,
    // Every unary call gets a deadline; the watch stream must not have one.
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    ...(tls ? { credentials: { rootCertificate: tls.ca ?? Buffer.alloc(0), ...(tls.key ? { privateKey: tls.key } : {}), ...(tls.cert ? { certChain: tls.cert } : {}) } } : {}),
    ...(connection.auth ? { auth: { ...connection.auth, callOptions: () => ({ deadline: Date.now() + callTimeoutMs }) } } : {}),
  };
}

/** The object as stored: a uid, pods in a namespace, and no resourceVersion (the key's revision is it). */
function normalized<K extends StoreKind>(kind: K, object: StoreKinds[K], uid: string | undefined): StoreKinds[K] {
  const metadata = { ...object.metadata };
  delete metadata.resourceVersion;
  if (uid !== undefined) metadata.uid = uid;
  if (kind === 'Pod' && !metadata.namespace) metadata.namespace = 'default';
  return { ...object, metadata } as StoreKinds[K];
}

function withRevision<T extends StoreObject>(object: T, revision: string): T {
  return { ...object, metadata: { ...object.metadata, resourceVersion: revision } };
}

function encode(object: StoreObject): string {
  return JSON.stringify(object);
}

function decode(kv: IKeyValue): StoreObject {
  const object = JSON.parse(kv.value.toString()) as StoreObject;
  object.metadata.resourceVersion = kv.mod_revision;
  return object;
}

function conflict(what: string, current: string, expected: string): ConflictError {
  return new ConflictError(`${what}: the object has been modified (resourceVersion ${current}, not ${expected}); read it again and retry`);
}
