import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Node, PersistentVolumeClaim } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { readManifests } from '../manifests/read.js';
import { SeededRandom } from '../random.js';
import { nextCronTime } from './cron.js';
import { expandWorkloads } from './expand.js';
import { generateName, safeEncodeString } from './names.js';

const real = join(import.meta.dirname, '..', '..', 'fixtures', 'real');
const nodesFile = join(import.meta.dirname, '..', '..', 'fixtures', 'cluster', 'nodes.yaml');

async function expand(file: string) {
  const set = await readManifests([nodesFile, file]);
  const nodes = set.objects.filter((o) => o.kind === 'Node').map((o) => o.object as unknown as Node);
  return expandWorkloads(set.objects, { nodes, random: new SeededRandom(7).asFunction(), now: new Date(Date.UTC(2026, 0, 1, 12, 0, 30)) });
}

describe('expandWorkloads: the pods kube controllers make, from the kubernetes/website examples', () => {
  it('a Deployment makes a ReplicaSet <name>-<pod-template-hash> whose pods carry the hash and its owner reference', async () => {
    const { pods, controllers, owners } = await expand(join(real, 'web-mixed-workloads.yaml'));
    const rs = controllers[0]!;
    expect(rs.metadata.name).toMatch(/^nginx-deployment-[bcdfghjklmnpqrstvwxz2456789]+$/);
    const hash = rs.metadata.name.slice('nginx-deployment-'.length);
    const deployPods = pods.filter((p) => owners.get(`default/${p.metadata.name}`) === 'Deployment default/nginx-deployment');
    expect(deployPods).toHaveLength(3);
    for (const pod of deployPods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^${rs.metadata.name}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'nginx', 'pod-template-hash': hash });
      expect(pod.metadata.ownerReferences).toEqual([expect.objectContaining({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, controller: true })]);
      expect(pod.spec.schedulerName).toBe('default-scheduler');
    }
  });

  it('a StatefulSet makes <name>-<ordinal> pods and records the claims of its volumeClaimTemplates', async () => {
    const { pods, claims } = await expand(join(real, 'web-mixed-workloads.yaml'));
    const web = pods.filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'StatefulSet');
    expect(web.map((p) => p.metadata.name)).toEqual(['web-0', 'web-1', 'web-2']);
    expect(web[1]!.metadata.labels).toMatchObject({ app: 'nginx', 'statefulset.kubernetes.io/pod-name': 'web-1', 'apps.kubernetes.io/pod-index': '1' });
    expect(web[1]!.spec.volumes).toEqual([{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } }]);
    expect(claims.map((c: PersistentVolumeClaim) => c.metadata.name)).toEqual(['www-web-0', 'www-web-1', 'www-web-2']);
    expect(claims[0]!.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], storageClassName: 'my-storage-class' });
  });

  it('a DaemonSet makes one pod per eligible node, pinned by matchFields, with the tolerations its controller adds', async () => {
    const { pods } = await expand(join(real, 'web-mixed-workloads.yaml'));
    const daemons = pods.filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'DaemonSet');
    // The control plane's taint is not tolerated (the template tolerates the old master taint); the cordoned worker is.
    const pinned = daemons.map((p) => p.spec.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0]!.matchFields![0]!.values![0]);
    expect(pinned).toEqual(['worker-a1', 'worker-a2', 'worker-b1', 'worker-b2']);
    expect(daemons[0]!.metadata.namespace).toBe('kube-system');
    expect(daemons[0]!.spec.tolerations).toContainEqual({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' });
  });

  it('a Job makes parallelism pods (at most its completions) with the job labels', async () => {
    const { pods } = await expand(join(real, 'web-mixed-workloads.yaml'));
    const pi = pods.filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'Job');
    expect(pi).toHaveLength(1);
    expect(pi[0]!.metadata.name).toMatch(/^pi-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pi[0]!.metadata.labels).toMatchObject({ 'job-name': 'pi', 'batch.kubernetes.io/job-name': 'pi' });
  });

  it('a batch/v1 CronJob makes the Job of its next run, <name>-<minutes since the epoch>', () => {
    const next = nextCronTime('*/15 * * * *', new Date(Date.UTC(2026, 0, 1, 12, 0, 30)));
    expect(next.toISOString()).toBe('2026-01-01T12:15:00.000Z');
    expect(nextCronTime('@daily', new Date(Date.UTC(2026, 0, 1, 12))).toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(nextCronTime('0 9 * * mon-fri', new Date(Date.UTC(2026, 0, 3, 12))).toISOString()).toBe('2026-01-05T09:00:00.000Z');
    expect(() => nextCronTime('61 * * * *', new Date())).toThrow(/out of range/);
  });
});

describe('names as kube generates them', () => {
  it('generateName appends five characters of the safe alphabet and cuts the base to 58', () => {
    const random = new SeededRandom(1).asFunction();
    expect(generateName('web-', random)).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(generateName('x'.repeat(70), random)).toHaveLength(63);
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });
});

describe('CronJob expansion', () => {
  it('makes the pods of the Job its next run creates, owned by that Job', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schedkit-cron-'));
    const file = join(dir, 'cron.yaml');
    writeFileSync(
      file,
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report}\nspec:\n  schedule: "*/15 * * * *"\n  jobTemplate:\n    spec:\n      parallelism: 2\n      completions: 5\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers: [{name: c, image: busybox}]\n',
    );
    const { pods } = await expand(file);
    const minutes = Date.UTC(2026, 0, 1, 12, 15) / 60_000;
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^report-${minutes}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Job', name: `report-${minutes}` })]);
    }
  });
});
