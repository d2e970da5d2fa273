/** Command-line options shared by the benchmark entry points. */
export interface CliOptions {
  /** Positional arguments (workload ids). */
  ids: string[];
  /** `--runs=N`: runs per workload (default 3). */
  runs: number;
  /** `--cold`: run the workloads without their init pods. */
  cold: boolean;
}

/** Parses `--runs=N`, `--cold` and positional ids from `argv` (process.argv.slice(2)). */
export function parseCli(argv: readonly string[], defaultRuns = 3): CliOptions {
  const ids: string[] = [];
  let runs = defaultRuns;
  let cold = false;
  for (const arg of argv) {
    const match = /^--runs=(\d+)$/.exec(arg);
    if (match) runs = Math.max(1, Number(match[1]));
    else if (arg === '--cold') cold = true;
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg} (known: --runs=N, --cold)`);
    else ids.push(arg);
  }
  return { ids, runs, cold };
}

/** True when the module at `url` is the script node was started with. */
export function isMain(url: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && new URL(url).pathname === entry;
}
