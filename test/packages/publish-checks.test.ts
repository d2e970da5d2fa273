import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { assertBuilt, publishablePackages, repoRoot, workspacePackages } from './workspace.js';

const run = promisify(execFile);

/** Runs a command; resolves to its exit code and output whatever the exit code. */
async function attempt(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof failure.code === 'number' ? failure.code : 1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}${failure.message}` };
  }
}

describe('publishable packages', () => {
  const packages = publishablePackages();

  it('are the framework, the parallelizer, the preset, the plugins, the scaffold and the CLI; examples and the bench stay private', () => {
    const names = packages.map((pkg) => pkg.name);
    expect(names).toEqual(
      expect.arrayContaining(['@schedkit/framework', '@schedkit/parallelizer', '@schedkit/preset-default', '@schedkit/create-plugin', '@schedkit/cli']),
    );
    expect(workspacePackages().get('@schedkit/cli')?.manifest.bin).toEqual({ schedkit: './dist/cli.js' });
    expect(names.every((name) => name.startsWith('@schedkit/'))).toBe(true);
  });

  it('pass publint (strict) and @arethetypeswrong/cli (node16 profile, require(esm) allowed) as packed tarballs', async () => {
    assertBuilt(packages);
    const { code, output } = await attempt(process.execPath, [join(repoRoot, 'scripts/check-packages.mjs')]);
    expect(code, output).toBe(0);
    const checked = output
      .split('\n')
      .filter((line) => line.startsWith('ok '))
      .map((line) => line.slice(3));
    expect(checked).toEqual(packages.map((pkg) => pkg.name));
  }, 300_000);
});

describe('changesets', () => {
  it('`changeset status` accepts the configuration and every pending changeset names a publishable package', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schedkit-changeset-status-'));
    try {
      const output = join(dir, 'status.json');
      const status = await attempt(process.execPath, [join(repoRoot, 'node_modules/@changesets/cli/bin.js'), 'status', '--output', output]);
      expect(status.code, status.output).toBe(0);
      const { changesets } = JSON.parse(readFileSync(output, 'utf8')) as { changesets: { id: string; releases: { name: string }[] }[] };
      const publishable = new Set(publishablePackages().map((pkg) => pkg.name));
      const misnamed = changesets.flatMap((changeset) =>
        changeset.releases.filter((release) => !publishable.has(release.name)).map((release) => `${changeset.id}: ${release.name}`),
      );
      expect(misnamed).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
