import { StoreUnavailableError } from '@schedkit/framework';
import type { Command } from 'commander';
import { openStore, type OpenedStore, storeDsn } from './store-dsn.js';

/** Adds `--store` and kube-apiserver's etcd TLS flags to a command. */
export function addStoreOptions(command: Command): Command {
  return command
    .option('--store <dsn>', 'the cluster store: memory: (default), etcd://host:port[,host:port]/prefix, etcds://…, kubernetes: (in-cluster) or kubernetes:?kubeconfig=PATH&context=NAME (default: $SCHEDKIT_STORE, else memory:)')
    .option('--etcd-cafile <file>', 'CA certificate to verify etcd with (turns TLS on)')
    .option('--etcd-certfile <file>', 'client certificate for etcd')
    .option('--etcd-keyfile <file>', 'key of the client certificate for etcd');
}

/**
 * Opens the store the parsed options name. A service (`retryForMs` set) waits that long for an unreachable store
 * to come up, as kube-scheduler waits for its API server; a one-shot command fails at once.
 */
export async function openStoreFromOptions(raw: Record<string, unknown>, retryForMs = 0, onRetry?: (error: Error) => void, schedulerNames?: readonly string[]): Promise<OpenedStore> {
  const deadline = Date.now() + retryForMs;
  for (;;) {
    try {
      return await openOnce(raw, schedulerNames);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || Date.now() >= deadline) throw error;
      onRetry?.(error);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function openOnce(raw: Record<string, unknown>, schedulerNames?: readonly string[]): Promise<OpenedStore> {
  const tls = {
    ...(raw.etcdCafile ? { caFile: raw.etcdCafile as string } : {}),
    ...(raw.etcdCertfile ? { certFile: raw.etcdCertfile as string } : {}),
    ...(raw.etcdKeyfile ? { keyFile: raw.etcdKeyfile as string } : {}),
  };
  return openStore(storeDsn(raw.store as string | undefined), { tls, ...(schedulerNames ? { schedulerNames } : {}) });
}
