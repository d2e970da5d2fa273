import { Status } from '../status/status.js';

/**
 * The next free StateKey slot, shared by every copy of the framework in the process (a plugin that resolved
 * another copy makes its keys with that copy's StateKey, and its slots must not collide with this copy's).
 */
const slotsKey = Symbol.for('@schedkit/framework/state-key-slots');
const slots: { next: number } = ((globalThis as { [slotsKey]?: { next: number } })[slotsKey] ??= { next: 0 });

/**
 * A typed key into {@link CycleState}. Keys are compared by identity, so two plugins can never collide
 * even when they choose the same description.
 */
export class StateKey<T> {
  /** Phantom field: carries the value type. */
  declare readonly __type?: T;
  /** The key's own slot in every CycleState: Filter reads state once per node and plugin, an index beats a hash. */
  readonly slot: number = slots.next++;
  constructor(readonly description: string) {}
}

/** Marks a slot that holds no value (a stored `undefined` is a value). */
const empty: unique symbol = Symbol('empty');

/** Data stored in CycleState can be cloned so that preemption can simulate without touching the cycle. */
export interface StateData {
  /** Returns a copy deep enough that mutating it leaves the original unchanged. */
  clone(): StateData;
}

/**
 * Per-cycle scratch space that plugins share across extension points (PreFilter writes, Filter reads).
 * One scheduling cycle writes it at a time; Filter/Score read it concurrently, so they must not write.
 */
export class CycleState {
  /** Values by key slot; {@link empty} or a hole where no value is written. */
  private readonly values: unknown[] = [];
  /** The keys written, by slot, so that clone() and delete() need no reverse lookup. */
  private readonly keys: (StateKey<unknown> | undefined)[] = [];
  /** Plugins whose PreFilter returned Skip: their Filter is not called this cycle. */
  skipFilterPlugins: ReadonlySet<string> = new Set();
  /** Plugins whose PreScore returned Skip: their Score is not called this cycle. */
  skipScorePlugins: ReadonlySet<string> = new Set();

  /** Reads the value at `key`, or undefined. */
  read<T>(key: StateKey<T>): T | undefined {
    const value = this.values[key.slot];
    return value === empty ? undefined : (value as T | undefined);
  }

  /** Reads the value at `key` and throws an error naming the key when it is missing. */
  get<T>(key: StateKey<T>): T {
    const value = this.values[key.slot];
    if (value === empty || (value === undefined && this.keys[key.slot] !== key)) {
      throw new Error(`CycleState: no value for key "${key.description}" (did its PreFilter/PreScore run?)`);
    }
    return value as T;
  }

  /** Writes `value` at `key`. */
  write<T>(key: StateKey<T>, value: T): void {
    this.values[key.slot] = value;
    this.keys[key.slot] = key;
  }

  /** Removes `key`. */
  delete(key: StateKey<unknown>): void {
    if (this.keys[key.slot] !== key) return;
    this.values[key.slot] = empty;
    this.keys[key.slot] = undefined;
  }

  /** A copy: values implementing {@link StateData} are cloned, other values are shared. */
  clone(): CycleState {
    const copy = new CycleState();
    const keys = this.keys;
    for (let slot = 0; slot < keys.length; slot++) {
      const key = keys[slot];
      if (key === undefined) continue;
      const value = this.values[slot];
      copy.write(key, isStateData(value) ? value.clone() : value);
    }
    copy.skipFilterPlugins = new Set(this.skipFilterPlugins);
    copy.skipScorePlugins = new Set(this.skipScorePlugins);
    return copy;
  }
}

function isStateData(value: unknown): value is StateData {
  return typeof value === 'object' && value !== null && typeof (value as StateData).clone === 'function';
}

/**
 * The Error status kube's plugins return when a point finds no state from the point that should have written it
 * (`reading "<key>" from cycleState: not found`), for plugins that report it rather than throw.
 */
export function stateNotFound(key: StateKey<unknown>): Status {
  return Status.error(new Error(`reading "${key.description}" from cycleState: not found`));
}
