/**
 * A typed key into {@link CycleState}. Keys are compared by identity, so two plugins can never collide
 * even when they choose the same description.
 */
export class StateKey<T> {
  /** Phantom field: carries the value type. */
  declare readonly __type?: T;
  constructor(readonly description: string) {}
}

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
  private readonly data = new Map<StateKey<unknown>, unknown>();
  /** Plugins whose PreFilter returned Skip: their Filter is not called this cycle. */
  skipFilterPlugins: ReadonlySet<string> = new Set();
  /** Plugins whose PreScore returned Skip: their Score is not called this cycle. */
  skipScorePlugins: ReadonlySet<string> = new Set();

  /** Reads the value at `key`, or undefined. */
  read<T>(key: StateKey<T>): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  /** Reads the value at `key` and throws an error naming the key when it is missing. */
  get<T>(key: StateKey<T>): T {
    const value = this.data.get(key);
    if (value === undefined && !this.data.has(key)) {
      throw new Error(`CycleState: no value for key "${key.description}" (did its PreFilter/PreScore run?)`);
    }
    return value as T;
  }

  /** Writes `value` at `key`. */
  write<T>(key: StateKey<T>, value: T): void {
    this.data.set(key, value);
  }

  /** Removes `key`. */
  delete(key: StateKey<unknown>): void {
    this.data.delete(key);
  }

  /** A copy: values implementing {@link StateData} are cloned, other values are shared. */
  clone(): CycleState {
    const copy = new CycleState();
    for (const [key, value] of this.data) {
      copy.data.set(key, isStateData(value) ? value.clone() : value);
    }
    copy.skipFilterPlugins = new Set(this.skipFilterPlugins);
    copy.skipScorePlugins = new Set(this.skipScorePlugins);
    return copy;
  }
}

function isStateData(value: unknown): value is StateData {
  return typeof value === 'object' && value !== null && typeof (value as StateData).clone === 'function';
}
