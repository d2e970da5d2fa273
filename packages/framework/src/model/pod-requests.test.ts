import { describe, expect, it } from 'vitest';
import { podNonZeroRequests, podRequests, podRequestsWithDefaults } from './pod-requests.js';
import type { Container, Pod, PodSpec, ResourceList } from './types.js';

const Mi = 1024 * 1024;
const defaultMemory = 200 * Mi;

function container(requests?: ResourceList, restartPolicy?: string): Container {
  return { name: `c${Math.random()}`, ...(requests ? { resources: { requests } } : {}), ...(restartPolicy ? { restartPolicy } : {}) };
}

function pod(spec: Partial<PodSpec>, extra: Partial<Pod> = {}): Pod {
  return { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [], ...spec }, ...extra };
}

interface Case {
  name: string;
  pod: Pod;
  /** [milliCPU, memory] of podRequests. */
  requests: [number, number];
  /** [milliCPU, memory] of podNonZeroRequests. */
  nonZero: [number, number];
  /** [milliCPU, memory] of podRequestsWithDefaults, when it differs from nonZero. */
  withDefaults?: [number, number];
}

describe('podRequests / podNonZeroRequests', () => {
  it.each<Case>([
    {
      name: 'one container',
      pod: pod({ containers: [container({ cpu: '100m', memory: '200Mi' })] }),
      requests: [100, 200 * Mi],
      nonZero: [100, 200 * Mi],
    },
    {
      name: 'containers are summed',
      pod: pod({ containers: [container({ cpu: '1', memory: '1Gi' }), container({ cpu: '250m', memory: '256Mi' })] }),
      requests: [1250, 1280 * Mi],
      nonZero: [1250, 1280 * Mi],
    },
    {
      name: 'no requests: defaults per container for the non-zero view only',
      pod: pod({ containers: [container(), container({})] }),
      requests: [0, 0],
      nonZero: [200, 2 * defaultMemory],
    },
    {
      name: 'an explicit zero is kept; only the missing resource gets its default',
      pod: pod({ containers: [container({ cpu: '0' })] }),
      requests: [0, 0],
      nonZero: [0, defaultMemory],
    },
    {
      name: 'limits alone are not requests (no API defaulting in the scheduler)',
      pod: pod({ containers: [{ name: 'c', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }),
      requests: [0, 0],
      nonZero: [100, defaultMemory],
    },
    {
      // kube's documented example: max(sum(containers), each init container).
      name: 'regular init containers: the largest one is a floor',
      pod: pod({
        initContainers: [container({ cpu: '2', memory: '1G' }), container({ cpu: '2', memory: '3G' })],
        containers: [container({ cpu: '2', memory: '1G' }), container({ cpu: '1', memory: '1G' })],
      }),
      requests: [3000, 3e9],
      nonZero: [3000, 3e9],
    },
    {
      name: 'an init container without requests counts the defaults in the non-zero view',
      pod: pod({ initContainers: [container()], containers: [container({ cpu: '50m', memory: '50Mi' })] }),
      requests: [50, 50 * Mi],
      nonZero: [100, defaultMemory],
    },
    {
      // init1 runs alone (1), init2 runs beside sidecar1 (3+2), the pod then runs container+sidecars (1+2+1).
      name: 'sidecars add to the containers and to every later init container',
      pod: pod({
        initContainers: [
          container({ cpu: '1' }),
          container({ cpu: '2' }, 'Always'),
          container({ cpu: '3' }),
          container({ cpu: '1' }, 'Always'),
        ],
        containers: [container({ cpu: '1' })],
      }),
      requests: [5000, 0],
      nonZero: [5000, 3 * defaultMemory],
    },
    {
      name: 'sidecar totals win when larger than any init container',
      pod: pod({
        initContainers: [container({ cpu: '500m', memory: '64Mi' }), container({ cpu: '700m', memory: '128Mi' }, 'Always')],
        containers: [container({ cpu: '400m', memory: '64Mi' })],
      }),
      requests: [1100, 192 * Mi],
      nonZero: [1100, 192 * Mi],
    },
    {
      name: 'a sidecar without requests gets the defaults in the non-zero view',
      pod: pod({ initContainers: [container(undefined, 'Always')], containers: [container({ cpu: '50m' })] }),
      requests: [50, 0],
      nonZero: [150, 2 * defaultMemory],
    },
    {
      name: 'overhead is added to both views',
      pod: pod({ containers: [container({ cpu: '100m' })], overhead: { cpu: '250m', memory: '120Mi' } }),
      requests: [350, 120 * Mi],
      nonZero: [350, defaultMemory + 120 * Mi],
    },
    {
      name: 'pod-level requests replace the container sum',
      pod: pod({
        resources: { requests: { cpu: '1', memory: '1Gi' } },
        containers: [container({ cpu: '100m', memory: '64Mi' }), container()],
      }),
      requests: [1000, 1024 * Mi],
      nonZero: [1000, 1024 * Mi],
    },
    {
      name: 'pod-level cpu only: memory defaults apply when nobody requests memory',
      pod: pod({ resources: { requests: { cpu: '2' } }, containers: [container({ cpu: '100m' }), container()] }),
      requests: [2000, 0],
      nonZero: [2000, 2 * defaultMemory],
    },
    {
      name: 'pod-level cpu only: no memory defaults once some container requests memory',
      pod: pod({ resources: { requests: { cpu: '2' } }, containers: [container({ memory: '64Mi' }), container()] }),
      requests: [2000, 64 * Mi],
      nonZero: [2000, 64 * Mi],
      // The resource scorers default every container regardless of pod-level requests.
      withDefaults: [2000, 64 * Mi + defaultMemory],
    },
    {
      name: 'pod-level requests of unsupported resources do not count as pod-level resources',
      pod: pod({ resources: { requests: { 'example.com/gpu': '1' } }, containers: [container({ cpu: '100m' })] }),
      requests: [100, 0],
      nonZero: [100, defaultMemory],
    },
    {
      name: 'pod-level requests plus overhead',
      pod: pod({ resources: { requests: { cpu: '1', memory: '1Gi' } }, overhead: { cpu: '100m' }, containers: [container()] }),
      requests: [1100, 1024 * Mi],
      nonZero: [1100, 1024 * Mi],
    },
    {
      name: 'quantities are added exactly before rounding',
      pod: pod({ containers: [container({ cpu: '0.5m', memory: '0.5' }), container({ cpu: '0.5m', memory: '0.5' })] }),
      requests: [1, 1],
      nonZero: [1, 1],
    },
    {
      name: 'a resized container counts the larger of spec, actuated and allocated',
      pod: pod(
        { containers: [{ name: 'app', resources: { requests: { cpu: '1', memory: '1Gi' } } }] },
        {
          status: {
            containerStatuses: [{ name: 'app', resources: { requests: { cpu: '2', memory: '512Mi' } }, allocatedResources: { cpu: '1500m', memory: '2Gi' } }],
          },
        },
      ),
      requests: [2000, 2048 * Mi],
      nonZero: [2000, 2048 * Mi],
    },
    {
      name: 'an infeasible resize drops the spec',
      pod: pod(
        { containers: [{ name: 'app', resources: { requests: { cpu: '3' } } }] },
        {
          status: {
            conditions: [{ type: 'PodResizePending', status: 'True', reason: 'Infeasible' }],
            containerStatuses: [{ name: 'app', resources: { requests: { cpu: '1' } }, allocatedResources: { cpu: '1' } }],
          },
        },
      ),
      requests: [1000, 0],
      nonZero: [1000, defaultMemory],
    },
    {
      name: 'a status without resources leaves the spec alone',
      pod: pod(
        { containers: [{ name: 'app', resources: { requests: { cpu: '3' } } }] },
        { status: { containerStatuses: [{ name: 'app', allocatedResources: { cpu: '5' } }] } },
      ),
      requests: [3000, 0],
      nonZero: [3000, defaultMemory],
    },
    {
      name: 'statuses of regular init containers are ignored',
      pod: pod(
        { initContainers: [{ name: 'init', resources: { requests: { cpu: '1' } } }], containers: [] },
        { status: { initContainerStatuses: [{ name: 'init', resources: { requests: { cpu: '4' } } }] } },
      ),
      requests: [1000, 0],
      nonZero: [1000, defaultMemory],
    },
  ])('$name', ({ pod, requests, nonZero, withDefaults }) => {
    const resource = podRequests(pod);
    expect([resource.milliCPU, resource.memory]).toEqual(requests);
    const nonZeroRequests = podNonZeroRequests(pod);
    expect([nonZeroRequests.milliCPU, nonZeroRequests.memory]).toEqual(nonZero);
    const defaulted = podRequestsWithDefaults(pod);
    expect([defaulted.milliCPU, defaulted.memory]).toEqual(withDefaults ?? nonZero);
  });

  it('tracks ephemeral storage and scalar resources', () => {
    const resource = podRequests(
      pod({
        initContainers: [container({ 'example.com/gpu': '4' })],
        containers: [container({ 'example.com/gpu': '1', 'ephemeral-storage': '1Gi', 'hugepages-2Mi': '4Mi', foo: '1' }), container({ 'example.com/gpu': '2' })],
      }),
    );
    expect(resource.ephemeralStorage).toBe(1024 * Mi);
    expect(resource.get('example.com/gpu')).toBe(4);
    expect(resource.get('hugepages-2Mi')).toBe(4 * Mi);
    expect(resource.scalarResources.has('foo')).toBe(false);
  });

  it('keeps the other resources in the defaulted view', () => {
    const defaulted = podRequestsWithDefaults(pod({ containers: [container({ 'example.com/gpu': '1', 'ephemeral-storage': '1Gi' })] }));
    expect([defaulted.milliCPU, defaulted.memory, defaulted.ephemeralStorage, defaulted.get('example.com/gpu')]).toEqual([100, defaultMemory, 1024 * Mi, 1]);
  });

  it('reports a malformed quantity with the pod and the field', () => {
    const bad = pod({ containers: [container({ cpu: '1' }), { name: 'b', resources: { requests: { memory: '12x' } } }] });
    expect(() => podRequests(bad)).toThrow('pod default/p spec.containers[1].resources.requests.memory: "12x" is not a valid quantity');
  });

  it('caches per pod object', () => {
    const p = pod({ containers: [container({ cpu: '1' })] });
    expect(podRequests(p)).toBe(podRequests(p));
    expect(podNonZeroRequests(p)).toBe(podNonZeroRequests(p));
  });

  it('reuses the result for a rewritten pod that shares its containers and other inputs, and only then', () => {
    const p = pod({ containers: [container({ cpu: '1' })] });
    const bound: Pod = { ...p, spec: { ...p.spec, nodeName: 'n1' }, status: { conditions: [{ type: 'PodScheduled', status: 'True' }] } };
    expect(podRequests(bound)).toBe(podRequests(p));
    const withOverhead: Pod = { ...p, spec: { ...p.spec, overhead: { cpu: '250m' } } };
    expect(podRequests(withOverhead).milliCPU).toBe(1250);
    expect(podRequests(p).milliCPU).toBe(1000);
    const resized: Pod = {
      ...p,
      status: { containerStatuses: [{ name: p.spec.containers[0]!.name, allocatedResources: { cpu: '2' }, resources: { requests: { cpu: '2' } } }] },
    };
    expect(podRequests(resized).milliCPU).toBe(2000);
    // The same statuses, once with an infeasible resize pending: then the spec does not count.
    const statuses = [{ name: p.spec.containers[0]!.name, allocatedResources: { cpu: '500m' }, resources: { requests: { cpu: '500m' } } }];
    const pending: Pod = { ...p, status: { containerStatuses: statuses } };
    const infeasible: Pod = { ...p, status: { containerStatuses: statuses, conditions: [{ type: 'PodResizePending', status: 'True', reason: 'Infeasible' }] } };
    expect(podRequests(pending).milliCPU).toBe(1000);
    expect(podRequests(infeasible).milliCPU).toBe(500);
    expect(podRequests(bound).milliCPU).toBe(1000);
  });
});
