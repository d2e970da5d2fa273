import { describe, expect, it } from 'vitest';
import {
  compileLabelSelector,
  compileNodeSelector,
  compileNodeSelectorTerm,
  compilePreferredSchedulingTerms,
  labelsFromMap,
  matchesNodeSelectorMap,
} from './labels.js';
import type { Labels, LabelSelector, Node, NodeSelectorTerm } from './types.js';

const labels: Labels = { app: 'web', tier: 'frontend', env: 'prod' };

describe('compileLabelSelector', () => {
  it.each<[string, LabelSelector | null | undefined, Labels | undefined, boolean]>([
    ['null matches nothing', null, labels, false],
    ['undefined matches nothing', undefined, labels, false],
    ['{} matches everything', {}, labels, true],
    ['{} matches no labels', {}, undefined, true],
    ['empty lists match everything', { matchLabels: {}, matchExpressions: [] }, labels, true],
    ['matchLabels equal', { matchLabels: { app: 'web' } }, labels, true],
    ['matchLabels differ', { matchLabels: { app: 'db' } }, labels, false],
    ['matchLabels missing key', { matchLabels: { zone: 'a' } }, labels, false],
    ['matchLabels are ANDed', { matchLabels: { app: 'web', env: 'dev' } }, labels, false],
    ['In hit', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend', 'frontend'] }] }, labels, true],
    ['In miss', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] }, labels, false],
    ['In on a missing key', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, labels, false],
    ['NotIn miss', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['backend'] }] }, labels, true],
    ['NotIn hit', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] }, labels, false],
    ['NotIn on a missing key matches', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels, true],
    ['Exists', { matchExpressions: [{ key: 'env', operator: 'Exists' }] }, labels, true],
    ['Exists on a missing key', { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels, false],
    ['DoesNotExist', { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels, true],
    ['DoesNotExist on a present key', { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, labels, false],
    ['labels and expressions are ANDed', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] }, labels, false],
    ['In with many values', { matchExpressions: [{ key: 'app', operator: 'In', values: 'abcdefghij'.split('').concat('web') }] }, labels, true],
    ['inherited object members are not labels', { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, {}, false],
    ['invalid: unknown operator', { matchExpressions: [{ key: 'app', operator: 'Gt' as 'In', values: ['1'] }] }, labels, false],
    ['invalid: In without values', { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }, labels, false],
    ['invalid: NotIn without values', { matchExpressions: [{ key: 'zone', operator: 'NotIn' }] }, labels, false],
    ['invalid: Exists with values', { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['web'] }] }, labels, false],
    ['invalid: bad key', { matchLabels: { 'bad key': 'web' } }, { 'bad key': 'web' }, false],
    ['invalid: bad value', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['not a value'] }] }, labels, false],
  ])('%s', (_name, selector, input, expected) => {
    expect(compileLabelSelector(selector).matches(input)).toBe(expected);
  });

  it.each<[LabelSelector | null, boolean]>([
    [null, false],
    [{}, true],
    [{ matchLabels: { a: 'b' } }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, false],
  ])('empty of %j is %s', (selector, expected) => {
    expect(compileLabelSelector(selector).empty).toBe(expected);
  });

  it.each<[LabelSelector, string]>([
    [{ matchExpressions: [{ key: 'a', operator: 'Foo' as 'In' }] }, '"Foo" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist'],
  ])('reports why %j is invalid', (selector, error) => {
    expect(compileLabelSelector(selector).error).toBe(error);
  });

  it('has no error when valid and reuses the compiled selector of the same object', () => {
    const selector: LabelSelector = { matchLabels: { app: 'web' } };
    expect(compileLabelSelector(selector).error).toBeUndefined();
    expect(compileLabelSelector(selector)).toBe(compileLabelSelector(selector));
  });
});

describe('labelsFromMap / matchesNodeSelectorMap', () => {
  it.each<[Labels | undefined, Labels | undefined, boolean]>([
    [undefined, labels, true],
    [{}, labels, true],
    [{}, undefined, true],
    [{ app: 'web' }, labels, true],
    [{ app: 'web', env: 'prod' }, labels, true],
    [{ app: 'web', env: 'dev' }, labels, false],
    [{ zone: '' }, labels, false],
    [{ zone: '' }, { zone: '' }, true],
    [{ app: 'web' }, undefined, false],
    [{ constructor: 'x' }, {}, false],
  ])('%j against %j → %s', (map, input, expected) => {
    expect(labelsFromMap(map).matches(input)).toBe(expected);
    expect(matchesNodeSelectorMap(input, map)).toBe(expected);
  });
});

function node(name: string, nodeLabels: Labels = {}): Node {
  return { metadata: { name, labels: nodeLabels } };
}

describe('compileNodeSelectorTerm', () => {
  const n1 = node('node-1', { zone: 'a', cores: '16', disk: 'ssd', weird: 'x1' });
  it.each<[string, NodeSelectorTerm, Node, boolean]>([
    ['empty term matches nothing', {}, n1, false],
    ['empty lists match nothing', { matchExpressions: [], matchFields: [] }, n1, false],
    ['In', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }, n1, true],
    ['NotIn', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, n1, false],
    ['Exists', { matchExpressions: [{ key: 'disk', operator: 'Exists' }] }, n1, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, n1, true],
    ['Gt true', { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] }, n1, true],
    ['Gt equal is false', { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['16'] }] }, n1, false],
    ['Lt true', { matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['32'] }] }, n1, true],
    // "-1" is not a valid label value, so kube cannot parse the requirement.
    ['a negative bound is invalid', { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['-1'] }] }, n1, false],
    ['Gt on a non-integer label does not match', { matchExpressions: [{ key: 'weird', operator: 'Gt', values: ['0'] }] }, n1, false],
    ['Lt on a missing label does not match', { matchExpressions: [{ key: 'gpus', operator: 'Lt', values: ['10'] }] }, n1, false],
    ['Lt with the largest int64', { matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['9223372036854775807'] }] }, n1, true],
    ['Gt beyond int64 is invalid', { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['9223372036854775808'] }] }, n1, false],
    ['Gt against a label beyond 2^53', { matchExpressions: [{ key: 'big', operator: 'Gt', values: ['9007199254740993'] }] }, node('n', { big: '9007199254740994' }), true],
    ['Lt against a label beyond 2^53', { matchExpressions: [{ key: 'big', operator: 'Lt', values: ['9007199254740993'] }] }, node('n', { big: '9007199254740994' }), false],
    ['Gt with a non-integer bound is invalid', { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8.5'] }] }, n1, false],
    ['Gt with two values is invalid', { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['1', '2'] }] }, n1, false],
    ['unknown operator is invalid', { matchExpressions: [{ key: 'zone', operator: 'Foo' as 'In', values: ['a'] }] }, n1, false],
    ['one invalid expression spoils the term', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'zone', operator: 'In' }] }, n1, false],
    ['expressions are ANDed', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disk', operator: 'In', values: ['hdd'] }] }, n1, false],
    ['field metadata.name In', { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }, n1, true],
    ['field metadata.name In other', { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] }, n1, false],
    ['field metadata.name NotIn', { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node-2'] }] }, n1, true],
    ['other fields read as empty', { matchFields: [{ key: 'metadata.uid', operator: 'In', values: [''] }] }, n1, true],
    ['field with two values is invalid', { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1', 'node-2'] }] }, n1, false],
    ['field with Exists is invalid', { matchFields: [{ key: 'metadata.name', operator: 'Exists' }] }, n1, false],
    [
      'fields and expressions are ANDed',
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }], matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] },
      n1,
      false,
    ],
    ['a node without a name ignores matchFields', { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }, node('', {}), true],
  ])('%s', (_name, term, input, expected) => {
    expect(compileNodeSelectorTerm(term).matches(input)).toBe(expected);
  });

  it('explains an invalid term', () => {
    expect(compileNodeSelectorTerm({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['x'] }] }).error).toBe(
      "matchExpressions[0].values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer",
    );
    expect(compileNodeSelectorTerm({ matchFields: [{ key: 'metadata.name', operator: 'Exists' }] }).error).toBe(
      'matchFields[0].operator: Unsupported value: "Exists": supported values: "In", "NotIn"',
    );
  });
});

describe('compileNodeSelector', () => {
  const a = node('a', { zone: 'a' });
  const b = node('b', { zone: 'b' });
  const valid: NodeSelectorTerm = { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] };
  const invalid: NodeSelectorTerm = { matchExpressions: [{ key: 'zone', operator: 'In', values: [] }] };
  const byName: NodeSelectorTerm = { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] };

  it.each<[string, NodeSelectorTerm[], Node, boolean]>([
    ['no terms match nothing', [], a, false],
    ['a matching term', [valid], a, true],
    ['a non-matching term', [valid], b, false],
    ['terms are ORed', [valid, byName], b, true],
    ['an empty term is skipped', [{}, valid], a, true],
    ['only an empty term', [{}], a, false],
    ['an invalid term is skipped, the others still match', [invalid, valid], a, true],
    ['only an invalid term', [invalid], a, false],
  ])('%s', (_name, terms, input, expected) => {
    expect(compileNodeSelector({ nodeSelectorTerms: terms }).matches(input)).toBe(expected);
  });

  it('reports the invalid terms with their path', () => {
    expect(compileNodeSelector({ nodeSelectorTerms: [valid, invalid] }).error).toBe(
      "nodeSelectorTerms[1].matchExpressions[0].values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    );
    expect(compileNodeSelector({ nodeSelectorTerms: [valid] }).error).toBeUndefined();
  });
});

describe('compilePreferredSchedulingTerms', () => {
  const n = node('n', { zone: 'a', disk: 'ssd' });
  const zoneA: NodeSelectorTerm = { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] };
  const ssd: NodeSelectorTerm = { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] };
  const zoneB: NodeSelectorTerm = { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] };

  it('sums the weights of matching terms, skipping weight 0 and empty terms', () => {
    const terms = compilePreferredSchedulingTerms([
      { weight: 5, preference: zoneA },
      { weight: 3, preference: ssd },
      { weight: 7, preference: zoneB },
      { weight: 0, preference: zoneA },
      { weight: 9, preference: {} },
    ]);
    expect(terms.error).toBeUndefined();
    expect(terms.terms).toHaveLength(3);
    expect(terms.score(n)).toBe(8);
  });

  it('rejects the whole list when a term is invalid', () => {
    const terms = compilePreferredSchedulingTerms([
      { weight: 5, preference: zoneA },
      { weight: 1, preference: { matchExpressions: [{ key: 'zone', operator: 'Exists', values: ['a'] }] } },
    ]);
    expect(terms.error).toBe('[1].matchExpressions[0].values: Invalid value: []string{"a"}: values set must be empty for exists and does not exist');
    expect(terms.score(n)).toBe(0);
  });

  it('ignores an invalid term of weight 0', () => {
    const terms = compilePreferredSchedulingTerms([
      { weight: 5, preference: zoneA },
      { weight: 0, preference: { matchExpressions: [{ key: 'zone', operator: 'In' }] } },
    ]);
    expect(terms.error).toBeUndefined();
    expect(terms.score(n)).toBe(5);
  });

  it('scores nothing without preferences', () => {
    expect(compilePreferredSchedulingTerms(undefined).score(n)).toBe(0);
  });
});
