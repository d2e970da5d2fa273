import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DefaultSchedulerName, objectKey, type Node, type Pod } from '@schedkit/framework';
import { formatOwners, groupByOwner } from './owners.js';
import type { StoreEntry } from './simulation.js';
import { checkGangProfile, chooseProfile, type LoadedConfiguration, loadConfiguration, readConfigurationFile } from './configuration.js';
import { errorLines, InputError } from './errors.js';
import { type Explanation, explainPod } from './explain.js';
import { readCluster } from './cluster-input.js';
import { createProgress, type Progress } from './progress.js';
import { SeededRandom } from './random.js';
import { renderReport, writeReportAtomically } from './report.js';
import { Simulation, type SimulationResult } from './simulation.js';
import { buildSummary, fitErrorReasons, type ReloadRecord, type Summary } from './summary.js';
import { generateCluster, MaxGangSize } from './synthetic.js';
import { count, formatSummary, table } from './text.js';
import { watchFile } from './watch-config.js';

/** Options both commands take. */
export interface CommonOptions {
  config?: string;
  profile?: string;
  seed: number;
  explain: string[];
  report?: string;
  json: boolean;
  watchConfig: boolean;
  progress: boolean;
}

/** `run`: a synthetic cluster. */
export interface RunOptions extends CommonOptions {
  nodes: number;
  pods: number;
  zones: number;
  gangs: number;
}

/** `simulate`: real manifests. */
export interface SimulateOptions extends CommonOptions {
  nodes: string;
  pods: string;
  /** Expand workloads (Deployments, StatefulSets, ...) into the pods their controllers make (default true). */
  expand?: boolean;
}

/** Where the commands write. */
export interface Output {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** What a command ends with: the summary, and whether the scheduler reported errors (exit 1). */
export interface CommandResult {
  summary: Summary;
  failed: boolean;
}

/** Generates a synthetic cluster from the seed and schedules it. */
export async function runSynthetic(options: RunOptions, output: Output): Promise<CommandResult> {
  if (options.zones > options.nodes) throw new InputError(`--zones ${options.zones}: a cluster of ${options.nodes} nodes has at most ${options.nodes} zones`);
  if (options.gangs * MaxGangSize > options.pods) {
    throw new InputError(`--gangs ${options.gangs}: gangs have up to ${MaxGangSize} pods each, so --pods must be at least ${options.gangs * MaxGangSize}`);
  }
  await checkCommon(options);
  const loaded = await loadConfiguration({ ...(options.config ? { file: options.config } : {}), gangs: options.gangs });
  const profile = chooseProfile(loaded.configuration, options.profile, loaded.source);
  if (options.gangs > 0) checkGangProfile(loaded, profile);
  const cluster = generateCluster({ nodes: options.nodes, pods: options.pods, zones: options.zones, gangs: options.gangs, seed: options.seed, schedulerName: profile });
  return execute({
    mode: 'synthetic',
    options,
    loaded,
    profile,
    nodes: cluster.nodes,
    boundPods: [],
    pendingPods: cluster.pods,
    warnings: [],
    gangs: options.gangs,
    output,
  });
}

/** Reads real manifests and schedules the pending pods among the bound ones. */
export async function runSimulate(options: SimulateOptions, output: Output): Promise<CommandResult> {
  await checkCommon(options);
  const loaded = await loadConfiguration({ ...(options.config ? { file: options.config } : {}), gangs: 0 });
  const profile = options.profile === undefined ? undefined : chooseProfile(loaded.configuration, options.profile, loaded.source);
  const cluster = await readCluster(options, new SeededRandom(options.seed ^ 0x5eed).asFunction(), (name) => loaded.registry.has(name));
  const warnings = [...loaded.warnings, ...cluster.warnings];

  const nodeNames = new Set(cluster.nodes.map((node) => node.metadata.name));
  const profiles = new Set(loaded.configuration.profiles.map((p) => p.schedulerName));
  const boundPods: Pod[] = [];
  const pendingPods: Pod[] = [];
  let finished = 0;
  let elsewhere = 0;
  const otherSchedulers = new Map<string, number>();
  for (const pod of cluster.pods) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      finished++;
      continue;
    }
    if (pod.spec.nodeName) {
      if (nodeNames.has(pod.spec.nodeName)) boundPods.push(pod);
      else elsewhere++;
      continue;
    }
    if (pod.metadata.deletionTimestamp) continue;
    const schedulerName = profile ?? pod.spec.schedulerName ?? DefaultSchedulerName;
    if (!profiles.has(schedulerName)) otherSchedulers.set(schedulerName, (otherSchedulers.get(schedulerName) ?? 0) + 1);
    pendingPods.push({ ...pod, spec: { ...pod.spec, schedulerName }, status: { ...pod.status, phase: 'Pending' } });
  }
  if (finished > 0) warnings.push(`${options.pods}: ignoring ${finished} finished pods (Succeeded or Failed): they hold no resources`);
  if (elsewhere > 0) warnings.push(`${options.pods}: ignoring ${elsewhere} pods bound to nodes that are not in ${options.nodes}`);
  for (const [name, n] of otherSchedulers) {
    warnings.push(`${options.pods}: ${n} pending pods ask for scheduler "${name}", which no profile of the configuration serves; they stay pending (use --profile)`);
  }
  return execute({
    mode: 'simulate',
    options,
    loaded,
    profile: profile ?? loaded.configuration.profiles[0]!.schedulerName,
    nodes: cluster.nodes,
    boundPods,
    pendingPods,
    objects: cluster.objects,
    owners: cluster.owners,
    warnings,
    gangs: 0,
    output,
  });
}

/** Checks what both commands take, before anything runs. */
async function checkCommon(options: CommonOptions): Promise<void> {
  if (options.watchConfig && !options.config) throw new InputError('--watch-config needs --config FILE (the file to watch)');
  if (options.report) {
    const directory = dirname(resolve(options.report));
    const info = await stat(directory).catch(() => undefined);
    if (!info?.isDirectory()) throw new InputError(`--report ${options.report}: the folder ${directory} does not exist`);
    const target = await stat(options.report).catch(() => undefined);
    if (target?.isDirectory()) throw new InputError(`--report ${options.report}: is a folder, not a file`);
    // The report is written at the end: a path that cannot be written must fail before the run, not after it.
    const writable = await access(target ? options.report : directory, constants.W_OK).then(
      () => true,
      () => false,
    );
    if (!writable) throw new InputError(`--report ${options.report}: cannot be written (permission denied)`);
  }
}

interface Execution {
  mode: Summary['mode'];
  options: CommonOptions;
  loaded: LoadedConfiguration;
  profile: string;
  nodes: Node[];
  boundPods: Pod[];
  pendingPods: Pod[];
  /** Cluster objects other than nodes and pods (PriorityClasses, PDBs, Namespaces, claims...) for the store. */
  objects?: readonly StoreEntry[];
  /** The workload owning each pod, by pod key, for the summary's grouping. */
  owners?: ReadonlyMap<string, string>;
  warnings: string[];
  gangs: number;
  output: Output;
}

async function execute(run: Execution): Promise<CommandResult> {
  const { options, loaded, output } = run;
  const explainKeys = resolveExplainTargets(options.explain, run.pendingPods);
  const served = new Set(loaded.configuration.profiles.map((profile) => profile.schedulerName));
  for (const key of explainKeys) {
    const schedulerName = run.pendingPods.find((pod) => objectKey(pod.metadata) === key)?.spec.schedulerName ?? DefaultSchedulerName;
    if (!served.has(schedulerName)) throw new InputError(`--explain ${key}: the pod asks for scheduler "${schedulerName}", which no profile serves (use --profile)`);
  }
  for (const warning of run.warnings) output.stderr.write(`warning: ${warning}\n`);

  const progress: Progress | undefined = options.progress ? createProgress(output.stderr, 'scheduling') : undefined;
  const random = new SeededRandom(options.seed).fork();
  const reloads: ReloadRecord[] = [];
  let settled = 0;
  const simulation = new Simulation({
    nodes: run.nodes,
    boundPods: run.boundPods,
    pendingPods: run.pendingPods,
    ...(run.objects ? { objects: run.objects } : {}),
    configuration: loaded.configuration,
    registry: loaded.registry,
    random: random.asFunction(),
    explain: explainKeys,
    waveSize: Math.max(50, Math.ceil(run.pendingPods.length / 100)),
    onProgress: (done, total) => {
      settled = done;
      progress?.update(done, total);
    },
  });
  const note = (line: string): void => (progress ? progress.note(line) : void output.stderr.write(`${line}\n`));
  const watcher = options.watchConfig && options.config ? watchConfiguration(options.config, run, simulation, note, () => settled, reloads) : undefined;

  let result: SimulationResult;
  try {
    result = await simulation.run();
  } finally {
    watcher?.close();
    progress?.stop();
  }

  const explanations: Explanation[] = [];
  for (const key of explainKeys) {
    const pod = run.pendingPods.find((p) => objectKey(p.metadata) === key)!;
    const decision = result.decisions.get(key);
    explanations.push(
      await explainPod({
        key,
        pod,
        decision,
        nodes: run.nodes,
        podsOnNodes: decision ? simulation.podsBefore(decision.logIndex) : result.finalPods.filter((p) => p.spec.nodeName && objectKey(p.metadata) !== key),
        registry: loaded.registry,
        configuration: decision?.configuration ?? simulation.currentConfiguration,
        profile: decision?.profile ?? pod.spec.schedulerName ?? run.profile,
        objects: simulation.store,
      }),
    );
  }

  const summary = buildSummary(result, {
    mode: run.mode,
    seed: options.seed,
    source: loaded.source,
    profile: run.profile,
    podsBoundAtStart: run.boundPods.length,
    explanations,
    reloads,
    warnings: run.warnings,
  });
  if (options.report) await writeReportAtomically(options.report, renderReport(summary));
  const owners = run.owners ? groupByOwner(result, run.pendingPods, run.owners) : undefined;
  if (options.json) {
    output.stdout.write(`${JSON.stringify(owners ? { ...summary, owners } : summary, null, 2)}\n`);
  } else {
    output.stdout.write(formatSummary(summary));
    if (run.mode === 'simulate') output.stdout.write(formatPlacements(result, run.pendingPods));
    if (owners && owners.length > 0) output.stdout.write(formatOwners(owners));
    if (options.report) output.stdout.write(`\nReport written to ${options.report}\n`);
    if (run.mode === 'synthetic') output.stdout.write(`\nRun it again with --seed ${options.seed} for the same placement.\n`);
  }
  return { summary, failed: summary.outcome.errors > 0 };
}

/** `--explain` names: `namespace/name`, or a bare name when only one pod has it. */
function resolveExplainTargets(names: readonly string[], pods: readonly Pod[]): string[] {
  if (names.length === 0) return [];
  const byName = new Map<string, string[]>();
  const keys = new Set<string>();
  for (const pod of pods) {
    const key = objectKey(pod.metadata);
    keys.add(key);
    const list = byName.get(pod.metadata.name) ?? [];
    list.push(key);
    byName.set(pod.metadata.name, list);
  }
  const example = pods[0] ? ` (pods to schedule are named like ${objectKey(pods[0].metadata)})` : '';
  const targets = names.map((name) => {
    if (name.includes('/')) {
      if (!keys.has(name)) throw new InputError(`--explain ${name}: no pod to schedule has that name${example}`);
      return name;
    }
    const matches = byName.get(name) ?? [];
    if (matches.length === 0) throw new InputError(`--explain ${name}: no pod to schedule has that name${example}`);
    if (matches.length > 1) throw new InputError(`--explain ${name}: several pods have that name (${matches.join(', ')}); give namespace/name`);
    return matches[0]!;
  });
  return [...new Set(targets)];
}

function watchConfiguration(
  file: string,
  run: Execution,
  simulation: Simulation,
  note: (line: string) => void,
  settled: () => number,
  reloads: ReloadRecord[],
): { close(): void } {
  return watchFile(file, async () => {
    try {
      const configuration = await readConfigurationFile(file, run.loaded.registry, run.loaded.loadedModules);
      if (!configuration.profiles.some((p) => p.schedulerName === run.profile)) {
        throw new InputError(`${file}: profile "${run.profile}", which the pods use, is gone`);
      }
      if (run.gangs > 0) checkGangProfile({ ...run.loaded, configuration }, run.profile);
      await simulation.reconfigure(configuration);
      const message = `config ${file} reloaded (profiles: ${configuration.profiles.map((p) => p.schedulerName).join(', ')})`;
      reloads.push({ atPod: settled(), ok: true, message });
      note(message);
    } catch (error) {
      const message = `config ${file} changed but was not applied: ${errorLines(error)[0]}; the previous configuration stays in force`;
      reloads.push({ atPod: settled(), ok: false, message });
      note(message);
    }
  });
}

/** Where `simulate` put each pending pod. */
function formatPlacements(result: SimulationResult, pending: readonly Pod[]): string {
  const shown = 50;
  const rows = pending.slice(0, shown).map((pod) => {
    const key = objectKey(pod.metadata);
    const node = result.placements.get(key);
    if (node) return [key, node, ''];
    const unschedulable = result.unschedulable.get(key);
    if (unschedulable) return [key, '(unschedulable)', fitErrorReasons(unschedulable.message).join('; ')];
    return [key, '(pending)', result.errors.get(key) ?? (result.waitingAtPermit.has(key) ? 'waiting at Permit' : 'not attempted')];
  });
  const lines = ['', `Pending pods (${count(pending.length)})`, ...table(['POD', 'NODE', 'WHY NOT'], rows)];
  if (pending.length > shown) lines.push(`  ... ${count(pending.length - shown)} more (see --json)`);
  return `${lines.join('\n')}\n`;
}
