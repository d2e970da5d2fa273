import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['reflect-metadata', './test/setup/fail-on-unhandled-rejection.ts'],
    include: ['packages/*/src/**/*.test.ts', 'bench/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
  // Workspace packages resolve to their TypeScript source (the `source` export condition), so tests never mix
  // a built dist/ with src/ (two copies of the framework would break `instanceof Status`).
  resolve: {
    conditions: ['source'],
  },
  ssr: {
    resolve: {
      conditions: ['source'],
    },
  },
});
