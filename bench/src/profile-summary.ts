import { readFileSync } from 'node:fs';
import { isMain } from './cli.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** One function's share of a CPU profile. */
export interface ProfileEntry {
  name: string;
  where: string;
  selfPercent: number;
  totalPercent: number;
}

/**
 * The functions of a `node --cpu-prof` profile ranked by self time, with their inclusive (total) time; both as a
 * percentage of all samples. Frames are grouped by name and location.
 */
export function summarizeProfile(profile: CpuProfile, top = 25): ProfileEntry[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const hits = new Map<number, number>();
  for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
  let total = 0;
  for (const count of hits.values()) total += count;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const labels = new Map<string, { name: string; where: string }>();
  const keyOf = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName}@${url}:${lineNumber}`;
    if (!labels.has(key)) {
      const file = url.replace(/^.*\/(packages|bench|node_modules)\//, '$1/');
      labels.set(key, { name: functionName || '(anonymous)', where: file ? `${file}:${lineNumber + 1}` : '' });
    }
    return key;
  };
  for (const [id, count] of hits) {
    const node = byId.get(id)!;
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + count);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = keyOf(byId.get(at)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + count);
    }
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, count]) => ({
      ...labels.get(key)!,
      selfPercent: (count / total) * 100,
      totalPercent: ((inclusive.get(key) ?? 0) / total) * 100,
    }));
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: node dist/profile-summary.js <file.cpuprofile> [top]');
  const entries = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(topArg ?? 25));
  for (const e of entries) console.log(`${e.selfPercent.toFixed(1).padStart(5)}% self ${e.totalPercent.toFixed(1).padStart(5)}% total  ${e.name}  ${e.where}`);
}

if (isMain(import.meta.url)) main();
