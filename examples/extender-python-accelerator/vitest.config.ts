import { defineConfig } from 'vitest/config';

// Used by `pnpm test` inside this package; the monorepo's root vitest config runs the same tests from the root.
export default defineConfig({
  test: {
    // tsyringe reads decorator metadata through the Reflect API that reflect-metadata installs.
    setupFiles: ['reflect-metadata'],
  },
});
