/**
 * `simulate` with storage: claims, volumes, classes, CSINodes and CSIDrivers read from `kubectl get -o yaml` output,
 * StatefulSets whose volumeClaimTemplates become one claim per replica, and kube's volume plugins placing the pods.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './cli-harness.test-helpers.js';
import type { Summary } from './summary.js';

beforeAll(() => {
  ensureBuilt();
});

describe('simulate with volumes', () => {
  it('places StatefulSet replicas on the nodes their claims allow', async () => {
    const run = await runCli(['simulate', '--nodes', 'fixtures/cluster/nodes.yaml', '--pods', 'fixtures/cluster/storage.yaml', '--seed', '1', '--json', '--no-progress']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const summary = JSON.parse(run.stdout) as Summary;
    const placements = summary.placements as Record<string, string>;
    // kafka's claims are local-storage (no provisioner): the two free local volumes, on worker-a1 and worker-b1,
    // take two replicas, one each; the third finds no volume.
    const kafka = ['shop/kafka-0', 'shop/kafka-1', 'shop/kafka-2'];
    const placed = kafka.filter((pod) => placements[pod] !== undefined);
    expect(placed.map((pod) => placements[pod]).sort()).toEqual(['worker-a1', 'worker-b1']);
    // zk's class provisions only in eu-west-1b, where worker-b1 is the only schedulable node.
    expect([placements['shop/zk-0'], placements['shop/zk-1']]).toEqual(['worker-b1', 'worker-b1']);
    // The reports pod's claim is bound to a volume in eu-west-1a.
    expect(['worker-a1', 'worker-a2']).toContain(placements['shop/reports']);
    expect(summary.unschedulable).toEqual([
      {
        reasons: ["node(s) didn't find available persistent volumes to bind", 'node(s) had untolerated taint(s)', 'node(s) were unschedulable'],
        pods: 1,
        examples: [kafka.find((pod) => !placed.includes(pod))],
      },
      // Its class binds immediately and no PV controller has bound it: kube waits for that.
      { reasons: ['pod has unbound immediate PersistentVolumeClaims'], pods: 1, examples: ['shop/scratch-job'] },
    ]);
  });
});
