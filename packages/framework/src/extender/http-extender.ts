/**
 * kube's HTTPExtender: one POST per call to `<urlPrefix>/<verb>` with a JSON body in kube's wire format, over a
 * keep-alive agent (one per extender), bounded by `httpTimeout` and cancelled by the caller's AbortSignal.
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ExtenderConfig } from '../config/extenders.js';
import type { Container, Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import type { NodeInfoLister } from '../node-info/snapshot.js';
import type { Extender, ExtenderBinding, ExtenderFilterOutcome, HostScore, Victims } from './extender.js';
import {
  decodeBindingResult,
  decodeFilterResult,
  decodeHostPriorityList,
  decodePreemptionResult,
  type ExtenderArgs,
  type ExtenderBindingArgs,
  type ExtenderPreemptionArgs,
  type MetaVictimsWire,
  type NodeListWire,
  type VictimsWire,
} from './wire.js';

/** How long an idle keep-alive connection to an extender is kept (Go's default IdleConnTimeout, 90 s). */
const IdleConnectionMs = 90_000;

/** An extender call that failed: unreachable, too slow, a non-200 answer, an answer that does not decode, or its `Error`. */
export class ExtenderError extends Error {
  override name = 'ExtenderError';
  constructor(
    /** The extender (its URL prefix). */
    readonly extender: string,
    readonly verb: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`extender ${JSON.stringify(extender)} ${verb}: ${message}`, options);
  }
}

/** An extender reached over HTTP(S) as kube reaches it. */
export class HTTPExtender implements Extender {
  readonly name: string;
  readonly ignorable: boolean;
  readonly weight: number;
  private readonly config: ExtenderConfig;
  private readonly managed: ReadonlySet<string>;
  private readonly agent: HttpAgent;
  private readonly secure: boolean;
  private readonly servername: string | undefined;

  /** @throws Error when a TLS file cannot be read (the message names the field). */
  constructor(config: ExtenderConfig, path = 'extender') {
    this.config = config;
    this.name = config.urlPrefix;
    this.ignorable = config.ignorable;
    this.weight = config.weight;
    this.managed = new Set(config.managedResources.map((r) => r.name));
    this.secure = new URL(config.urlPrefix).protocol === 'https:';
    const tls = config.tlsConfig;
    this.servername = tls?.serverName;
    if (this.secure) {
      const read = (file: string | undefined, field: string): Buffer | undefined => {
        if (file === undefined) return undefined;
        try {
          return readFileSync(file);
        } catch (error) {
          throw new Error(`${path}.tlsConfig.${field}: cannot read ${file}: ${(error as Error).message}`);
        }
      };
      const ca = tls?.caData ?? read(tls?.caFile, 'caFile');
      // As kube: with enableHTTPS and no CA given, the server's certificate is not verified.
      const insecure = (tls?.insecure ?? false) || (config.enableHTTPS && ca === undefined);
      const cert = tls?.certData ?? read(tls?.certFile, 'certFile');
      const key = tls?.keyData ?? read(tls?.keyFile, 'keyFile');
      this.agent = new HttpsAgent({
        keepAlive: true,
        timeout: IdleConnectionMs,
        rejectUnauthorized: !insecure,
        ...(ca ? { ca } : {}),
        ...(cert ? { cert } : {}),
        ...(key ? { key } : {}),
        ...(this.servername ? { servername: this.servername } : {}),
      });
    } else {
      this.agent = new HttpAgent({ keepAlive: true, timeout: IdleConnectionMs });
    }
  }

  get isFilter(): boolean {
    return this.config.filterVerb !== '';
  }

  get isPrioritizer(): boolean {
    return this.config.prioritizeVerb !== '';
  }

  get isBinder(): boolean {
    return this.config.bindVerb !== '';
  }

  get supportsPreemption(): boolean {
    return this.config.preemptVerb !== '';
  }

  isInterested(pod: Pod): boolean {
    if (this.managed.size === 0) return true;
    return this.hasManagedResources(pod.spec.containers) || this.hasManagedResources(pod.spec.initContainers);
  }

  private hasManagedResources(containers: readonly Container[] | undefined): boolean {
    for (const container of containers ?? []) {
      for (const name of Object.keys(container.resources?.requests ?? {})) if (this.managed.has(name)) return true;
      for (const name of Object.keys(container.resources?.limits ?? {})) if (this.managed.has(name)) return true;
    }
    return false;
  }

  async filter(pod: Pod, nodes: readonly NodeInfo[], signal?: AbortSignal): Promise<ExtenderFilterOutcome> {
    const verb = this.config.filterVerb;
    if (verb === '') return { feasible: [...nodes], failed: new Map(), failedAndUnresolvable: new Map() };
    const answer = await this.send(verb, this.args(pod, nodes), signal);
    const result = this.decode(verb, () => decodeFilterResult(answer));
    if (result.error !== '') throw new ExtenderError(this.name, verb, result.error);
    const byName = new Map<string, NodeInfo>();
    for (const info of nodes) byName.set(info.name, info);
    let names: readonly string[] = [];
    if (this.config.nodeCacheCapable && result.nodeNames !== null) names = result.nodeNames;
    else if (result.nodes !== null) names = result.nodes.items.map((item) => item.metadata.name);
    const feasible = names.map((name) => {
      const info = byName.get(name);
      if (!info) throw new ExtenderError(this.name, verb, `claims a filtered node ${JSON.stringify(name)} which is not found in the input node list`);
      return info;
    });
    return {
      feasible,
      failed: new Map(Object.entries(result.failedNodes ?? {})),
      failedAndUnresolvable: new Map(Object.entries(result.failedAndUnresolvableNodes ?? {})),
    };
  }

  async prioritize(pod: Pod, nodes: readonly NodeInfo[], signal?: AbortSignal): Promise<HostScore[]> {
    const verb = this.config.prioritizeVerb;
    if (verb === '') return nodes.map((info) => ({ host: info.name, score: 0 }));
    const answer = await this.send(verb, this.args(pod, nodes), signal);
    return this.decode(verb, () => decodeHostPriorityList(answer));
  }

  async bind(binding: ExtenderBinding, signal?: AbortSignal): Promise<void> {
    const verb = this.config.bindVerb;
    if (verb === '') throw new ExtenderError(this.name, 'bind', 'unexpected empty bindVerb in extender');
    const args: ExtenderBindingArgs = { PodName: binding.podName, PodNamespace: binding.podNamespace, PodUID: binding.podUID, Node: binding.node };
    const answer = await this.send(verb, args, signal);
    const error = this.decode(verb, () => decodeBindingResult(answer));
    if (error !== '') throw new ExtenderError(this.name, verb, error);
  }

  async processPreemption(pod: Pod, victims: ReadonlyMap<string, Victims>, nodeInfos: NodeInfoLister, signal?: AbortSignal): Promise<Map<string, Victims>> {
    const verb = this.config.preemptVerb;
    if (verb === '') throw new ExtenderError(this.name, 'preempt', `preempt verb is not defined for extender ${this.name} but run into ProcessPreemption`);
    const args: ExtenderPreemptionArgs = { Pod: pod, NodeNameToVictims: null, NodeNameToMetaVictims: null };
    if (this.config.nodeCacheCapable) {
      const meta: Record<string, MetaVictimsWire> = {};
      for (const [node, v] of victims) meta[node] = { Pods: v.pods.map((p) => ({ UID: p.metadata.uid ?? '' })), NumPDBViolations: v.numPDBViolations };
      args.NodeNameToMetaVictims = meta;
    } else {
      const full: Record<string, VictimsWire> = {};
      for (const [node, v] of victims) full[node] = { Pods: v.pods, NumPDBViolations: v.numPDBViolations };
      args.NodeNameToVictims = full;
    }
    const answer = await this.send(verb, args, signal);
    const result = this.decode(verb, () => decodePreemptionResult(answer));
    const out = new Map<string, Victims>();
    for (const [node, meta] of result) {
      if (meta === null) {
        out.set(node, { pods: [], numPDBViolations: 0 });
        continue;
      }
      const info = nodeInfos.get(node);
      if (!info?.node) throw new ExtenderError(this.name, verb, `nodeinfo not found for node ${JSON.stringify(node)}`);
      const pods = meta.uids.map((uid) => {
        const found = info.pods.find((p) => p.pod.metadata.uid === uid);
        if (!found) throw new ExtenderError(this.name, verb, `claims to preempt pod (UID: ${uid}) on node: ${node}, but the pod is not found on that node`);
        return found.pod;
      });
      out.set(node, { pods, numPDBViolations: meta.numPDBViolations });
    }
    return out;
  }

  /** Closes the idle connections; calls in flight finish. */
  close(): void {
    this.agent.destroy();
  }

  private args(pod: Pod, nodes: readonly NodeInfo[]): ExtenderArgs {
    if (this.config.nodeCacheCapable) return { Pod: pod, Nodes: null, NodeNames: nodes.map((info) => info.name) };
    const list: NodeListWire = { metadata: {}, items: nodes.map((info) => info.node!) };
    return { Pod: pod, Nodes: list, NodeNames: null };
  }

  private decode<T>(verb: string, read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw new ExtenderError(this.name, verb, `cannot decode the answer: ${(error as Error).message}`, { cause: error });
    }
  }

  /** POSTs `args` as JSON to `<urlPrefix>/<verb>`; resolves with the decoded answer of a 200. */
  private send(verb: string, args: unknown, signal: AbortSignal | undefined): Promise<unknown> {
    const url = `${this.config.urlPrefix.replace(/\/+$/, '')}/${verb}`;
    const body = JSON.stringify(args);
    const timeoutMs = this.config.httpTimeoutMs;
    return new Promise<unknown>((resolve, reject) => {
      const fail = (message: string, cause?: unknown): void => reject(new ExtenderError(this.name, verb, message, cause === undefined ? undefined : { cause }));
      if (signal?.aborted) {
        fail('cancelled: the scheduling cycle ended', signal.reason);
        return;
      }
      let settled = false;
      const onResponse = (response: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => finish(() => fail(`reading the answer: ${error.message}`, error)));
        response.on('end', () =>
          finish(() => {
            if (response.statusCode !== 200) {
              fail(`failed ${verb} with extender at URL ${url}, code ${response.statusCode}`);
              return;
            }
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve(JSON.parse(text));
            } catch (error) {
              fail(`cannot decode the answer: ${(error as Error).message}`, error);
            }
          }),
        );
      };
      const options = { method: 'POST', agent: this.agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } };
      const req = this.secure
        ? httpsRequest(url, { ...options, ...(this.servername ? { servername: this.servername } : {}) }, onResponse)
        : httpRequest(url, options, onResponse);
      const timer = setTimeout(() => finish(() => fail(`timed out after ${timeoutMs} ms (httpTimeout)`), true), timeoutMs);
      const onAbort = (): void => finish(() => fail('cancelled: the scheduling cycle ended', signal?.reason), true);
      signal?.addEventListener('abort', onAbort, { once: true });
      function finish(settle: () => void, destroy = false): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (destroy) req.destroy();
        settle();
      }
      req.on('error', (error: NodeJS.ErrnoException) => finish(() => fail(connectionMessage(url, error), error)));
      req.end(body);
    });
  }
}

function connectionMessage(url: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNREFUSED') return `cannot connect to ${url}: connection refused`;
  return `calling ${url}: ${error.message}`;
}
