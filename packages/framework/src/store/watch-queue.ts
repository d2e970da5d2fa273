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

/**
 * A listener's pending events, kept per object and de-duplicated as kube's DeltaFIFO does: an update folds
 * into a pending add or update, a delete after a pending add cancels both, two deletes collapse into one.
 * The writer only appends (O(1)); the consumer drains batches in arrival order of the objects' first pending
 * change.
 */
export class WatchQueue<T> {
  private readonly pending = new Map<string, WatchEvent<T>[]>();

  /** Pending objects. */
  get size(): number {
    return this.pending.size;
  }

  /** Adds a change, folding it into the pending ones for the same key. */
  push(event: WatchEvent<T>): void {
    const deltas = this.pending.get(event.key);
    if (!deltas) {
      this.pending.set(event.key, [event]);
      return;
    }
    const last = deltas[deltas.length - 1]!;
    if (event.type === 'update' && (last.type === 'add' || last.type === 'update')) {
      deltas[deltas.length - 1] = last.type === 'add'
        ? { type: 'add', key: event.key, object: event.object }
        : { type: 'update', key: event.key, object: event.object, ...(last.oldObject !== undefined ? { oldObject: last.oldObject } : {}) };
      return;
    }
    if (event.type === 'delete' && last.type === 'delete') {
      deltas[deltas.length - 1] = event;
      return;
    }
    if (event.type === 'delete' && last.type === 'add') {
      deltas.pop();
      if (deltas.length === 0) this.pending.delete(event.key);
      return;
    }
    deltas.push(event);
  }

  /** Takes every pending change, in order. */
  drain(): WatchEvent<T>[] {
    const out: WatchEvent<T>[] = [];
    for (const deltas of this.pending.values()) for (const delta of deltas) out.push(delta);
    this.pending.clear();
    return out;
  }
}
