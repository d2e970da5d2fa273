import type { ClientConnection, KubeConnectionTarget } from './client/api-client.js';

/** A `kubernetes:` DSN's parts. */
export interface KubernetesDsn extends KubeConnectionTarget {
  clientConnection: ClientConnection;
}

/** A DSN that cannot be read; the message names the part. */
export class KubernetesDsnError extends Error {
  override name = 'KubernetesDsnError';
}

const known = new Set(['kubeconfig', 'context', 'qps', 'burst']);

/**
 * Reads `kubernetes:` (the pod's service account) or `kubernetes:?kubeconfig=PATH&context=NAME&qps=N&burst=N`
 * (qps and burst as kube's `clientConnection` names them; defaults 50 and 100).
 */
export function parseKubernetesDsn(dsn: string): KubernetesDsn {
  const match = /^kubernetes:(?:\/\/)?(\?.*)?$/i.exec(dsn.trim());
  if (!match) throw new KubernetesDsnError(`"${dsn}" is not a kubernetes DSN: use kubernetes: or kubernetes:?kubeconfig=PATH&context=NAME`);
  const query = new URLSearchParams(match[1] ?? '');
  for (const key of query.keys()) {
    if (!known.has(key)) throw new KubernetesDsnError(`kubernetes DSN: unknown parameter "${key}" (known: ${[...known].join(', ')})`);
  }
  const number = (key: string): number | undefined => {
    const value = query.get(key);
    if (value === null) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new KubernetesDsnError(`kubernetes DSN: ${key} must be a number, not "${value}"`);
    return parsed;
  };
  const qps = number('qps');
  const burst = number('burst');
  const kubeconfig = query.get('kubeconfig');
  const context = query.get('context');
  return {
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(context ? { context } : {}),
    clientConnection: { ...(qps === undefined ? {} : { qps }), ...(burst === undefined ? {} : { burst }) },
  };
}
