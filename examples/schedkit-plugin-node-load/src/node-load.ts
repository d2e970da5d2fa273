import {
  type CycleState,
  inject,
  injectable,
  type NodeInfo,
  type Pod,
  type PreScorePlugin,
  type ScorePlugin,
  StateKey,
  type Status,
  Tokens,
} from '@schedkit/framework';
import { z } from 'zod';

/** The name configurations use for this plugin. */
export const NodeLoadName = 'NodeLoad';

/** The args of {@link NodeLoad}, validated and defaulted; unknown keys are rejected so that typos surface. */
export const NodeLoadArgsSchema = z
  .object({
    /** The metrics service; a node's load is read from `<endpoint>/nodes/<node name>`. */
    endpoint: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }),
    /** How long one request may take, headers and body, before the node gets the fallback score. */
    timeoutMs: z.number().int().min(1).max(60_000).default(250),
    /**
     * The score of a node whose load is unknown (the service is slow, down, or does not know the node). The
     * default 50 treats the node as half-loaded: it neither beats lightly loaded nodes nor loses to heavily loaded
     * ones, and when the whole service is down every node ties, so the other plugins decide.
     */
    fallbackScore: z.number().int().min(0).max(100).default(50),
  })
  .strict();

/** {@link NodeLoad}'s args after defaulting. */
export type NodeLoadArgs = z.infer<typeof NodeLoadArgsSchema>;

/** What the service answers for one node: its load as a fraction of capacity, 0 (idle) to 1 (saturated). */
const LoadResponseSchema = z.object({ load: z.number().min(0).max(1) });

/**
 * The loads of one scheduling cycle. PreScore creates it, Score asks it for each node: every node is requested
 * at most once per cycle, and the next cycle (a new CycleState) asks again, so scores follow the live load.
 *
 * After a timeout or a network error the service is taken as down for the rest of the cycle: requests still in
 * flight are aborted and the remaining nodes get the fallback without a request. A slow service then costs one
 * timeout per cycle, not one per `parallelism` nodes.
 */
export class LoadCycle {
  private readonly loads = new Map<string, Promise<number | undefined>>();
  private readonly down = new AbortController();

  constructor(
    private readonly endpoint: URL,
    private readonly timeoutMs: number,
  ) {}

  /** The node's load in [0, 1], or undefined when it is unknown. Never rejects. */
  load(nodeName: string): Promise<number | undefined> {
    let load = this.loads.get(nodeName);
    if (!load) {
      load = this.request(nodeName);
      this.loads.set(nodeName, load);
    }
    return load;
  }

  /** True once a request failed in a way that says the service is down or too slow. */
  get serviceDown(): boolean {
    return this.down.signal.aborted;
  }

  private async request(nodeName: string): Promise<number | undefined> {
    if (this.serviceDown) return undefined;
    const url = new URL(`nodes/${encodeURIComponent(nodeName)}`, this.endpoint);
    try {
      const response = await fetch(url, { signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.down.signal]) });
      // 404: the service is up but does not know the node; only this node falls back.
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const parsed = LoadResponseSchema.safeParse(await response.json());
      return parsed.success ? parsed.data.load : undefined;
    } catch (error) {
      // A body that is not JSON is this node's problem; a timeout, a refused connection or a 5xx is the service's.
      if (!(error instanceof SyntaxError)) this.down.abort();
      return undefined;
    }
  }
}

const cycleKey = new StateKey<LoadCycle>(`${NodeLoadName}/preScore`);

/**
 * Scores a node `round(100 × (1 − load))` from the load a metrics service reports over HTTP, so that idle nodes
 * win. Score is asynchronous: the framework runs it for at most `parallelism` nodes at once, so at most that many
 * requests are in flight. A node whose load is unknown scores `fallbackScore` (see {@link NodeLoadArgsSchema}).
 */
@injectable()
export class NodeLoad implements PreScorePlugin, ScorePlugin {
  readonly name = NodeLoadName;
  private readonly endpoint: URL;

  constructor(@inject(Tokens.Args) private readonly args: NodeLoadArgs) {
    // A trailing slash makes `nodes/<name>` resolve below the endpoint's path rather than beside it.
    this.endpoint = new URL(args.endpoint.endsWith('/') ? args.endpoint : `${args.endpoint}/`);
  }

  preScore(state: CycleState, _pod: Pod, _nodes: readonly NodeInfo[]): Status | null {
    state.write(cycleKey, new LoadCycle(this.endpoint, this.args.timeoutMs));
    return null;
  }

  async score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Promise<number> {
    const load = await state.get(cycleKey).load(nodeInfo.name);
    return load === undefined ? this.args.fallbackScore : Math.round(100 * (1 - load));
  }
}
