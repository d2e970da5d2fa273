import { describe, expect, it } from 'vitest';
import { makeClaim, makeVolume } from '../testing/storage-builders.js';
import type { PersistentVolume } from './cluster-objects.js';
import {
  AnnStorageClassBeta,
  claimStorageClass,
  findMatchingVolume,
  isClaimFullyBound,
  labelZones,
  topologyTermsMatch,
  volumeClaimName,
  volumeNodeAffinityMatches,
} from './volumes.js';

const zone = 'topology.kubernetes.io/zone';

describe('findMatchingVolume', () => {
  const claim = makeClaim('c', { storageClass: 'local', storage: '10Gi' });
  const local = (name: string, capacity: string, extra: Partial<PersistentVolume['spec']> = {}): PersistentVolume => {
    const volume = makeVolume(name, { storageClass: 'local', capacity });
    return { ...volume, spec: { ...volume.spec, ...extra } };
  };
  // [case, volumes, the expected match]
  const cases: [string, PersistentVolume[], string | undefined][] = [
    ['the smallest that is large enough', [local('v50', '50Gi'), local('v10', '10Gi'), local('v5', '5Gi')], 'v10'],
    ['none large enough', [local('v5', '5Gi')], undefined],
    ['another class does not match', [{ ...local('v', '10Gi'), spec: { ...local('v', '10Gi').spec, storageClassName: 'other' } }], undefined],
    ['a volume bound to another claim does not match', [makeVolume('v', { storageClass: 'local', claim: makeClaim('other') })], undefined],
    ['a volume pre-bound to the claim wins over a smaller free one', [local('small', '10Gi'), makeVolume('mine', { storageClass: 'local', capacity: '90Gi', claim })], 'mine'],
    ['Block volumes do not serve a Filesystem claim', [local('v', '10Gi', { volumeMode: 'Block' })], undefined],
    ['a volume without the access mode does not match', [local('v', '10Gi', { accessModes: ['ReadOnlyMany'] })], undefined],
    ['a volume out of reach of the node does not match', [local('v', '10Gi', { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: zone, operator: 'In', values: ['b'] }] }] } } })], undefined],
  ];
  it.each(cases)('%s', (_name, volumes, expected) => {
    expect(findMatchingVolume(claim, volumes, { [zone]: 'a' }, new Set())?.metadata.name).toBe(expected);
  });

  it('skips excluded volumes, volumes not Available, and volumes the selector rejects', () => {
    const a = local('a', '10Gi');
    expect(findMatchingVolume(claim, [a], {}, new Set(['a']))).toBeUndefined();
    expect(findMatchingVolume(claim, [{ ...a, status: { phase: 'Released' } }], {}, new Set())).toBeUndefined();
    const selective = { ...claim, spec: { ...claim.spec, selector: { matchLabels: { tier: 'fast' } } } };
    expect(findMatchingVolume(selective, [a], {}, new Set())).toBeUndefined();
    expect(findMatchingVolume(selective, [{ ...a, metadata: { ...a.metadata, labels: { tier: 'fast' } } }], {}, new Set())?.metadata.name).toBe('a');
  });
});

describe('volume helpers', () => {
  it("reads a claim's class from the beta annotation first", () => {
    const claim = makeClaim('c', { storageClass: 'spec', annotations: { [AnnStorageClassBeta]: 'annotated' } });
    expect(claimStorageClass(claim)).toBe('annotated');
    expect(claimStorageClass(makeClaim('c'))).toBe('');
  });

  it('a claim is fully bound with a volume name and the bind-completed annotation', () => {
    expect(isClaimFullyBound(makeClaim('c', { boundTo: 'v' }))).toBe(true);
    const prebound = makeClaim('c');
    prebound.spec = { ...prebound.spec, volumeName: 'v' };
    expect(isClaimFullyBound(prebound)).toBe(false);
  });

  it('names the claims of PVC and generic ephemeral volumes', () => {
    const pod = { metadata: { name: 'web-0' }, spec: { containers: [] } };
    expect(volumeClaimName(pod, { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } })).toBe('data-web-0');
    expect(volumeClaimName(pod, { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } })).toBe('web-0-scratch');
    expect(volumeClaimName(pod, { name: 'tmp', emptyDir: {} })).toBeUndefined();
  });

  it('matches allowed topologies: no terms match all, a term needs every expression', () => {
    const terms = [{ matchLabelExpressions: [{ key: zone, values: ['a', 'b'] }, { key: 'rack', values: ['r1'] }] }];
    expect(topologyTermsMatch(undefined, {})).toBe(true);
    expect(topologyTermsMatch(terms, { [zone]: 'b', rack: 'r1' })).toBe(true);
    expect(topologyTermsMatch(terms, { [zone]: 'b' })).toBe(false);
  });

  it("matches a volume's node affinity on the node's labels", () => {
    const volume = makeVolume('v', { nodeAffinity: [{ matchExpressions: [{ key: zone, operator: 'In', values: ['a'] }] }] });
    expect(volumeNodeAffinityMatches(volume, { [zone]: 'a' })).toBe(true);
    expect(volumeNodeAffinityMatches(volume, { [zone]: 'b' })).toBe(false);
    expect(volumeNodeAffinityMatches(makeVolume('free'), {})).toBe(true);
  });

  it('splits multi-zone label values', () => {
    expect([...labelZones('a__b')]).toEqual(['a', 'b']);
  });
});
