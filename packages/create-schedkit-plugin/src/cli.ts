#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ScaffoldError, ScaffoldPoints } from './names.js';
import { scaffoldPlugin } from './scaffold.js';

const usage = `Usage: create-schedkit-plugin <package-name> --point <point>[,<point>...] [options]

Writes a schedkit plugin package: the plugin class, its args schema, tests through the schedkit test kit,
a README, and the build and test setup.

Points: ${Object.keys(ScaffoldPoints).join(', ')} (several: --point prefilter,filter)

Options:
  --point <points>           extension points to implement (required; repeatable)
  --dir <path>               where to write the package (default: ./<name without scope>)
  --plugin-name <Name>       the plugin's name and class (default: from the package name)
  --framework-range <range>  the @schedkit/framework range to declare (default: the current framework)
  -h, --help                 show this help

Example: npm create @schedkit/plugin @acme/schedkit-plugin-gpu -- --point prefilter,filter,score`;

/** Runs the CLI with `args` (without node and the script); returns the exit code. */
export function run(args: readonly string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    err(`create-schedkit-plugin: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    out(usage);
    return 0;
  }
  const [packageName, ...extra] = parsed.positionals;
  if (!packageName || extra.length > 0) {
    err(`create-schedkit-plugin: give exactly one package name\n\n${usage}`);
    return 2;
  }
  try {
    const result = scaffoldPlugin({
      packageName,
      points: parsed.values.point ?? [],
      ...(parsed.values.dir !== undefined ? { directory: parsed.values.dir } : {}),
      ...(parsed.values['plugin-name'] !== undefined ? { pluginName: parsed.values['plugin-name'] } : {}),
      ...(parsed.values['framework-range'] !== undefined ? { frameworkRange: parsed.values['framework-range'] } : {}),
    });
    const where = relative(process.cwd(), result.directory) || '.';
    out(`Created ${packageName} in ${where}: plugin ${result.pluginName} (${result.points.join(', ')}), for @schedkit/framework ${result.frameworkRange}.`);
    for (const file of result.files) out(`  ${file}`);
    if (result.workspace) {
      out(`\nInside the schedkit repository: the package links the workspace's framework (workspace:^).`);
      out(`Next:\n  pnpm install\n  cd ${where} && pnpm test`);
    } else {
      out(`\nNext:\n  cd ${where}\n  npm install\n  npm test`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ScaffoldError) {
      err(`create-schedkit-plugin: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      point: { type: 'string', multiple: true },
      dir: { type: 'string' },
      'plugin-name': { type: 'string' },
      'framework-range': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** True when this file is the script node runs (npm links bins through symlinks, hence the realpath). */
function invokedAsBin(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedAsBin()) process.exitCode = run(process.argv.slice(2));
