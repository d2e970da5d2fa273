import { hostname } from 'node:os';
import type { Lease } from 'etcd3';
import type { EtcdClusterStore } from './etcd-store.js';

/** kube-scheduler's leaderElection settings (component-base's LeaderElectionConfiguration), in milliseconds. */
export interface LeaderElectionSettings {
  /** How long a leader's lease lasts without renewal; candidates wait this long after the leader is gone. */
  leaseDurationMs: number;
  /** How long the leader keeps trying to renew before it stops leading (less than the lease duration). */
  renewDeadlineMs: number;
  /** How often candidates try to acquire and the leader renews. */
  retryPeriodMs: number;
  /** The name of the lease (kube: `kube-scheduler`). */
  resourceName: string;
}

/** kube's defaults: 15 s lease, 10 s renew deadline, 2 s retry period, lease `kube-scheduler`. */
export const DefaultLeaderElection: LeaderElectionSettings = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  resourceName: 'kube-scheduler',
};

/** Checks kube's rules on the settings; returns a message naming the flag that is wrong, or undefined. */
export function leaderElectionProblem(settings: LeaderElectionSettings): string | undefined {
  if (settings.leaseDurationMs < 1000) return `--leader-elect-lease-duration must be at least 1s (etcd leases count whole seconds), got ${settings.leaseDurationMs}ms`;
  if (settings.renewDeadlineMs <= 0 || settings.retryPeriodMs <= 0) return '--leader-elect-renew-deadline and --leader-elect-retry-period must be positive';
  if (settings.leaseDurationMs <= settings.renewDeadlineMs) return '--leader-elect-lease-duration must be greater than --leader-elect-renew-deadline';
  if (settings.renewDeadlineMs <= settings.retryPeriodMs * 1.2) return '--leader-elect-renew-deadline must be greater than 1.2 x --leader-elect-retry-period';
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(settings.resourceName)) return `--leader-elect-resource-name "${settings.resourceName}" must be a DNS subdomain name`;
  return undefined;
}

/** What a leader elector tells its owner. */
export interface LeaderCallbacks {
  /** This replica became leader: start scheduling (build the cache from the store). */
  onStartedLeading: () => void | Promise<void>;
  /** This replica stopped leading (lost or released the lease): stop scheduling before anyone else can start. */
  onStoppedLeading: () => void | Promise<void>;
}

/**
 * Leader election on an etcd lease, with kube's settings. The leader key `<prefix>/leases/<resourceName>` is
 * created only when absent, attached to a lease of `leaseDuration`, and holds the holder's identity; the leader
 * renews the lease every `retryPeriod` and stops leading when it could not renew for `renewDeadline`, which is
 * shorter than the lease, so it stops before etcd lets another replica in. While leading, the store's bindings
 * are fenced on the key holding this identity: a replica that lost the lease unnoticed (a paused process) cannot
 * bind.
 */
export class EtcdLeaderElector {
  /** Who this replica is (kube: hostname plus a unique suffix). */
  readonly identity: string;
  readonly key: string;
  private lease: Lease | undefined;
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private lastRenew = 0;
  private grantedAt = 0;
  private tick: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: EtcdClusterStore,
    private readonly settings: LeaderElectionSettings,
    private readonly callbacks: LeaderCallbacks,
    identity?: string,
  ) {
    this.identity = identity ?? `${hostname()}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    this.key = store.keys.lease(settings.resourceName);
  }

  /** Whether this replica leads now. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning (and renewing, once leading) every retry period. */
  start(): void {
    this.schedule(0);
  }

  /** Stops campaigning; a leader stops leading (the callback runs) and releases the lease for the next one. */
  async release(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tick;
    const lease = this.lease;
    if (this.leading) await this.stepDown();
    this.lease = undefined;
    if (lease) await withTimeout(lease.revoke(), this.settings.retryPeriodMs).catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick = this.round().finally(() => this.schedule(this.settings.retryPeriodMs));
    }, delayMs);
  }

  private async round(): Promise<void> {
    try {
      if (this.leading) await this.renew();
      else await this.tryAcquire();
    } catch {
      // etcd unreachable: a leader's renew deadline decides below, a candidate simply tries again.
    }
    if (this.leading && Date.now() - this.lastRenew >= this.settings.renewDeadlineMs) await this.stepDown();
  }

  private async tryAcquire(): Promise<void> {
    const client = this.store.client;
    // A candidate's lease is not renewed: past half its life it is replaced, so the one we win with is fresh.
    if (this.lease && Date.now() - this.grantedAt > this.settings.leaseDurationMs / 2) {
      this.lease.release();
      this.lease = undefined;
    }
    if (!this.lease) {
      const lease = client.lease(Math.ceil(this.settings.leaseDurationMs / 1000), { autoKeepAlive: false });
      lease.on('lost', () => undefined);
      this.lease = lease;
      this.grantedAt = Date.now();
    }
    const lease = this.lease;
    try {
      const id = await withTimeout(lease.grant(), this.settings.renewDeadlineMs);
      const result = await withTimeout(
        client.if(this.key, 'Create', '==', 0).then(client.put(this.key).value(this.identity).lease(id)).commit(),
        this.settings.renewDeadlineMs,
      );
      if (!result.succeeded || this.stopped) return;
    } catch (error) {
      this.lease = undefined;
      throw error;
    }
    // The lease's life started when it was granted, not when we won.
    this.lastRenew = this.grantedAt;
    this.leading = true;
    this.store.setWriteFence({ key: this.key, value: this.identity });
    await this.callbacks.onStartedLeading();
  }

  private async renew(): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    const started = Date.now();
    try {
      // A renewal may take until the renew deadline: a busy etcd or a busy process is not a lost lease.
      const left = Math.max(this.settings.retryPeriodMs, this.lastRenew + this.settings.renewDeadlineMs - started);
      await withTimeout(lease.keepaliveOnce(), left);
      this.lastRenew = started;
    } catch (error) {
      // A lease etcd no longer knows is lost for good: stop now, and start over with a new lease.
      if ((error as Error).name === 'EtcdLeaseInvalidError') await this.stepDown();
      throw error;
    }
  }

  private async stepDown(): Promise<void> {
    this.leading = false;
    this.store.setWriteFence(undefined);
    // The next campaign starts with a new lease: this one may be gone, or about to expire.
    const lease = this.lease;
    this.lease = undefined;
    lease?.release();
    await this.callbacks.onStoppedLeading();
    // Our key may still be there (we gave up before it expired): delete it so the next leader need not wait.
    const client = this.store.client;
    await withTimeout(client.if(this.key, 'Value', '==', this.identity).then(client.delete().key(this.key)).commit(), this.settings.retryPeriodMs).catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`etcd did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
