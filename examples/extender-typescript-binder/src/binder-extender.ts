/**
 * A bind extender: kube-scheduler (or schedkit) hands it the pods it manages once it has chosen their node, and the
 * extender binds them. It answers kube's protocol (ExtenderBindingArgs in, ExtenderBindingResult out) on
 * `POST <prefix>/bind`; how the binding is made is the `bind` function's business (the Kubernetes API in
 * production, see kubernetes-binder.ts; a store in tests).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ExtenderBindingArgs, ExtenderBindingResult } from '@schedkit/framework';

/** How a {@link createBinderExtender} server works. */
export interface BinderExtenderOptions {
  /** Makes the binding; a rejection is answered as the result's `Error`, which fails the pod's binding cycle. */
  bind(binding: ExtenderBindingArgs): Promise<void>;
  /** The path prefix the verbs live under (default `/scheduler`, as in the README's urlPrefix). */
  prefix?: string;
  /** Called after each binding attempt (logging, metrics). */
  onBinding?(binding: ExtenderBindingArgs, error: Error | undefined): void;
}

/** An HTTP server answering `POST <prefix>/bind` (keep-alive, JSON). Listen on it yourself. */
export function createBinderExtender(options: BinderExtenderOptions): Server {
  const prefix = (options.prefix ?? '/scheduler').replace(/\/+$/, '');
  return createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== `${prefix}/bind`) {
      answer(res, 404, { Error: `no such verb: ${req.method} ${req.url}` });
      return;
    }
    readJson(req).then(
      async (body) => {
        const binding = bindingArgs(body);
        if (typeof binding === 'string') {
          answer(res, 400, { Error: binding });
          return;
        }
        let failure: Error | undefined;
        try {
          await options.bind(binding);
        } catch (error) {
          failure = error instanceof Error ? error : new Error(String(error));
        }
        options.onBinding?.(binding, failure);
        const result: ExtenderBindingResult = { Error: failure ? failure.message : '' };
        answer(res, 200, result);
      },
      (error: Error) => answer(res, 400, { Error: `the request is not JSON: ${error.message}` }),
    );
  });
}

/** The binding of a request body, or what is wrong with it. Keys are read as Go reads them: exactly, else ignoring case. */
export function bindingArgs(body: unknown): ExtenderBindingArgs | string {
  if (typeof body !== 'object' || body === null) return 'expected ExtenderBindingArgs, an object';
  const record = body as Record<string, unknown>;
  const field = (name: string): unknown => record[name] ?? Object.entries(record).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  const args = { PodName: field('PodName'), PodNamespace: field('PodNamespace'), PodUID: field('PodUID'), Node: field('Node') };
  for (const [name, value] of Object.entries(args)) if (typeof value !== 'string') return `${name}: expected a string`;
  if (args.PodName === '' || args.Node === '') return 'PodName and Node must not be empty';
  return args as ExtenderBindingArgs;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
  });
}

function answer(res: ServerResponse, status: number, body: ExtenderBindingResult): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}
