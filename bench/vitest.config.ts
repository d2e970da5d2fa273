import { defineConfig, mergeConfig } from 'vitest/config';
import root from '../vitest.config.js';

// The bench package's smoke test (the root config does not list bench/); same resolution of workspace packages.
export default mergeConfig(root, defineConfig({ test: { include: ['src/**/*.test.ts'] } }));
