#!/usr/bin/env node
// Checks every publishable workspace package (not "private") as npm would receive it: packs it with `pnpm pack`
// (which rewrites workspace: ranges), then runs publint (strict: warnings fail) and @arethetypeswrong/cli on the
// tarball, with the profile of the packages' promise: ESM that Node >= 20.19 also loads with require() (require(esm)).
// That is attw's node16 profile (node16 from CJS and ESM, bundler; node10 is out of scope) less its
// cjs-resolves-to-esm rule, which predates require(esm): a require() must still resolve to the JavaScript and its types.
// test/install checks that require() really works. Command-only packages (the CLI) get publint only.
// Usage: node scripts/check-packages.mjs [package-name...]   (packages must be built first: pnpm build)
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules/.bin', name);

function publishablePackages() {
  const packages = [];
  for (const group of ['packages', 'examples', 'apps']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true })) {
      const manifestPath = join(groupDir, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      if (manifest.private !== true) {
        // A command-only package (bin, no exports or main) has no import for attw to check.
        const importable = manifest.exports !== undefined || manifest.main !== undefined;
        packages.push({ name: manifest.name, version: manifest.version, dir: join(groupDir, entry.name), importable });
      }
    }
  }
  return packages.sort((a, b) => a.name.localeCompare(b.name));
}

/** Runs a command; resolves to its exit code and output, never rejects on a non-zero exit. */
async function attempt(command, args, cwd) {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    return { code: typeof error.code === 'number' ? error.code : 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}${error.stdout || error.stderr ? '' : error.message}` };
  }
}

async function checkPackage(pkg, destination) {
  if (!existsSync(join(pkg.dir, 'dist'))) return { pkg, problems: [`not built (no dist/): run pnpm build first`] };
  const packed = await attempt('pnpm', ['pack', '--pack-destination', destination], pkg.dir);
  const tarball = join(destination, `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`);
  if (packed.code !== 0 || !existsSync(tarball)) return { pkg, problems: [`pnpm pack failed:\n${packed.output}`] };
  const [publint, attw] = await Promise.all([
    attempt(bin('publint'), ['run', tarball, '--strict'], root),
    pkg.importable
      ? attempt(bin('attw'), [tarball, '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table-flipped'], root)
      : { code: 0, output: '' },
  ]);
  const problems = [];
  if (publint.code !== 0) problems.push(`publint:\n${publint.output}`);
  if (attw.code !== 0) problems.push(`attw:\n${attw.output}`);
  return { pkg, problems };
}

const wanted = process.argv.slice(2);
const all = publishablePackages();
const unknown = wanted.filter((name) => !all.some((pkg) => pkg.name === name));
if (unknown.length > 0) {
  console.error(`not publishable workspace packages: ${unknown.join(', ')}`);
  process.exit(2);
}
const packages = wanted.length > 0 ? all.filter((pkg) => wanted.includes(pkg.name)) : all;
const destination = mkdtempSync(join(tmpdir(), 'schedkit-check-packages-'));
const results = [];
try {
  // Two at a time: each check starts TypeScript (attw) and node (publint, pnpm), and the machine has 2 cores.
  const queue = [...packages];
  const worker = async () => {
    for (let pkg = queue.shift(); pkg; pkg = queue.shift()) results.push(await checkPackage(pkg, destination));
  };
  await Promise.all([worker(), worker()]);
} finally {
  rmSync(destination, { recursive: true, force: true });
}
results.sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));
let failed = 0;
for (const { pkg, problems } of results) {
  if (problems.length === 0) console.log(`ok ${pkg.name}`);
  else {
    failed++;
    console.log(`FAIL ${pkg.name}\n${problems.join('\n')}`);
  }
}
console.log(`checked ${results.length} packages with publint and attw: ${results.length - failed} ok, ${failed} with problems`);
process.exitCode = failed > 0 ? 1 : 0;
