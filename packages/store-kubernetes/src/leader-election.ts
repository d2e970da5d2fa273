import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeApiClient } from './client/api-client.js';
import { microTime } from './micro-time.js';

/** kube's `leaderElection` settings (KubeSchedulerConfiguration and the `--leader-elect-*` flags). */
export interface LeaderElectionSettings {
  /** `--leader-elect-resource-namespace` (default `kube-system`). */
  resourceNamespace?: string;
  /** `--leader-elect-resource-name` (default `schedkit`). */
  resourceName?: string;
  /** `--leader-elect-lease-duration`: how long others wait after the last renewal (default 15 s). */
  leaseDurationMs?: number;
  /** `--leader-elect-renew-deadline`: how long the leader retries renewing before it gives up (default 10 s). */
  renewDeadlineMs?: number;
  /** `--leader-elect-retry-period`: the pause between attempts (default 2 s). */
  retryPeriodMs?: number;
  /** This replica's identity (default kube's `hostname_uuid`). */
  identity?: string;
}

/** What an elector does when it wins or loses. */
export interface LeaderCallbacks {
  /** Called once this replica holds the lease; schedule from here on. */
  onStartedLeading: () => void | Promise<void>;
  /**
   * Called when the lease is lost (not renewed within the renew deadline) or released. kube-scheduler exits
   * here; a leader that lost its lease must stop binding before another can have acquired it.
   */
  onStoppedLeading: () => void | Promise<void>;
}

/** A `coordination.k8s.io/v1` Lease as the API server serves it. */
interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** kube's JitterFactor for the acquire loop: each wait is retryPeriod × (1 + up to 1.2). */
const jitterFactor = 1.2;

/**
 * Leader election on a Lease, with client-go's semantics: a candidate acquires the lease when it is absent, free
 * or not renewed for `leaseDuration` as measured on the candidate's own clock since it last saw the record change
 * (so clocks need not agree); the leader renews every `retryPeriod` and gives up when a renewal has not succeeded
 * within `renewDeadline`; every write is conditional on the resourceVersion read, so two candidates never both
 * win. `stop` releases the lease (holder cleared, duration 1 s) so a successor need not wait out the term.
 */
export class LeaseLeaderElector {
  readonly identity: string;
  private readonly namespace: string;
  private readonly name: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observed: string | undefined;
  private observedAt = 0;
  private lease: Lease | undefined;
  private leading = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly client: KubeApiClient,
    settings: LeaderElectionSettings = {},
  ) {
    this.identity = settings.identity ?? `${hostname()}_${randomUUID()}`;
    this.namespace = settings.resourceNamespace ?? 'kube-system';
    this.name = settings.resourceName ?? 'schedkit';
    this.leaseDurationMs = settings.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = settings.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = settings.retryPeriodMs ?? 2_000;
    if (!(this.leaseDurationMs > this.renewDeadlineMs)) throw new Error('leaderElection: leaseDuration must be greater than renewDeadline');
    if (!(this.renewDeadlineMs > jitterFactor * this.retryPeriodMs)) throw new Error('leaderElection: renewDeadline must be greater than retryPeriod*1.2');
  }

  /** Whether this replica holds the lease now. */
  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Campaigns and leads until the lease is lost (then `onStoppedLeading`, and it campaigns again) or `stop` is
   * called. Give the elector a client of its own (as kube-scheduler does), so renewals never queue behind the
   * scheduler's requests in its rate limiter. Never throws.
   */
  run(callbacks: LeaderCallbacks): Promise<void> {
    this.loop ??= this.campaign(callbacks);
    return this.loop;
  }

  /** Stops campaigning; a leader releases its lease first. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async campaign(callbacks: LeaderCallbacks): Promise<void> {
    // A leader that lost its lease stops leading, then campaigns again, as a restarted kube-scheduler would.
    while (!this.stopped) {
      while (!this.stopped && !(await this.attempt(this.renewDeadlineMs))) await this.sleep(this.retryPeriodMs * (1 + Math.random() * jitterFactor));
      if (this.stopped) return;
      this.leading = true;
      await callbacks.onStartedLeading();
      let lastRenewal = Date.now();
      while (!this.stopped) {
        await this.sleep(this.retryPeriodMs);
        if (this.stopped) break;
        // An attempt that hangs counts as failed once the renew deadline has passed.
        if (await this.attempt(lastRenewal + this.renewDeadlineMs - Date.now())) {
          lastRenewal = Date.now();
          continue;
        }
        if (Date.now() - lastRenewal >= this.renewDeadlineMs) break;
      }
      this.leading = false;
      if (this.stopped) await this.release();
      await callbacks.onStoppedLeading();
    }
  }

  /** One try, given up (as failed) after `withinMs`. */
  private async attempt(withinMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, withinMs));
    });
    try {
      return await Promise.race([this.tryAcquireOrRenew(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private get path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.namespace)}/leases`;
  }

  /** One attempt: create the lease, take it over when expired, or renew it when ours. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const spec: Lease['spec'] = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
    };
    try {
      const current = await this.client.send<Lease>({ path: `${this.path}/${encodeURIComponent(this.name)}` });
      if (current.status === 404) {
        const created = await this.client.send<Lease>({
          method: 'POST',
          path: this.path,
          body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.name, namespace: this.namespace }, spec: { ...spec, leaseTransitions: 0 } },
        });
        if (created.status !== 201) return false;
        this.remember(created.body, now);
        return true;
      }
      if (current.status !== 200) return false;
      const lease = current.body;
      const record = JSON.stringify(lease.spec);
      if (record !== this.observed) this.remember(lease, now);
      const holder = lease.spec.holderIdentity;
      const mine = holder === this.identity;
      const term = (lease.spec.leaseDurationSeconds ?? 0) * 1000;
      if (holder && !mine && this.observedAt + term > now.getTime()) return false;
      if (mine && lease.spec.acquireTime) spec.acquireTime = lease.spec.acquireTime;
      spec.leaseTransitions = mine ? (lease.spec.leaseTransitions ?? 0) : (lease.spec.leaseTransitions ?? 0) + 1;
      const updated = await this.client.send<Lease>({ method: 'PUT', path: `${this.path}/${encodeURIComponent(this.name)}`, body: { ...lease, spec } });
      if (updated.status !== 200) return false;
      this.remember(updated.body, now);
      return true;
    } catch {
      return false;
    }
  }

  /** Gives the lease up: holder cleared, a one-second term, so a successor takes over at once. */
  private async release(): Promise<void> {
    const lease = this.lease;
    if (!lease || lease.spec.holderIdentity !== this.identity) return;
    const now = microTime();
    await this.client
      .send({
        method: 'PUT',
        path: `${this.path}/${encodeURIComponent(this.name)}`,
        body: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now } },
      })
      .catch(() => undefined);
  }

  private remember(lease: Lease, at: Date): void {
    this.lease = lease;
    this.observed = JSON.stringify(lease.spec);
    this.observedAt = at.getTime();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
