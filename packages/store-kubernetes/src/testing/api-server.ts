import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KubeApiClient } from '../client/api-client.js';
import { clusterRoleManifest } from '../rbac.js';
import { controlPlaneBinaries } from './assets.js';

/** A user of the test control plane: a bearer token and a kubeconfig file for it. */
export interface TestUser {
  name: string;
  token: string;
  kubeconfig: string;
  /** A client for this user (closed by `stop`). */
  client(): KubeApiClient;
}

/** A throwaway kube-apiserver on its own etcd, on loopback. */
export interface TestApiServer {
  url: string;
  /** `system:masters`: for feeding objects and granting rights, never for the code under test. */
  admin: TestUser;
  /**
   * `schedkit-scheduler`, a plain authenticated user bound to exactly the package's ClusterRole: the code under
   * test runs as it, so a right the manifest lacks fails the test.
   */
  scheduler: TestUser;
  /** A user with no rights but those `grant` gives. */
  user(name: string): TestUser;
  /** Binds `user` to a new ClusterRole with `rules` (tests that need more than the scheduler's rights). */
  grant(user: string, rules: object[]): Promise<void>;
  /** The etcd client URL (tests compact it). */
  etcdUrl: string;
  /** Compacts etcd's history up to now (a watch resuming from before gets 410 Gone). */
  compactEtcd(): Promise<void>;
  /** Stops kube-apiserver and starts it again on the same etcd and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Extra kube-apiserver flags, e.g. `--watch-cache=false`. */
export interface ApiServerOptions {
  extraFlags?: string[];
}

/**
 * Starts etcd and kube-apiserver (from {@link controlPlaneBinaries}) in a temporary folder on free loopback ports,
 * with token authentication and RBAC, and installs the package's ClusterRole bound to the `schedkit-scheduler`
 * user. Throws when the binaries are missing (test files check `controlPlaneBinaries()` first and skip).
 */
export async function startApiServer(options: ApiServerOptions = {}): Promise<TestApiServer> {
  const binaries = controlPlaneBinaries();
  if (!binaries) throw new Error('kube-apiserver and etcd are not available');
  const dir = mkdtempSync(join(tmpdir(), 'schedkit-kube-'));
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const children: ChildProcess[] = [];
  const etcd = spawn(
    binaries.etcd,
    [
      '--name=t',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=t=http://127.0.0.1:${peerPort}`,
      '--unsafe-no-fsync',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(etcd);
  const etcdLog: string[] = [];
  etcd.stderr?.on('data', (chunk: Buffer) => etcdLog.push(chunk.toString()));

  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const tokens = new Map<string, string>();
  const tokenLines: string[] = [];
  const addToken = (name: string, groups: string): string => {
    const token = randomBytes(16).toString('hex');
    tokens.set(name, token);
    tokenLines.push(`${token},${name},${name}-uid,${groups}`);
    return token;
  };
  addToken('admin', 'system:masters');
  addToken('schedkit-scheduler', '');
  for (let i = 0; i < 8; i++) addToken(`user-${i}`, '');
  writeFileSync(join(dir, 'tokens.csv'), `${tokenLines.join('\n')}\n`);

  const url = `https://127.0.0.1:${apiPort}`;
  let apiServer: ChildProcess | undefined;
  const apiLog: string[] = [];
  const startApi = async (): Promise<void> => {
    const child = spawn(
      binaries.kubeApiServer,
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--cert-dir=${join(dir, 'certs')}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${join(dir, 'sa.pub')}`,
        `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
        `--token-auth-file=${join(dir, 'tokens.csv')}`,
        '--authorization-mode=RBAC',
        '--service-cluster-ip-range=10.0.0.0/24',
        '--endpoint-reconciler-type=none',
        '--disable-admission-plugins=ServiceAccount,TaintNodesByCondition',
        ...(options.extraFlags ?? []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      apiLog.push(chunk.toString());
      if (apiLog.length > 200) apiLog.shift();
    });
    apiServer = child;
    children.push(child);
    await waitReady(url, tokens.get('admin')!, child, apiLog);
  };
  await startApi();

  const clients: KubeApiClient[] = [];
  const userOf = (name: string): TestUser => {
    const token = tokens.get(name);
    if (!token) throw new Error(`no test user ${name}`);
    const kubeconfig = join(dir, `${name}.kubeconfig`);
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: test, cluster: {server: "${url}", certificate-authority: "${join(dir, 'certs', 'apiserver.crt')}"}}]`,
        `users: [{name: ${name}, user: {token: "${token}"}}]`,
        `contexts: [{name: test, context: {cluster: test, user: ${name}}}]`,
        'current-context: test',
        '',
      ].join('\n'),
    );
    return {
      name,
      token,
      kubeconfig,
      client: () => {
        const client = KubeApiClient.connect({ kubeconfig }, { qps: 0 });
        clients.push(client);
        return client;
      },
    };
  };
  const admin = userOf('admin');
  const adminClient = admin.client();
  const applyManifest = async (text: string): Promise<void> => {
    for (const doc of parseAllDocuments(text)) {
      const object = doc.toJS() as { kind: string; metadata: { name: string } };
      const plural = object.kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings';
      await adminClient.call({ method: 'POST', path: `/apis/rbac.authorization.k8s.io/v1/${plural}`, body: object }, `creating ${object.kind} ${object.metadata.name}`);
    }
  };
  const binding = (user: string, role: string): string =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: ${role}-${user}}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${role}}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: ${user}}]\n`;
  await applyManifest(clusterRoleManifest());
  await applyManifest(binding('schedkit-scheduler', 'schedkit'));
  let grants = 0;

  const etcdCall = async (path: string, body: object): Promise<Record<string, unknown>> => {
    const response = await fetch(`${etcdUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
    return (await response.json()) as Record<string, unknown>;
  };

  return {
    url,
    admin,
    scheduler: userOf('schedkit-scheduler'),
    user: userOf,
    etcdUrl,
    grant: async (user, rules) => {
      const name = `test-grant-${++grants}`;
      await adminClient.call(
        { method: 'POST', path: '/apis/rbac.authorization.k8s.io/v1/clusterroles', body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules } },
        `creating ClusterRole ${name}`,
      );
      await applyManifest(binding(user, name));
    },
    compactEtcd: async () => {
      const range = await etcdCall('/v3/kv/range', { key: Buffer.from('/').toString('base64') });
      const revision = (range.header as { revision: string }).revision;
      await etcdCall('/v3/kv/compaction', { revision, physical: true });
    },
    restart: async () => {
      const old = apiServer;
      if (old) await kill(old);
      await startApi();
    },
    stop: async () => {
      for (const client of clients) client.close();
      for (const child of children.reverse()) await kill(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(url: string, token: string, child: ChildProcess, log: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  const client = { url: `${url}/readyz`, token };
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`kube-apiserver exited while starting:\n${log.join('').slice(-2000)}`);
    try {
      const body = await insecureGet(client.url, client.token);
      if (body === 'ok') return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`kube-apiserver did not become ready in 60 s:\n${log.join('').slice(-2000)}`);
}

async function insecureGet(url: string, token: string): Promise<string> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Authorization: `Bearer ${token}` }, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
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
