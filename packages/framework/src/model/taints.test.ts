import { describe, expect, it } from 'vitest';
import { findUntoleratedTaint, isDoNotScheduleTaint, tolerates, tolerationsTolerateTaint } from './taints.js';
import type { Taint, Toleration } from './types.js';

const gpu: Taint = { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' };
const dedicated: Taint = { key: 'dedicated', value: 'batch', effect: 'NoExecute' };
const spot: Taint = { key: 'spot', effect: 'PreferNoSchedule' };

describe('tolerates', () => {
  it.each<[string, Toleration, Taint, boolean]>([
    ['Equal with the same key, value and effect', { key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }, gpu, true],
    ['operator defaults to Equal', { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }, gpu, true],
    ['Equal with another value', { key: 'nvidia.com/gpu', operator: 'Equal', value: 'false', effect: 'NoSchedule' }, gpu, false],
    ['Equal without a value against a valued taint', { key: 'nvidia.com/gpu', effect: 'NoSchedule' }, gpu, false],
    ['Equal without values on either side', { key: 'spot', operator: 'Equal' }, spot, true],
    ['Exists ignores the value', { key: 'nvidia.com/gpu', operator: 'Exists', value: 'other', effect: 'NoSchedule' }, gpu, true],
    ['another key', { key: 'dedicated', operator: 'Exists' }, gpu, false],
    ['another effect', { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoExecute' }, gpu, false],
    ['empty effect matches every effect', { key: 'dedicated', operator: 'Exists', effect: '' }, dedicated, true],
    ['absent effect matches every effect', { key: 'dedicated', operator: 'Equal', value: 'batch' }, dedicated, true],
    ['empty key with Exists matches every key', { operator: 'Exists' }, dedicated, true],
    ['empty key with Exists and an effect', { operator: 'Exists', effect: 'NoSchedule' }, dedicated, false],
    ['empty key with Equal compares only the value', { value: 'batch' }, dedicated, true],
    ['an unknown operator tolerates nothing', { key: 'spot', operator: 'Gt' as 'Exists' }, spot, false],
  ])('%s', (_name, toleration, taint, expected) => {
    expect(tolerates(toleration, taint)).toBe(expected);
  });
});

describe('tolerationsTolerateTaint', () => {
  it.each<[Toleration[] | undefined, boolean]>([
    [undefined, false],
    [[], false],
    [[{ key: 'spot', operator: 'Exists' }], false],
    [[{ key: 'spot', operator: 'Exists' }, { key: 'dedicated', value: 'batch' }], true],
  ])('%j → %s', (tolerations, expected) => {
    expect(tolerationsTolerateTaint(tolerations, dedicated)).toBe(expected);
  });
});

describe('findUntoleratedTaint', () => {
  const taints = [spot, gpu, dedicated];

  it.each<[string, Toleration[] | undefined, ((t: Taint) => boolean) | undefined, Taint | undefined]>([
    ['first untolerated taint of all', undefined, undefined, spot],
    ['first untolerated NoSchedule/NoExecute taint', undefined, isDoNotScheduleTaint, gpu],
    ['skips tolerated ones', [{ key: 'nvidia.com/gpu', operator: 'Exists' }], isDoNotScheduleTaint, dedicated],
    ['all tolerated', [{ key: 'nvidia.com/gpu', operator: 'Exists' }, { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }], isDoNotScheduleTaint, undefined],
    ['a wildcard toleration tolerates everything', [{ operator: 'Exists' }], undefined, undefined],
  ])('%s', (_name, tolerations, filter, expected) => {
    expect(findUntoleratedTaint(taints, tolerations, filter)).toBe(expected);
  });

  it('finds nothing on a node without taints', () => {
    expect(findUntoleratedTaint(undefined, undefined, isDoNotScheduleTaint)).toBeUndefined();
  });
});
