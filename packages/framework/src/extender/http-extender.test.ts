import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExtenderConfig } from '../config/extenders.js';
import type { Node, Pod } from '../model/types.js';
import { NodeInfo } from '../node-info/node-info.js';
import { Snapshot } from '../node-info/snapshot.js';
import { HTTPExtender } from './http-extender.js';
import { closedPort, type ScriptedAnswer, type ScriptedExtender, startScriptedExtender } from '../testing/scripted-extender.js';

const golden = (name: string): string => readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8');
const objects = JSON.parse(golden('objects.json')) as { pod: Pod; nodes: Node[]; victim: Pod };
const pod = objects.pod;
const nodeInfos = objects.nodes.map((node) => new NodeInfo(node));
const minified = (name: string): string => JSON.stringify(JSON.parse(golden(name)));

function config(urlPrefix: string, overrides: Partial<ExtenderConfig> = {}): ExtenderConfig {
  return {
    urlPrefix,
    filterVerb: 'filter',
    preemptVerb: 'preempt',
    prioritizeVerb: 'prioritize',
    bindVerb: 'bind',
    weight: 1,
    enableHTTPS: false,
    httpTimeoutMs: 2000,
    nodeCacheCapable: false,
    managedResources: [],
    ignorable: false,
    ...overrides,
  };
}

const running: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const item of running.splice(0)) await item.close();
});

async function serve(answer: (verb: string, body: unknown) => ScriptedAnswer, tls?: { cert: string; key: string }): Promise<ScriptedExtender> {
  const server = await startScriptedExtender(answer, tls);
  running.push(server);
  return server;
}

function client(extenderConfig: ExtenderConfig): HTTPExtender {
  const extender = new HTTPExtender(extenderConfig);
  running.push(extender);
  return extender;
}

describe('HTTPExtender: the JSON kube sends (golden files)', () => {
  it('filter with full nodes, and with node names when nodeCacheCapable', async () => {
    const server = await serve(() => ({ body: { NodeNames: ['gpu-1'], Nodes: { items: [objects.nodes[0]] } } }));
    await client(config(server.urlPrefix)).filter(pod, nodeInfos);
    await client(config(server.urlPrefix, { nodeCacheCapable: true })).filter(pod, nodeInfos);
    expect(server.calls.map((c) => [c.path, c.contentType])).toEqual([
      ['/scheduler/filter', 'application/json'],
      ['/scheduler/filter', 'application/json'],
    ]);
    expect(server.calls[0]!.text).toBe(minified('filter-args.json'));
    expect(server.calls[1]!.text).toBe(minified('filter-args-node-cache.json'));
  });

  it('prioritize, bind and preempt (full victims, and victims by UID when nodeCacheCapable)', async () => {
    const server = await serve((verb) => {
      if (verb === 'prioritize') return { body: [{ Host: 'gpu-1', Score: 10 }] };
      if (verb === 'bind') return { body: { Error: '' } };
      return { body: { NodeNameToMetaVictims: { 'gpu-1': { Pods: [{ UID: objects.victim.metadata.uid }], NumPDBViolations: 0 } } } };
    });
    const snapshot = Snapshot.from(objects.nodes, [objects.victim]);
    const victims = new Map([['gpu-1', { pods: [objects.victim], numPDBViolations: 0 }]]);
    const full = client(config(`${server.urlPrefix}/`));
    await full.prioritize(pod, nodeInfos);
    await full.bind({ podName: 'trainer', podNamespace: 'ml', podUID: pod.metadata.uid!, node: 'gpu-1' });
    const answer = await full.processPreemption(pod, victims, snapshot);
    await client(config(server.urlPrefix, { nodeCacheCapable: true })).processPreemption(pod, victims, snapshot);
    expect(server.calls.map((c) => c.path)).toEqual(['/scheduler/prioritize', '/scheduler/bind', '/scheduler/preempt', '/scheduler/preempt']);
    expect(server.calls[0]!.text).toBe(minified('prioritize-args.json'));
    expect(server.calls[1]!.text).toBe(minified('bind-args.json'));
    expect(server.calls[2]!.text).toBe(minified('preempt-args.json'));
    expect(server.calls[3]!.text).toBe(minified('preempt-args-node-cache.json'));
    expect(answer.get('gpu-1')?.pods.map((p) => p.metadata.name)).toEqual(['batch']);
  });
});

describe('HTTPExtender: reading answers as Go does', () => {
  it('matches field names exactly or ignoring case, and uses NodeNames only when nodeCacheCapable', async () => {
    const server = await serve(() => ({
      body: { nodenames: ['gpu-2'], nodes: { items: [{ metadata: { name: 'gpu-1' } }] }, failedNodes: { 'gpu-2': 'no free accelerator' } },
    }));
    const byList = await client(config(server.urlPrefix)).filter(pod, nodeInfos);
    expect(byList.feasible.map((n) => n.name)).toEqual(['gpu-1']);
    expect([...byList.failed]).toEqual([['gpu-2', 'no free accelerator']]);
    const byName = await client(config(server.urlPrefix, { nodeCacheCapable: true })).filter(pod, nodeInfos);
    expect(byName.feasible.map((n) => n.name)).toEqual(['gpu-2']);
  });

  it('reads lowercase host/score and rejects a fractional score', async () => {
    let body: unknown = [{ host: 'gpu-1', score: 7 }];
    const server = await serve(() => ({ body }));
    const extender = client(config(server.urlPrefix));
    expect(await extender.prioritize(pod, nodeInfos)).toEqual([{ host: 'gpu-1', score: 7 }]);
    body = [{ Host: 'gpu-1', Score: 7.5 }];
    await expect(extender.prioritize(pod, nodeInfos)).rejects.toThrow(
      `extender "${server.urlPrefix}" prioritize: cannot decode the answer: HostPriorityList[0].Score: expected an integer, got number 7.5`,
    );
  });

  it('fails on an Error field, a node not sent, a non-200 answer and a victim not on its node', async () => {
    let reply: ScriptedAnswer = { body: { Error: 'quota service down' } };
    const server = await serve(() => reply);
    const extender = client(config(server.urlPrefix, { nodeCacheCapable: true }));
    const name = JSON.stringify(server.urlPrefix);
    await expect(extender.filter(pod, nodeInfos)).rejects.toThrow(`extender ${name} filter: quota service down`);
    reply = { body: { NodeNames: ['gpu-9'] } };
    await expect(extender.filter(pod, nodeInfos)).rejects.toThrow(`extender ${name} filter: claims a filtered node "gpu-9" which is not found in the input node list`);
    reply = { status: 500, body: 'boom' };
    await expect(extender.filter(pod, nodeInfos)).rejects.toThrow(`extender ${name} filter: failed filter with extender at URL ${server.urlPrefix}/filter, code 500`);
    reply = { body: { NodeNameToMetaVictims: { 'gpu-1': { Pods: [{ UID: 'nope' }] } } } };
    await expect(extender.processPreemption(pod, new Map(), Snapshot.from(objects.nodes, []))).rejects.toThrow(
      `extender ${name} preempt: claims to preempt pod (UID: nope) on node: gpu-1, but the pod is not found on that node`,
    );
    reply = { body: { Error: 'node gone' } };
    await expect(extender.bind({ podName: 'p', podNamespace: 'ml', podUID: 'u', node: 'gpu-1' })).rejects.toThrow(`extender ${name} bind: node gone`);
  });
});

describe('HTTPExtender: transport', () => {
  it('reuses one keep-alive connection across calls', async () => {
    const server = await serve(() => ({ body: [] }));
    const extender = client(config(server.urlPrefix));
    for (let i = 0; i < 5; i++) await extender.prioritize(pod, nodeInfos);
    expect(server.calls).toHaveLength(5);
    expect(server.connections()).toBe(1);
  });

  it('gives up after httpTimeout, names a refused connection, and is cancelled by its signal', async () => {
    const server = await serve(() => ({ body: [], delayMs: 5_000 }));
    const slow = client(config(server.urlPrefix, { httpTimeoutMs: 100 }));
    await expect(slow.prioritize(pod, nodeInfos)).rejects.toThrow(`extender "${server.urlPrefix}" prioritize: timed out after 100 ms (httpTimeout)`);
    const controller = new AbortController();
    const pending = client(config(server.urlPrefix)).prioritize(pod, nodeInfos, controller.signal);
    setTimeout(() => controller.abort(new Error('cycle over')), 20);
    await expect(pending).rejects.toThrow('prioritize: cancelled: the scheduling cycle ended');
    const port = await closedPort();
    await expect(client(config(`http://127.0.0.1:${port}`)).filter(pod, nodeInfos)).rejects.toThrow(
      `extender "http://127.0.0.1:${port}" filter: cannot connect to http://127.0.0.1:${port}/filter: connection refused`,
    );
  });
});

/** A self-signed certificate for 127.0.0.1, made with openssl; undefined (and one loud line) without openssl. */
function selfSigned(): { cert: string; key: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'schedkit-extender-tls-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=extender.test', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:extender.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } catch {
    console.warn('SKIPPED extender TLS tests: openssl is not installed (apt-get install -y openssl)');
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tls = selfSigned();

describe.skipIf(!tls)('HTTPExtender: TLS with a self-signed certificate', () => {
  it('verifies the server against caData, rejects it without, and skips verification with enableHTTPS and no CA (kube)', async () => {
    const server = await serve(() => ({ body: [] }), tls);
    const caData = Buffer.from(tls!.cert);
    await expect(client(config(server.urlPrefix, { enableHTTPS: true, tlsConfig: { insecure: false, caData } })).prioritize(pod, nodeInfos)).resolves.toEqual([]);
    await expect(client(config(server.urlPrefix)).prioritize(pod, nodeInfos)).rejects.toThrow(/self-signed certificate/);
    await expect(client(config(server.urlPrefix, { enableHTTPS: true })).prioritize(pod, nodeInfos)).resolves.toEqual([]);
    await expect(
      client(config(server.urlPrefix, { enableHTTPS: true, tlsConfig: { insecure: false, caData, serverName: 'other.test' } })).prioritize(pod, nodeInfos),
    ).rejects.toThrow(/other\.test/);
    await expect(
      client(config(server.urlPrefix, { enableHTTPS: true, tlsConfig: { insecure: false, caData, serverName: 'extender.test' } })).prioritize(pod, nodeInfos),
    ).resolves.toEqual([]);
    expect(server.calls.length).toBe(3);
  });
});
