import type { LabelSelector, Pod, PodDisruptionBudget } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { splitByPDBViolation } from './pdb.js';
import { pickOneNodeForPreemption } from './victims.js';

const pod = (name: string, labels: Record<string, string>, namespace = 'default'): Pod => ({ metadata: { name, namespace, labels }, spec: { containers: [{ name: 'c' }] } });
const budget = (allowed: number, selector: LabelSelector): PodDisruptionBudget => ({
  metadata: { name: 'zk', namespace: 'default' },
  spec: { minAvailable: 2, selector },
  status: { disruptionsAllowed: allowed },
});

describe("splitByPDBViolation (kube's filterPodsWithPDBViolation)", () => {
  const zk = [pod('zk-0', { app: 'zk' }), pod('zk-1', { app: 'zk' }), pod('web', { app: 'web' })];

  it('counts allowed disruptions down in victim order: the victim past the budget violates it', () => {
    const split = splitByPDBViolation(zk, [budget(1, { matchLabels: { app: 'zk' } })]);
    expect(split.violating.map((p) => p.metadata.name)).toEqual(['zk-1']);
    expect(split.nonViolating.map((p) => p.metadata.name)).toEqual(['zk-0', 'web']);
  });

  it('ignores budgets of other namespaces, with empty selectors, and pods already being disrupted', () => {
    expect(splitByPDBViolation(zk, [{ ...budget(0, { matchLabels: { app: 'zk' } }), metadata: { name: 'x', namespace: 'other' } }]).violating).toEqual([]);
    expect(splitByPDBViolation(zk, [budget(0, {})]).violating).toEqual([]);
    const disrupted = budget(0, { matchLabels: { app: 'zk' } });
    disrupted.status!.disruptedPods = { 'zk-0': '2025-01-01T00:00:00Z' };
    expect(splitByPDBViolation(zk, [disrupted]).violating.map((p) => p.metadata.name)).toEqual(['zk-1']);
  });

  it('makes preemption prefer the node whose victims violate fewer budgets', () => {
    const chosen = pickOneNodeForPreemption([
      { nodeName: 'a', pods: [pod('zk-0', { app: 'zk' })], numPDBViolations: 1 },
      { nodeName: 'b', pods: [pod('w1', {}), pod('w2', {})], numPDBViolations: 0 },
    ]);
    expect(chosen?.nodeName).toBe('b');
  });
});
