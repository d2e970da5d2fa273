/** Test helpers for the runtime's tests: nodes, pods, and a framework over a few plugins (multiPoint). */
import type { Pod } from '../model/types.js';
import { Registry } from '../registry/registry.js';
import { Framework } from './framework.js';

export const node = (name: string, labels: Record<string, string> = {}) => ({ metadata: { name, labels }, status: { allocatable: { cpu: '4', pods: '110' } } });
export const pod = (name: string, labels: Record<string, string> = {}): Pod => ({ metadata: { name, namespace: 'default', uid: name, labels }, spec: { containers: [{ name: 'c' }] } });

export function framework(plugins: { name: string; plugin: new (...args: never[]) => { name: string }; weight?: number; point?: string }[], options: { random?: () => number; percentage?: number; timeout?: number } = {}) {
  const registry = new Registry();
  for (const p of plugins) registry.register({ name: p.name, plugin: p.plugin as never });
  return new Framework({
    profile: {
      schedulerName: 't',
      plugins: { multiPoint: { enabled: plugins.map((p) => ({ name: p.name, ...(p.weight ? { weight: p.weight } : {}) })), disabled: [] } },
      pluginConfig: [],
    },
    registry,
    ...(options.random ? { random: options.random } : {}),
    ...(options.percentage !== undefined ? { percentageOfNodesToScore: options.percentage } : {}),
    ...(options.timeout !== undefined ? { asyncPluginTimeoutMs: options.timeout } : {}),
  });
}
