import { describe, expect, it } from 'vitest';
import { PodInfo } from './pod-info.js';
import type { Pod } from './types.js';

const pod: Pod = {
  metadata: { name: 'web-1', namespace: 'prod', labels: { app: 'web' } },
  spec: {
    containers: [{ name: 'app', resources: { requests: { cpu: '250m', memory: '64Mi' } } }, { name: 'log' }],
    affinity: {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }],
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: { labelSelector: {}, topologyKey: 'zone' } }],
      },
    },
  },
};

describe('PodInfo', () => {
  it('derives key, requests and affinity terms from the pod', () => {
    const info = PodInfo.of(pod);
    expect(info.pod).toBe(pod);
    expect(info.key).toBe('prod/web-1');
    expect([info.requests.milliCPU, info.requests.memory]).toEqual([250, 64 * 1024 * 1024]);
    // The sidecar-less second container counts 100m / 200Mi in the non-zero view.
    expect(info.nonZeroRequests).toEqual({ milliCPU: 350, memory: 264 * 1024 * 1024 });
    expect(info.requiredAffinityTerms).toEqual([]);
    expect(info.requiredAntiAffinityTerms.map((t) => [...t.namespaces])).toEqual([['prod']]);
    expect(info.preferredAntiAffinityTerms.map((t) => t.weight)).toEqual([5]);
    expect(info.preferredAffinityTerms).toEqual([]);
    expect(info.affinityError).toBeUndefined();
  });

  it('is cached per pod object; a changed pod gets a new PodInfo', () => {
    expect(PodInfo.of(pod)).toBe(PodInfo.of(pod));
    const updated: Pod = { ...pod, metadata: { ...pod.metadata, labels: { app: 'web', v: '2' } } };
    expect(PodInfo.of(updated)).not.toBe(PodInfo.of(pod));
  });

  it('keys a pod without a namespace under default', () => {
    expect(PodInfo.of({ metadata: { name: 'x' }, spec: { containers: [] } }).key).toBe('default/x');
  });

  it('reports affinity that cannot be compiled', () => {
    const info = PodInfo.of({
      metadata: { name: 'x' },
      spec: {
        containers: [],
        affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['b'] }] }, topologyKey: 'z' }] } },
      },
    });
    expect(info.requiredAffinityTerms).toEqual([]);
    expect(info.affinityError).toBe('requiredAffinityTerms: values: Invalid value: []string{"b"}: values set must be empty for exists and does not exist');
  });
});
