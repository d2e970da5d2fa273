import { describe, expect, it } from 'vitest';
import { NodeInfo } from '../node-info/node-info.js';
import { defaultNamespace, defaultNode, defaultPod, defaultPriorityClass } from './defaults.js';
import type { Pod } from './types.js';

const gpuPod = (name: string): Pod => ({ metadata: { name }, spec: { containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': '1', cpu: '2' } } }] } });

describe('defaultPod: what the API server stores', () => {
  it('defaults requests to limits, so two limit-only GPU pods do not share one GPU', () => {
    const pod = defaultPod(gpuPod('a'));
    expect(pod.spec.containers[0]!.resources!.requests).toEqual({ 'nvidia.com/gpu': '1', cpu: '2' });
    const node = new NodeInfo({ metadata: { name: 'n' }, status: { allocatable: { 'nvidia.com/gpu': '1', cpu: '8', pods: '10' } } }, [pod]);
    expect(node.requested.scalarResources.get('nvidia.com/gpu')).toBe(1);
  });

  it('keeps explicit requests and defaults only the missing ones; init containers and pod-level resources too', () => {
    const pod = defaultPod({
      metadata: { name: 'p' },
      spec: {
        containers: [{ name: 'c', resources: { requests: { cpu: '100m' }, limits: { cpu: '1', memory: '1Gi' } } }],
        initContainers: [{ name: 'i', resources: { limits: { memory: '64Mi' } } }],
        resources: { limits: { cpu: '2', memory: '2Gi' } },
      },
    });
    expect(pod.spec.containers[0]!.resources!.requests).toEqual({ cpu: '100m', memory: '1Gi' });
    expect(pod.spec.initContainers![0]!.resources!.requests).toEqual({ memory: '64Mi' });
    expect(pod.spec.resources!.requests).toEqual({ cpu: '2', memory: '2Gi' });
  });

  it('applies every default kube applies to a field the scheduler reads', () => {
    const pod = defaultPod({
      metadata: { name: 'p' },
      spec: { hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 8080 }] }], tolerations: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] },
    });
    expect(pod.metadata.namespace).toBe('default');
    expect(pod.spec.schedulerName).toBe('default-scheduler');
    expect(pod.spec.restartPolicy).toBe('Always');
    expect(pod.spec.terminationGracePeriodSeconds).toBe(30);
    expect(pod.spec.containers[0]!.ports).toEqual([{ containerPort: 8080, protocol: 'TCP', hostPort: 8080 }]);
    expect(pod.spec.tolerations).toEqual([{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }]);
  });

  it('leaves its input alone', () => {
    const input = gpuPod('a');
    defaultPod(input);
    expect(input.spec.containers[0]!.resources!.requests).toBeUndefined();
  });
});

describe('defaults of other kinds', () => {
  it('node allocatable defaults to capacity', () => {
    const node = defaultNode({ metadata: { name: 'n' }, status: { capacity: { cpu: '4', pods: '110' } } });
    expect(node.status!.allocatable).toEqual({ cpu: '4', pods: '110' });
    const explicit = { metadata: { name: 'n' }, status: { capacity: { cpu: '4' }, allocatable: { cpu: '3' } } };
    expect(defaultNode(explicit)).toBe(explicit);
  });

  it('a namespace carries its name label; a priority class its preemption policy', () => {
    expect(defaultNamespace({ metadata: { name: 'team', labels: { a: 'b' } } }).metadata.labels).toEqual({ a: 'b', 'kubernetes.io/metadata.name': 'team' });
    expect(defaultPriorityClass({ metadata: { name: 'high' }, value: 10 }).preemptionPolicy).toBe('PreemptLowerPriority');
  });
});
