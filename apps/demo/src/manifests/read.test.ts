import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, Pod } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { readManifests } from './read.js';

const real = join(import.meta.dirname, '..', '..', 'fixtures', 'real');
const scratch = mkdtempSync(join(tmpdir(), 'schedkit-manifests-'));
let counter = 0;
function file(text: string | Buffer, name = `m${counter++}.yaml`): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}
const pod = (name: string, extra = ''): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: c\n    image: i\n${extra}`;
const message = async (path: string): Promise<string> => {
  try {
    await readManifests(path);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
};

describe('readManifests: defaulting as the API server applies it', () => {
  it('a limits-only GPU pod requests its limit; node allocatable defaults to capacity', async () => {
    const path = file(`${pod('gpu', '    resources:\n      limits: {nvidia.com/gpu: 1}\n')}---\napiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus:\n  capacity: {cpu: "4", nvidia.com/gpu: "1"}\n`);
    const { objects } = await readManifests(path);
    const gpu = objects[0]!.object as unknown as Pod;
    expect(gpu.spec.containers[0]!.resources!.requests).toEqual({ 'nvidia.com/gpu': 1 });
    expect(gpu.spec.schedulerName).toBe('default-scheduler');
    expect((objects[1]!.object as unknown as Node).status!.allocatable).toEqual({ cpu: '4', 'nvidia.com/gpu': '1' });
  });

  it('reads the capacity-only nodes of a real derived dump', async () => {
    const { objects } = await readManifests(join(real, 'derived-node-capacity-only.yaml'));
    for (const { object } of objects.filter((o) => o.kind === 'Node')) expect((object as unknown as Node).status?.allocatable).toBeDefined();
  });
});

describe('readManifests: validation with kube rules, one line naming file, document, object and field', () => {
  it.each<[string, string, RegExp]>([
    ['an unknown apiVersion', pod('x').replace('apiVersion: v1', 'apiVersion: v2'), /document 1 \(Pod default\/x\): no matches for kind "Pod" in version "v2" \(use v1\)$/],
    [
      'a batch/v1beta1 CronJob',
      'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: nightly}\nspec: {schedule: "0 0 * * *"}\n',
      /no matches for kind "CronJob" in version "batch\/v1beta1" \(batch\/v1beta1 CronJob is no longer served since Kubernetes v1\.25; use batch\/v1\)$/,
    ],
    ['a missing name', pod('x').replace('  name: x\n', ''), /document 1 \(Pod \(no name\)\): metadata\.name: Required value: name or generateName is required$/],
    ['the same pod twice', `${pod('x')}---\n${pod('x')}`, /document 2 \(Pod default\/x\): pods "x" already exists \(also .* document 1\)$/],
    ['a negative quantity', pod('x', '    resources:\n      requests: {cpu: "-1"}\n'), /spec\.containers\[0\]\.resources\.requests\[cpu\]: Invalid value: "-1": must be greater than or equal to 0$/],
    ['an unknown taint effect', 'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec:\n  taints: [{key: a, effect: Never}]\n', /\(Node n1\): spec\.taints\[0\]\.effect: Unsupported value: "Never"/],
    ['the old node affinity list', '', /mal-website-node-affinity-old\.yaml: document 1 \(Pod default\/with-node-affinity\): spec\.affinity\.nodeAffinity\.requiredDuringSchedulingIgnoredDuringExecution: Invalid value: array/],
  ])('refuses %s', async (_, text, expected) => {
    const path = text === '' ? join(real, 'mal-website-node-affinity-old.yaml') : file(text);
    const found = await message(path);
    expect(found.split('\n')).toHaveLength(1);
    expect(found.startsWith(path)).toBe(true);
    expect(found).toMatch(expected);
  });

  it('warns about unknown fields by path, as kubectl apply does, and goes on', async () => {
    const { objects, warnings } = await readManifests(file(pod('x', '  nodeSelecter: {disk: ssd}\n')));
    expect(objects).toHaveLength(1);
    expect(warnings).toEqual([expect.stringMatching(/: unknown field "spec\.nodeSelecter" \(in 1 Pod\); it is ignored$/)]);
  });
});

describe('readManifests: size and hostile input', () => {
  it('refuses a YAML alias bomb, naming the file', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const path = file(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n${bomb.map((l) => `  ${l}`).join('\n')}\n`);
    expect(await message(path)).toMatch(/^.*: document 1: refused: its YAML aliases expand too much/);
  });

  it('refuses binary data, a folder and a missing file in one line', async () => {
    expect(await message(file(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0xff, 0xfe]), 'image.png'))).toMatch(/image\.png: is not a text file/);
    const folder = join(scratch, 'folder');
    mkdirSync(folder);
    expect(await message(folder)).toBe(`${folder}: is a directory, not a file`);
    expect(await message(join(scratch, 'absent.yaml'))).toBe(`${join(scratch, 'absent.yaml')}: file not found`);
  });

  it('streams a kubectl List item by item, anchors across items included', async () => {
    const list = `apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, labels: &l {app: web}}\n  spec: {containers: [{name: c}]}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: b, labels: *l}\n  spec: {containers: [{name: c}]}\nkind: List\nmetadata: {resourceVersion: ""}\n`;
    const { objects } = await readManifests(file(list));
    expect(objects.map((o) => [o.where.replace(/^.*?: /, ''), o.object.metadata])).toEqual([
      ['document 1, items[0] (Pod default/a)', expect.objectContaining({ name: 'a', labels: { app: 'web' } })],
      ['document 1, items[1] (Pod default/b)', expect.objectContaining({ name: 'b', labels: { app: 'web' } })],
    ]);
  });

  it('reads every real fixture that the API server accepts', async () => {
    for (const name of ['real-aks-nodes.json', 'real-rke2-gpu-nodes.json', 'real-kind-node-volcano.yaml', 'real-kind-pod-volcano.yaml', 'real-simulator-kwok-nodes.yaml', 'web-mixed-workloads.yaml', 'web-multidoc-pods.yaml', 'web-probe-pods.yaml', 'own-priorityclass.yaml', 'derived-kubectl-get-nodes-pods.yaml', 'derived-kubectl-pods.json']) {
      const { objects } = await readManifests(join(real, name));
      expect(objects.length, name).toBeGreaterThan(0);
    }
  });

  it('is not fooled by an unreadable file', async () => {
    if (process.getuid?.() === 0) return; // root reads everything
    const path = file(pod('x'));
    chmodSync(path, 0o000);
    expect(await message(path)).toMatch(/permission denied/);
  });
});
