import { readFileSync } from 'node:fs';

/** Where an etcd store connects and how it authenticates, as parsed from a DSN and flags. */
export interface EtcdConnection {
  /** `host:port` endpoints (one client balances over them). */
  endpoints: string[];
  /** The key prefix every object lives under (no trailing slash), e.g. `/schedkit`. */
  prefix: string;
  /** TLS: on for `etcds://` or when a CA file is given. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** etcd's username/password authentication. */
  auth?: { username: string; password: string };
}

/** TLS files as kube-apiserver names its flags (`--etcd-cafile`, `--etcd-certfile`, `--etcd-keyfile`). */
export interface EtcdTlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** The prefix when a DSN names none. */
export const DefaultEtcdPrefix = '/schedkit';

/** A DSN that cannot be used; the message never carries the password. */
export class EtcdDsnError extends Error {
  override name = 'EtcdDsnError';
}

/**
 * Parses `etcd://[user:password@]host:port[,host:port]/prefix` (or `etcds://` for TLS). TLS files, when given,
 * turn TLS on and are read here, so a missing file is reported before any connection is tried.
 * @throws EtcdDsnError naming the part that is wrong (with the password masked).
 */
export function parseEtcdDsn(dsn: string, files: EtcdTlsFiles = {}): EtcdConnection {
  const match = /^(etcds?):\/\/(?:([^@/]*)@)?([^/]*)(\/.*)?$/.exec(dsn);
  if (!match) throw new EtcdDsnError(`store DSN "${redactDsn(dsn)}": expected etcd://host:port[,host:port]/prefix or etcds://…`);
  const [, scheme, userInfo, hostList, path] = match;
  const endpoints = hostList!.split(',').filter((h) => h !== '');
  if (endpoints.length === 0) throw new EtcdDsnError(`store DSN "${redactDsn(dsn)}": no host:port given`);
  for (const endpoint of endpoints) {
    const port = /^(?:\[[0-9a-fA-F:]+\]|[^:[\]]+):(\d{1,5})$/.exec(endpoint)?.[1];
    if (!port || Number(port) < 1 || Number(port) > 65_535) throw new EtcdDsnError(`store DSN "${redactDsn(dsn)}": "${endpoint}" is not host:port`);
  }
  const prefix = (path ?? '').replace(/\/+$/, '') || DefaultEtcdPrefix;
  const connection: EtcdConnection = { endpoints, prefix };
  if (userInfo !== undefined) {
    const colon = userInfo.indexOf(':');
    const username = decodeURIComponent(colon < 0 ? userInfo : userInfo.slice(0, colon));
    if (username === '') throw new EtcdDsnError(`store DSN "${redactDsn(dsn)}": the user name is empty`);
    connection.auth = { username, password: colon < 0 ? '' : decodeURIComponent(userInfo.slice(colon + 1)) };
  }
  if (scheme === 'etcds' || files.caFile || files.certFile || files.keyFile) {
    if (Boolean(files.certFile) !== Boolean(files.keyFile)) throw new EtcdDsnError('--etcd-certfile and --etcd-keyfile go together: give both or neither');
    connection.tls = {
      ...(files.caFile ? { ca: readTlsFile('--etcd-cafile', files.caFile) } : {}),
      ...(files.certFile ? { cert: readTlsFile('--etcd-certfile', files.certFile) } : {}),
      ...(files.keyFile ? { key: readTlsFile('--etcd-keyfile', files.keyFile) } : {}),
    };
  }
  return connection;
}

/** The DSN with any password replaced by `***`: the only form of a DSN that may be printed. */
export function redactDsn(dsn: string): string {
  return dsn.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}

function readTlsFile(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new EtcdDsnError(`${flag} ${file}: ${code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
  }
}
