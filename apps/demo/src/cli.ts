#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type CommandResult, type CommonOptions, runSimulate, runSynthetic } from './commands.js';
import { errorLines, ExitCode, isInputError } from './errors.js';
import { randomSeed } from './random.js';

/** A commander argument parser for a whole number in [min, max]. */
function wholeNumber(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${flag} must be a whole number, got "${value}".`);
    const number = Number(value);
    if (number < min || number > max) throw new InvalidArgumentError(`${flag} must be between ${min.toLocaleString('en-US')} and ${max.toLocaleString('en-US')}, got ${value}.`);
    return number;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The options `run` and `simulate` share. */
function addCommonOptions(command: Command): Command {
  return command
    .option('--config <file>', 'a KubeSchedulerConfiguration (YAML or JSON); profiles start from the default plugins, and plugin packages in its plugins: list are loaded relative to the file')
    .option('--profile <name>', 'the profile (schedulerName) that schedules the pods (default: the first profile)')
    .option('--seed <n>', 'seed for generation and tie-breaks; the same seed gives the same placement (default: random, printed)', wholeNumber('--seed', 0, 2 ** 32 - 1))
    .option('--explain <pod>', 'explain the decision for a pod (namespace/name or name); repeatable', collect, [])
    .option('--report <file.html>', 'write a self-contained HTML report with charts')
    .option('--json', 'print the summary as JSON on stdout (and nothing else)', false)
    .option('--watch-config', 'reload --config when the file changes during the run', false)
    .option('--no-progress', 'no progress bar or progress lines on stderr');
}

/** Commander's parsed options plus what we default ourselves. */
function common(raw: Record<string, unknown>): CommonOptions {
  return {
    ...(raw.config !== undefined ? { config: raw.config as string } : {}),
    ...(raw.profile !== undefined ? { profile: raw.profile as string } : {}),
    ...(raw.report !== undefined ? { report: raw.report as string } : {}),
    seed: (raw.seed as number | undefined) ?? randomSeed(),
    explain: (raw.explain as string[] | undefined) ?? [],
    json: raw.json === true,
    watchConfig: raw.watchConfig === true,
    progress: raw.progress !== false,
  };
}

/** The exit code of a finished run; scheduler errors are a runtime failure, said once more on stderr. */
function finish(result: CommandResult): number {
  if (!result.failed) return ExitCode.Ok;
  const first = result.summary.errors[0];
  process.stderr.write(`schedkit-demo: error: ${result.summary.outcome.errors} pods hit scheduler errors${first ? `, e.g. ${first.pod}: ${first.message}` : ''}\n`);
  return ExitCode.RuntimeFailure;
}

/** Builds the program; `setExit` receives the exit code of a finished command. */
export function buildProgram(setExit: (code: number) => void): Command {
  const output = { stdout: process.stdout, stderr: process.stderr };
  const program = new Command('schedkit-demo')
    .description("Schedules a cluster with schedkit (kube-scheduler's scheduling framework in TypeScript) and explains the decisions.")
    .version('0.1.0')
    .configureOutput({ outputError: (text, write) => write(`schedkit-demo: ${text}`) })
    .exitOverride();

  addCommonOptions(
    program
      .command('run', { isDefault: true })
      .description('generate a synthetic cluster from a seed and schedule it (the default command)')
      .addOption(new Option('--nodes <count>', 'nodes to generate').default(1000).argParser(wholeNumber('--nodes', 1, 100_000)))
      .addOption(new Option('--pods <count>', 'pods to generate and schedule').default(10_000).argParser(wholeNumber('--pods', 0, 1_000_000)))
      .addOption(new Option('--zones <count>', 'zones the nodes are spread over').default(3).argParser(wholeNumber('--zones', 1, 1000)))
      .addOption(new Option('--gangs <count>', 'pod groups that must be placed all together (Coscheduling)').default(0).argParser(wholeNumber('--gangs', 0, 10_000)))
      .exitOverride(),
  ).action(async (raw: Record<string, unknown>) => {
    const result = await runSynthetic({ ...common(raw), nodes: raw.nodes as number, pods: raw.pods as number, zones: raw.zones as number, gangs: raw.gangs as number }, output);
    setExit(finish(result));
  });

  addCommonOptions(
    program
      .command('simulate')
      .description('read real manifests (kubectl get nodes/pods -o yaml or json) and show where the pending pods would go')
      .requiredOption('--nodes <file>', 'the nodes: a List, JSON, or multi-document YAML')
      .requiredOption('--pods <file>', 'the pods: bound pods occupy their nodes, pending ones are scheduled; Deployments, StatefulSets, DaemonSets, Jobs and CronJobs become the pods their controllers make')
      .option('--no-expand', 'do not expand workloads into pods (each is skipped with a warning)')
      .exitOverride(),
  ).action(async (raw: Record<string, unknown>) => {
    const result = await runSimulate({ ...common(raw), nodes: raw.nodes as string, pods: raw.pods as string, expand: raw.expand !== false }, output);
    setExit(finish(result));
  });
  return program;
}

/** Runs the CLI with `argv` (without node and the script) and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = ExitCode.Ok;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message (or the help); only the exit code is ours.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
    }
    for (const line of errorLines(error)) process.stderr.write(`schedkit-demo: error: ${line}\n`);
    if (!isInputError(error) && process.env.SCHEDKIT_DEMO_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return isInputError(error) ? ExitCode.BadInput : ExitCode.RuntimeFailure;
  }
}

// A reader that stops early (`schedkit-demo | head`) closes the pipe: that is not a failure of the run.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? ExitCode.Ok);
  });
}
process.exitCode = await main(process.argv.slice(2));
