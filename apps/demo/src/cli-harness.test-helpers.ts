import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The demo package's folder. */
export const demoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The built CLI the tests spawn, as users run it. */
export const cliPath = join(demoDir, 'dist', 'cli.js');
/** The fixtures folder. */
export const fixtures = join(demoDir, 'fixtures');

/** What a CLI run produced. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Builds the CLI (and what it depends on) when dist/cli.js is missing or older than a source file. The root
 * `pnpm test` builds before vitest runs, so there this only checks; test files running in parallel share a lock.
 */
export function ensureBuilt(): void {
  if (isFresh()) return;
  const lock = join(tmpdir(), 'schedkit-demo-build.lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      execFileSync('sleep', ['1']);
    }
  }
  try {
    if (!isFresh()) {
      execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@schedkit/cli...', '--output-logs=errors-only'], {
        cwd: resolve(demoDir, '..', '..'),
        stdio: 'inherit',
      });
    }
  } finally {
    rmdirSync(lock);
  }
}

function isFresh(): boolean {
  let built: number;
  try {
    built = statSync(cliPath).mtimeMs;
  } catch {
    return false;
  }
  const newestSource = readdirSync(join(demoDir, 'src'))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.includes('.test-helpers.'))
    .reduce((newest, name) => Math.max(newest, statSync(join(demoDir, 'src', name)).mtimeMs), 0);
  return built >= newestSource;
}

/**
 * Runs `node dist/cli.js ...args` and collects its output. `onStderr` sees stderr as it arrives (to act during a
 * run); the promise resolves when the process exits.
 */
export function runCli(args: readonly string[], options: { cwd?: string; onStderr?: (soFar: string) => void; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: options.cwd ?? demoDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(stderr);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`schedkit ${args.join(' ')} did not finish in ${options.timeoutMs ?? 120_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
