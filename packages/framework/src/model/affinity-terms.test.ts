import { describe, expect, it } from 'vitest';
import { type AffinityTerm, compilePodAffinity, termMatches } from './affinity-terms.js';
import type { Affinity, Labels, Pod, PodAffinityTerm } from './types.js';

function pod(namespace: string, labels: Labels, affinity?: Affinity): Pod {
  return { metadata: { name: 'p', namespace, labels }, spec: { containers: [], ...(affinity ? { affinity } : {}) } };
}

function requiredTerm(term: PodAffinityTerm, owner = pod('team-a', {})): AffinityTerm {
  const compiled = compilePodAffinity({ ...owner, spec: { containers: [], affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } } });
  expect(compiled.error).toBeUndefined();
  return compiled.requiredAffinityTerms[0]!;
}

const web = { matchLabels: { app: 'web' } };

describe('compilePodAffinity namespaces', () => {
  it.each<[string, PodAffinityTerm, string[]]>([
    ["no namespaces and no selector: the pod's own namespace", { labelSelector: web, topologyKey: 'zone' }, ['team-a']],
    ['null selector is the same as none', { labelSelector: web, topologyKey: 'zone', namespaceSelector: null }, ['team-a']],
    ['listed namespaces', { labelSelector: web, topologyKey: 'zone', namespaces: ['x', 'y'] }, ['x', 'y']],
    ['a namespace selector alone lists none', { labelSelector: web, topologyKey: 'zone', namespaceSelector: {} }, []],
    ['empty namespaces with a selector', { labelSelector: web, topologyKey: 'zone', namespaces: [], namespaceSelector: { matchLabels: { team: 'a' } } }, []],
  ])('%s', (_name, term, namespaces) => {
    expect([...requiredTerm(term).namespaces]).toEqual(namespaces);
  });

  it('keeps the topology key', () => {
    expect(requiredTerm({ labelSelector: web, topologyKey: 'kubernetes.io/hostname' }).topologyKey).toBe('kubernetes.io/hostname');
  });
});

describe('termMatches', () => {
  const prodLabels: Labels = { env: 'prod' };
  it.each<[string, PodAffinityTerm, Pod, Labels | undefined, boolean]>([
    ['same namespace, matching labels', { labelSelector: web, topologyKey: 'zone' }, pod('team-a', { app: 'web' }), undefined, true],
    ['same namespace, other labels', { labelSelector: web, topologyKey: 'zone' }, pod('team-a', { app: 'db' }), undefined, false],
    ['other namespace', { labelSelector: web, topologyKey: 'zone' }, pod('team-b', { app: 'web' }), undefined, false],
    ['listed namespace', { labelSelector: web, topologyKey: 'zone', namespaces: ['team-b'] }, pod('team-b', { app: 'web' }), undefined, true],
    ['listed namespaces exclude the own one', { labelSelector: web, topologyKey: 'zone', namespaces: ['team-b'] }, pod('team-a', { app: 'web' }), undefined, false],
    ['{} namespace selector: every namespace', { labelSelector: web, topologyKey: 'zone', namespaceSelector: {} }, pod('team-z', { app: 'web' }), undefined, true],
    [
      'namespace selector matching the namespace labels',
      { labelSelector: web, topologyKey: 'zone', namespaceSelector: { matchLabels: { env: 'prod' } } },
      pod('team-z', { app: 'web' }),
      prodLabels,
      true,
    ],
    [
      'namespace selector not matching',
      { labelSelector: web, topologyKey: 'zone', namespaceSelector: { matchLabels: { env: 'dev' } } },
      pod('team-z', { app: 'web' }),
      prodLabels,
      false,
    ],
    [
      'listed namespace OR namespace selector',
      { labelSelector: web, topologyKey: 'zone', namespaces: ['team-b'], namespaceSelector: { matchLabels: { env: 'dev' } } },
      pod('team-b', { app: 'web' }),
      prodLabels,
      true,
    ],
    ['null label selector selects no pod', { labelSelector: null, topologyKey: 'zone' }, pod('team-a', { app: 'web' }), undefined, false],
    ['{} label selector selects every pod', { labelSelector: {}, topologyKey: 'zone' }, pod('team-a', {}), undefined, true],
  ])('%s', (_name, term, candidate, namespaceLabels, expected) => {
    expect(termMatches(requiredTerm(term), candidate, namespaceLabels)).toBe(expected);
  });

  it('ignores matchLabelKeys and mismatchLabelKeys, as the scheduler does', () => {
    const owner = pod('team-a', { app: 'web', rev: '1' });
    const term = requiredTerm({ labelSelector: web, topologyKey: 'zone', matchLabelKeys: ['rev'], mismatchLabelKeys: ['app'] }, owner);
    expect(termMatches(term, pod('team-a', { app: 'web', rev: '2' }), undefined)).toBe(true);
  });
});

describe('compilePodAffinity', () => {
  const affinity: Affinity = {
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: web, topologyKey: 'zone' }],
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: web, topologyKey: 'host' } }],
    },
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'host' },
        { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'host' },
      ],
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { labelSelector: web, topologyKey: 'zone' } }],
    },
  };

  it('compiles all four lists, keeping weights (0 included)', () => {
    const compiled = compilePodAffinity(pod('team-a', {}, affinity));
    expect(compiled.requiredAffinityTerms.map((t) => t.topologyKey)).toEqual(['zone']);
    expect(compiled.requiredAntiAffinityTerms).toHaveLength(2);
    expect(compiled.preferredAffinityTerms.map((t) => [t.weight, t.topologyKey])).toEqual([[10, 'host']]);
    expect(compiled.preferredAntiAffinityTerms.map((t) => t.weight)).toEqual([0]);
    expect(compiled.error).toBeUndefined();
  });

  it('is empty without affinity', () => {
    const compiled = compilePodAffinity(pod('team-a', {}));
    expect([compiled.requiredAffinityTerms, compiled.requiredAntiAffinityTerms, compiled.preferredAffinityTerms, compiled.preferredAntiAffinityTerms]).toEqual([[], [], [], []]);
  });

  it('drops a whole list when one of its terms has an invalid selector, and reports it', () => {
    const compiled = compilePodAffinity(
      pod('team-a', {}, {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: web, topologyKey: 'host' },
            { labelSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] }, topologyKey: 'host' },
          ],
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { labelSelector: web, topologyKey: 'host' } }],
        },
      }),
    );
    expect(compiled.requiredAntiAffinityTerms).toEqual([]);
    expect(compiled.preferredAntiAffinityTerms).toHaveLength(1);
    expect(compiled.error).toBe("requiredAntiAffinityTerms: values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty");
  });

  it('aggregates errors of several lists', () => {
    const bad = { matchExpressions: [{ key: 'a', operator: 'Bad' as 'In' }] };
    const compiled = compilePodAffinity(
      pod('team-a', {}, {
        podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: web, topologyKey: 'z', namespaceSelector: bad }] },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { labelSelector: bad, topologyKey: 'z' } }] },
      }),
    );
    expect(compiled.error).toBe(
      '[requiredAffinityTerms: "Bad" is not a valid label selector operator, preferredAntiAffinityTerms: "Bad" is not a valid label selector operator]',
    );
  });
});

describe('compilePodAffinity reuse', () => {
  const anti: Affinity = {
    podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'zone' }] },
  };
  const withAffinity = (namespace: string, affinity?: Affinity): Pod => ({
    metadata: { name: 'p', namespace },
    spec: { containers: [], ...(affinity ? { affinity } : {}) },
  });

  it('shares one empty result among pods without inter-pod affinity', () => {
    const none = compilePodAffinity(withAffinity('a'));
    expect(compilePodAffinity(withAffinity('b', { nodeAffinity: {} }))).toBe(none);
    expect(none.requiredAntiAffinityTerms).toEqual([]);
    expect(none.error).toBeUndefined();
  });

  it('reuses the terms of a rewritten pod with the same affinity and namespace, not across namespaces', () => {
    const first = compilePodAffinity(withAffinity('a', anti));
    expect(compilePodAffinity({ ...withAffinity('a', anti), spec: { containers: [], affinity: anti, nodeName: 'n1' } })).toBe(first);
    const other = compilePodAffinity(withAffinity('b', anti));
    expect(other).not.toBe(first);
    expect([...other.requiredAntiAffinityTerms[0]!.namespaces]).toEqual(['b']);
    expect([...first.requiredAntiAffinityTerms[0]!.namespaces]).toEqual(['a']);
  });
});
