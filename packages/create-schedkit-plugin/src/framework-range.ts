import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The schedkit packages a new plugin package depends on, besides the framework. */
export type SchedkitPackage = '@schedkit/framework' | '@schedkit/preset-default' | '@schedkit/cli';

/**
 * The range of a schedkit package a new plugin should declare: the one this scaffold was released with. A
 * published scaffold carries it in its manifest (pnpm turns the `workspace:^` it is developed with into `^x.y.z`
 * when packing); run from the schedkit repository, it is `^` the workspace package's version.
 */
export function releasedRange(name: SchedkitPackage): string {
  const manifest = require('../package.json') as { devDependencies?: Record<string, string> };
  const range = manifest.devDependencies?.[name];
  if (range && !range.startsWith('workspace:')) return range;
  const installed = require(`${name}/package.json`) as { version: string };
  return `^${installed.version}`;
}

/** The `@schedkit/framework` range a new plugin should declare (see {@link releasedRange}). */
export function defaultFrameworkRange(): string {
  return releasedRange('@schedkit/framework');
}
