/**
 * The dependency-injection surface plugins use. Plugins import these from `@schedkit/framework` and never from
 * tsyringe directly: tsyringe keeps its type metadata in a module-level map, so a second copy of it would
 * break injection. Plugins never touch the global container; the framework hands each one a scoped container.
 */
import 'reflect-metadata';

export { inject, injectAll, injectable } from 'tsyringe';
export type { DependencyContainer, InjectionToken } from 'tsyringe';
