#!/usr/bin/env node
/**
 * Runs the bind extender against the cluster it runs in: the API server and token come from the pod's service
 * account (KUBERNETES_SERVICE_HOST/PORT, /var/run/secrets/kubernetes.io/serviceaccount), or from --api-server and
 * --token-file.
 *
 *   binder-extender --port 8890 [--api-server https://host:6443 --token-file token --ca-file ca.crt]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createBinderExtender } from './binder-extender.js';
import { kubernetesBinder } from './kubernetes-binder.js';

const serviceAccount = '/var/run/secrets/kubernetes.io/serviceaccount';

function main(): number {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: { port: { type: 'string', default: '8890' }, host: { type: 'string', default: '0.0.0.0' }, 'api-server': { type: 'string' }, 'token-file': { type: 'string' }, 'ca-file': { type: 'string' } },
    }));
  } catch (error) {
    console.error(`binder-extender: ${(error as Error).message}`);
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`binder-extender: --port ${values.port}: expected a port number`);
    return 2;
  }
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const server = values['api-server'] ?? (host ? `https://${host}:${process.env.KUBERNETES_SERVICE_PORT ?? '443'}` : undefined);
  if (!server) {
    console.error('binder-extender: --api-server is required outside a cluster');
    return 2;
  }
  const read = (file: string | undefined, fallback: string): string | undefined => {
    try {
      return readFileSync(file ?? fallback, 'utf8').trim();
    } catch (error) {
      if (file) throw new Error(`cannot read ${file}: ${(error as Error).message}`);
      return undefined;
    }
  };
  let token: string | undefined;
  let ca: string | undefined;
  try {
    token = read(values['token-file'], `${serviceAccount}/token`);
    ca = read(values['ca-file'], `${serviceAccount}/ca.crt`);
  } catch (error) {
    console.error(`binder-extender: ${(error as Error).message}`);
    return 2;
  }
  const extender = createBinderExtender({
    bind: kubernetesBinder({ server, ...(token ? { token } : {}), ...(ca ? { ca } : {}) }),
    onBinding: (b, error) => console.log(error ? `bind ${b.PodNamespace}/${b.PodName} -> ${b.Node} failed: ${error.message}` : `bound ${b.PodNamespace}/${b.PodName} -> ${b.Node}`),
  });
  extender.on('error', (error) => {
    console.error(`binder-extender: ${error.message}`);
    process.exitCode = 1;
  });
  extender.listen(port, values.host, () => console.log(`listening on http://${values.host}:${port}/scheduler (bind)`));
  return 0;
}

process.exitCode = main();
