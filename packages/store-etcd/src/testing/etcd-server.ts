import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The one line a test prints when it skips for want of etcd. */
export const EtcdMissingMessage =
  '!!! etcd is not installed: the etcd store tests are SKIPPED. Install it with `apt-get install -y etcd-server` (Debian/Ubuntu) or put an etcd 3.4+ binary on PATH (or set SCHEDKIT_ETCD_BIN). !!!';

let reported = false;

/** The etcd binary to run, or undefined when none is installed (then prints {@link EtcdMissingMessage} once). */
export function etcdBinary(): string | undefined {
  const candidate = process.env.SCHEDKIT_ETCD_BIN ?? 'etcd';
  const probe = spawnSync(candidate, ['--version'], { stdio: 'ignore' });
  if (probe.status === 0) return candidate;
  if (!reported) {
    reported = true;
    process.stderr.write(`${EtcdMissingMessage}\n`);
  }
  return undefined;
}

/** TLS settings of a test etcd (PEM file paths). */
export interface EtcdServerTls {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Require client certificates signed by the CA (`--client-cert-auth`). */
  clientCertAuth?: boolean;
}

/** An etcd started for a test: on free loopback ports with a temporary data directory. */
export interface EtcdServer {
  /** `127.0.0.1:port` of the client URL. */
  endpoint: string;
  /** `etcd://127.0.0.1:port` (or `etcds://` with TLS) without a prefix. */
  dsnBase: string;
  dataDir: string;
  process: () => ChildProcess;
  /** Stops etcd with SIGTERM and waits for it to exit (the data directory stays). */
  stop(): Promise<void>;
  /** Starts etcd again on the same ports and data directory. */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: etcd keeps its sockets but answers nothing. */
  pause(): void;
  resume(): void;
  /** Stops etcd and removes the data directory. */
  destroy(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts an etcd for a test; resolves once it serves clients. */
export async function startEtcd(options: { binary?: string; tls?: EtcdServerTls; extraArgs?: string[] } = {}): Promise<EtcdServer> {
  const binary = options.binary ?? etcdBinary();
  if (!binary) throw new Error(EtcdMissingMessage);
  const dataDir = await mkdtemp(join(tmpdir(), 'schedkit-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const tls = options.tls;
  const clientUrl = `${tls ? 'https' : 'http'}://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name',
    'test',
    '--data-dir',
    dataDir,
    '--listen-client-urls',
    clientUrl,
    '--advertise-client-urls',
    clientUrl,
    '--listen-peer-urls',
    peerUrl,
    '--initial-advertise-peer-urls',
    peerUrl,
    '--initial-cluster',
    `test=${peerUrl}`,
    '--logger',
    'zap',
    '--log-level',
    'info',
    ...(tls ? ['--cert-file', tls.certFile, '--key-file', tls.keyFile, '--trusted-ca-file', tls.caFile] : []),
    ...(tls?.clientCertAuth ? ['--client-cert-auth'] : []),
    ...(options.extraArgs ?? []),
  ];
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (log.length < 20_000) log += chunk.toString();
    });
    await waitForPort(clientPort, child, () => log);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGCONT');
    running.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    endpoint: `127.0.0.1:${clientPort}`,
    dsnBase: `${tls ? 'etcds' : 'etcd'}://127.0.0.1:${clientPort}`,
    dataDir,
    process: () => child!,
    stop,
    start,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    destroy: async () => {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  const { connect } = await import('node:net');
  for (;;) {
    if (child.exitCode !== null) throw new Error(`etcd exited with code ${child.exitCode}: ${log().slice(-2000)}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    // The port opens a moment before etcd has elected itself; its log says when it serves.
    if (open && /ready to serve client requests|serving client traffic/i.test(log())) return;
    if (Date.now() > deadline) throw new Error(`etcd did not start on port ${port} within 20 s: ${log().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
