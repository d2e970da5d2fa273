import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Where result files go: bench/results (gitignored). */
export const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

/** The machine the numbers come from, as BENCHMARKS.md states it. */
export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  node: string;
  platform: string;
}

/** nproc, the CPU model as /proc/cpuinfo names it, and the node version. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return { nproc: list.length, cpuModel: list[0]?.model.trim() ?? 'unknown', node: process.version, platform: `${process.platform}-${process.arch}` };
}

/** A table row: column name -> printable value. */
export type Row = Record<string, string | number>;

/** Prints `rows` as an aligned text table under `title`. */
export function printTable(title: string, rows: readonly Row[]): void {
  console.log(`\n${title}`);
  console.log(formatTable(rows));
}

/** `rows` as an aligned text table (markdown-compatible pipes), one line per row. */
export function formatTable(rows: readonly Row[]): string {
  if (rows.length === 0) return '(no rows)';
  const columns = Object.keys(rows[0]!);
  const cells = rows.map((row) => columns.map((column) => String(row[column] ?? '')));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: readonly string[]) => `| ${values.map((value, i) => value.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Writes `data` (with the machine info and a timestamp) to bench/results/<name>.json; returns the path. */
export function writeResult(name: string, data: unknown): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = `${resultsDir}${name}.json`;
  writeFileSync(path, `${JSON.stringify({ name, date: new Date().toISOString(), machine: machineInfo(), data }, null, 2)}\n`);
  return path;
}

/** `value` with `digits` decimals. */
export function fixed(value: number | undefined, digits = 0): string {
  return value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);
}
