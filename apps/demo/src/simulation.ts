import {
  FakeClock,
  MemoryClusterStore,
  type Node,
  NodeAgent,
  objectKey,
  type Pod,
  type Registry,
  type ScheduleResult,
  Scheduler,
  type SchedulerConfiguration,
  type SchedulerEvent,
  type StoreKind,
  type StoreKinds,
} from '@schedkit/framework';
import { LatencyRecorder, type LatencyFigures } from './latency.js';

/** One object for the store other than a node or a pod (a PriorityClass, a PDB, a Namespace, a claim...). */
export type StoreEntry = { [K in StoreKind]: { kind: K; object: StoreKinds[K] } }[StoreKind];

/** What to schedule, and with what. */
export interface SimulationOptions {
  nodes: readonly Node[];
  /** Pods already bound to nodes (they occupy their nodes from the start). */
  boundPods: readonly Pod[];
  /** Pods to schedule, in arrival order. */
  pendingPods: readonly Pod[];
  /** The cluster's other objects, in the store before the nodes. */
  objects?: readonly StoreEntry[];
  configuration: SchedulerConfiguration;
  registry: Registry;
  /** Tie-breaks among equally scored nodes use this seeded random source. */
  random: () => number;
  /** Pods (`namespace/name`) whose scheduling decisions are kept for explanation. */
  explain?: readonly string[];
  /** Pods handed to the store at a time; the run yields to the event loop between waves. */
  waveSize?: number;
  /** Called whenever one more pending pod has had its first decision (bound or found unschedulable). */
  onProgress?: (settled: number, total: number) => void;
}

/** A change of the pods on nodes as the scheduler saw it, in order. */
type LogEntry = { op: 'add'; pod: Pod } | { op: 'remove'; key: string };

/** The scheduler's decision about a pod kept for `--explain`, with where in the log its cycle ran. */
export type Decision =
  | { kind: 'scheduled'; nodeName: string; result: ScheduleResult; profile: string; logIndex: number; configuration: SchedulerConfiguration }
  | { kind: 'unschedulable'; message: string; profile: string; logIndex: number; configuration: SchedulerConfiguration };

/** Everything a run produced. */
export interface SimulationResult {
  nodes: readonly Node[];
  /** How many pods there were to schedule. */
  pending: number;
  /** The pods in the store at the end. */
  finalPods: Pod[];
  /** Pods bound during the run and still bound at its end: `namespace/name` to node. */
  placements: Map<string, string>;
  /** Pods left unschedulable (or rejected after their reservation, as a gang at Permit), with the last message. */
  unschedulable: Map<string, { message: string; plugins: string[] }>;
  /** Pods whose last attempt ended in a scheduler error. */
  errors: Map<string, string>;
  /** Pods reserved on a node and still held at Permit when the run ended (an incomplete gang). */
  waitingAtPermit: Map<string, string>;
  /** Pending pods that had no decision at all (for example a profile that does not exist). */
  neverAttempted: string[];
  /** Pods deleted during the run: preemption victims, evicted for pods of higher priority. */
  deletedPods: string[];
  /** Failed binding cycles (gang rejections, binding errors), each one retried. */
  bindingFailures: number;
  /** Scheduling cycles run (attempts, including retries). */
  cycles: number;
  /** Wall-clock duration of the scheduling, from the first pod handed over to the last decision. */
  durationMs: number;
  /** Simulated time the run took (the scheduler's clock). */
  simulatedMs: number;
  latency: LatencyFigures[];
  decisions: Map<string, Decision>;
}

/** Simulated milliseconds one scheduling cycle takes on the scheduler's clock. */
const CycleMs = 1;
/** How far the drain phase steps the clock while pods back off or wait at Permit. */
const DrainStepMs = 1000;
/** The drain phase gives up after this much simulated time without a pod being bound. */
const DrainPatienceMs = 5 * 60_000;

/**
 * One run of the real scheduler on an in-memory cluster: a {@link MemoryClusterStore} holds the nodes and pods,
 * a {@link Scheduler} with the given configuration places the pending pods, a {@link NodeAgent} marks bound pods
 * Running. Pods arrive in waves; between waves the run yields to the event loop (progress output, config
 * reloads). Time is a {@link FakeClock} that advances one millisecond per scheduling cycle, so that backoff,
 * retries and Permit timeouts happen at the same point of every run: with a seeded `random`, placement is
 * identical from run to run.
 */
export class Simulation {
  readonly store = new MemoryClusterStore();
  readonly clock = new FakeClock(0);
  private readonly scheduler: Scheduler;
  private readonly agent: NodeAgent;
  private readonly latency = new LatencyRecorder();
  private readonly explainKeys: ReadonlySet<string>;
  private readonly log: LogEntry[] = [];
  private readonly settled = new Set<string>();
  private readonly scheduledAt = new Map<string, number>();
  private readonly placements = new Map<string, string>();
  private readonly unschedulable = new Map<string, { message: string; plugins: string[] }>();
  private readonly errors = new Map<string, string>();
  private readonly reserved = new Map<string, string>();
  private readonly decisions = new Map<string, Decision>();
  private readonly deletedPods: string[] = [];
  private configuration: SchedulerConfiguration;
  private bindingFailures = 0;
  private cycles = 0;
  private ticksOwed = 0;

  constructor(private readonly options: SimulationOptions) {
    this.configuration = options.configuration;
    this.explainKeys = new Set(options.explain ?? []);
    this.scheduler = new Scheduler({
      store: this.store,
      registry: options.registry,
      configuration: options.configuration,
      clock: this.clock,
      random: options.random,
      metrics: this.latency,
      onEvent: (event) => this.onEvent(event),
    });
    // A fixed epoch keeps the pods' startTime identical from run to run.
    const epoch = Date.UTC(2025, 0, 1);
    this.agent = new NodeAgent(this.store, () => new Date(epoch + this.clock.now()));
  }

  /** The configuration in force. */
  get currentConfiguration(): SchedulerConfiguration {
    return this.configuration;
  }

  /**
   * Swaps in a new configuration while the run goes on (pods already in a cycle finish with the old one).
   * @throws ConfigError or RegistryError when the new configuration cannot be built; the old one stays.
   */
  async reconfigure(configuration: SchedulerConfiguration): Promise<void> {
    await this.scheduler.applyConfiguration(configuration);
    this.configuration = configuration;
  }

  /** Runs the whole simulation once. */
  async run(): Promise<SimulationResult> {
    const { nodes, boundPods, pendingPods } = this.options;
    for (const entry of this.options.objects ?? []) this.store.applyObject(entry.kind, entry.object as never);
    for (const node of nodes) this.store.applyNode(node);
    for (const pod of boundPods) this.store.applyPod(pod);
    const unwatch = this.store.watch((events) => {
      for (const event of events) {
        if (event.kind !== 'Pod' || event.type !== 'delete') continue;
        const key = objectKey(event.object.metadata);
        this.log.push({ op: 'remove', key });
        this.deletedPods.push(key);
        this.placements.delete(key);
      }
    });
    this.agent.start();
    this.scheduler.start();
    await this.quiesce();

    const started = performance.now();
    const waveSize = Math.max(1, this.options.waveSize ?? 100);
    for (let i = 0; i < pendingPods.length; i += waveSize) {
      for (const pod of pendingPods.slice(i, i + waveSize)) this.store.applyPod(pod);
      await this.quiesce();
    }
    await this.drain();
    const durationMs = performance.now() - started;

    await this.scheduler.stop();
    this.agent.stop();
    unwatch();

    const finalPods = this.store.listPods();
    const neverAttempted = pendingPods.map((pod) => objectKey(pod.metadata)).filter((key) => !this.settled.has(key) && !this.reserved.has(key));
    return {
      nodes,
      pending: pendingPods.length,
      finalPods,
      placements: this.placements,
      unschedulable: this.unschedulable,
      errors: this.errors,
      waitingAtPermit: this.reserved,
      neverAttempted,
      deletedPods: this.deletedPods,
      bindingFailures: this.bindingFailures,
      cycles: this.cycles,
      durationMs,
      simulatedMs: this.clock.now(),
      latency: this.latency.figures(),
      decisions: this.decisions,
    };
  }

  /**
   * The pods on nodes as the scheduler saw them when the cycle at `logIndex` ran: the pods bound at the start,
   * plus every pod reserved before that cycle, less those whose binding failed or that were deleted since.
   */
  podsBefore(logIndex: number): Pod[] {
    const pods = new Map<string, Pod>();
    for (const pod of this.options.boundPods) pods.set(objectKey(pod.metadata), pod);
    for (let i = 0; i < logIndex && i < this.log.length; i++) {
      const entry = this.log[i]!;
      if (entry.op === 'add') pods.set(objectKey(entry.pod.metadata), entry.pod);
      else pods.delete(entry.key);
    }
    return [...pods.values()];
  }

  private onEvent(event: SchedulerEvent): void {
    if (event.type === 'reconfigured') return;
    const key = objectKey(event.pod.metadata);
    switch (event.type) {
      case 'scheduled': {
        const assumed: Pod = { ...event.pod, spec: { ...event.pod.spec, nodeName: event.nodeName } };
        if (this.explainKeys.has(key)) {
          this.decisions.set(key, {
            kind: 'scheduled',
            nodeName: event.nodeName,
            // The scores are read now: a result's score records are only readable until the next cycle.
            result: { ...event.result, nodeScores: event.result.nodeScores },
            profile: event.profile,
            logIndex: this.log.length,
            configuration: this.configuration,
          });
        }
        this.log.push({ op: 'add', pod: assumed });
        this.reserved.set(key, event.nodeName);
        this.unschedulable.delete(key);
        this.errors.delete(key);
        this.scheduledAt.set(key, performance.now());
        this.cycleDone();
        break;
      }
      case 'bound': {
        this.reserved.delete(key);
        this.placements.set(key, event.nodeName);
        this.unschedulable.delete(key);
        this.errors.delete(key);
        const at = this.scheduledAt.get(key);
        if (at !== undefined) this.latency.observePoint('binding', performance.now() - at);
        this.settle(key);
        break;
      }
      case 'unschedulable':
        if (this.explainKeys.has(key)) {
          this.decisions.set(key, { kind: 'unschedulable', message: event.message, profile: event.profile, logIndex: this.log.length, configuration: this.configuration });
        }
        this.unschedulable.set(key, { message: event.message, plugins: event.plugins });
        this.errors.delete(key);
        this.cycleDone();
        this.settle(key);
        break;
      case 'bindingFailed': {
        this.reserved.delete(key);
        this.log.push({ op: 'remove', key });
        this.bindingFailures++;
        // The pod goes back to the queue, rejected by the plugin that failed it (a gang that timed out at Permit).
        const plugin = event.status.plugin;
        this.unschedulable.set(key, { message: `${plugin ? `${plugin}: ` : ''}${event.status.message()}`, plugins: plugin ? [plugin] : [] });
        this.settle(key);
        break;
      }
      case 'error':
        this.errors.set(key, event.error.message);
        this.unschedulable.delete(key);
        this.cycleDone();
        this.settle(key);
        break;
    }
  }

  private settle(key: string): void {
    if (this.settled.has(key)) return;
    this.settled.add(key);
    this.options.onProgress?.(this.settled.size, this.options.pendingPods.length);
  }

  /** Each cycle moves the clock on; the move happens after the event handler, outside the scheduler's call. */
  private cycleDone(): void {
    this.cycles++;
    this.ticksOwed++;
    if (this.ticksOwed > 1) return;
    queueMicrotask(() => {
      const owed = this.ticksOwed;
      this.ticksOwed = 0;
      this.clock.advance(owed * CycleMs);
    });
  }

  /** Pods held at Permit right now (their binding cycles wait for the rest of their gang). */
  private waitingAtPermit(): number {
    let count = 0;
    const framework = this.scheduler.profiles().values().next().value;
    framework?.iterateOverWaitingPods(() => count++);
    return count;
  }

  /**
   * Resolves once the scheduler has nothing to do right now: no pod in activeQ, and every pod in flight is
   * one held at Permit. (`Scheduler.waitForIdle` would wait for those held pods, which only time can release.)
   */
  private async quiesce(): Promise<void> {
    let calm = 0;
    while (calm < 2) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const stats = this.scheduler.queue.stats();
      calm = stats.active === 0 && stats.inFlight === this.waitingAtPermit() ? calm + 1 : 0;
    }
  }

  /**
   * After the last wave: moves the clock on so that backing-off pods are retried and Permit waits time out,
   * until nothing is left but unschedulable pods, or nothing was bound for {@link DrainPatienceMs}.
   */
  private async drain(): Promise<void> {
    let lastBound = this.placements.size;
    let lastProgressAt = this.clock.now();
    for (;;) {
      await this.quiesce();
      if (this.scheduler.queue.stats().backoff === 0 && this.waitingAtPermit() === 0) return;
      if (this.placements.size !== lastBound) {
        lastBound = this.placements.size;
        lastProgressAt = this.clock.now();
      }
      if (this.clock.now() - lastProgressAt > DrainPatienceMs) return;
      this.clock.advance(DrainStepMs);
    }
  }
}
