import { type ClusterStore, MemoryClusterStore, type SchedulerEvent } from '@schedkit/framework';
import {
  EtcdClusterStore,
  EtcdDsnError,
  EtcdLeaderElector,
  type EtcdTlsFiles,
  type LeaderCallbacks,
  type LeaderElectionSettings,
  parseEtcdDsn,
  redactDsn,
} from '@schedkit/store-etcd';
import { KubeApiClient, KubernetesClusterStore, KubernetesDsnError, LeaseLeaderElector, parseKubernetesDsn, SchedulingEventRecorder } from '@schedkit/store-kubernetes';
import { InputError } from '../errors.js';

/** The DSN when neither `--store` nor `SCHEDKIT_STORE` names one: the embedded in-memory store. */
export const DefaultStoreDsn = 'memory:';

/** A leader elector as `serve` drives it. */
export interface LeaderElector {
  readonly identity: string;
  readonly isLeader: boolean;
  start(): void;
  /** Stops campaigning; a leader stops leading (its callback runs) and gives the lease up. */
  release(): Promise<void>;
}

/** A store opened from a DSN, with what else its backend offers. */
export interface OpenedStore {
  store: ClusterStore;
  /** The DSN as it may be printed (no password). */
  description: string;
  /** Leader election on this backend, when it has one (the memory store is one process: it needs none). */
  leaderElection?: (settings: ServeLeaderElection, callbacks: LeaderCallbacks) => LeaderElector;
  /** Hears the scheduler's decisions (the Kubernetes store writes them as Events). */
  onSchedulerEvent?: (event: SchedulerEvent) => void;
}

/** Leader election settings as `serve` takes them (`--leader-elect-resource-namespace` for Lease-based stores). */
export type ServeLeaderElection = LeaderElectionSettings & { resourceNamespace?: string };

/** How a store is opened beyond its DSN (kube-apiserver's etcd TLS flags). */
export interface StoreOpenOptions {
  tls?: EtcdTlsFiles;
  /** The profiles' scheduler names (the Kubernetes store watches their pending pods). */
  schedulerNames?: readonly string[];
}

/** Opens the store a DSN names; throws InputError for a DSN it cannot parse. */
export type StoreOpener = (dsn: string, options: StoreOpenOptions) => Promise<OpenedStore>;

async function openEtcd(dsn: string, options: StoreOpenOptions): Promise<OpenedStore> {
  let connection: ReturnType<typeof parseEtcdDsn>;
  try {
    connection = parseEtcdDsn(dsn, options.tls);
  } catch (error) {
    if (error instanceof EtcdDsnError) throw new InputError(`--store: ${error.message}`);
    throw error;
  }
  const store = await EtcdClusterStore.open(connection);
  return {
    store,
    description: redactDsn(dsn),
    leaderElection: (settings, callbacks) => new EtcdLeaderElector(store, settings, callbacks),
  };
}

async function openKubernetes(dsn: string, options: StoreOpenOptions): Promise<OpenedStore> {
  let parsed: ReturnType<typeof parseKubernetesDsn>;
  try {
    parsed = parseKubernetesDsn(dsn);
  } catch (error) {
    if (error instanceof KubernetesDsnError) throw new InputError(`--store: ${error.message}`);
    throw error;
  }
  const store = await KubernetesClusterStore.open({ ...parsed, ...(options.schedulerNames ? { schedulerNames: options.schedulerNames } : {}) });
  const recorder = new SchedulingEventRecorder(store.client);
  const close = store.close.bind(store);
  store.close = async () => {
    await recorder.close();
    await close();
  };
  return {
    store,
    description: dsn,
    onSchedulerEvent: recorder.onSchedulerEvent,
    leaderElection: (settings, callbacks) => {
      // Its own connection and rate limit, as kube-scheduler's leader-election client: renewals never wait behind bindings.
      const elector = new LeaseLeaderElector(KubeApiClient.connect(parsed, { userAgent: 'schedkit/leader-election' }), settings);
      let leading = false;
      let started = false;
      return {
        identity: elector.identity,
        get isLeader() {
          return leading && elector.isLeader;
        },
        start: () => {
          if (started) return;
          started = true;
          void elector.run({
            onStartedLeading: async () => {
              leading = true;
              await callbacks.onStartedLeading();
            },
            onStoppedLeading: async () => {
              leading = false;
              await callbacks.onStoppedLeading();
            },
          });
        },
        release: () => elector.stop(),
      };
    },
  };
}

/**
 * Every store a DSN can name, by scheme: one entry per backend. A store package adds itself here with one line
 * (`kubernetes: openKubernetes`).
 */
export const storeOpeners: Record<string, StoreOpener> = {
  memory: async () => ({ store: new MemoryClusterStore(), description: DefaultStoreDsn }),
  etcd: openEtcd,
  etcds: openEtcd,
  kubernetes: openKubernetes,
};

/** The DSN to use: the flag, else `SCHEDKIT_STORE`, else `memory:`. */
export function storeDsn(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env.SCHEDKIT_STORE || DefaultStoreDsn);
}

/** Opens the store `dsn` names. @throws InputError for an unknown scheme or a bad DSN (the password masked). */
export async function openStore(dsn: string, options: StoreOpenOptions = {}): Promise<OpenedStore> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(dsn)?.[1]?.toLowerCase();
  const opener = scheme === undefined ? undefined : storeOpeners[scheme];
  if (!opener) {
    throw new InputError(`--store: "${redactDsn(dsn)}" names no known store; use one of ${Object.keys(storeOpeners).map((s) => `${s}:`).join(', ')} (e.g. etcd://127.0.0.1:2379/schedkit)`);
  }
  return opener(dsn, options);
}
