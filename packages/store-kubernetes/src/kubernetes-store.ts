import {
  type ClusterStore,
  ConflictError,
  type DeletePreconditions,
  LocalViewStore,
  NotFoundError,
  type Pod,
  type PodCondition,
  type PodStatus,
  StoreKindNames,
  type StoreKind,
  type StoreKinds,
  storeKey,
} from '@schedkit/framework';

import { type ClientConnection, KubeApiClient, type KubeConnectionTarget } from './client/api-client.js';
import { type KubeObject, Reflector, type ReflectorSink } from './reflector.js';
import { type ApiResource, objectPath, resourceOf, resourcesByKind, splitKey } from './resources.js';

/** How a Kubernetes store is opened. */
export interface KubernetesStoreOptions extends KubeConnectionTarget {
  /** A client to use instead of connecting (tests, or several stores on one connection). */
  client?: KubeApiClient;
  /** kube's `clientConnection`: QPS and burst of the client. */
  clientConnection?: ClientConnection;
  /**
   * The scheduler names whose pending pods this store watches (kube-scheduler's profiles); assigned pods are
   * watched whatever their scheduler. Default `['default-scheduler']`.
   */
  schedulerNames?: readonly string[];
  /** The kinds to watch besides Node and Pod (default: every kind). */
  kinds?: readonly StoreKind[];
  /** Reports watch trouble (a lost connection, a refused list); the store retries by itself. */
  onError?: (error: Error) => void;
}

/** Fields a pod status patch leaves untouched when the scheduler already wrote them. */
type PodStatusPatch = Partial<PodStatus>;

/** Reason and message kube's preemption writes on a victim before deleting it. */
const disruptionReason = 'PreemptionByScheduler';

/**
 * The ClusterStore on the Kubernetes API, as kube-scheduler uses it. Reads answer from a local view kept by
 * reflectors (list, then watch from the list's resourceVersion; resume after a dropped watch; relist on
 * `410 Gone`): pods through kube-scheduler's two informers (pending pods of this scheduler's names, and every
 * assigned pod), the other kinds in full. Writes go to the API server: `pods/binding` for bindings,
 * strategic-merge patches of `pods/status` for conditions and nominations, the DisruptionTarget condition before a
 * preemption delete. The local view changes only through the watch, so it always equals what the server
 * committed; a relist is diffed against it, so watchers see the difference as events and nothing assumed is lost.
 */
export class KubernetesClusterStore extends LocalViewStore implements ClusterStore {
  /** The local view: the objects as the watch delivered them, and the watchers' queues. */
  private readonly reflectors: Reflector[] = [];
  /** The two pod sources (pending pods of our scheduler names, assigned pods), merged into the view. */
  private readonly pendingPods = new Map<string, Pod>();
  private readonly assignedPods = new Map<string, Pod>();
  private readonly ownsClient: boolean;
  private readonly schedulerNames: readonly string[];

  private constructor(
    /** The client every request goes through (its request counts feed the benchmark). */
    readonly client: KubeApiClient,
    options: KubernetesStoreOptions,
  ) {
    super();
    this.ownsClient = options.client === undefined;
    this.schedulerNames = options.schedulerNames?.length ? options.schedulerNames : ['default-scheduler'];
    const kinds = new Set<StoreKind>([...(options.kinds ?? StoreKindNames), 'Node', 'Pod']);
    const reflectorOptions = options.onError ? { onError: options.onError } : {};
    for (const kind of StoreKindNames) {
      if (!kinds.has(kind) || kind === 'Pod') continue;
      for (const resource of resourcesByKind[kind]) this.reflectors.push(new Reflector(client, resource, this.sinkFor(kind, resource), reflectorOptions));
    }
    const pods = resourcesByKind.Pod[0]!;
    const live = 'status.phase!=Succeeded,status.phase!=Failed';
    for (const name of this.schedulerNames) {
      this.reflectors.push(new Reflector(client, pods, this.podSink(this.pendingPods, name), { ...reflectorOptions, fieldSelector: `spec.schedulerName=${name},spec.nodeName=,${live}` }));
    }
    this.reflectors.push(new Reflector(client, pods, this.podSink(this.assignedPods), { ...reflectorOptions, fieldSelector: `spec.nodeName!=,${live}` }));
  }

  /** Connects, lists every watched kind and starts watching; resolves when the local view is synced. */
  static async open(options: KubernetesStoreOptions = {}): Promise<KubernetesClusterStore> {
    const client = options.client ?? KubeApiClient.connect(options, options.clientConnection);
    const store = new KubernetesClusterStore(client, options);
    try {
      await Promise.race([
        Promise.all(store.reflectors.map((r) => r.start())),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`kubernetes: the first list from ${client.serverUrl} did not finish in 60 s`)), 60_000).unref()),
      ]);
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  // Writes: the API server.

  async create<K extends StoreKind>(kind: K, object: StoreKinds[K]): Promise<StoreKinds[K]> {
    const resource = resourceOf(kind, object);
    const body = wire(resource, object);
    return this.client.call<StoreKinds[K]>({ method: 'POST', path: objectPath(resource, object.metadata.namespace), body }, `creating ${kind} ${storeKey(kind, object)}`);
  }

  async update<K extends StoreKind>(kind: K, object: StoreKinds[K]): Promise<StoreKinds[K]> {
    const resource = resourceOf(kind, object);
    return this.client.call<StoreKinds[K]>(
      { method: 'PUT', path: objectPath(resource, object.metadata.namespace, object.metadata.name), body: wire(resource, object) },
      `updating ${kind} ${storeKey(kind, object)}`,
    );
  }

  async apply<K extends StoreKind>(kind: K, object: StoreKinds[K]): Promise<StoreKinds[K]> {
    const unconditional = { ...object, metadata: { ...object.metadata } };
    delete unconditional.metadata.resourceVersion;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.update(kind, unconditional);
      } catch (error) {
        if (!(error instanceof NotFoundError) || attempt > 2) throw error;
      }
      try {
        return await this.create(kind, unconditional);
      } catch (error) {
        // Created by another writer between the two calls: replace it.
        if ((error as Error).name !== 'AlreadyExistsError' || attempt > 2) throw error;
      }
    }
  }

  async delete(kind: StoreKind, key: string, preconditions: DeletePreconditions = {}): Promise<boolean> {
    const { objectKind, namespace, name } = splitKey(kind, key);
    const resource = resourceOf(kind, { ...(objectKind ? { kind: objectKind } : {}) });
    const body =
      preconditions.uid !== undefined || preconditions.resourceVersion !== undefined
        ? { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { ...preconditions } }
        : undefined;
    try {
      await this.client.call({ method: 'DELETE', path: objectPath(resource, namespace, name), body }, `deleting ${kind} ${key}`);
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  /**
   * Binds through `pods/binding`, with the pod's uid as precondition. A 409 means another writer bound the pod
   * (or replaced it): the store is the truth, so the store reads the pod, puts what the server holds into the
   * local view at once (the caller must not retry it) and reports a ConflictError (NotFoundError when replaced).
   */
  async bind(pod: Pod, nodeName: string): Promise<void> {
    const namespace = pod.metadata.namespace || 'default';
    const what = `binding pod ${namespace}/${pod.metadata.name} to ${nodeName}`;
    const path = `${objectPath(resourcesByKind.Pod[0]!, namespace, pod.metadata.name)}/binding`;
    const body = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: pod.metadata.name, namespace, ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    const response = await this.client.send<{ message?: string }>({ method: 'POST', path, body });
    if (response.status >= 200 && response.status < 300) return;
    if (response.status === 404) throw new NotFoundError(`${what}: pod not found`);
    if (response.status !== 409) throw new ConflictError(`${what}: ${response.body?.message ?? `HTTP ${response.status}`}`);
    const current = await this.client.send<Pod>({ path: objectPath(resourcesByKind.Pod[0]!, namespace, pod.metadata.name) });
    if (current.status === 404) throw new NotFoundError(`${what}: pod not found`);
    const stored = current.body;
    if (pod.metadata.uid && stored.metadata.uid !== pod.metadata.uid) throw new NotFoundError(`${what}: pod was replaced (uid ${stored.metadata.uid})`);
    if (stored.spec?.nodeName) this.podSink(this.assignedPods).upsert(stamped(resourcesByKind.Pod[0]!, stored as unknown as KubeObject));
    throw new ConflictError(`${what}: ${response.body?.message ?? 'pod is already assigned'}`);
  }

  /**
   * Patches `pods/status` (strategic merge: conditions merge by type), as kube-scheduler writes PodScheduled=False
   * and `nominatedNodeName`. Like kube, it skips the write when the local view already shows the same condition
   * and nomination, and stamps `lastTransitionTime` when a condition's status changes.
   */
  async updatePodStatus(namespace: string, name: string, status: PodStatusPatch): Promise<void> {
    const current = this.view.getPod(namespace, name);
    if (current && !changesStatus(current.status, status)) return;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const patch: PodStatusPatch = { ...status };
    if (status.conditions) {
      patch.conditions = status.conditions.map((condition) => {
        const before = current?.status?.conditions?.find((c) => c.type === condition.type);
        const transition = before?.status === condition.status && before.lastTransitionTime ? before.lastTransitionTime : now;
        return { lastProbeTime: null, lastTransitionTime: transition, ...condition } as PodCondition;
      });
    }
    await this.client.call(
      { method: 'PATCH', path: `${objectPath(resourcesByKind.Pod[0]!, namespace, name)}/status`, body: { status: patch }, contentType: 'application/strategic-merge-patch+json' },
      `updating status of pod ${namespace}/${name}`,
    );
  }

  /**
   * Evicts a preemption victim as kube does: patch its DisruptionTarget condition (reason PreemptionByScheduler),
   * then delete it. Resolves false when it was already gone.
   */
  async deletePod(namespace: string, name: string): Promise<boolean> {
    try {
      await this.updatePodStatus(namespace, name, {
        conditions: [{ type: 'DisruptionTarget', status: 'True', reason: disruptionReason, message: `${this.schedulerNames[0]}: preempting to accommodate a higher priority pod` }],
      });
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
    return this.delete('Pod', `${namespace}/${name}`);
  }

  /** Cuts every watch connection (each resumes from its last resourceVersion): tests use it. */
  interruptWatches(): void {
    for (const reflector of this.reflectors) reflector.interrupt();
  }

  /** Relists done after the first list, over all reflectors. */
  get relists(): number {
    return this.reflectors.reduce((sum, r) => sum + r.relists, 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.reflectors.map((r) => r.stop()));
    await this.view.close();
    if (this.ownsClient) this.client.close();
  }

  /** The sink of a non-pod reflector: writes straight into the view, skipping what it already holds. */
  private sinkFor(kind: StoreKind, resource: ApiResource): ReflectorSink {
    const put = (object: KubeObject): void => {
      const typed = object as unknown as StoreKinds[StoreKind];
      const held = this.view.get(kind, storeKey(kind, typed));
      if (held?.metadata.resourceVersion !== undefined && held.metadata.resourceVersion === object.metadata.resourceVersion) return;
      this.view.applyObject(kind, typed);
    };
    const drop = (object: KubeObject): void => {
      void this.view.delete(kind, storeKey(kind, object as unknown as StoreKinds[StoreKind]));
    };
    return {
      upsert: put,
      remove: drop,
      replace: (objects) => {
        const keep = new Set(objects.map((o) => storeKey(kind, o as unknown as StoreKinds[StoreKind])));
        for (const held of this.view.list(kind)) {
          // Controller keys of another resource (ReplicaSet vs StatefulSet) belong to another reflector.
          if (kind === 'Controller' && (held as { kind?: string }).kind !== resource.kind) continue;
          if (!keep.has(storeKey(kind, held))) void this.view.delete(kind, storeKey(kind, held));
        }
        for (const object of objects) put(object);
      },
    };
  }

  /**
   * The sink of a pod reflector. A pod is in the view as the assigned informer shows it when it has it, else as
   * the pending one does: a bound pod leaves the pending watch (a delete there) and enters the assigned one (an
   * add), in either order, and the view sees one update.
   */
  private podSink(source: Map<string, Pod>, schedulerName?: string): ReflectorSink {
    const set = (key: string, pod: Pod | undefined): void => {
      const before = this.mergedPod(key);
      if (pod) source.set(key, pod);
      else source.delete(key);
      const after = this.mergedPod(key);
      if (before === after) return;
      const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
      if (!after) {
        this.view.deletePod(namespace, name);
        return;
      }
      if (before && before.metadata.uid !== after.metadata.uid) this.view.deletePod(namespace, name);
      this.view.applyPod(after);
    };
    const keyOf = (object: KubeObject): string => `${object.metadata.namespace || 'default'}/${object.metadata.name}`;
    return {
      upsert: (object) => {
        const key = keyOf(object);
        if (source.get(key)?.metadata.resourceVersion === object.metadata.resourceVersion) return;
        set(key, object as unknown as Pod);
      },
      remove: (object) => {
        const key = keyOf(object);
        // A delete of an older incarnation (another uid) must not drop the newer one.
        const held = source.get(key);
        if (held && held.metadata.uid === object.metadata.uid) set(key, undefined);
      },
      replace: (objects) => {
        const keep = new Set(objects.map(keyOf));
        for (const [key, held] of [...source]) {
          if (schedulerName !== undefined && (held.spec.schedulerName ?? 'default-scheduler') !== schedulerName) continue;
          if (!keep.has(key)) set(key, undefined);
        }
        for (const object of objects) {
          const key = keyOf(object);
          if (source.get(key)?.metadata.resourceVersion !== object.metadata.resourceVersion) set(key, object as unknown as Pod);
        }
      },
    };
  }

  private mergedPod(key: string): Pod | undefined {
    return this.assignedPods.get(key) ?? this.pendingPods.get(key);
  }
}

/** The object as the API server wants it: with its apiVersion and kind, and no resourceVersion of ""/undefined. */
function wire(resource: ApiResource, object: { metadata: object }): Record<string, unknown> {
  return { ...object, apiVersion: resource.apiVersion, kind: resource.kind };
}

function stamped(resource: ApiResource, object: KubeObject): KubeObject {
  object.kind = resource.kind;
  object.apiVersion = resource.apiVersion;
  delete object.metadata.managedFields;
  return object;
}

/** Whether applying `patch` changes `status` (kube's UpdatePodCondition check, plus the nomination). */
function changesStatus(status: PodStatus | undefined, patch: PodStatusPatch): boolean {
  for (const [field, value] of Object.entries(patch)) {
    if (field === 'conditions') continue;
    if ((status as Record<string, unknown> | undefined)?.[field] !== value) return true;
  }
  for (const condition of patch.conditions ?? []) {
    const held = status?.conditions?.find((c) => c.type === condition.type);
    if (!held || held.status !== condition.status || held.reason !== condition.reason || held.message !== condition.message) return true;
  }
  return false;
}
