import { describe, expect, it } from 'vitest';
import { defaultPod } from './defaults.js';
import { formatFieldError, validateNode, validatePod, validatePodDisruptionBudget, validatePriorityClass } from './object-validation.js';
import type { Pod } from './types.js';

const pod = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'p' }): Pod =>
  defaultPod({ metadata, spec: { containers: [{ name: 'c' }], ...spec } } as unknown as Pod);
const errors = (p: Pod): string[] => validatePod(p).map(formatFieldError);

describe('validatePod: kube-apiserver rules and messages', () => {
  it('accepts a valid pod', () => {
    expect(errors(pod({ nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ operator: 'Exists' }] }))).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown> | undefined, string]>([
    ['a missing name', {}, {}, 'metadata.name: Required value: name or generateName is required'],
    ['an invalid name', {}, { name: 'Web_1' }, 'metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of'],
    ['a negative quantity', { containers: [{ name: 'c', resources: { requests: { cpu: '-1' } } }] }, undefined, 'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0'],
    ['a bad quantity', { containers: [{ name: 'c', resources: { requests: { memory: 'lots' } } }] }, undefined, "spec.containers[0].resources.requests[memory]: Invalid value: \"lots\": quantities must match the regular expression"],
    ['requests above limits', { containers: [{ name: 'c', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] }, undefined, 'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'],
    ['an invalid label key', {}, { name: 'p', labels: { 'bad key': 'x' } }, 'metadata.labels: Invalid value: "bad key": name part must consist of'],
    ['an invalid label value', {}, { name: 'p', labels: { app: 'no way' } }, 'metadata.labels: Invalid value: "no way": a valid label must be an empty string or consist of'],
    [
      'an unknown node selector operator',
      { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Within', values: ['x'] }] }] } } } },
      undefined,
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Within": not a valid selector operator',
    ],
    [
      'an unknown label selector operator',
      { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] } }] },
      undefined,
      'spec.topologySpreadConstraints[0].labelSelector.matchExpressions[0].operator: Invalid value: "Gt": not a valid selector operator',
    ],
    ['maxSkew below 1', { topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }] }, undefined, 'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero'],
    [
      'an unknown whenUnsatisfiable',
      { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }] },
      undefined,
      'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
    ],
    ['an unknown toleration effect', { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoWay' }] }, undefined, 'spec.tolerations[0].effect: Unsupported value: "NoWay": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"'],
    [
      'a list where kube wants an object (the old requiredDuringScheduling list)',
      { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ matchExpressions: [] }] } } },
      undefined,
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution: Invalid value: array: cannot unmarshal array into Go value of type v1.NodeSelector',
    ],
    ['no containers', { containers: [] }, undefined, 'spec.containers: Required value'],
  ])('refuses %s', (_, spec, metadata, expected) => {
    const found = errors(pod(spec, metadata ?? { name: 'p' }));
    expect(found.some((line) => line.startsWith(expected)), found.join('\n')).toBe(true);
  });
});

describe('validation of other kinds', () => {
  it('refuses an unknown taint effect on a node', () => {
    expect(validateNode({ metadata: { name: 'n' }, spec: { taints: [{ key: 'k', effect: 'Sometimes' as never }] } }).map(formatFieldError)).toEqual([
      'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"',
    ]);
  });

  it('checks priority classes and budgets', () => {
    expect(validatePriorityClass({ metadata: { name: 'huge' }, value: 2_000_000_000 }).map(formatFieldError)).toEqual([
      'value: Invalid value: 2000000000: maximum allowed value of a user defined priority is 1000000000',
    ]);
    expect(validatePodDisruptionBudget({ metadata: { name: 'b' }, spec: { minAvailable: 1, maxUnavailable: 1 } })).toHaveLength(1);
    expect(validatePodDisruptionBudget({ metadata: { name: 'b' }, spec: { minAvailable: '50%' } })).toEqual([]);
  });
});
