#!/usr/bin/env node
// Writes src/version.ts from package.json, so that the framework knows its version without reading package.json at
// run time (a relative package.json read breaks every bundler). `pnpm build` runs it; src/version.test.ts fails
// when the committed file is stale (for example after `changeset version` without a build).
import { readFileSync, writeFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const file = new URL('../src/version.ts', import.meta.url);
const content = `// Written by scripts/write-version.mjs from package.json (pnpm build runs it): do not edit.\n\n/** This package's version. */\nexport const frameworkVersion = '${version}';\n`;
let current = '';
try {
  current = readFileSync(file, 'utf8');
} catch {}
if (current !== content) writeFileSync(file, content);
