import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreUnavailableError } from '@schedkit/framework';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEtcdDsn } from './dsn.js';
import { EtcdClusterStore } from './etcd-store.js';
import { type EtcdServer, etcdBinary, startEtcd } from './testing/etcd-server.js';

const available = etcdBinary() !== undefined;

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl; and a second, foreign CA. */
function makeCertificates(dir: string): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey' | 'otherCa', string> {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ca = (name: string) => run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`);
  ca('ca');
  ca('other-ca');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, ext] of [
    ['server', 'server.ext'],
    ['client', 'client.ext'],
  ] as const) {
    run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', `${name}.pem`);
  }
  const at = (file: string) => join(dir, file);
  return { ca: at('ca.pem'), serverCert: at('server.pem'), serverKey: at('server.key'), clientCert: at('client.pem'), clientKey: at('client.key'), otherCa: at('other-ca.pem') };
}

describe.skipIf(!available)('EtcdClusterStore over TLS with client certificates', () => {
  let etcd: EtcdServer;
  let dir: string;
  let certs: ReturnType<typeof makeCertificates>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'schedkit-etcd-tls-'));
    certs = makeCertificates(dir);
    etcd = await startEtcd({ tls: { caFile: certs.ca, certFile: certs.serverCert, keyFile: certs.serverKey, clientCertAuth: true } });
  });
  afterAll(async () => {
    await etcd?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects with the CA and a client certificate', async () => {
    const store = await EtcdClusterStore.open(parseEtcdDsn(`${etcd.dsnBase}/tls`, { caFile: certs.ca, certFile: certs.clientCert, keyFile: certs.clientKey }));
    try {
      await store.create('Node', { metadata: { name: 'secure' } });
    } finally {
      await store.close();
    }
  });

  it('refuses a client without a certificate, or one trusting another CA, with a clear error', async () => {
    const open = (files: Parameters<typeof parseEtcdDsn>[1]) => EtcdClusterStore.open(parseEtcdDsn(`${etcd.dsnBase}/tls`, files), { callTimeoutMs: 3000 });
    await expect(open({ caFile: certs.ca })).rejects.toThrow(StoreUnavailableError);
    await expect(open({ caFile: certs.ca })).rejects.toThrow(/listing \/tls\/: etcd 127\.0\.0\.1:\d+\/tls: /);
    await expect(open({ caFile: certs.otherCa, certFile: certs.clientCert, keyFile: certs.clientKey })).rejects.toThrow(StoreUnavailableError);
  });
});

describe.skipIf(!available)('EtcdClusterStore with etcd user/password authentication', () => {
  let etcd: EtcdServer;
  beforeAll(async () => {
    etcd = await startEtcd();
    const admin = await EtcdClusterStore.open(parseEtcdDsn(`${etcd.dsnBase}/setup`));
    try {
      const root = await admin.client.user('root').create('root-secret');
      await root.addRole('root');
      await admin.client.auth.authEnable({});
    } finally {
      await admin.close();
    }
  });
  afterAll(async () => {
    await etcd?.destroy();
  });

  it('writes with the right password; the wrong one is refused without printing it', async () => {
    const store = await EtcdClusterStore.open(parseEtcdDsn(`etcd://root:root-secret@${etcd.endpoint}/auth`));
    await store.create('Node', { metadata: { name: 'n' } });
    await store.close();
    const refused = await EtcdClusterStore.open(parseEtcdDsn(`etcd://root:wrong-pass@${etcd.endpoint}/auth`), { callTimeoutMs: 3000 }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect(refused?.message).not.toContain('wrong-pass');
  });
});
