/**
 * The dependency-injection surface plugins use: `injectable`, `inject` and `injectAll` from `@schedkit/framework`.
 *
 * tsyringe keeps the constructor parameters its decorators learn in a map of its own module, so a plugin whose
 * decorators ran in another copy of tsyringe (a plugin installed from a local folder, `npm link`, a bundle) would be
 * unknown to the framework's container. These decorators therefore also record what they learn in one registry
 * shared by every copy of the framework in the process: it lives on `globalThis` under a `Symbol.for` key, and
 * each record names the framework copy that wrote it. The registry constructs plugins from those records (see
 * {@link constructInjectable}); the tsyringe decorators still run, so tsyringe's own container keeps working.
 * Plugins never touch the global container; the framework hands each one a scoped container.
 */
import 'reflect-metadata';
import { injectAll as tsyringeInjectAll, inject as tsyringeInject, injectable as tsyringeInjectable } from 'tsyringe';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { frameworkVersion } from './version.js';

export type { DependencyContainer, InjectionToken } from 'tsyringe';

/**
 * The version of the shared records' format. Copies of the framework with the same protocol construct each
 * other's plugins; a copy that finds a record of another protocol reports both copies instead of guessing.
 */
export const injectionProtocol = 1;

/** One copy of `@schedkit/framework` loaded in the process. */
export interface FrameworkCopy {
  version: string;
  /** Where the copy's code lives (its package folder, or the bundle file it was bundled into). */
  path: string;
  /** The format of the records it writes ({@link injectionProtocol}). */
  protocol: number;
}

/** What a constructor parameter asks for. */
export interface ParameterInjection {
  token: InjectionToken<unknown>;
  /** True for `@injectAll`: every registration of the token, as an array. */
  all: boolean;
}

/** What the decorators recorded about one class. */
export interface InjectionRecord {
  /** True once `@injectable()` ran on the class. */
  injectable: boolean;
  /** Constructor parameters by index; a hole is a parameter without a token. */
  parameters: (ParameterInjection | undefined)[];
  /** The framework copy whose decorators wrote the record. */
  copy: FrameworkCopy;
}

/** The registry every copy shares. Its shape is the contract between copies: later versions may only add to it. */
export interface SharedInjections {
  records: WeakMap<object, InjectionRecord>;
  copies: FrameworkCopy[];
}

/** Raised when a plugin class cannot be constructed; the message names the class, the package and the fix. */
export class InjectionError extends Error {
  override name = 'InjectionError';
}

const sharedKey = Symbol.for('@schedkit/framework/injections');

/** This copy, as errors name it. */
export const thisFrameworkCopy: FrameworkCopy = {
  version: frameworkVersion,
  path: copyPath(),
  protocol: injectionProtocol,
};

function copyPath(): string {
  // The package folder from src/di.ts or dist/di.js; a bundle (or a CommonJS bundle, where import.meta.url is
  // missing) names the bundle file. Only a string for messages: nothing is read from it.
  const url = typeof import.meta.url === 'string' ? import.meta.url : undefined;
  if (url === undefined) return typeof __filename === 'string' ? __filename : '(unknown location)';
  const file = decodeURIComponent(new URL(url).pathname);
  const match = /^(.*)\/(?:src|dist)\/di\.[cm]?[jt]s$/.exec(file);
  return match ? match[1]! : file;
}

declare const __filename: string | undefined;

/** The registry shared by every framework copy in this process, created by the first copy loaded. */
export function sharedInjections(): SharedInjections {
  const holder = globalThis as { [sharedKey]?: SharedInjections };
  let shared = holder[sharedKey];
  if (shared === undefined) {
    shared = { records: new WeakMap(), copies: [] };
    Object.defineProperty(globalThis, sharedKey, { value: shared, enumerable: false, configurable: false, writable: false });
  }
  if (!shared.copies.some((copy) => copy.path === thisFrameworkCopy.path && copy.version === thisFrameworkCopy.version)) {
    shared.copies.push(thisFrameworkCopy);
  }
  return shared;
}

function recordOf(target: object): InjectionRecord {
  const { records } = sharedInjections();
  let record = records.get(target);
  if (record === undefined) {
    record = { injectable: false, parameters: [], copy: thisFrameworkCopy };
    records.set(target, record);
  }
  return record;
}

/** The decorators' record of `target`, from whichever framework copy wrote it. */
export function injectionRecord(target: object): InjectionRecord | undefined {
  return sharedInjections().records.get(target);
}

/** What {@link inject} and {@link injectAll} return: a constructor parameter decorator. */
export type ParameterDecorator = (target: object, propertyKey: string | symbol | undefined, parameterIndex: number) => void;

/**
 * Marks a class whose constructor the framework builds: the class of every plugin. Parameters name what they
 * receive with {@link inject} (`@inject(Tokens.Args)`); a parameter without it gets the class TypeScript emitted
 * for it (`emitDecoratorMetadata`), which only works for class-typed parameters.
 */
export function injectable(): (target: new (...args: never[]) => unknown) => void {
  const decorate = tsyringeInjectable();
  return (target) => {
    decorate(target as never);
    const record = recordOf(target);
    record.injectable = true;
    const types = (Reflect.getMetadata?.('design:paramtypes', target) as unknown[] | undefined) ?? [];
    for (let index = 0; index < types.length; index++) {
      const type = types[index];
      if (record.parameters[index] === undefined && typeof type === 'function' && !builtinTypes.has(type)) {
        record.parameters[index] = { token: type as InjectionToken<unknown>, all: false };
      }
    }
  };
}

/** What TypeScript emits for parameters typed as primitives, interfaces or unions: no usable token. */
const builtinTypes = new Set<unknown>([Object, String, Number, Boolean, Symbol, BigInt, Array, Function, Promise]);

/** Injects what `token` is registered as (for plugins: one of {@link Tokens}) into a constructor parameter. */
export function inject(token: InjectionToken<unknown>): ParameterDecorator {
  return parameterDecorator(tsyringeInject(token) as ParameterDecorator, { token, all: false });
}

/** Injects every registration of `token`, as an array, into a constructor parameter. */
export function injectAll(token: InjectionToken<unknown>): ParameterDecorator {
  return parameterDecorator(tsyringeInjectAll(token) as ParameterDecorator, { token, all: true });
}

function parameterDecorator(decorate: ParameterDecorator, injection: ParameterInjection): ParameterDecorator {
  return (target, propertyKey, index) => {
    decorate(target, propertyKey, index);
    // Only constructor parameters: a method's parameters (propertyKey set) are not the framework's business.
    if (propertyKey === undefined) recordOf(target).parameters[index] = injection;
  };
}

/** What an error about a class says about where it comes from. */
export interface InjectionSubject {
  /** How to name the thing being built, e.g. `plugin "GoldTier"`. */
  what: string;
  /** The package (or "the application") that registered it. */
  registeredBy: string;
}

/**
 * Builds `target` with its constructor parameters resolved from `container`, from the records of whichever
 * compatible framework copy decorated it. Classes without a record are built by tsyringe when it knows them (its
 * own decorators from this copy), or with `new` when their constructor takes no parameters.
 * @throws InjectionError naming the class, the package and the fix: a class without `@injectable()`, a parameter
 * without a token, a class decorated by an incompatible framework copy, or an unregistered token.
 */
export function constructInjectable<T>(target: new (...args: never[]) => T, container: DependencyContainer, subject: InjectionSubject): T {
  const record = injectionRecord(target);
  const className = target.name || '(anonymous class)';
  const where = `${subject.what} (class ${className}, registered by ${subject.registeredBy})`;
  if (record === undefined) {
    if (target.length === 0) return new target();
    try {
      return container.resolve(target as InjectionToken<T>);
    } catch (error) {
      if (/TypeInfo not known/.test((error as Error).message)) throw missingInjectable(where, className);
      throw error;
    }
  }
  if (record.copy.protocol !== injectionProtocol) throw incompatibleCopy(where, record.copy);
  if (!record.injectable) throw missingInjectable(where, className);
  const count = Math.max(target.length, record.parameters.length);
  const values: unknown[] = [];
  for (let index = 0; index < count; index++) {
    const parameter = record.parameters[index];
    if (parameter === undefined) {
      throw new InjectionError(
        `${where}: constructor parameter ${index} has no token: add @inject(Tokens.Args), @inject(Tokens.Handle) or @inject(Tokens.Name) (from @schedkit/framework) before it`,
      );
    }
    values.push(resolveParameter(parameter, container, where));
  }
  return new target(...(values as never[]));
}

function resolveParameter(parameter: ParameterInjection, container: DependencyContainer, where: string): unknown {
  const { token } = parameter;
  if (parameter.all) return container.resolveAll(token);
  if (container.isRegistered(token, true)) return container.resolve(token);
  if (typeof token === 'function') {
    return constructInjectable(token as new (...args: never[]) => unknown, container, { what: `${where}: its dependency`, registeredBy: 'its constructor' });
  }
  throw new InjectionError(`${where}: nothing is registered for ${describeToken(token)} (the framework provides ${frameworkTokens})`);
}

const frameworkTokens = 'Tokens.Args, Tokens.Handle and Tokens.Name';

function describeToken(token: InjectionToken<unknown>): string {
  if (typeof token === 'string') return `"${token}"`;
  if (typeof token === 'symbol') return token.toString();
  if (typeof token === 'function') return `class ${token.name}`;
  return String(token);
}

function missingInjectable(where: string, className: string): InjectionError {
  // A class decorated by a framework older than the shared records left them in its own tsyringe: name the copies.
  const { copies } = sharedInjections();
  const loaded = copies.length > 1 ? `; copies of @schedkit/framework loaded: ${copies.map((copy) => `${copy.version} at ${copy.path}`).join(', ')}` : '';
  return new InjectionError(
    `${where}: the class is not marked @injectable(), so its constructor's parameters are unknown: add @injectable() above class ${className} and @inject(...) before each constructor parameter, importing both from @schedkit/framework (tsyringe's own decorators from another install are not seen)${loaded}`,
  );
}

function incompatibleCopy(where: string, theirs: FrameworkCopy): InjectionError {
  return new InjectionError(
    `${where}: the class was decorated by @schedkit/framework ${theirs.version} at ${theirs.path}, which cannot share plugins with @schedkit/framework ${thisFrameworkCopy.version} at ${thisFrameworkCopy.path} that builds the scheduler: install one compatible version (npm ls @schedkit/framework shows both; widen the plugin's peer range to include ${thisFrameworkCopy.version} and run npm dedupe)`,
  );
}
