import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DefaultEtcdPrefix, EtcdDsnError, parseEtcdDsn, redactDsn } from './dsn.js';

describe('parseEtcdDsn', () => {
  it('reads endpoints and the prefix', () => {
    expect(parseEtcdDsn('etcd://127.0.0.1:2379,10.0.0.2:2379/team/a/')).toEqual({ endpoints: ['127.0.0.1:2379', '10.0.0.2:2379'], prefix: '/team/a' });
    expect(parseEtcdDsn('etcd://localhost:2379').prefix).toBe(DefaultEtcdPrefix);
  });

  it('reads user and password, and never prints the password', () => {
    const connection = parseEtcdDsn('etcd://root:s%40cret@127.0.0.1:2379/p');
    expect(connection.auth).toEqual({ username: 'root', password: 's@cret' });
    expect(redactDsn('etcd://root:s%40cret@127.0.0.1:2379/p')).toBe('etcd://root:***@127.0.0.1:2379/p');
    let message = '';
    try {
      parseEtcdDsn('etcd://root:hunter2@127.0.0.1/p');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('is not host:port');
    expect(message).not.toContain('hunter2');
  });

  it('turns TLS on for etcds:// and for TLS files, reading them up front', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schedkit-dsn-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA');
    expect(parseEtcdDsn('etcds://127.0.0.1:2379/p').tls).toEqual({});
    expect(parseEtcdDsn('etcd://127.0.0.1:2379/p', { caFile: join(dir, 'ca.pem') }).tls?.ca?.toString()).toBe('CA');
    expect(() => parseEtcdDsn('etcds://127.0.0.1:2379/p', { caFile: join(dir, 'missing.pem') })).toThrow(/--etcd-cafile .*missing.pem: file not found/);
    expect(() => parseEtcdDsn('etcds://127.0.0.1:2379/p', { certFile: join(dir, 'ca.pem') })).toThrow(/go together/);
  });

  it('refuses what is not an etcd DSN', () => {
    expect(() => parseEtcdDsn('mysql://x')).toThrow(EtcdDsnError);
    expect(() => parseEtcdDsn('etcd:///p')).toThrow(/no host:port/);
    expect(() => parseEtcdDsn('etcd://host:99999/p')).toThrow(/not host:port/);
  });
});
