/** A change to one object as a watcher sees it. */
export interface WatchEvent<T> {
  type: 'add' | 'update' | 'delete';
  /** The object's key (`namespace/name`, or the name for cluster-scoped objects). */
  key: string;
  /** The object after the change (for delete: the last state). */
  object: T;
  /** For update: the state before the first folded update. */
  oldObject?: T;
}

/** The pending changes of one object. */
interface Pending<E> {
  readonly scope: string;
  readonly key: string;
  readonly deltas: E[];
  /** The last delta is the queue's own copy (made at the first fold), so later folds may change it in place. */
  lastOwned: boolean;
}

/**
 * A listener's pending events, kept per object and de-duplicated as kube's DeltaFIFO does: an update folds
 * into a pending add or update, a delete after a pending add cancels both, two deletes collapse into one.
 * The writer only appends (O(1)); the consumer drains batches in arrival order of the objects' first pending
 * change.
 *
 * Keys are unique within a scope (the store uses the object kind): `push(event, scope)` keeps objects of
 * different kinds with the same key apart without building a combined key per event. Events may carry more
 * fields than {@link WatchEvent} (the store's carry the kind); a folded event keeps the fields of the first.
 */
export class WatchQueue<T, E extends WatchEvent<T> = WatchEvent<T>> {
  private readonly scopes = new Map<string, Map<string, Pending<E>>>();
  /** The scope of the last push or fold and its map: writers mostly write one kind after another. */
  private lastScope: string | undefined;
  private lastScopeMap: Map<string, Pending<E>> | undefined;
  /** Objects in order of their first pending change; entries cancelled meanwhile have no deltas left. */
  private order: Pending<E>[] = [];
  private pendingObjects = 0;

  /** Pending objects. */
  get size(): number {
    return this.pendingObjects;
  }

  /** Adds a change, folding it into the pending ones for the same key (in `scope`). */
  push(event: E, scope = ''): void {
    let pendingByKey = this.scopeMap(scope);
    if (pendingByKey === undefined) {
      this.scopes.set(scope, (pendingByKey = new Map()));
      this.lastScope = scope;
      this.lastScopeMap = pendingByKey;
    }
    const pending = pendingByKey.get(event.key);
    if (pending === undefined) {
      const created: Pending<E> = { scope, key: event.key, deltas: [event], lastOwned: false };
      pendingByKey.set(event.key, created);
      this.order.push(created);
      this.pendingObjects++;
      return;
    }
    const deltas = pending.deltas;
    const last = deltas[deltas.length - 1]!;
    if (event.type === 'update' && (last.type === 'add' || last.type === 'update')) {
      foldUpdate(pending, event.object);
      return;
    }
    if (event.type === 'delete' && last.type === 'delete') {
      deltas[deltas.length - 1] = event;
      pending.lastOwned = false;
      return;
    }
    if (event.type === 'delete' && last.type === 'add') {
      deltas.pop();
      pending.lastOwned = false;
      if (deltas.length === 0) {
        pendingByKey.delete(event.key);
        this.pendingObjects--;
      }
      return;
    }
    deltas.push(event);
    pending.lastOwned = false;
  }

  /**
   * Folds an update to `object` into the pending add or update of `key` (in `scope`) and returns true, or
   * returns false when there is none (then the caller pushes the update). Equivalent to pushing the update, but
   * a writer that changes the same objects again and again builds no event for the folded ones.
   */
  foldUpdate(key: string, object: T, scope = ''): boolean {
    const pending = this.scopeMap(scope)?.get(key);
    if (pending === undefined) return false;
    const last = pending.deltas[pending.deltas.length - 1]!;
    if (last.type !== 'add' && last.type !== 'update') return false;
    foldUpdate(pending, object);
    return true;
  }

  /** Takes every pending change, in order. */
  drain(): E[] {
    const out: E[] = [];
    for (const pending of this.order) for (const delta of pending.deltas) out.push(delta);
    this.order = [];
    this.scopes.clear();
    this.lastScope = undefined;
    this.lastScopeMap = undefined;
    this.pendingObjects = 0;
    return out;
  }

  private scopeMap(scope: string): Map<string, Pending<E>> | undefined {
    if (scope === this.lastScope) return this.lastScopeMap;
    const map = this.scopes.get(scope);
    if (map !== undefined) {
      this.lastScope = scope;
      this.lastScopeMap = map;
    }
    return map;
  }
}

/**
 * Folds an update into the pending add or update at the end of `pending`: the event keeps its type (an add stays
 * an add, an update keeps the object from before the first update) and takes the newest object. The first fold
 * copies the event, so events pushed in are never changed; later folds change the copy in place.
 */
function foldUpdate<T, E extends WatchEvent<T>>(pending: Pending<E>, object: T): void {
  const deltas = pending.deltas;
  const last = deltas[deltas.length - 1]!;
  if (pending.lastOwned) {
    last.object = object;
    return;
  }
  const folded = { ...last, object };
  if (last.type === 'add') delete folded.oldObject;
  deltas[deltas.length - 1] = folded;
  pending.lastOwned = true;
}
