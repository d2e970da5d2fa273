import type { DependencyContainer } from 'tsyringe';
import type { ProfileConfig } from '../config/types.js';
import { CycleState } from '../cycle-state/cycle-state.js';
import { PodInfo } from '../model/pod-info.js';
import type { Node, Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import { type NodeInfoLister, Snapshot } from '../node-info/snapshot.js';
import { type ExtensionPoint, implementsPoint, type Plugin, type PreFilterResult, type QueuedPodInfo } from '../plugins/extension-points.js';
import type { Handle } from '../plugins/handle.js';
import { type PluginModule, type PluginRegistration, Registry } from '../registry/registry.js';
import { Framework } from '../runtime/framework.js';
import { Code, Status } from '../status/status.js';
import type { Binder, ObjectWriter } from '../store/binder.js';
import { type ClusterObjects, type ObjectLister, StaticObjectLister } from '../store/object-lister.js';
import { NodeBuilder } from './node-builder.js';
import { PodBuilder } from './pod-builder.js';

/** A pod given as an object or as a builder. */
export type PodInput = Pod | PodBuilder;
/** A node given as an object or as a builder. */
export type NodeInput = Node | NodeBuilder;

export type { ClusterObjects } from '../store/object-lister.js';

/** How a {@link PluginTester} is set up. */
export interface PluginTesterOptions extends ClusterObjects {
  /** The plugin under test: a plugin module (what a plugin package exports) or one registration. */
  plugin: PluginModule | PluginRegistration<unknown>;
  /** Which plugin of a module that registers several; defaults to the only one. */
  name?: string;
  /** The plugin's raw args, as a `pluginConfig` entry would give them (the plugin's schema validates and defaults them). */
  args?: unknown;
  /** The score weight (default 1). */
  weight?: number;
  /** The cluster's nodes (ignored when `snapshot` is given). */
  nodes?: readonly NodeInput[];
  /** Pods already on nodes (their `spec.nodeName` places them; ignored when `snapshot` is given). */
  pods?: readonly PodInput[];
  /** A ready snapshot instead of `nodes` and `pods`. */
  snapshot?: NodeInfoLister;
  /** A ready object lister instead of `services`, `controllers` and `namespaces`. */
  objects?: ObjectLister;
  /** Where the plugin writes objects (e.g. a `MemoryClusterStore` also given as `objects`); default: none. */
  objectWriter?: ObjectWriter;
  /** The profile's scheduler name (default `plugin-tester`). */
  schedulerName?: string;
  /** Parent DI container of the framework (default: a child of tsyringe's root container). */
  container?: DependencyContainer;
}

/** Where a node's filter verdict came from. */
export type FilterStage = 'preFilter' | 'preFilterResult' | 'filter';

/** One node's filter verdict. */
export interface NodeFilterResult {
  node: string;
  /** null when the node passes. */
  status: Status | null;
  /**
   * `preFilter`: PreFilter rejected (or failed) and every node carries its status; `preFilterResult`: the node is
   * outside the PreFilterResult and Filter did not run on it; `filter`: Filter ran (or was skipped by PreFilter).
   */
  stage: FilterStage;
}

/** What {@link PluginTester.filter} found. */
export interface FilterReport {
  preFilter: {
    /** The PreFilter status as the framework reports it (null on Success or Skip). */
    status: Status | null;
    /** True when PreFilter returned Skip: Filter was not run. */
    skipped: boolean;
    /** The PreFilterResult, or null for all nodes. */
    result: PreFilterResult | null;
  };
  /** Every node of the snapshot, in snapshot order. */
  nodes: NodeFilterResult[];
  /** The names of the nodes that passed, in snapshot order. */
  feasible: string[];
  /** The cycle state PreFilter wrote, to continue the same cycle with {@link PluginTester.score}. */
  state: CycleState;
}

/** One node's score. */
export interface NodeScoreResult {
  node: string;
  /** The Score() output. */
  raw: number;
  /** After NormalizeScore (the raw score when the plugin does not normalize). */
  normalized: number;
  /** normalized × weight: what the node's total gets from this plugin. */
  weighted: number;
}

/** What {@link PluginTester.score} found. */
export interface ScoreReport {
  preScore: {
    /** A PreScore error (null on Success or Skip). */
    status: Status | null;
    /** True when PreScore returned Skip: Score was not run and `scores` is empty. */
    skipped: boolean;
  };
  /** One entry per scored node, in the order given; empty when PreScore skipped or anything failed. */
  scores: NodeScoreResult[];
  /** An error of PreScore, Score or NormalizeScore (or an out-of-range final score), else null. */
  status: Status | null;
  state: CycleState;
}

/** Timestamps and attempts of a queued pod, for {@link PluginTester.less}. */
export interface QueuedPodOptions {
  /** When the pod entered activeQ/backoffQ last (ms; default 0). */
  timestamp?: number;
  /** When the pod was first queued (ms; default `timestamp`). */
  initialAttemptTimestamp?: number;
  /** Scheduling attempts so far (default 0). */
  attempts?: number;
}

/** A pod as a QueueSort plugin sees it in the queue. */
export function queuedPod(pod: PodInput, options: QueuedPodOptions = {}): QueuedPodInfo {
  const timestamp = options.timestamp ?? 0;
  return {
    podInfo: PodInfo.of(toPod(pod)),
    timestamp,
    initialAttemptTimestamp: options.initialAttemptTimestamp ?? timestamp,
    attempts: options.attempts ?? 0,
  };
}

/**
 * Runs ONE plugin exactly as the scheduler runs it: a {@link Framework} whose profile enables only that plugin
 * (multiPoint, so it serves every point it implements), over a snapshot of the given cluster. Throws, errors and
 * rejections come back as the framework reports them (an Error status naming the plugin), never as a throw.
 *
 * ```ts
 * const tester = new PluginTester({ plugin, weight: 2, nodes: [makeNode('n1').obj()] });
 * const { nodes } = await tester.filter(makePod('p').req({ cpu: '1' }));
 * const { scores } = await tester.score(makePod('p'));
 * ```
 */
export class PluginTester {
  /** The framework running the plugin; its Handle is what the plugin was given. */
  readonly framework: Framework;
  /** The cluster the plugin sees. */
  readonly snapshot: NodeInfoLister;
  /** The configured name of the plugin under test. */
  readonly pluginName: string;
  /** Its score weight. */
  readonly weight: number;

  constructor(options: PluginTesterOptions) {
    const registry = new Registry();
    if (isPluginModule(options.plugin)) registry.use(options.plugin);
    else registry.register(options.plugin);
    this.pluginName = options.name ?? soleName(registry, options.plugin.name);
    if (!registry.has(this.pluginName)) {
      throw new Error(`PluginTester: plugin "${this.pluginName}" is not registered (registered: ${registry.names().join(', ')})`);
    }
    this.weight = options.weight ?? 1;
    this.snapshot =
      options.snapshot ?? Snapshot.from((options.nodes ?? []).map(toNode), (options.pods ?? []).map(toPod));
    const profile: ProfileConfig = {
      schedulerName: options.schedulerName ?? 'plugin-tester',
      plugins: { multiPoint: { enabled: [{ name: this.pluginName, weight: this.weight }], disabled: [] } },
      pluginConfig: options.args === undefined ? [] : [{ name: this.pluginName, args: options.args }],
    };
    this.framework = new Framework({
      profile,
      registry,
      objects: options.objects ?? new StaticObjectLister(options),
      ...(options.objectWriter ? { objectWriter: options.objectWriter } : {}),
      ...(options.container ? { container: options.container } : {}),
    });
    this.framework.setSnapshot(this.snapshot);
  }

  /** The plugin instance under test. */
  get plugin(): Plugin {
    return this.framework.plugins.get(this.pluginName)!;
  }

  /**
   * PreFilter over every node, then Filter on each node PreFilter left eligible, as one scheduling cycle does
   * (every node is evaluated: no sampling).
   */
  async filter(pod: PodInput, options: { state?: CycleState } = {}): Promise<FilterReport> {
    this.require(['preFilter', 'filter'], 'filter');
    const target = toPod(pod);
    const state = options.state ?? new CycleState();
    const all = this.snapshot.list();
    const pre = await this.framework.runPreFilterPlugins(state, target, all);
    const skipped = state.skipFilterPlugins.has(this.pluginName);
    const report: FilterReport = {
      preFilter: { status: pre.status, skipped, result: pre.result },
      nodes: [],
      feasible: [],
      state,
    };
    if (pre.status && pre.status.code !== Code.Success) {
      report.nodes = all.map((info) => ({ node: info.name, status: pre.status, stage: 'preFilter' }));
      return report;
    }
    const eligible = pre.result?.nodeNames ?? null;
    const outside = eligible ? Status.unresolvable(`node(s) didn't satisfy plugin(s) [${[...pre.pluginsWithNodes].sort().join(' ')}]`) : null;
    for (const info of all) {
      if (eligible && outside && !eligible.has(info.name)) {
        report.nodes.push({ node: info.name, status: outside, stage: 'preFilterResult' });
        continue;
      }
      const status = await this.framework.runFilterPlugins(state, target, info);
      report.nodes.push({ node: info.name, status, stage: 'filter' });
      if (status === null) report.feasible.push(info.name);
    }
    return report;
  }

  /**
   * PreScore then Score (with NormalizeScore and the weight) on `nodes` (names; default every node), as the
   * scheduler scores feasible nodes. Pass the `state` of a {@link PluginTester.filter} report to score in the
   * same cycle.
   */
  async score(pod: PodInput, nodes?: readonly string[], options: { state?: CycleState } = {}): Promise<ScoreReport> {
    this.require(['preScore', 'score'], 'score');
    const target = toPod(pod);
    const state = options.state ?? new CycleState();
    const infos = nodes ? nodes.map((name) => this.nodeInfo(name)) : this.snapshot.list();
    const report: ScoreReport = { preScore: { status: null, skipped: false }, scores: [], status: null, state };
    const preStatus = await this.framework.runPreScorePlugins(state, target, infos);
    if (preStatus) {
      report.preScore.status = preStatus;
      report.status = preStatus;
      return report;
    }
    report.preScore.skipped = state.skipScorePlugins.has(this.pluginName);
    if (report.preScore.skipped) return report;
    const { scores, status } = await this.framework.runScorePlugins(state, target, infos);
    if (status) {
      report.status = status;
      return report;
    }
    const weight = this.framework.scoreWeights.get(this.pluginName) ?? 1;
    for (const nodeScores of scores) {
      const entry = nodeScores.scores.find((score) => score.name === this.pluginName);
      if (!entry) continue;
      report.scores.push({ node: nodeScores.name, raw: entry.raw, normalized: entry.score / weight, weighted: entry.score });
    }
    return report;
  }

  /** PreEnqueue: null when the pod may enter the active queue, else the status that holds it back. */
  async preEnqueue(pod: PodInput): Promise<Status | null> {
    this.require(['preEnqueue'], 'preEnqueue');
    return await this.framework.runPreEnqueuePlugins(toPod(pod));
  }

  /** QueueSort: true when `a` is scheduled before `b`. Pods are queued at timestamp 0 unless given via {@link queuedPod}. */
  less(a: PodInput | QueuedPodInfo, b: PodInput | QueuedPodInfo): boolean {
    this.require(['queueSort'], 'less');
    return this.framework.queueSortLess()(toQueued(a), toQueued(b));
  }

  private nodeInfo(name: string): NodeInfo {
    const info = this.snapshot.get(name);
    if (!info) throw new Error(`PluginTester: the snapshot has no node "${name}"`);
    return info;
  }

  /** Refuses calls that would run nothing, so that a test of a point the plugin lacks cannot pass vacuously. */
  private require(points: readonly ExtensionPoint[], method: string): void {
    if (points.some((point) => implementsPoint(this.plugin, point))) return;
    throw new Error(`PluginTester.${method}: plugin "${this.pluginName}" implements none of ${points.join(', ')}`);
  }
}

/** Options of {@link fakeHandle}. */
export interface FakeHandleOptions {
  /** Where bindings go (default: one that rejects every bind). */
  binder?: Binder;
  /** The profile name the handle reports (default `fake-handle`). */
  profileName?: string;
}

/**
 * A real framework {@link Handle} with no plugins of its own, over `snapshot` and `objects`, for constructing a
 * plugin by hand (`new MyPlugin(fakeHandle(snapshot), args)`). Its `runFilterPlugins` and PreFilter extensions run
 * an empty profile, so they report Success.
 */
export function fakeHandle(snapshot: NodeInfoLister, objects: ObjectLister | ClusterObjects = {}, options: FakeHandleOptions = {}): Handle {
  const framework = new Framework({
    profile: { schedulerName: options.profileName ?? 'fake-handle', plugins: {}, pluginConfig: [] },
    registry: new Registry(),
    objects: isObjectLister(objects) ? objects : new StaticObjectLister(objects),
    ...(options.binder ? { binder: options.binder } : {}),
  });
  framework.setSnapshot(snapshot);
  return framework;
}

/** The Pod of a pod or builder. */
export function toPod(pod: PodInput): Pod {
  return pod instanceof PodBuilder ? pod.obj() : pod;
}

/** The Node of a node or builder. */
export function toNode(node: NodeInput): Node {
  return node instanceof NodeBuilder ? node.obj() : node;
}

function toQueued(entry: PodInput | QueuedPodInfo): QueuedPodInfo {
  return entry instanceof PodBuilder || !('podInfo' in entry) ? queuedPod(entry) : entry;
}

function isPluginModule(value: PluginModule | PluginRegistration<unknown>): value is PluginModule {
  return typeof (value as Partial<PluginModule>).register === 'function';
}

function isObjectLister(value: ObjectLister | ClusterObjects): value is ObjectLister {
  return typeof (value as Partial<ObjectLister>).namespaceLabels === 'function';
}

function soleName(registry: Registry, source: string): string {
  const names = registry.names();
  if (names.length === 1) return names[0]!;
  throw new Error(
    names.length === 0
      ? `PluginTester: ${source} registers no plugin`
      : `PluginTester: ${source} registers ${names.join(', ')}: pass options.name to choose one`,
  );
}
