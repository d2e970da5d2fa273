import type { Pod } from '../model/types.js';
import type { ClusterStore, Unsubscribe } from '../store/cluster-store.js';

/**
 * A minimal node agent (the kubelet's role): it watches the store for pods bound to a node and marks them
 * Running. The scheduler never calls it; the binding written to the store is the only contract.
 */
export class NodeAgent {
  private unwatch: Unsubscribe | undefined;
  private started = 0;

  constructor(
    private readonly store: ClusterStore,
    private readonly now: () => Date = () => new Date(),
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
          if (shouldStart(event.object)) void this.run(event.object);
        }
      },
      { replay: true },
    );
  }

  stop(): void {
    this.unwatch?.();
    this.unwatch = undefined;
  }

  private async run(pod: Pod): Promise<void> {
    const namespace = pod.metadata.namespace ?? 'default';
    try {
      await this.store.updatePodStatus(namespace, pod.metadata.name, { phase: 'Running', startTime: this.now().toISOString() });
      this.started++;
    } catch {
      // The pod was deleted between the binding and our update: nothing to run.
    }
  }
}

function shouldStart(pod: Pod): boolean {
  return Boolean(pod.spec.nodeName) && (pod.status?.phase === undefined || pod.status.phase === 'Pending');
}
