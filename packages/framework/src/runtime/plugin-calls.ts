/**
 * Calling plugins: a point's plugins run in sequence (synchronously until one answers with a promise), and the
 * Error statuses a failing call becomes, worded as kube's.
 */
import type { MaybePromise, Plugin, PluginStatus } from '../plugins/extension-points.js';
import { Code, Status } from '../status/status.js';
import { isThenable } from './maybe-promise.js';

/** Bounds an async plugin call by the framework's timeout; the rejection names the point and plugin. */
export type Guard = <T>(value: PromiseLike<T> | T, point: string, pluginName: string) => Promise<T>;

/** A Filter plugin's non-success status: a rejection naming the plugin, anything else an Error. */
export function filterFailure(plugin: Plugin, status: Status): Status {
  if (status.isRejected()) return status.withPlugin(plugin.name);
  return wrapError(`running "${plugin.name}" filter plugin`, plugin.name, status);
}

/** An Error status for a plugin that threw or rejected its promise. */
export function pluginError(point: string, pluginName: string, error: unknown): Status {
  const message = error instanceof Error ? error.message : String(error);
  return new Status(Code.Error, [`running ${point} plugin "${pluginName}": ${message}`], error).withPlugin(pluginName);
}

/** `status` as an Error status (`context: message`) naming the plugin. */
export function wrapError(context: string, pluginName: string, status: Status): Status {
  return new Status(Code.Error, [`${context}: ${status.message()}`], status.cause ?? status).withPlugin(pluginName);
}

/** Go's `%v` of a string slice: `[a b c]`. */
export function goList(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}

/**
 * Runs `call` for each plugin in order, stopping at the first status `check` maps to non-null. Stays
 * synchronous until a plugin returns a promise; throws become Error statuses.
 */
export function runSequence<P extends Plugin>(
  point: string,
  guard: Guard,
  plugins: readonly P[],
  call: (plugin: P) => MaybePromise<PluginStatus>,
  check: (plugin: P, status: Status) => Status | null,
): MaybePromise<Status | null> {
  for (let i = 0; i < plugins.length; i++) {
    const plugin = plugins[i]!;
    let value: MaybePromise<PluginStatus>;
    try {
      value = call(plugin);
    } catch (error) {
      return pluginError(point, plugin.name, error);
    }
    if (isThenable(value)) return continueAsync(point, plugins, i, value, call, check, guard);
    if (value != null) {
      const stop = check(plugin, value);
      if (stop) return stop;
    }
  }
  return null;
}

async function continueAsync<P extends Plugin>(
  point: string,
  plugins: readonly P[],
  index: number,
  pending: PromiseLike<PluginStatus>,
  call: (plugin: P) => MaybePromise<PluginStatus>,
  check: (plugin: P, status: Status) => Status | null,
  guard: Guard,
): Promise<Status | null> {
  for (let i = index; i < plugins.length; i++) {
    const plugin = plugins[i]!;
    let value: PluginStatus;
    try {
      value = await guard(i === index ? pending : call(plugin), point, plugin.name);
    } catch (error) {
      return pluginError(point, plugin.name, error);
    }
    if (value != null) {
      const stop = check(plugin, value);
      if (stop) return stop;
    }
  }
  return null;
}
