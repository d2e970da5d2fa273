import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliPath, demoDir, ensureBuilt, runCli } from './cli-harness.test-helpers.js';
import type { Summary } from './summary.js';
import { generateCluster, Labels } from './synthetic.js';

const scratch = mkdtempSync(join(tmpdir(), 'schedkit-demo-cli-'));

function json(stdout: string): Summary {
  return JSON.parse(stdout) as Summary;
}

beforeAll(() => {
  ensureBuilt();
});

describe('help', () => {
  it.each([
    [['--help'], ['Usage: schedkit [options] [command]', 'run [options]', 'simulate [options]']],
    [
      ['run', '--help'],
      ['--nodes <count>', 'nodes to generate (default: 1000)', '(default: 10000)', 'zones the nodes are spread over (default: 3)', '--gangs <count>', '--seed <n>', '--explain <pod>', '--report <file.html>', '--json', '--watch-config'],
    ],
    [['simulate', '--help'], ['--nodes <file>', '--pods <file>', '--config <file>', '--profile <name>']],
  ])('%j prints usage with every flag and its default, exit 0', async (args, expected) => {
    const run = await runCli(args);
    expect(run.code).toBe(0);
    for (const text of expected) expect(run.stdout).toContain(text);
    expect(run.stderr).toBe('');
  });
});

describe('run (synthetic cluster)', () => {
  it('schedules the cluster and prints a readable summary, with plain progress lines when stderr is not a terminal', async () => {
    const run = await runCli(['--nodes', '60', '--pods', '600', '--seed', '11']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('synthetic cluster (seed 11): 60 nodes in 3 zones, 600 pods to schedule');
    expect(run.stdout).toMatch(/Scheduled\s+\d+ of 600 pods in \d+\.\d\d s \([\d,]+ pods\/s, [\d,]+ scheduling cycles\)/);
    expect(run.stdout).toMatch(/Unschedulable\s+\d+ pods/);
    for (const text of ['Latency per extension point (ms)', 'PreFilter+Filter', 'PreScore+Score', 'Permit..Bind', 'Node utilization', 'mean cpu']) {
      expect(run.stdout).toContain(text);
    }
    expect(run.stdout).toContain('Run it again with --seed 11 for the same placement.');
    const progress = run.stderr.trim().split('\n');
    expect(progress.length).toBeLessThanOrEqual(10);
    for (const line of progress) expect(line).toMatch(/^scheduling: (\d+% \([\d,]+ of 600 pods, \d+\.\d s\)|retrying, [\d,]+ pods pending, [\d,]+ scheduling cycles \(\d+\.\d s\))$/);
    expect(progress.at(-1)).toMatch(/^scheduling: 100% \(600 of 600 pods/);
  });

  it('draws a progress bar on a terminal', async () => {
    const output = execFileSync('script', ['-qec', `${process.execPath} ${cliPath} --nodes 40 --pods 2000 --seed 3`, '/dev/null'], { cwd: demoDir, encoding: 'utf8' });
    expect(output).toContain('scheduling |');
    expect(output).toMatch(/\| \d+% \| [\d,]+\/2000 pods \|/);
    expect(output).not.toContain('scheduling: 10% (');
  }, 180_000);

  it('--json prints only the summary as JSON, consistent with the text summary', async () => {
    const [text, machine] = await Promise.all([
      runCli(['--nodes', '60', '--pods', '600', '--seed', '11', '--no-progress']),
      runCli(['--nodes', '60', '--pods', '600', '--seed', '11', '--json', '--no-progress']),
    ]);
    expect(machine.code).toBe(0);
    expect(machine.stderr).toBe('');
    const summary = json(machine.stdout);
    const { outcome } = summary;
    expect(outcome.scheduled + outcome.unschedulable + outcome.waitingAtPermit + outcome.errors + outcome.notAttempted + outcome.preempted).toBe(600);
    expect(Object.keys(summary.placements)).toHaveLength(outcome.scheduled);
    expect(summary.utilization.nodes).toHaveLength(60);
    expect(summary.utilization.cpu.buckets.reduce((a, b) => a + b, 0)).toBe(60);
    expect(summary.latency.map((l) => l.point).sort()).toEqual(['bind', 'binding', 'filter', 'permit', 'preBind', 'reserve', 'score']);
    expect(summary.seed).toBe(11);
    expect(text.stdout).toContain(`Scheduled      ${outcome.scheduled} of 600 pods`);
    expect(text.stdout).toContain(`Unschedulable  ${outcome.unschedulable} pods`);
  });

  it('--seed makes the placement identical from run to run; another seed gives another one', async () => {
    const args = ['--nodes', '80', '--pods', '800', '--json', '--no-progress'];
    const [a, b, c] = await Promise.all([runCli([...args, '--seed', '21']), runCli([...args, '--seed', '21']), runCli([...args, '--seed', '22'])]);
    expect(json(a.stdout).placements).toEqual(json(b.stdout).placements);
    expect(Object.keys(json(a.stdout).placements).length).toBeGreaterThan(600);
    expect(json(c.stdout).placements).not.toEqual(json(a.stdout).placements);
  }, 180_000);

  it('--config with --profile schedules with that profile: bin-packing fills fewer nodes than the default spreading', async () => {
    const args = ['--nodes', '60', '--pods', '300', '--seed', '8', '--json', '--no-progress', '--config', 'fixtures/config/two-profiles.yaml'];
    const [spread, packed] = await Promise.all([runCli([...args, '--profile', 'default-scheduler']), runCli([...args, '--profile', 'bin-packing'])]);
    const a = json(spread.stdout);
    const b = json(packed.stdout);
    expect(b.configuration).toEqual({ source: 'fixtures/config/two-profiles.yaml', profile: 'bin-packing' });
    expect(b.outcome.scheduled).toBe(a.outcome.scheduled);
    // MostAllocated leaves more nodes empty and fills more nodes to the brim than LeastAllocated.
    expect(b.utilization.cpu.buckets[0]!).toBeGreaterThan(a.utilization.cpu.buckets[0]!);
    expect(b.utilization.cpu.buckets[9]!).toBeGreaterThan(a.utilization.cpu.buckets[9]!);
  });

  it('loads a plugin from a local file named in the configuration and shows its weighted scores', async () => {
    const cluster = generateCluster({ nodes: 30, pods: 60, zones: 3, gangs: 0, seed: 4, schedulerName: 'default-scheduler' });
    const pod = cluster.pods.find((p) => !p.spec.affinity?.nodeAffinity && !p.spec.nodeSelector && !p.spec.tolerations)!;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const run = await runCli(['--nodes', '30', '--pods', '60', '--seed', '4', '--json', '--no-progress', '--config', 'fixtures/config/prefer-zone.yaml', '--explain', key]);
    expect(run.code).toBe(0);
    const summary = json(run.stdout);
    const zoneOf = new Map(summary.utilization.nodes.map((n) => [n.name, n.zone]));
    const scoring = summary.explanations[0]!.scoring!;
    expect(scoring.weights).toContainEqual({ plugin: 'PreferZone', weight: 5 });
    for (const row of scoring.top) {
      const cell = row.plugins.find((c) => c.plugin === 'PreferZone')!;
      expect(cell.raw).toBe(zoneOf.get(row.node) === 'zone-b' ? 100 : 0);
      expect(cell.weighted).toBe(cell.normalized * 5);
    }
    const podsPerZone = new Map<string, number>();
    for (const node of summary.utilization.nodes) podsPerZone.set(node.zone, (podsPerZone.get(node.zone) ?? 0) + node.pods);
    expect(podsPerZone.get('zone-b')!).toBeGreaterThan(Math.max(podsPerZone.get('zone-a')!, podsPerZone.get('zone-c')!));
  });

  it.each([
    ['the built-in Coscheduling profile', []],
    ['a configuration that loads the Coscheduling package by name', ['--config', 'fixtures/config/gangs.yaml']],
  ])('--gangs places each gang whole, with %s', async (_what, extra) => {
    const cluster = generateCluster({ nodes: 40, pods: 300, zones: 3, gangs: 3, seed: 2, schedulerName: 'default-scheduler' });
    const sizes = new Map<string, number>();
    for (const pod of cluster.pods) {
      const gang = pod.metadata.labels?.[Labels.podGroup];
      if (gang) sizes.set(gang, Number(pod.metadata.labels![Labels.podGroupMinAvailable]));
    }
    const run = await runCli(['--nodes', '40', '--pods', '300', '--gangs', '3', '--seed', '2', '--json', '--no-progress', ...extra]);
    expect(run.code).toBe(0);
    const placed = Object.keys(json(run.stdout).placements);
    for (const [gang, size] of sizes) {
      const members = placed.filter((key) => key.startsWith(`ml/${gang}-`)).length;
      expect([0, size]).toContain(members);
    }
    expect(sizes.size).toBe(3);
  });

  it('exits 1 and says so when plugins fail at run time, after printing the summary', async () => {
    const run = await runCli(['--config', 'fixtures/config/broken-plugin.yaml', '--nodes', '5', '--pods', '20', '--seed', '1', '--no-progress']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Errors         20 pods hit a scheduler error');
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^schedkit: error: 20 pods hit scheduler errors, e\.g\. \S+: running Filter plugin "BrokenFilter": the inventory service is unreachable$/),
    ]);
  });
});

describe('bad input: one line on stderr naming the file or flag, exit 2, nothing written', () => {
  it.each([
    [['--nodes', '-1'], `schedkit: error: option '--nodes <count>' argument '-1' is invalid. --nodes must be a whole number, got "-1".`],
    [['--pods', 'abc'], `schedkit: error: option '--pods <count>' argument 'abc' is invalid. --pods must be a whole number, got "abc".`],
    [['--nodes', '0'], `schedkit: error: option '--nodes <count>' argument '0' is invalid. --nodes must be between 1 and 100,000, got 0.`],
    [['--nodes', '3', '--zones', '5'], 'schedkit: error: --zones 5: a cluster of 3 nodes has at most 3 zones'],
    [['--pods', '10', '--gangs', '2'], 'schedkit: error: --gangs 2: gangs have up to 8 pods each, so --pods must be at least 16'],
    [
      ['--config', 'fixtures/bad/negative-weight.yaml'],
      'schedkit: error: fixtures/bad/negative-weight.yaml: profiles[0].plugins.score.enabled[0].weight: Invalid value: -1: must be greater than or equal to 0 (0 means 1)',
    ],
    [['--config', 'fixtures/bad/unknown-plugin.yaml'], 'schedkit: error: fixtures/bad/unknown-plugin.yaml: profiles[0].plugins.filter.enabled[0].name: unknown plugin "NodeGPUFit" (a plugin comes from kube\'s defaults, a package in the configuration\'s plugins: list, or registry.use() in code)'],
    [['--config', 'fixtures/bad/malformed.yaml'], /^schedkit: error: fixtures\/bad\/malformed\.yaml: line 8, column 1: .*\]$/],
    [['--config', 'fixtures/bad/bad-args.yaml'], /^schedkit: error: fixtures\/bad\/bad-args\.yaml: profiles\[0\]\.pluginConfig\[0\]\.args\.scoringStrategy\.type: .*"MostPacked"/],
    [['--config', 'fixtures/bad/missing-package.yaml'], /^schedkit: error: fixtures\/bad\/missing-package\.yaml: plugins\[0\]: plugin package "\.\/no-such-plugin\.js": no such file/],
    [['--config', 'fixtures/config/absent.yaml'], 'schedkit: error: fixtures/config/absent.yaml: file not found'],
    [['--profile', 'bin-packing'], `schedkit: error: --profile: no profile named "bin-packing" in kube's default configuration (profiles: default-scheduler)`],
    [['--gangs', '1', '--config', 'fixtures/config/two-profiles.yaml'], /^schedkit: error: --gangs: profile "default-scheduler" of fixtures\/config\/two-profiles\.yaml does not run Coscheduling at queueSort, reserve, permit/],
    [['--watch-config'], 'schedkit: error: --watch-config needs --config FILE (the file to watch)'],
    [['--explain', 'nobody', '--nodes', '5', '--pods', '5', '--seed', '1'], /^schedkit: error: --explain nobody: no pod to schedule has that name \(pods to schedule are named like \S+\)$/],
    [['--frobnicate'], "schedkit: error: unknown option '--frobnicate'"],
    [['bogus'], "schedkit: error: too many arguments for 'run'. Expected 0 arguments but got 1."],
    [['simulate', '--nodes', 'fixtures/cluster/nodes.yaml'], "schedkit: error: required option '--pods <file>' not specified"],
    [['simulate', '--nodes', 'fixtures/cluster/absent.yaml', '--pods', 'fixtures/cluster/pods.yaml'], 'schedkit: error: fixtures/cluster/absent.yaml: file not found'],
    [
      ['simulate', '--nodes', 'fixtures/bad/bad-quantity-nodes.yaml', '--pods', 'fixtures/cluster/pods.yaml'],
      `schedkit: error: fixtures/bad/bad-quantity-nodes.yaml: document 1, items[0] (Node worker-1): status.allocatable[cpu]: Invalid value: "four": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    ],
    [['simulate', '--nodes', 'fixtures/cluster/nodes.yaml', '--pods', 'fixtures/bad/malformed-pods.yaml'], /^schedkit: error: fixtures\/bad\/malformed-pods\.yaml: line 1[45], column \d+: /],
  ])('%j', async (args, expected) => {
    const report = join(scratch, `report-${args.join('_').replace(/[^\w.-]/g, '')}.html`);
    const run = await runCli([...args, '--report', report]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    if (typeof expected === 'string') expect(lines[0]).toBe(expected);
    else expect(lines[0]).toMatch(expected);
    expect(existsSync(report)).toBe(false);
    expect(readdirSync(scratch).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('a report path in a missing folder', async () => {
    const run = await runCli(['--nodes', '5', '--pods', '5', '--report', '/nonexistent-folder/report.html']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('schedkit: error: --report /nonexistent-folder/report.html: the folder /nonexistent-folder does not exist\n');
  });
});

describe('simulate (real manifests)', () => {
  it('places the pending pods of kubectl get -o yaml Lists among the bound ones, warning once per unsupported field', async () => {
    const run = await runCli([
      'simulate',
      '--nodes',
      'fixtures/cluster/nodes.yaml',
      '--pods',
      'fixtures/cluster/pods.yaml',
      '--seed',
      '1',
      '--json',
      '--explain',
      'train-0',
      '--no-progress',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr.trimEnd().split('\n')).toEqual(['warning: fixtures/cluster/pods.yaml: ignoring 1 finished pods (Succeeded or Failed): they hold no resources']);
    const summary = json(run.stdout);
    expect(summary.cluster).toEqual({ nodes: 5, zones: ['eu-west-1a', 'eu-west-1b'], podsToSchedule: 4, podsBoundAtStart: 7 });
    // The DaemonSet pod is pinned to worker-b1 by matchFields; the etl pod needs the only ssd node, worker-b1.
    expect(summary.placements['monitoring/node-exporter-q2m9w']).toBe('worker-b1');
    expect(summary.placements['batch/etl-5f7b9c-kk2jd']).toBe('worker-b1');
    // Any schedulable worker will do for the web pod: not the tainted control plane, not the cordoned worker-b2.
    expect(['worker-a1', 'worker-a2', 'worker-b1']).toContain(summary.placements['shop/web-6d4cf56db6-m7tqz']);
    // The claim train-0 mounts is not among the manifests: as in kube, the pod waits for it (VolumeRestrictions'
    // PreFilter, the first volume plugin, rejects it on every node).
    const missingClaim = 'persistentvolumeclaim "checkpoints-train-0" not found';
    expect(summary.unschedulable).toEqual([{ reasons: [missingClaim], pods: 1, examples: ['ml/train-0'] }]);
    const explanation = summary.explanations[0]!;
    expect(explanation.pod).toBe('ml/train-0');
    expect(explanation.nodes.map((n) => [n.node, n.reasons])).toEqual(
      ['kind-control-plane', 'worker-a1', 'worker-a2', 'worker-b1', 'worker-b2'].map((node) => [node, [missingClaim]]),
    );
  });

  it('reads kubectl JSON nodes and multi-document YAML pods with the Services among them', async () => {
    const run = await runCli(['simulate', '--nodes', 'fixtures/cluster/nodes.json', '--pods', 'fixtures/cluster/pods-multidoc.yaml', '--seed', '1', '--json', '--no-progress']);
    expect(run.code).toBe(0);
    // The Service is read (PodTopologySpread's system defaults take its selector), so no kind is skipped.
    expect(run.stderr).toBe('');
    const summary = json(run.stdout);
    expect(summary.cluster.podsBoundAtStart).toBe(3);
    expect(summary.cluster.podsToSchedule).toBe(3);
    expect(summary.placements['batch/etl-5f7b9c-kk2jd']).toBe('worker-b1');
  });

  it('prints where each pending pod goes and explains decisions as tables', async () => {
    const run = await runCli([
      'simulate',
      '--nodes',
      'fixtures/cluster/nodes.yaml',
      '--pods',
      'fixtures/cluster/pods.yaml',
      '--seed',
      '1',
      '--explain',
      'ml/train-0',
      '--explain',
      'shop/web-6d4cf56db6-m7tqz',
      '--no-progress',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Pending pods (4)');
    expect(run.stdout).toMatch(/monitoring\/node-exporter-q2m9w\s+worker-b1/);
    expect(run.stdout).toMatch(/ml\/train-0\s+\(unschedulable\)\s+persistentvolumeclaim "checkpoints-train-0" not found/);
    expect(run.stdout).toContain('Explain ml/train-0 (profile default-scheduler)');
    expect(run.stdout).toContain('Explain shop/web-6d4cf56db6-m7tqz (profile default-scheduler)');
    expect(run.stdout).toMatch(/Scores of the best \d+ of the \d+ nodes the scheduler scored/);
    expect(run.stdout).toMatch(/TaintToleration x3\s+NodeResourcesFit x1\s+NodeResourcesBalancedAllocation x1/);
    expect(run.stdout).toContain("* chosen. Recomputed scores match the scores the scheduler computed in the pod's cycle.");
  });
});

describe('--watch-config', () => {
  it('applies a valid change during the run, reports an invalid one and keeps the previous configuration', async () => {
    const config = join(scratch, 'watched.yaml');
    copyFileSync(join(demoDir, 'fixtures', 'config', 'two-profiles.yaml'), config);
    const original = readFileSync(config, 'utf8');
    let step = 0;
    const run = await runCli(['--nodes', '500', '--pods', '5000', '--seed', '3', '--config', config, '--watch-config', '--json'], {
      timeoutMs: 240_000,
      onStderr: (soFar) => {
        if (step === 0 && soFar.includes('scheduling: ')) {
          step = 1;
          writeFileSync(config, original.replace('type: MostAllocated', 'type: LeastAllocated'));
        } else if (step === 1 && soFar.includes('reloaded')) {
          step = 2;
          writeFileSync(config, `${original}\n  - schedulerName: [not, a, name]\n`);
        }
      },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`config ${config} reloaded (profiles: default-scheduler, bin-packing)`);
    expect(run.stderr).toMatch(new RegExp(`config ${config} changed but was not applied: ${config}: .*; the previous configuration stays in force`));
    const reloads = json(run.stdout).reloads;
    expect(reloads[0]!.ok).toBe(true);
    expect(reloads[0]!.atPod).toBeLessThan(5000);
    expect(reloads.slice(1).length).toBeGreaterThan(0);
    for (const reload of reloads.slice(1)) expect(reload).toMatchObject({ ok: false, message: expect.stringContaining('changed but was not applied') });
  }, 300_000);
});
