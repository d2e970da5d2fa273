/** Binds through the Kubernetes API, as kube-scheduler's DefaultBinder does: `POST .../pods/<name>/binding`. */
import { request } from 'node:https';
import { request as plainRequest } from 'node:http';
import type { ExtenderBindingArgs } from '@schedkit/framework';

/** Where the API server is and how to authenticate. */
export interface KubernetesApi {
  /** e.g. `https://10.96.0.1:443` */
  server: string;
  /** A bearer token (a service account's). */
  token?: string;
  /** PEM roots for the server's certificate (default: the system's). */
  ca?: string | Buffer;
}

/** A `bind` for {@link createBinderExtender} that creates a v1 Binding for the pod. */
export function kubernetesBinder(api: KubernetesApi): (binding: ExtenderBindingArgs) => Promise<void> {
  return (binding) => {
    const url = new URL(`/api/v1/namespaces/${encodeURIComponent(binding.PodNamespace)}/pods/${encodeURIComponent(binding.PodName)}/binding`, api.server);
    const body = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: binding.PodName, namespace: binding.PodNamespace, uid: binding.PodUID },
      target: { apiVersion: 'v1', kind: 'Node', name: binding.Node },
    });
    const headers: Record<string, string | number> = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
    if (api.token) headers.Authorization = `Bearer ${api.token}`;
    return new Promise<void>((resolve, reject) => {
      const send = url.protocol === 'https:' ? request : plainRequest;
      const req = send(url, { method: 'POST', headers, ...(api.ca ? { ca: api.ca } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          if (res.statusCode === 201 || res.statusCode === 200) resolve();
          else reject(new Error(`binding ${binding.PodNamespace}/${binding.PodName} to ${binding.Node}: the API server answered ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`));
        });
      });
      req.on('error', (error) => reject(new Error(`binding ${binding.PodNamespace}/${binding.PodName}: ${error.message}`)));
      req.end(body);
    });
  };
}
