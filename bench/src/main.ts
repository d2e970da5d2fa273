import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The suite in the order `pnpm bench` runs it; each script in its own process. */
const scripts = ['scheduler-perf.js', 'settle.js', 'scaling.js', 'micro-dispatch.js', 'micro-runtime.js', 'micro-extender.js', 'micro-parallelizer.js', 'micro-event-channel.js'];

function run(script: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL(`./${script}`, import.meta.url)), args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with code ${code}`))));
  });
}

/**
 * Runs every benchmark: the scheduler_perf workloads, the scaling series and the micro-benchmarks. Arguments
 * (e.g. `--runs=1`) go to the workload scripts.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  for (const script of scripts) {
    console.log(`\n=== ${script.replace(/\.js$/, '')} ===`);
    await run(script, script === 'scheduler-perf.js' || script === 'scaling.js' ? args : script === 'settle.js' ? args.filter((a) => a.startsWith('--runs=')) : []);
  }
}

await main();
