import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '@schedkit/framework';
import { EtcdClusterStore, parseEtcdDsn } from '@schedkit/store-etcd';
import { cliPath } from '../cli-harness.test-helpers.js';

/** A CLI process a service test runs (serve, agent), with its output kept. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The JSON log lines (pino) on stderr. */
  logs(): Record<string, unknown>[] {
    return this.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async waitForLog(message: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs().find((line) => line.msg === message);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for "${message}" from pid ${this.pid}; stderr:\n${this.stderr.slice(-3000)}`);
      await sleep(50);
    }
  }

  /** The port `serve` listens on (from its log). */
  async port(): Promise<number> {
    const line = await this.waitForLog('serving /metrics, /healthz and /readyz');
    return Number(String(line.address).split(':').pop());
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Runs the CLI to completion. */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = new CliProcess(args, env);
  const code = await run.exited;
  return { code, stdout: run.stdout, stderr: run.stderr };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Writes `count` nodes (`pods` allocatable each) as a v1 List and returns the file. */
export function writeNodes(dir: string, count: number, podsPerNode: number, cpu = '8'): string {
  const items = Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}` } },
    status: { capacity: { cpu, memory: '32Gi', pods: String(podsPerNode) }, allocatable: { cpu, memory: '32Gi', pods: String(podsPerNode) } },
  }));
  const file = join(dir, 'nodes.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  return file;
}

/** Writes pods `first`..`first+count-1` (100m CPU each) as a v1 List and returns the file. */
export function writePods(dir: string, name: string, first: number, count: number): string {
  const items = Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${first + i}`, namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  }));
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  return file;
}

/** A client of the test's etcd, to watch what the processes do. */
export async function observer(dsn: string): Promise<EtcdClusterStore> {
  return EtcdClusterStore.open(parseEtcdDsn(dsn));
}

/**
 * Every write to pods since the start of etcd's history: per pod, the nodes it was bound to, in order (a pod
 * bound once has one entry). Read from etcd's own revision history, not from any scheduler's account.
 */
export async function bindingHistory(store: EtcdClusterStore): Promise<Map<string, string[]>> {
  const prefix = store.keys.of('Pod', '');
  const end = Number((await store.client.get(prefix).exec()).header.revision);
  const history = new Map<string, string[]>();
  const last = new Map<string, string | undefined>();
  const watcher = await store.client.watch().prefix(prefix).startRevision('1').create();
  await new Promise<void>((resolve) => {
    watcher.on('data', (response) => {
      for (const event of response.events) {
        const key = event.kv.key.toString().slice(prefix.length);
        const node = event.type === 'Put' ? ((JSON.parse(event.kv.value.toString()) as Pod).spec.nodeName ?? undefined) : undefined;
        if (node !== undefined && last.get(key) !== node) history.set(key, [...(history.get(key) ?? []), node]);
        if (event.type === 'Delete') history.set(key, [...(history.get(key) ?? []), '<deleted>']);
        last.set(key, node);
      }
      if (Number(response.header.revision) >= end) resolve();
    });
  });
  await watcher.cancel();
  return history;
}

/** The leader key's history: one entry per create (who) and delete, in revision order. */
export async function leaseHistory(store: EtcdClusterStore, name: string): Promise<{ type: 'acquired' | 'released'; holder: string; revision: number }[]> {
  const key = store.keys.lease(name);
  const end = Number((await store.client.get(key).exec()).header.revision);
  const out: { type: 'acquired' | 'released'; holder: string; revision: number }[] = [];
  const watcher = await store.client.watch().key(key).withPreviousKV().startRevision('1').create();
  await new Promise<void>((resolve) => {
    const check = (revision: number): void => {
      if (revision >= end) resolve();
    };
    watcher.on('data', (response) => {
      for (const event of response.events) {
        const revision = Number(event.kv.mod_revision);
        if (event.type === 'Put' && event.kv.version === '1') out.push({ type: 'acquired', holder: event.kv.value.toString(), revision });
        if (event.type === 'Delete') out.push({ type: 'released', holder: event.prev_kv?.value.toString() ?? '', revision });
      }
      check(Number(response.header.revision));
    });
    // A watch from revision 1 of a key with no events after `end` sends nothing more: progress notifications end it.
    setTimeout(resolve, 3000);
  });
  await watcher.cancel();
  return out;
}
