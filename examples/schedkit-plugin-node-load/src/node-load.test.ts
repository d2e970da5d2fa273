import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, CycleState, Framework, Registry, Snapshot } from '@schedkit/framework';
import { makeNode, makePod, PluginTester } from '@schedkit/framework/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadCycle, NodeLoadName, plugin } from './index.js';

/** What the fake metrics service answers for a node: a load, a body that is not JSON, or an HTTP status. */
type Answer = number | { body: string } | { status: number };

interface LoadServer {
  url: string;
  /** The node names requested, in arrival order. */
  requests: string[];
  /** The most requests the server held at once. */
  maxInFlight: number;
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/**
 * A metrics service on 127.0.0.1 answering `GET /metrics/nodes/<name>` after `delayMs`; nodes absent from
 * `answers` get 404. It counts the requests it holds at once.
 */
async function startLoadServer(answers: Record<string, Answer>, delayMs = 0): Promise<LoadServer> {
  const stats: LoadServer = { url: '', requests: [], maxInFlight: 0 };
  let inFlight = 0;
  const server = createServer((request, response) => {
    const name = decodeURIComponent(request.url?.replace(/^\/metrics\/nodes\//, '') ?? '');
    stats.requests.push(name);
    stats.maxInFlight = Math.max(stats.maxInFlight, ++inFlight);
    const timer = setTimeout(() => {
      const answer = answers[name];
      if (answer === undefined) response.writeHead(404).end();
      else if (typeof answer === 'number') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ load: answer }));
      else if ('body' in answer) response.writeHead(200, { 'content-type': 'application/json' }).end(answer.body);
      else response.writeHead(answer.status).end();
    }, delayMs);
    // The request ends either way: answered, or abandoned by a client that timed out.
    response.on('close', () => {
      clearTimeout(timer);
      inFlight--;
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stats.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  return stats;
}

/** The URL of a port nothing listens on: a server bound it and closed. */
async function deadEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/metrics`;
}

const nodeNames = (count: number): string[] => Array.from({ length: count }, (_, i) => `node-${i}`);

/** Runs PreScore and Score as one scheduling cycle does, with the framework's Score concurrency set to `parallelism`. */
async function scoreCycle(args: unknown, names: readonly string[], parallelism: number): Promise<{ scores: Record<string, number>; elapsedMs: number }> {
  const framework = new Framework({
    profile: {
      schedulerName: 'node-load-test',
      plugins: { multiPoint: { enabled: [{ name: NodeLoadName, weight: 1 }], disabled: [] } },
      pluginConfig: [{ name: NodeLoadName, args }],
    },
    registry: new Registry().use(plugin),
    parallelism,
  });
  const snapshot = Snapshot.from(
    names.map((name) => makeNode(name).obj()),
    [],
  );
  framework.setSnapshot(snapshot);
  const state = new CycleState();
  const pod = makePod('web').obj();
  const started = performance.now();
  expect(await framework.runPreScorePlugins(state, pod, snapshot.list())).toBeNull();
  const { scores, status } = await framework.runScorePlugins(state, pod, snapshot.list());
  const elapsedMs = performance.now() - started;
  expect(status).toBeNull();
  return { scores: Object.fromEntries(scores.map((node) => [node.name, node.totalScore])), elapsedMs };
}

describe('NodeLoad scores', () => {
  const nodes = ['idle', 'busy', 'saturated', 'fresh'].map((name) => makeNode(name));

  const cases: [string, Record<string, Answer>, Record<string, number>][] = [
    ['the reported loads, idle nodes highest', { idle: 0.05, busy: 0.625, saturated: 1, fresh: 0 }, { idle: 95, busy: 38, saturated: 0, fresh: 100 }],
    ['the fallback for a node the service does not know (404), the others as reported', { idle: 0.2, busy: 0.7, saturated: 0.9 }, { idle: 80, busy: 30, saturated: 10, fresh: 50 }],
    ['the fallback for a body that is not JSON', { idle: 0.2, busy: { body: 'load=0.7' }, saturated: 0.9, fresh: 0.4 }, { idle: 80, busy: 50, saturated: 10, fresh: 60 }],
    ['the fallback for a load outside [0, 1]', { idle: 0.2, busy: 1.5, saturated: -0.1, fresh: 0.4 }, { idle: 80, busy: 50, saturated: 50, fresh: 60 }],
  ];
  it.each(cases)('gives %s', async (_what, answers, expected) => {
    const server = await startLoadServer(answers);
    const report = await new PluginTester({ plugin, args: { endpoint: server.url }, nodes }).score(makePod('web'));
    expect(report.status).toBeNull();
    expect(Object.fromEntries(report.scores.map((score) => [score.node, score.raw]))).toEqual(expected);
    expect(server.requests.sort()).toEqual(['busy', 'fresh', 'idle', 'saturated']);
  });

  it('uses the configured fallback score', async () => {
    const server = await startLoadServer({ idle: 0.2 });
    const report = await new PluginTester({ plugin, args: { endpoint: server.url, fallbackScore: 0 }, nodes }).score(makePod('web'));
    expect(report.scores.map((score) => [score.node, score.raw])).toEqual([
      ['idle', 80],
      ['busy', 0],
      ['saturated', 0],
      ['fresh', 0],
    ]);
  });

  it('encodes node names into the path', async () => {
    const server = await startLoadServer({ 'rack 1/node a': 0.25 });
    const report = await new PluginTester({ plugin, args: { endpoint: server.url }, nodes: [makeNode('rack 1/node a')] }).score(makePod('web'));
    expect(report.scores.map((score) => score.raw)).toEqual([75]);
  });
});

describe('NodeLoad when the service is slow or down', () => {
  it('gives every node the fallback within about one timeout when the service is slow', async () => {
    const server = await startLoadServer(Object.fromEntries(nodeNames(40).map((name) => [name, 0.1])), 10_000);
    const { scores, elapsedMs } = await scoreCycle({ endpoint: server.url, timeoutMs: 200 }, nodeNames(40), 4);
    expect(Object.values(scores)).toEqual(new Array(40).fill(50));
    // The first 4 requests (one per worker) time out together; the other 36 nodes are not requested at all.
    // Without that, 40 nodes / 4 workers x 200 ms would take 2 s.
    expect(server.requests).toHaveLength(4);
    expect(elapsedMs).toBeGreaterThanOrEqual(195);
    expect(elapsedMs).toBeLessThan(1_500);
  });

  it('gives every node the fallback at once when nothing listens', async () => {
    const { scores, elapsedMs } = await scoreCycle({ endpoint: await deadEndpoint(), timeoutMs: 5_000 }, nodeNames(10), 4);
    expect(Object.values(scores)).toEqual(new Array(10).fill(50));
    expect(elapsedMs).toBeLessThan(2_000);
  });

  it('gives the fallback when the service answers with a server error', async () => {
    const server = await startLoadServer({ 'node-0': { status: 503 }, 'node-1': { status: 503 } });
    const { scores } = await scoreCycle({ endpoint: server.url }, nodeNames(2), 1);
    expect(scores).toEqual({ 'node-0': 50, 'node-1': 50 });
    // After the first 503 the service counts as down for the cycle: node-1 is not requested.
    expect(server.requests).toEqual(['node-0']);
  });

  it('asks again in the next cycle', async () => {
    const server = await startLoadServer({ 'node-0': { status: 503 }, 'node-1': 0.3 });
    await scoreCycle({ endpoint: server.url }, ['node-0'], 1);
    const { scores } = await scoreCycle({ endpoint: server.url }, ['node-1'], 1);
    expect(scores).toEqual({ 'node-1': 70 });
  });
});

describe('NodeLoad concurrency and caching', () => {
  // The framework's parallelizer runs min(parallelism, chunks) workers; kube's chunk size for 32 nodes at
  // parallelism 16 is 3, hence 11 chunks and 11 requests at once.
  const bounds: [number, number, number][] = [
    [1, 8, 1],
    [4, 32, 4],
    [16, 32, 11],
    [16, 256, 16],
  ];
  it.each(bounds)('with parallelism %i and %i nodes, holds %i requests at once at most, one per node', async (parallelism, count, expected) => {
    const names = nodeNames(count);
    const server = await startLoadServer(Object.fromEntries(names.map((name, i) => [name, i / count])), 60);
    const { scores } = await scoreCycle({ endpoint: server.url }, names, parallelism);
    expect(server.maxInFlight).toBe(expected);
    expect(server.requests.sort()).toEqual([...names].sort());
    expect(scores[`node-${count / 4}`]).toBe(75);
  });

  it('requests a node once per cycle, however often it is scored', async () => {
    const server = await startLoadServer({ 'node-0': 0.5 });
    const tester = new PluginTester({ plugin, args: { endpoint: server.url }, nodes: [makeNode('node-0')] });
    const first = await tester.score(makePod('web'));
    const nodeInfo = tester.snapshot.get('node-0')!;
    const node = tester.plugin as unknown as { score(state: CycleState, pod: unknown, info: unknown): Promise<number> };
    expect(await node.score(first.state, makePod('web').obj(), nodeInfo)).toBe(50);
    expect(server.requests).toEqual(['node-0']);
    await tester.score(makePod('web'));
    expect(server.requests).toEqual(['node-0', 'node-0']);
  });

  it('never rejects: a LoadCycle reports an unknown load as undefined', async () => {
    const cycle = new LoadCycle(new URL(`${await deadEndpoint()}/`), 1_000);
    expect(await cycle.load('node-0')).toBeUndefined();
    expect(cycle.serviceDown).toBe(true);
  });
});

describe('NodeLoad args', () => {
  const invalid: [string, unknown, string][] = [
    ['a missing endpoint', {}, 'endpoint: must be an http(s) URL'],
    ['an endpoint that is not http(s)', { endpoint: 'ftp://metrics/' }, 'endpoint: must be an http(s) URL'],
    ['a zero timeout', { endpoint: 'http://127.0.0.1:9/', timeoutMs: 0 }, 'timeoutMs: Too small: expected number to be >=1'],
    ['a fallback above 100', { endpoint: 'http://127.0.0.1:9/', fallbackScore: 101 }, 'fallbackScore: Too big: expected number to be <=100'],
  ];
  it.each(invalid)('rejects %s, naming the field', (_what, args, problem) => {
    let error: unknown;
    try {
      new PluginTester({ plugin, args, nodes: [makeNode('node-0')] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`profiles[0].pluginConfig[0].args.${problem}`);
  });
});
