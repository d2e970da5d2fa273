import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { readNodes, readPods } from './manifests.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const scratch = mkdtempSync(join(tmpdir(), 'schedkit-demo-manifests-'));

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

describe('readNodes', () => {
  it('reads a List as kubectl get nodes -o yaml prints it, keeping what scheduling reads', async () => {
    const { objects, warnings } = await readNodes(join(fixtures, 'cluster', 'nodes.yaml'));
    expect(objects.map((n) => n.metadata.name)).toEqual(['kind-control-plane', 'worker-a1', 'worker-a2', 'worker-b1', 'worker-b2']);
    const control = objects[0]!;
    expect(control.spec?.taints).toEqual([{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }]);
    expect(control.status?.allocatable).toMatchObject({ cpu: '4', memory: '7901488Ki', pods: '110' });
    expect(objects[4]!.spec?.unschedulable).toBe(true);
    // Fields kube-scheduler never reads are dropped without a word.
    expect(control.metadata).not.toHaveProperty('managedFields');
    expect(control.status).not.toHaveProperty('nodeInfo');
    expect(control.status).not.toHaveProperty('addresses');
    expect(warnings).toEqual([]);
  });

  it('reads the same nodes from kubectl JSON', async () => {
    const yaml = await readNodes(join(fixtures, 'cluster', 'nodes.yaml'));
    const json = await readNodes(join(fixtures, 'cluster', 'nodes.json'));
    expect(json.objects).toEqual(yaml.objects);
  });

  it('names the file, the object and the field of a malformed quantity', async () => {
    const path = join(fixtures, 'bad', 'bad-quantity-nodes.yaml');
    await expect(readNodes(path)).rejects.toThrow(new InputError(`${path}: items[0], node worker-1: node worker-1 status.allocatable.cpu: "four" is not a valid quantity`));
  });
});

describe('readPods', () => {
  it('reads kubectl get pods -A -o yaml, warning once per unsupported field path, not once per pod', async () => {
    const path = join(fixtures, 'cluster', 'pods.yaml');
    const { objects, warnings } = await readPods(path);
    expect(objects).toHaveLength(12);
    expect(warnings).toEqual([`${path}: ignoring spec.volumes[].persistentVolumeClaim: not supported by schedkit (in 2 pods)`]);
    const exporter = objects.find((p) => p.metadata.name === 'node-exporter-q2m9w')!;
    expect(exporter.spec.containers[0]!.ports).toEqual([{ containerPort: 9100, hostPort: 9100, name: 'metrics', protocol: 'TCP' }]);
    expect(exporter.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields).toEqual([
      { key: 'metadata.name', operator: 'In', values: ['worker-b1'] },
    ]);
    expect(exporter.spec.containers[0]).not.toHaveProperty('env');
    expect(exporter.spec).not.toHaveProperty('volumes');
  });

  it('reads multi-document YAML and warns once about each kind it skips', async () => {
    const path = join(fixtures, 'cluster', 'pods-multidoc.yaml');
    const { objects, warnings } = await readPods(path);
    expect(objects.map((p) => p.metadata.name)).toEqual(['web-6d4cf56db6-2xk9p', 'web-6d4cf56db6-8wq4n', 'api-7c9d8b7f5-qx2lm', 'web-6d4cf56db6-m7tqz', 'etl-5f7b9c-kk2jd', 'train-0']);
    expect(warnings).toEqual([
      `${path}: ignoring spec.volumes[].persistentVolumeClaim: not supported by schedkit (in 1 pod)`,
      `${path}: ignoring 1 Service object: only Pod objects are read from this file`,
    ]);
  });

  it('warns about fields it does not know, by path, with the number of pods', async () => {
    const pod = (name: string) =>
      `- kind: Pod\n  metadata: { name: ${name} }\n  spec:\n    resourceClaims: [{ name: gpu }]\n    containers:\n      - name: c\n        resources: { requests: { cpu: 100m }, claims: [{ name: gpu }] }\n`;
    const path = file('claims.yaml', `kind: PodList\nitems:\n${pod('a')}${pod('b')}`);
    const { objects, warnings } = await readPods(path);
    expect(objects).toHaveLength(2);
    expect(warnings).toEqual([
      `${path}: ignoring spec.resourceClaims: not supported by schedkit (in 2 pods)`,
      `${path}: ignoring spec.containers[].resources.claims: not supported by schedkit (in 2 pods)`,
    ]);
  });

  it.each([
    ['a YAML syntax error with its line and column', 'bad.yaml', 'kind: Pod\nmetadata: { name: x\n', /bad\.yaml: line 3, column 1: /],
    ['an object without a kind', 'nokind.yaml', 'metadata: { name: x }\n', /nokind\.yaml: document: the object has no "kind"$/],
    ['a pod without a name', 'noname.yaml', 'kind: Pod\nspec: { containers: [{ name: c }] }\n', /noname\.yaml: document: metadata\.name is missing$/],
    ['a pod without containers', 'nocontainers.yaml', 'kind: Pod\nmetadata: { name: x }\nspec: {}\n', /nocontainers\.yaml: pod x: spec\.containers must list at least one container$/],
    ['a list where an object belongs', 'shape.yaml', 'kind: Pod\nmetadata: { name: x }\nspec: { containers: { name: c } }\n', /shape\.yaml: pod x: spec\.containers must be a list, found an object$/],
    ['a List without items', 'list.yaml', 'kind: List\n', /list\.yaml: items: a List needs an "items" list$/],
  ])('rejects %s', async (_what, name, text, message) => {
    const path = file(name, text);
    await expect(readPods(path)).rejects.toThrow(message);
    await expect(readPods(path)).rejects.toBeInstanceOf(InputError);
  });

  it('says when the file is missing', async () => {
    await expect(readPods(join(scratch, 'absent.yaml'))).rejects.toThrow(`${join(scratch, 'absent.yaml')}: file not found`);
  });
});
