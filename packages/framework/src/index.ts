/**
 * `@schedkit/framework`: the Kubernetes scheduling framework in TypeScript.
 * @packageDocumentation
 * @module @schedkit/framework
 */
import 'reflect-metadata';

export * from './cycle-state/cycle-state.js';
export * from './di.js';
export * from './model/types.js';
export * from './model/cluster-objects.js';
export * from './model/defaults.js';
export * from './model/admission.js';
export * from './model/object-validation.js';
export * from './node-info/host-ports.js';
export * from './node-info/node-info.js';
export * from './node-info/snapshot.js';
export * from './node-info/zones.js';
export * from './plugins/events.js';
export * from './plugins/extension-points.js';
export * from './plugins/handle.js';
export * from './plugins/normalize.js';
export * from './registry/define-plugin.js';
export * from './registry/registry.js';
export * from './registry/tokens.js';
export * from './extender/extender.js';
export * from './extender/extenders.js';
export * from './extender/http-extender.js';
export * from './extender/wire.js';
export type { ExtenderScores, ExtenderVerdict, PreemptionCandidate } from './runtime/extender-calls.js';
export * from './runtime/fit-error.js';
export * from './runtime/framework.js';
export * from './runtime/maybe-promise.js';
export * from './runtime/metrics.js';
export * from './runtime/node-to-status.js';
export * from './runtime/sampling.js';
export type { ScheduleResult } from './runtime/schedule-one.js';
export type { NodePluginScores, PluginScore } from './runtime/score-table.js';
export * from './runtime/waiting-pods.js';
export * from './status/status.js';
export * from './store/binder.js';
export * from './store/object-lister.js';
export * from './agent/node-agent.js';
export { ConfigError, type ConfigIssue, formatIssue } from './config/errors.js';
export {
  DefaultExtenderTimeoutMs,
  type ExtenderConfig,
  type ExtenderManagedResource,
  type ExtenderTLSConfig,
  extenderIssues,
  parseGoDuration,
} from './config/extenders.js';
export {
  checkKnownPlugins,
  type KnownPlugins,
  KubePluginNames,
  UnimplementedKubePlugins,
  unimplementedPluginsIn,
  unimplementedPluginsWarning,
  withoutUnimplementedPlugins,
} from './config/known-plugins.js';
export {
  type ConfigurationDefaults,
  configurationFromDocument,
  loadConfigurationFile,
  type ParseConfigurationOptions,
  parseConfiguration,
} from './config/load.js';
export {
  DefaultParallelism,
  DefaultPercentageOfNodesToScore,
  DefaultPodInitialBackoffSeconds,
  DefaultPodMaxBackoffSeconds,
  mergePlugins,
  mergePluginSet,
} from './config/defaults.js';
export {
  type ExpandedPlugin,
  type ExpandedPlugins,
  type ExpandedProfile,
  expandPlugins,
  validateCommonQueueSort,
  validateExpanded,
  type MissingMethodExplainer,
} from './config/multipoint.js';
export {
  DefaultSchedulerName,
  type PluginConfigEntry,
  type PluginPackageRef,
  type PluginPoint,
  PluginPoints,
  type PluginRef,
  type PluginSet,
  type PluginsConfig,
  type ProfileConfig,
  type SchedulerConfiguration,
  SchedulerConfigurationApiVersion,
  SchedulerConfigurationKind,
} from './config/types.js';
export { MaxScoreWeight, MinScoreWeight, validateConfiguration } from './config/validate.js';
export * from './registry/load-plugins.js';
export * from './scheduler/cache.js';
export * from './scheduler/clock.js';
export * from './scheduler/event-classification.js';
export * from './scheduler/queue.js';
export * from './scheduler/scheduler.js';
export * from './store/cluster-store.js';
export * from './store/errors.js';
export * from './store/pod-writes.js';
export * from './store/kinds.js';
export * from './store/memory-store.js';
export * from './store/local-view-store.js';
export * from './store/watch-queue.js';
export * from './model/affinity-terms.js';
export * from './model/labels.js';
export * from './model/pod-info.js';
export * from './model/pod-requests.js';
export * from './model/quantity.js';
export * from './model/resource.js';
export * from './model/resource-allocation.js';
export * from './model/taints.js';
export * from './model/validation.js';
export * from './model/volumes.js';
