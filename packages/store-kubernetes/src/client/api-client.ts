import { Agent, type RequestOptions, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { AlreadyExistsError, ConflictError, NotFoundError, StoreError, StoreUnavailableError } from '@schedkit/framework';
import { TokenBucket } from './rate-limiter.js';

/** How a client talks to the API server: kube's `clientConnection` settings. */
export interface ClientConnection {
  /** Requests per second (kube-scheduler's default 50; 0 or less: unlimited). */
  qps?: number;
  /** Requests allowed above `qps` in a burst (default 100). */
  burst?: number;
  /** Concurrent connections to the API server (default 64). */
  maxSockets?: number;
  /** The User-Agent header (default `schedkit`). */
  userAgent?: string;
}

/** Where the client connects: a kubeconfig file and context, or the pod's service account. */
export interface KubeConnectionTarget {
  /** A kubeconfig file; without it, the in-cluster service account (or `$KUBECONFIG`, `~/.kube/config`). */
  kubeconfig?: string;
  /** The kubeconfig context to use (default: its current context). */
  context?: string;
}

/** An answer of the API server. */
export interface ApiResponse<T> {
  status: number;
  body: T;
}

/** A `metav1.Status` as the API server sends it for a failure. */
export interface ApiStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
}

/** A request: path (with query), method, JSON body and its content type (patches). */
export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  contentType?: string;
}

/** How often the credentials are read again (a projected service account token rotates). */
const credentialRefreshMs = 60_000;

/**
 * A small HTTPS client for the Kubernetes API: the credentials and server of a kubeconfig (loaded by
 * `@kubernetes/client-node`), kube's client-side rate limit (QPS and burst), keep-alive connections, JSON in and
 * out, and a count of requests by verb (the benchmark reports API requests per pod).
 */
export class KubeApiClient {
  /** Requests sent, by `METHOD` (watches count as `WATCH`). */
  readonly requestCounts = new Map<string, number>();
  private readonly limiter: TokenBucket;
  private readonly agent: Agent;
  private readonly server: URL;
  private credentials: RequestOptions | undefined;
  private credentialsRead = 0;

  private constructor(
    private readonly config: KubeConfig,
    private readonly connection: ClientConnection,
  ) {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new StoreError('kubernetes: the kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
    this.limiter = new TokenBucket(connection.qps ?? 50, connection.burst ?? 100);
    this.agent = new Agent({ keepAlive: true, maxSockets: connection.maxSockets ?? 64 });
  }

  /** A client for `target`, with `connection`'s rate limit. A missing file or context is a one-line error. */
  static connect(target: KubeConnectionTarget = {}, connection: ClientConnection = {}): KubeApiClient {
    const config = new KubeConfig();
    try {
      if (target.kubeconfig) config.loadFromFile(target.kubeconfig);
      else if (process.env.KUBERNETES_SERVICE_HOST) config.loadFromCluster();
      else config.loadFromDefault();
    } catch (error) {
      throw new StoreError(`kubernetes: cannot load ${target.kubeconfig ? `kubeconfig ${target.kubeconfig}` : 'the in-cluster configuration'}: ${(error as Error).message}`);
    }
    if (target.context) {
      if (!config.getContextObject(target.context)) throw new StoreError(`kubernetes: kubeconfig ${target.kubeconfig ?? '(default)'} has no context "${target.context}"`);
      config.setCurrentContext(target.context);
    }
    return new KubeApiClient(config, connection);
  }

  /** The API server's address. */
  get serverUrl(): string {
    return this.server.toString();
  }

  /** Total requests sent. */
  get totalRequests(): number {
    let total = 0;
    for (const count of this.requestCounts.values()) total += count;
    return total;
  }

  /** Sends `req` and parses the JSON answer; any status is returned, connection failures throw StoreUnavailableError. */
  async send<T = unknown>(req: ApiRequest): Promise<ApiResponse<T>> {
    const response = await this.open(req, req.method ?? 'GET');
    const text = await readBody(response);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = { message: text };
    }
    return { status: response.statusCode ?? 0, body: body as T };
  }

  /** Sends `req` and throws the typed store error for any status but 2xx; `what` names the object in messages. */
  async call<T = unknown>(req: ApiRequest, what: string): Promise<T> {
    const response = await this.send<T>(req);
    if (response.status >= 200 && response.status < 300) return response.body;
    throw apiError(response as ApiResponse<unknown>, what);
  }

  /**
   * Opens a watch (`path` with `watch=1`): calls `onEvent` per JSON line until the server ends the stream, the
   * signal aborts, or the connection breaks. Resolves when the stream ends; a non-2xx answer rejects with the
   * parsed status (a `410` means the resourceVersion is gone).
   */
  async stream(path: string, onEvent: (event: unknown) => void, signal: AbortSignal): Promise<void> {
    const response = await this.open({ path }, 'GET', signal, 'WATCH');
    if ((response.statusCode ?? 0) >= 300) {
      const text = await readBody(response);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = { message: text };
      }
      throw new WatchFailure({ status: response.statusCode ?? 0, body });
    }
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffered += chunk;
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (line.trim()) {
            try {
              onEvent(JSON.parse(line));
            } catch (error) {
              response.destroy(error as Error);
              return;
            }
          }
          newline = buffered.indexOf('\n');
        }
      });
      const ended = (): void => {
        response.destroy();
        resolve();
      };
      if (signal.aborted) ended();
      else signal.addEventListener('abort', ended, { once: true });
      response.on('end', () => resolve());
      response.on('close', () => resolve());
      response.on('error', (error) => (signal.aborted ? resolve() : reject(new StoreUnavailableError(`kubernetes: watch ${path}: ${error.message}`))));
    });
  }

  /** Closes the keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private async open(req: ApiRequest, method: string, signal?: AbortSignal, counted = method): Promise<IncomingMessage> {
    await this.limiter.take();
    this.requestCounts.set(counted, (this.requestCounts.get(counted) ?? 0) + 1);
    const credentials = await this.currentCredentials();
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string> = {
      ...(credentials.headers as Record<string, string> | undefined),
      Accept: 'application/json',
      'User-Agent': this.connection.userAgent ?? 'schedkit',
    };
    if (payload !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    return new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = request(
        {
          ...credentials,
          protocol: this.server.protocol,
          hostname: this.server.hostname,
          port: this.server.port || 443,
          path: `${this.server.pathname.replace(/\/$/, '')}${req.path}`,
          method,
          headers,
          agent: this.agent,
          ...(signal ? { signal } : {}),
        },
        resolve,
      );
      outgoing.on('error', (error) => reject(new StoreUnavailableError(`kubernetes: ${method} ${req.path}: ${error.message}`, { cause: error })));
      if (payload !== undefined) outgoing.write(payload);
      outgoing.end();
    });
  }

  private async currentCredentials(): Promise<RequestOptions> {
    const now = Date.now();
    if (!this.credentials || now - this.credentialsRead > credentialRefreshMs) {
      const options: RequestOptions = {};
      await this.config.applyToHTTPSOptions(options);
      this.credentials = options;
      this.credentialsRead = now;
    }
    return this.credentials;
  }
}

/** A watch the API server refused (its status and body). */
export class WatchFailure extends Error {
  constructor(readonly response: ApiResponse<unknown>) {
    super(`watch refused: ${response.status} ${(response.body as ApiStatus | undefined)?.message ?? ''}`);
  }
}

/** The typed store error for a failed API answer. */
export function apiError(response: ApiResponse<unknown>, what: string): StoreError {
  const status = (response.body ?? {}) as ApiStatus;
  const message = `${what}: ${status.message ?? `HTTP ${response.status}`}`;
  if (response.status === 404) return new NotFoundError(message);
  if (response.status === 409 && status.reason === 'AlreadyExists') return new AlreadyExistsError(message);
  if (response.status === 409) return new ConflictError(message);
  if (response.status >= 500 || response.status === 429 || response.status === 0) return new StoreUnavailableError(message);
  return new StoreError(message, 'Invalid');
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      text += chunk;
    });
    response.on('end', () => resolve(text));
    response.on('error', reject);
  });
}
