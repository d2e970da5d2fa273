import { ExtensionPoints, type ExtensionPoint, pointMethod } from '../plugins/extension-points.js';

/**
 * The candidate closest to `name` by edit distance (case-insensitive), when it is close enough to be a likely
 * typo: at most a third of the name's length, and at least 1 and at most 3 edits. Undefined otherwise.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** Levenshtein distance, with a swap of two neighbours counting as one edit (`scroe` -> `score`). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = value;
    }
  }
  return rows[a.length]![b.length]!;
}

/** Where plugins come from, for an unknown plugin name. */
export const pluginSourcesReminder = "a plugin comes from kube's defaults, a package in the configuration's plugins: list, or registry.use() in code";

/** The message for a plugin name no registry entry has, with the closest registered name when there is one. */
export function unknownPluginMessage(name: string, known: Iterable<string>, note?: string): string {
  const suggestion = closestName(name, known);
  return `unknown plugin "${name}"${note ? ` (${note})` : ''}${suggestion ? `: did you mean "${suggestion}"?` : ''} (${pluginSourcesReminder})`;
}

/** The names of the functions `plugin` has, own or inherited (not Object's). */
function methodNames(plugin: object): string[] {
  const names = new Set<string>();
  for (let current: object | null = plugin; current !== null && current !== Object.prototype; current = Object.getPrototypeOf(current)) {
    for (const key of Object.getOwnPropertyNames(current)) {
      if (key !== 'constructor' && typeof (plugin as Record<string, unknown>)[key] === 'function') names.add(key);
    }
  }
  return [...names];
}

/**
 * Says which method a plugin enabled at `point` lacks, and which of its methods looks like a misspelling of it:
 * `: class Gold has no score() method (it has scroe(): a misspelling?)`. Without `point` (a multiPoint entry that
 * serves no point), names the point methods and the closest near miss.
 */
export function missingMethodHint(plugin: object, point?: ExtensionPoint): string {
  const className = plugin.constructor?.name ? `class ${plugin.constructor.name}` : 'the plugin';
  const methods = methodNames(plugin);
  if (point !== undefined) {
    const wanted = pointMethod[point];
    const near = closestName(wanted, methods);
    return `: ${className} has no ${wanted}() method${near ? ` (it has ${near}(): a misspelling?)` : ''}`;
  }
  const pointMethods = ExtensionPoints.map((each) => pointMethod[each]);
  for (const method of methods) {
    const near = closestName(method, pointMethods);
    if (near) return `: ${className} has none of the extension point methods (it has ${method}(): did you mean ${near}()?)`;
  }
  return `: ${className} has none of the extension point methods (${pointMethods.map((method) => `${method}()`).join(', ')})`;
}
