import { type ConfigurationDefaults, parseConfiguration } from '../config/load.js';
import type { SchedulerConfiguration } from '../config/types.js';
import type { Pod } from '../model/types.js';
import { type PluginModule, Registry } from '../registry/registry.js';
import { Scheduler, type SchedulerEvent } from '../scheduler/scheduler.js';
import { MemoryClusterStore } from '../store/memory-store.js';
import { NodeBuilder } from './node-builder.js';
import type { NodeInput, PodInput } from './plugin-tester.js';
import { PodBuilder } from './pod-builder.js';

/** A set of plugins with the profile they make up, as `@schedkit/preset-default` exports `defaultPreset`. */
export interface Preset extends ConfigurationDefaults {
  /** The modules that register the preset's plugins. */
  modules: readonly PluginModule[];
}

/** A plugin to enable in every profile's multiPoint, with its score weight and raw args. */
export interface EnabledPlugin {
  name: string;
  weight?: number;
  args?: Record<string, unknown>;
}

/** How {@link schedulePods} builds its scheduler. */
export interface SchedulePodsOptions {
  /** The preset the profile starts from (`defaultPreset` of `@schedkit/preset-default`: kube's default profile). */
  preset?: Preset;
  /** Plugin modules to register after the preset's: your plugin's. */
  plugins?: readonly PluginModule[];
  /** Plugins to enable in multiPoint (names, or names with a weight and args), when no `configuration` is given. */
  enable?: readonly (string | EnabledPlugin)[];
  /** Plugins to disable in multiPoint (every point), when no `configuration` is given: `['PrioritySort']` for a QueueSort plugin of yours. */
  disable?: readonly string[];
  /** A KubeSchedulerConfiguration instead of `enable`: YAML or JSON text (read with the preset's defaults) or a ready one. */
  configuration?: string | SchedulerConfiguration;
  /** The cluster's nodes. */
  nodes: readonly NodeInput[];
  /** Pods already bound (their `spec.nodeName` places them). */
  pods?: readonly PodInput[];
  /**
   * True: all pods are queued at once and the queue orders them (priority, then arrival). False (default): one pod
   * at a time in the order given, each scheduled before the next is queued, so placements read in order.
   */
  together?: boolean;
  /** Random source for tie-breaks (default: always the first of equal nodes, so placements are reproducible). */
  random?: () => number;
}

/** Where the pods went. Pods are named `name`, or `namespace/name` outside the default namespace. */
export interface ScheduledPods {
  /** Pod -> the node it was bound to, or null when it was not bound. */
  placements: Record<string, string | null>;
  /** Pod -> the scheduler's message, for pods left unschedulable. */
  unschedulable: Record<string, string>;
  /** Pod -> the error message, for pods whose cycle failed. */
  errors: Record<string, string>;
  /** Every event the scheduler reported, in order. */
  events: SchedulerEvent[];
}

/**
 * Schedules pods with a real {@link Scheduler} over a small in-memory cluster and reports where they went: the
 * way to show that a plugin, among the preset's plugins, changes placement.
 *
 * ```ts
 * const { placements } = await schedulePods(
 *   { preset: defaultPreset, plugins: [plugin], enable: [{ name: 'Rack', weight: 5 }], nodes: [makeNode('a'), makeNode('b')] },
 *   [makePod('web').req({ cpu: '1' })],
 * );
 * expect(placements).toEqual({ web: 'b' });
 * ```
 * @throws ConfigError for an invalid configuration, RegistryError for a plugin that cannot be registered.
 */
export async function schedulePods(options: SchedulePodsOptions, podsToSchedule: readonly PodInput[]): Promise<ScheduledPods> {
  const registry = new Registry();
  for (const module of options.preset?.modules ?? []) registry.use(module);
  for (const module of options.plugins ?? []) registry.use(module);
  const configuration = configurationOf(options);
  const store = new MemoryClusterStore();
  for (const node of options.nodes) store.applyNode(node instanceof NodeBuilder ? node.obj() : node);
  for (const pod of options.pods ?? []) store.applyPod(podOf(pod));
  const outcome: ScheduledPods = { placements: {}, unschedulable: {}, errors: {}, events: [] };
  const pods = podsToSchedule.map(podOf);
  for (const pod of pods) outcome.placements[nameOf(pod)] = null;
  const scheduler = new Scheduler({
    store,
    registry,
    configuration,
    random: options.random ?? (() => 0),
    onEvent: (event) => {
      outcome.events.push(event);
      if (event.type === 'bound') outcome.placements[nameOf(event.pod)] = event.nodeName;
      else if (event.type === 'unschedulable') outcome.unschedulable[nameOf(event.pod)] = event.message;
      else if (event.type === 'error') outcome.errors[nameOf(event.pod)] = event.error.message;
    },
  });
  scheduler.start();
  try {
    if (options.together) {
      for (const pod of pods) store.applyPod(pod);
      await scheduler.waitForIdle();
    } else {
      for (const pod of pods) {
        store.applyPod(pod);
        await scheduler.waitForIdle();
      }
    }
  } finally {
    await scheduler.stop();
  }
  return outcome;
}

function configurationOf(options: SchedulePodsOptions): SchedulerConfiguration {
  const defaults = { defaultPlugins: options.preset?.defaultPlugins, defaultPluginConfig: options.preset?.defaultPluginConfig };
  const given = options.configuration;
  if (given !== undefined && typeof given !== 'string') return given;
  return parseConfiguration(given ?? enabledConfiguration(options.enable ?? [], options.disable ?? []), { ...defaults, file: 'schedulePods configuration' });
}

/** A configuration (as JSON text) whose one profile enables `plugins` and disables `disabled` in multiPoint. */
function enabledConfiguration(plugins: readonly (string | EnabledPlugin)[], disabled: readonly string[]): string {
  const entries = plugins.map((plugin) => (typeof plugin === 'string' ? { name: plugin } : plugin));
  const profile = {
    schedulerName: 'default-scheduler',
    plugins: {
      multiPoint: {
        enabled: entries.map(({ name, weight }) => (weight === undefined ? { name } : { name, weight })),
        disabled: disabled.map((name) => ({ name })),
      },
    },
    pluginConfig: entries.filter((entry) => entry.args !== undefined).map(({ name, args }) => ({ name, args })),
  };
  return JSON.stringify({ apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', profiles: [profile] });
}

function podOf(pod: PodInput): Pod {
  return pod instanceof PodBuilder ? pod.obj() : pod;
}

function nameOf(pod: Pod): string {
  const namespace = pod.metadata.namespace ?? 'default';
  return namespace === 'default' ? pod.metadata.name : `${namespace}/${pod.metadata.name}`;
}
