/** True when `value` is a promise or any thenable: the runtime awaits only then. */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<T>).then === 'function';
}

/** Turns a thenable into a promise that never rejects. */
export function settle<T>(value: PromiseLike<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return Promise.resolve(value).then(
    (v) => ({ ok: true as const, value: v }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}
