/** A scripted HTTP extender on a loopback port, for tests of extenders and of code that calls them: it records each request and answers as told. */
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** What the scripted extender answers to one call. */
export interface ScriptedAnswer {
  status?: number;
  /** Sent as JSON (a string is sent as is). */
  body?: unknown;
  /** Waits this long before answering. */
  delayMs?: number;
}

/** One request the extender received. */
export interface ReceivedCall {
  verb: string;
  path: string;
  contentType: string | undefined;
  body: unknown;
  /** The body exactly as sent. */
  text: string;
}

/** A running scripted extender. */
export interface ScriptedExtender {
  /** `http(s)://127.0.0.1:<port>/scheduler` */
  urlPrefix: string;
  calls: ReceivedCall[];
  /** Distinct TCP connections seen (keep-alive reuses one). */
  connections(): number;
  close(): Promise<void>;
}

/** Starts an extender under `/scheduler` answering each verb with `answer(verb, body)`. */
export async function startScriptedExtender(
  answer: (verb: string, body: unknown) => ScriptedAnswer | Promise<ScriptedAnswer>,
  tls?: { cert: string | Buffer; key: string | Buffer },
): Promise<ScriptedExtender> {
  const calls: ReceivedCall[] = [];
  let connections = 0;
  const timers = new Set<NodeJS.Timeout>();
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const verb = (req.url ?? '').replace(/^\/scheduler\//, '');
      const body = text === '' ? undefined : JSON.parse(text);
      calls.push({ verb, path: req.url ?? '', contentType: req.headers['content-type'], body, text });
      void new Promise<ScriptedAnswer>((resolve) => resolve(answer(verb, body))).then((reply) => respond(reply), () => respond({ status: 500, body: 'the scripted answer threw' }));
    });
    const respond = (reply: ScriptedAnswer): void => {
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json' });
        res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {}));
      };
      if (reply.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, reply.delayMs);
        timers.add(timer);
      } else send();
    };
  };
  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createHttpServer(handler);
  server.on(tls ? 'secureConnection' : 'connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    urlPrefix: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/scheduler`,
    calls,
    connections: () => connections,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A free loopback port nothing listens on (for refused connections). */
export async function closedPort(): Promise<number> {
  const server = createHttpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
