import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The fields of a package.json these checks read. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  bin?: string | Record<string, string>;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** A package of the workspace. */
export interface WorkspacePackage {
  name: string;
  /** Absolute path of its folder. */
  dir: string;
  manifest: Manifest;
}

/** The packages under packages/, examples/ and apps/, by name. */
export function workspacePackages(): Map<string, WorkspacePackage> {
  const packages = new Map<string, WorkspacePackage>();
  for (const group of ['packages', 'examples', 'apps']) {
    const groupDir = join(repoRoot, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true })) {
      const manifestPath = join(groupDir, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
      packages.set(manifest.name, { name: manifest.name, dir: join(groupDir, entry.name), manifest });
    }
  }
  return packages;
}

/** The packages changesets publishes: every workspace package that is not private. */
export function publishablePackages(): WorkspacePackage[] {
  return [...workspacePackages().values()].filter((pkg) => pkg.manifest.private !== true).sort((a, b) => a.name.localeCompare(b.name));
}

/** Throws an error saying to build first when a package has no dist/. */
export function assertBuilt(packages: readonly WorkspacePackage[]): void {
  const unbuilt = packages.filter((pkg) => !existsSync(join(pkg.dir, 'dist')));
  if (unbuilt.length > 0) {
    throw new Error(`not built (no dist/): ${unbuilt.map((pkg) => pkg.name).join(', ')}. Build first: pnpm build (pnpm test builds before running vitest).`);
  }
}

/** The tarball name `pnpm pack` gives a package: `@scope/name@1.2.3` -> `scope-name-1.2.3.tgz`. */
export function tarballName(manifest: Manifest): string {
  return `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`;
}

/**
 * Packs each package with `pnpm pack` into `destination` (pnpm turns `workspace:` ranges into real versions), a
 * few at a time; returns the tarball path of each package by name.
 */
export async function packPackages(packages: readonly WorkspacePackage[], destination: string, concurrency = 3): Promise<Map<string, string>> {
  const tarballs = new Map<string, string>();
  const queue = [...packages];
  const worker = async (): Promise<void> => {
    for (let pkg = queue.shift(); pkg; pkg = queue.shift()) {
      await run('pnpm', ['pack', '--pack-destination', destination], { cwd: pkg.dir });
      const tarball = join(destination, tarballName(pkg.manifest));
      if (!existsSync(tarball)) throw new Error(`pnpm pack of ${pkg.name} wrote no ${tarball}`);
      tarballs.set(pkg.name, tarball);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, packages.length) }, worker));
  return tarballs;
}
