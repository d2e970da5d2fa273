import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frameworkVersion } from './version.js';

describe('frameworkVersion', () => {
  it("is package.json's version (run pnpm build, or node scripts/write-version.mjs, after a version bump)", () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(frameworkVersion).toBe(manifest.version);
  });
});
