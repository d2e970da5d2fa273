import { describe, expect, it } from 'vitest';
import { isScalarResourceName, Resource } from './resource.js';

describe('Resource.fromResourceList', () => {
  it('reads cpu in millicores and the rest by Value()', () => {
    const resource = Resource.fromResourceList({
      cpu: '3500m',
      memory: '7910Mi',
      pods: '110',
      'ephemeral-storage': '0.5',
      'example.com/gpu': 2,
      'hugepages-2Mi': '1Gi',
    });
    expect(resource.milliCPU).toBe(3500);
    expect(resource.memory).toBe(7910 * 1024 * 1024);
    expect(resource.allowedPodNumber).toBe(110);
    expect(resource.ephemeralStorage).toBe(1);
    expect([...resource.scalarResources]).toEqual([
      ['example.com/gpu', 2],
      ['hugepages-2Mi', 1024 ** 3],
    ]);
  });

  it('ignores names the scheduler does not track', () => {
    const resource = Resource.fromResourceList({ foo: '5', 'requests.example.com/gpu': '1', 'Example.com/gpu': '1' });
    expect(resource.scalarResources.size).toBe(0);
  });

  it('names the resource in a malformed-quantity error', () => {
    expect(() => Resource.fromResourceList({ cpu: '4', memory: '8 Gi' }, 'node n1 status.allocatable')).toThrow(
      'node n1 status.allocatable.memory: "8 Gi" is not a valid quantity',
    );
  });

  it('is empty for a missing list', () => {
    expect(Resource.fromResourceList(undefined)).toEqual(new Resource());
  });
});

describe('isScalarResourceName', () => {
  it.each<[string, boolean]>([
    ['example.com/gpu', true],
    ['nvidia.com/gpu', true],
    ['hugepages-1Gi', true],
    ['kubernetes.io/batch-cpu', true],
    ['scheduling.kubernetes.io/foo', true],
    ['attachable-volumes-aws-ebs', true],
    ['cpu', false],
    ['foo', false],
    ['requests.example.com/gpu', false],
    ['Example.com/gpu', false],
    ['example.com/a/b', false],
    ['example.com/', false],
  ])('%s → %s', (name, expected) => {
    expect(isScalarResourceName(name)).toBe(expected);
  });
});

describe('Resource arithmetic', () => {
  const a = () => Resource.fromResourceList({ cpu: '1', memory: '1Gi', 'ephemeral-storage': '10', 'example.com/gpu': '1' });
  const b = () => Resource.fromResourceList({ cpu: '250m', memory: '512Mi', 'example.com/gpu': '2', 'example.com/fpga': '1' });

  it('adds and subtracts every field and scalar', () => {
    const sum = a().add(b());
    expect([sum.milliCPU, sum.memory, sum.ephemeralStorage]).toEqual([1250, 1.5 * 1024 ** 3, 10]);
    expect(sum.get('example.com/gpu')).toBe(3);
    expect(sum.get('example.com/fpga')).toBe(1);
    sum.sub(b());
    expect([sum.milliCPU, sum.memory, sum.get('example.com/gpu')]).toEqual([1000, 1024 ** 3, 1]);
    // A scalar subtracted to zero keeps its entry, as in kube.
    expect(sum.scalarResources.get('example.com/fpga')).toBe(0);
  });

  it('clones independently', () => {
    const original = a();
    const copy = original.clone();
    copy.add(b());
    expect(original.milliCPU).toBe(1000);
    expect(original.get('example.com/gpu')).toBe(1);
    expect(copy.get('example.com/gpu')).toBe(3);
  });

  it.each<[string, number]>([
    ['cpu', 1000],
    ['memory', 1024 ** 3],
    ['ephemeral-storage', 10],
    ['pods', 0],
    ['example.com/gpu', 1],
    ['example.com/none', 0],
  ])('get(%s) = %d', (name, expected) => {
    expect(a().get(name)).toBe(expected);
  });
});
