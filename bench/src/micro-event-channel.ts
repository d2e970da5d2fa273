import { MemoryClusterStore, type Node } from '@schedkit/framework';
import { Bench } from 'tinybench';
import { isMain } from './cli.js';
import { fixed, printTable, writeResult } from './report.js';

/** Go's figures for the same experiment (per 100,000 writes): a map written directly, and through a channel to one consumer goroutine. */
export const goFigures = { directMs: 2.17, channelMs: 6.41, ratio: 6.41 / 2.17 };

/** The event-channel experiment's result, per `writes` writes. */
export interface EventChannelResult {
  writes: number;
  keys: number;
  directMs: number;
  eventPathMs: number;
  ratio: number;
}

/** The object written for write `i`: a node named by the key, carrying the write's number. */
function nodeVersion(name: string, i: number): Node {
  return { metadata: { name, labels: { version: String(i) } }, spec: {} };
}

/**
 * `writes` writes over `keys` keys: each write builds the key's next object; "direct" sets it into a Map, the
 * event path writes it to a {@link MemoryClusterStore} whose one watch listener applies every delivered event to
 * its own Map. The event path's time runs until the listener has applied the last write.
 */
export async function measureEventChannel(writes = 100_000, keys = 1_000, timeMs = 2000): Promise<EventChannelResult> {
  const names = Array.from({ length: keys }, (_, i) => `node-${i}`);
  const direct = new Map<string, Node>();
  const store = new MemoryClusterStore();
  const consumer = new Map<string, Node>();
  let applied = 0;
  let waiting: (() => void) | undefined;
  store.watch((events) => {
    for (const event of events) {
      if (event.kind !== 'Node') continue;
      if (event.type === 'delete') consumer.delete(event.key);
      else consumer.set(event.key, event.object);
      applied++;
    }
    waiting?.();
  });
  const bench = new Bench({ time: timeMs, warmupTime: 300 });
  bench.add('direct Map writes', () => {
    for (let i = 0; i < writes; i++) {
      const name = names[i % keys]!;
      direct.set(name, nodeVersion(name, i));
    }
  });
  bench.add('store writes + watch consumer', async () => {
    for (let i = 0; i < writes; i++) store.applyNode(nodeVersion(names[i % keys]!, i));
    const last = names[(writes - 1) % keys]!;
    while (consumer.get(last)?.metadata.labels?.version !== String(writes - 1)) {
      await new Promise<void>((resolve) => {
        waiting = resolve;
      });
    }
  });
  await bench.run();
  if (applied === 0) throw new Error('the watch listener received nothing');
  const ms = (name: string): number => {
    const result = bench.getTask(name)?.result;
    if (!result || !('latency' in result)) throw new Error(`task ${name} did not complete`);
    return result.latency.p50;
  };
  const directMs = ms('direct Map writes');
  const eventPathMs = ms('store writes + watch consumer');
  return { writes, keys, directMs, eventPathMs, ratio: eventPathMs / directMs };
}

async function main(): Promise<void> {
  const result = await measureEventChannel();
  printTable(`event channel: ${result.writes} writes over ${result.keys} keys (target event path <= 2x direct)`, [
    { system: 'schedkit', 'direct ms': fixed(result.directMs, 2), 'event path ms': fixed(result.eventPathMs, 2), ratio: fixed(result.ratio, 2) },
    { system: 'Go (seed experiment)', 'direct ms': goFigures.directMs, 'event path ms': goFigures.channelMs, ratio: fixed(goFigures.ratio, 2) },
  ]);
  console.log(`wrote ${writeResult('micro-event-channel', { ...result, go: goFigures })}`);
}

if (isMain(import.meta.url)) await main();
