import { describe, expect, it } from 'vitest';
import { AdmissionError, admitPod } from './admission.js';
import type { PriorityClass, RuntimeClass } from './cluster-objects.js';
import type { Pod } from './types.js';

const high: PriorityClass = { metadata: { name: 'high' }, value: 1_000_000, preemptionPolicy: 'PreemptLowerPriority' };
const never: PriorityClass = { metadata: { name: 'batch' }, value: 500, preemptionPolicy: 'Never' };
const pod = (spec: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c' }], ...spec } });

describe('admitPod: the Priority admission plugin', () => {
  it('resolves priorityClassName to priority and preemptionPolicy', () => {
    expect(admitPod(pod({ priorityClassName: 'high' }), { priorityClasses: [high] }).spec).toMatchObject({ priority: 1_000_000, preemptionPolicy: 'PreemptLowerPriority' });
    expect(admitPod(pod({ priorityClassName: 'batch' }), { priorityClasses: [never] }).spec).toMatchObject({ priority: 500, preemptionPolicy: 'Never' });
  });

  it('knows the system classes', () => {
    expect(admitPod(pod({ priorityClassName: 'system-node-critical' }), {}).spec.priority).toBe(2_000_001_000);
  });

  it('gives pods without a class the global default (the lowest when several claim it), else 0', () => {
    const defaults = [
      { ...high, globalDefault: true },
      { ...never, globalDefault: true },
    ];
    expect(admitPod(pod(), { priorityClasses: defaults }).spec).toMatchObject({ priority: 500, priorityClassName: 'batch', preemptionPolicy: 'Never' });
    expect(admitPod(pod(), { priorityClasses: [high] }).spec).toMatchObject({ priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
  });

  it('refuses an unknown class and a priority that disagrees, with kube messages', () => {
    expect(() => admitPod(pod({ priorityClassName: 'nope' }), {})).toThrow(new AdmissionError('pods "p" is forbidden: no PriorityClass with name nope was found'));
    expect(() => admitPod(pod({ priorityClassName: 'high', priority: 7 }), { priorityClasses: [high] })).toThrow(
      'the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 1000000 from the given PriorityClass name',
    );
  });

  it('takes a pod read back from a cluster (it has spec.priority) on trust when its class is not given', () => {
    const admitted = pod({ priorityClassName: 'custom', priority: 42 });
    expect(admitPod(admitted, {}).spec.priority).toBe(42);
  });
});

describe('admitPod: the RuntimeClass admission plugin', () => {
  const kata: RuntimeClass = {
    metadata: { name: 'kata' },
    handler: 'kata',
    overhead: { podFixed: { cpu: '250m', memory: '120Mi' } },
    scheduling: { nodeSelector: { runtime: 'kata' }, tolerations: [{ key: 'kata', operator: 'Exists', effect: 'NoSchedule' }] },
  };

  it('copies the overhead and merges node selector and tolerations', () => {
    const spec = admitPod(pod({ runtimeClassName: 'kata', nodeSelector: { zone: 'a' } }), { runtimeClasses: [kata] }).spec;
    expect(spec.overhead).toEqual({ cpu: '250m', memory: '120Mi' });
    expect(spec.nodeSelector).toEqual({ zone: 'a', runtime: 'kata' });
    expect(spec.tolerations).toEqual([{ key: 'kata', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  it('refuses an unknown class, a conflicting overhead and a conflicting node selector', () => {
    expect(() => admitPod(pod({ runtimeClassName: 'gvisor' }), { runtimeClasses: [kata] })).toThrow('pod rejected: RuntimeClass "gvisor" not found');
    expect(() => admitPod(pod({ runtimeClassName: 'kata', overhead: { cpu: '1' } }), { runtimeClasses: [kata] })).toThrow("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
    expect(() => admitPod(pod({ runtimeClassName: 'kata', nodeSelector: { runtime: 'runc' } }), { runtimeClasses: [kata] })).toThrow(
      'conflict: runtimeClass.scheduling.nodeSelector[runtime] = kata; pod.spec.nodeSelector[runtime] = runc',
    );
  });
});
