import type { Pod } from '../model/types.js';
import type { ClusterStore, Unsubscribe } from '../store/cluster-store.js';
import { NotFoundError } from '../store/errors.js';

/** Which pods an agent runs, and how it retries. */
export interface NodeAgentOptions {
  /** Run only pods bound to these nodes (default: every node, one agent for the whole cluster). */
  nodes?: ReadonlySet<string>;
  /** Wait before retrying a status write the store could not take (unreachable), in ms. Default 500. */
  retryDelayMs?: number;
}

/**
 * A minimal node agent (the kubelet's role): it watches the store for pods bound to a node and marks them
 * Running. The scheduler never calls it; the binding written to the store is the only contract.
 */
export class NodeAgent {
  private unwatch: Unsubscribe | undefined;
  private started = 0;
  private readonly retries = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: ClusterStore,
    private readonly now: () => Date = () => new Date(),
    private readonly options: NodeAgentOptions = {},
  ) {}

  /** Pods this agent marked Running. */
  get startedPods(): number {
    return this.started;
  }

  start(): void {
    this.unwatch ??= this.store.watch(
      (events) => {
        for (const event of events) {
          if (event.kind !== 'Pod' || event.type === 'delete') continue;
          if (this.shouldStart(event.object)) void this.run(event.object);
        }
      },
      { replay: true },
    );
  }

  stop(): void {
    this.unwatch?.();
    this.unwatch = undefined;
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
  }

  private shouldStart(pod: Pod): boolean {
    const node = pod.spec.nodeName;
    if (!node || (this.options.nodes && !this.options.nodes.has(node))) return false;
    return pod.status?.phase === undefined || pod.status.phase === 'Pending';
  }

  private async run(pod: Pod): Promise<void> {
    const namespace = pod.metadata.namespace ?? 'default';
    try {
      await this.store.updatePodStatus(namespace, pod.metadata.name, { phase: 'Running', startTime: this.now().toISOString() });
      this.started++;
    } catch (error) {
      // The pod was deleted between the binding and our update: nothing to run.
      if (error instanceof NotFoundError || !this.unwatch) return;
      // The store could not take the write (unreachable, busy): try again while the pod still waits for us.
      const timer = setTimeout(() => {
        this.retries.delete(timer);
        const current = this.store.getPod(namespace, pod.metadata.name);
        if (this.unwatch && current && current.metadata.uid === pod.metadata.uid && this.shouldStart(current)) void this.run(current);
      }, this.options.retryDelayMs ?? 500);
      this.retries.add(timer);
    }
  }
}
