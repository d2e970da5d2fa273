import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const generated = join(here, 'readme-example.generated.ts');

describe('README', () => {
  afterAll(() => rmSync(generated, { force: true }));

  it('has a twenty-line example that runs and places the pods', async () => {
    const readme = readFileSync(join(here, '..', '..', 'README.md'), 'utf8');
    const block = /## Twenty lines\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README.md has a "## Twenty lines" ts block').toBeDefined();
    expect(block!.trim().split('\n').length).toBeLessThanOrEqual(20);
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.join(' '));
    });
    writeFileSync(generated, block!);
    try {
      await import(/* @vite-ignore */ generated);
    } finally {
      log.mockRestore();
    }
    expect(lines.sort()).toHaveLength(3);
    // LeastAllocated scoring sends each pod to a node that has none yet.
    expect(new Set(lines.map((l) => l.split(' -> ')[1])).size).toBe(3);
    for (const line of lines) expect(line).toMatch(/^web-\d -> node-\d$/);
  });
});
