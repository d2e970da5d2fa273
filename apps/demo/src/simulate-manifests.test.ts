import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './cli-harness.test-helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'schedkit-simulate-'));
const nodes2 = join(scratch, 'nodes-2x4cpu.yaml');
writeFileSync(
  nodes2,
  ['n1', 'n2'].map((n) => `apiVersion: v1\nkind: Node\nmetadata: {name: ${n}}\nstatus:\n  capacity: {cpu: "4", memory: 16Gi, pods: "110"}\n`).join('---\n'),
);
const real = 'fixtures/real';

beforeAll(() => {
  ensureBuilt();
});

describe('simulate reads what the API server would have stored', () => {
  it('resolves priorityClassName, so the high-priority pod preempts (kubernetes/website high-priority-pod)', async () => {
    const run = await runCli(['simulate', '--nodes', nodes2, '--pods', `${real}/own-priorityclass.yaml`, '--seed', '1', '--json', '--no-progress']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { placements: Record<string, string>; outcome: { preempted: number } };
    expect(summary.placements['default/high-priority']).toMatch(/^n[12]$/);
    expect(summary.outcome.preempted).toBe(1);
  });

  it('refuses a pod naming an unknown PriorityClass as admission does, exit 2', async () => {
    const pods = join(scratch, 'unknown-class.yaml');
    writeFileSync(pods, 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  priorityClassName: high\n  containers: [{name: c, image: i}]\n');
    const run = await runCli(['simulate', '--nodes', nodes2, '--pods', pods, '--no-progress']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`schedkit: error: ${pods}: document 1 (Pod default/p): pods "p" is forbidden: no PriorityClass with name high was found\n`);
  });

  it('expands workloads and groups the results by owner; --no-expand skips each with one warning', async () => {
    const run = await runCli(['simulate', '--nodes', 'fixtures/cluster/nodes.yaml', '--pods', `${real}/web-mixed-workloads.yaml`, '--seed', '2', '--json', '--no-progress']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { owners: { owner: string; pods: number; placed: number }[] };
    expect(summary.owners.map((o) => [o.owner, o.pods])).toEqual([
      ['Deployment default/nginx-deployment', 3],
      ['ReplicaSet default/frontend', 3],
      ['DaemonSet kube-system/fluentd-elasticsearch', 4],
      ['Job default/pi', 1],
      ['StatefulSet default/web', 3],
    ]);
    const text = await runCli(['simulate', '--nodes', 'fixtures/cluster/nodes.yaml', '--pods', `${real}/web-mixed-workloads.yaml`, '--seed', '2', '--no-progress']);
    expect(text.stdout).toMatch(/By owner \(5\)\n\s+OWNER\s+PLACED/);
    const skipped = await runCli(['simulate', '--nodes', 'fixtures/cluster/nodes.yaml', '--pods', `${real}/web-mixed-workloads.yaml`, '--no-expand', '--json', '--no-progress']);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr.match(/not expanded \(--no-expand\)/g)).toHaveLength(5);
  });

  it.each([
    ['a batch/v1beta1 CronJob', 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec: {schedule: "* * * * *"}\n', /no matches for kind "CronJob" in version "batch\/v1beta1" \(.*use batch\/v1\)$/],
    ['two pods default/x', 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: c}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: default}\nspec: {containers: [{name: c}]}\n', /document 2 \(Pod default\/x\): pods "x" already exists/],
  ])('refuses %s in one line, exit 2', async (_, text, expected) => {
    const pods = join(scratch, `bad-${Math.random()}.yaml`);
    writeFileSync(pods, text);
    const run = await runCli(['simulate', '--nodes', nodes2, '--pods', pods, '--no-progress']);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr.trimEnd()).toMatch(expected);
  });

  it('an empty nodes file is an error; an empty pods file a warning', async () => {
    const empty = join(scratch, 'empty.yaml');
    writeFileSync(empty, '# nothing here\n');
    const noNodes = await runCli(['simulate', '--nodes', empty, '--pods', `${real}/web-probe-pods.yaml`, '--no-progress']);
    expect(noNodes.code).toBe(2);
    expect(noNodes.stderr).toBe(`schedkit: error: ${empty}: no Node objects found\n`);
    const noPods = await runCli(['simulate', '--nodes', nodes2, '--pods', empty, '--no-progress']);
    expect(noPods.code).toBe(0);
    expect(noPods.stderr).toContain(`warning: ${empty}: no objects found; there is nothing to schedule`);
  });

  it('--report to a path that cannot be written fails before the run, exit 2', async () => {
    const folder = join(scratch, 'folder.html');
    mkdirSync(folder);
    const run = await runCli(['simulate', '--nodes', nodes2, '--pods', `${real}/web-probe-pods.yaml`, '--report', folder, '--no-progress']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`schedkit: error: --report ${folder}: is a folder, not a file\n`);
  });

  it('a configuration naming a kube plugin schedkit lacks loads with one warning listing it; the volume plugins load as plugins', async () => {
    const config = join(scratch, 'volumes.yaml');
    writeFileSync(
      config,
      'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- plugins:\n    multiPoint:\n      enabled: [{name: VolumeBinding}, {name: VolumeZone}, {name: DynamicResources}]\n  pluginConfig:\n  - name: VolumeBinding\n    args: {apiVersion: kubescheduler.config.k8s.io/v1, kind: VolumeBindingArgs, bindTimeoutSeconds: 600}\n',
    );
    const run = await runCli(['simulate', '--config', config, '--nodes', nodes2, '--pods', `${real}/web-probe-pods.yaml`, '--no-progress']);
    expect(run.code).toBe(0);
    expect(run.stderr.match(/kube plugins schedkit does not have yet are left out: DynamicResources;/g)).toHaveLength(1);
  });
});
