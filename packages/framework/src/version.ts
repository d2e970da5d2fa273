// Written by scripts/write-version.mjs from package.json (pnpm build runs it): do not edit.

/** This package's version. */
export const frameworkVersion = '0.1.0';
