import type { KubeApiClient } from './client/api-client.js';
import { WatchFailure } from './client/api-client.js';
import { StoreUnavailableError } from '@schedkit/framework';
import { type ApiResource, collectionPath } from './resources.js';

/** An object as the API server sends it (metadata with name, namespace, uid, resourceVersion). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; managedFields?: unknown; [field: string]: unknown };
  [field: string]: unknown;
}

/** What a reflector tells its owner. */
export interface ReflectorSink {
  /** The object was added or changed. */
  upsert(object: KubeObject): void;
  /** The object was deleted (its last state). */
  remove(object: KubeObject): void;
  /**
   * A (re)list finished: `objects` is everything the resource holds now. The owner drops what is not in it and
   * upserts the rest, so the view converges without losing what it derived from it.
   */
  replace(objects: KubeObject[]): void;
}

/** How a reflector runs. */
export interface ReflectorOptions {
  /** A field selector (`spec.nodeName=`): the server filters what is listed and watched. */
  fieldSelector?: string;
  /** How long to wait before retrying after a failed list or watch (doubles up to 30 s). */
  retryMs?: number;
  /** Reports connection trouble (never throws). */
  onError?: (error: Error) => void;
}

interface WatchEventLine {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject & { code?: number; message?: string; reason?: string };
}

/** Items per list page (kube's reflector pages at 500). */
const pageSize = 500;

/**
 * kube's reflector for one resource: list (paged), then watch from the list's resourceVersion with bookmarks;
 * a watch that ends or breaks resumes from the last resourceVersion it saw; a `410 Gone` (the version was
 * compacted) relists and hands the owner the full set to diff against. Runs until stopped; never throws.
 */
export class Reflector {
  private resourceVersion = '';
  private stopped = false;
  private watchAbort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private synced: Promise<void>;
  private resolveSynced!: () => void;
  private rejectSynced!: (error: Error) => void;
  private hasSynced = false;
  /** Relists done after the first list (tests and metrics read it). */
  relists = 0;

  constructor(
    private readonly client: KubeApiClient,
    readonly resource: ApiResource,
    private readonly sink: ReflectorSink,
    private readonly options: ReflectorOptions = {},
  ) {
    this.synced = new Promise((resolve, reject) => {
      this.resolveSynced = resolve;
      this.rejectSynced = reject;
    });
  }

  /** Starts listing and watching; resolves once the first list is in the sink (informer's HasSynced). */
  start(): Promise<void> {
    this.loop ??= this.run();
    return this.synced;
  }

  /** Cuts the current watch connection (it resumes from the last resourceVersion). */
  interrupt(): void {
    this.watchAbort?.abort();
  }

  /** Stops for good. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watchAbort?.abort();
    this.wake?.();
    await this.loop;
  }

  /** The resourceVersion the reflector is at. */
  get lastResourceVersion(): string {
    return this.resourceVersion;
  }

  private async run(): Promise<void> {
    let backoff = this.options.retryMs ?? 200;
    let listed = false;
    while (!this.stopped) {
      try {
        if (!listed) {
          await this.list();
          listed = true;
          this.hasSynced = true;
          this.resolveSynced();
        }
        const gone = await this.watch();
        backoff = this.options.retryMs ?? 200;
        if (gone) {
          listed = false;
          this.relists++;
        }
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof WatchFailure && error.response.status === 410) {
          listed = false;
          this.relists++;
          continue;
        }
        // A first list refused outright (forbidden, unknown resource) is a setup error: say so instead of waiting.
        if (!this.hasSynced && !(error instanceof StoreUnavailableError)) {
          this.stopped = true;
          this.rejectSynced(error as Error);
          return;
        }
        this.options.onError?.(error as Error);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoff);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }

  private async list(): Promise<void> {
    const items: KubeObject[] = [];
    let next = '';
    let resourceVersion = '';
    do {
      const query = new URLSearchParams({ limit: String(pageSize) });
      if (next) query.set('continue', next);
      if (this.options.fieldSelector) query.set('fieldSelector', this.options.fieldSelector);
      const page = await this.client.call<{ metadata: { resourceVersion: string; continue?: string }; items: KubeObject[] }>(
        { path: `${collectionPath(this.resource)}?${query}` },
        `listing ${this.resource.plural}`,
      );
      for (const item of page.items) items.push(this.normalize(item));
      resourceVersion = page.metadata.resourceVersion;
      next = page.metadata.continue ?? '';
    } while (next);
    this.resourceVersion = resourceVersion;
    this.sink.replace(items);
  }

  /** Watches from the last resourceVersion; resolves true when it is gone (relist), false when the watch just ended. */
  private async watch(): Promise<boolean> {
    const query = new URLSearchParams({
      watch: '1',
      allowWatchBookmarks: 'true',
      resourceVersion: this.resourceVersion,
      // kube's reflector: a random timeout between 5 and 10 minutes, so watches do not all end at once.
      timeoutSeconds: String(300 + Math.floor(Math.random() * 300)),
    });
    if (this.options.fieldSelector) query.set('fieldSelector', this.options.fieldSelector);
    const abort = new AbortController();
    this.watchAbort = abort;
    let gone = false;
    await this.client.stream(
      `${collectionPath(this.resource)}?${query}`,
      (line) => {
        const event = line as WatchEventLine;
        if (event.type === 'ERROR') {
          if (event.object.code === 410) gone = true;
          abort.abort();
          return;
        }
        const object = event.object;
        if (object.metadata?.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
        if (event.type === 'BOOKMARK') return;
        if (event.type === 'DELETED') this.sink.remove(this.normalize(object));
        else this.sink.upsert(this.normalize(object));
      },
      abort.signal,
    );
    return gone;
  }

  /** Stamps the kind (list items carry none) and strips managedFields, as kube-scheduler's informers do. */
  private normalize(object: KubeObject): KubeObject {
    object.kind = this.resource.kind;
    object.apiVersion = this.resource.apiVersion;
    if (object.metadata.managedFields !== undefined) delete object.metadata.managedFields;
    return object;
  }
}
