import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * The `@schedkit/framework` range a new plugin should declare: the one this scaffold was released with. A
 * published scaffold carries it in its manifest (pnpm turns the `workspace:^` it is developed with into the
 * framework's `^x.y.z` when packing); run from the schedkit repository, it is `^` the workspace framework's version.
 */
export function defaultFrameworkRange(): string {
  const manifest = require('../package.json') as { devDependencies?: Record<string, string> };
  const range = manifest.devDependencies?.['@schedkit/framework'];
  if (range && !range.startsWith('workspace:')) return range;
  const framework = require('@schedkit/framework/package.json') as { version: string };
  return `^${framework.version}`;
}
