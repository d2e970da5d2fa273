import type { Pod } from '../model/types.js';
import type { WaitingPod } from '../plugins/handle.js';
import { Code, Status } from '../status/status.js';

/** Timers the waiting pods use; inject fake ones in tests. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

class WaitingPodEntry implements WaitingPod {
  private readonly pending: Map<string, unknown>;
  private settled: Status | null | undefined;
  private readonly listeners: ((status: Status | null) => void)[] = [];

  constructor(
    readonly pod: Pod,
    readonly nodeName: string,
    timeouts: ReadonlyMap<string, number>,
    private readonly timers: Timers,
    private readonly onDone: () => void,
  ) {
    this.pending = new Map();
    for (const [plugin, ms] of timeouts) {
      this.pending.set(
        plugin,
        timers.setTimeout(() => this.reject(plugin, `rejected due to timeout after waiting ${ms / 1000}s at plugin ${plugin}`), ms),
      );
    }
  }

  pendingPlugins(): readonly string[] {
    return [...this.pending.keys()];
  }

  allow(pluginName: string): void {
    if (this.settled !== undefined) return;
    const timer = this.pending.get(pluginName);
    if (timer === undefined && !this.pending.has(pluginName)) return;
    this.timers.clearTimeout(timer);
    this.pending.delete(pluginName);
    if (this.pending.size === 0) this.finish(null);
  }

  reject(pluginName: string, message: string): void {
    if (this.settled !== undefined) return;
    for (const timer of this.pending.values()) this.timers.clearTimeout(timer);
    this.pending.clear();
    const status = new Status(Code.Unschedulable, [message]);
    if (pluginName) status.withPlugin(pluginName);
    this.finish(status);
  }

  wait(): Promise<Status | null> {
    if (this.settled !== undefined) return Promise.resolve(this.settled);
    return new Promise((resolve) => this.listeners.push(resolve));
  }

  private finish(status: Status | null): void {
    this.settled = status;
    this.onDone();
    for (const listener of this.listeners.splice(0)) listener(status);
  }
}

/** Pods held at Permit, by uid. A pod leaves when every waiting plugin allowed it, or one rejected it, or a timeout fired. */
export class WaitingPods {
  private readonly pods = new Map<string, WaitingPodEntry>();

  constructor(private readonly timers: Timers = realTimers) {}

  /** Registers `pod` as waiting on the plugins in `timeouts` (plugin -> ms). */
  add(pod: Pod, nodeName: string, timeouts: ReadonlyMap<string, number>): WaitingPod {
    const uid = pod.metadata.uid ?? '';
    const entry = new WaitingPodEntry(pod, nodeName, timeouts, this.timers, () => {
      if (this.pods.get(uid) === entry) this.pods.delete(uid);
    });
    this.pods.set(uid, entry);
    return entry;
  }

  get(uid: string): WaitingPod | undefined {
    return this.pods.get(uid);
  }

  forEach(fn: (pod: WaitingPod) => void): void {
    for (const pod of [...this.pods.values()]) fn(pod);
  }

  /** Resolves with null when the pod is allowed, or the rejection status. Unknown pods resolve as allowed. */
  wait(uid: string): Promise<Status | null> {
    const entry = this.pods.get(uid);
    return entry ? entry.wait() : Promise.resolve(null);
  }

  get size(): number {
    return this.pods.size;
  }
}
