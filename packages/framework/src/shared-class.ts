/**
 * Makes `value instanceof cls` true for instances of `cls` made by any copy of `@schedkit/framework` in the
 * process (a plugin installed from a local folder, or linked, resolves its own copy), by a brand under a
 * `Symbol.for` key instead of the prototype chain. Subclasses keep ordinary `instanceof`.
 */
export function shareClassAcrossCopies(cls: abstract new (...args: never[]) => object, name: string): void {
  const brand = Symbol.for(`@schedkit/framework/${name}`);
  Object.defineProperty(cls.prototype, brand, { value: true });
  const ordinary = Function.prototype[Symbol.hasInstance];
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: unknown, value: unknown): boolean {
      if (this !== cls) return ordinary.call(this, value);
      return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
    },
  });
}
