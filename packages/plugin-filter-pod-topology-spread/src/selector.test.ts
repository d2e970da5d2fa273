import type { LabelSelector, Labels } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { SpreadSelector } from './selector.js';

describe('SpreadSelector.fromLabelSelector', () => {
  const web: Labels = { app: 'web', tier: 'front' };
  const cases: { name: string; selector: LabelSelector | null; labels: Labels | undefined; matches: boolean; empty: boolean }[] = [
    { name: 'null selects nothing', selector: null, labels: web, matches: false, empty: false },
    { name: '{} selects everything and is empty', selector: {}, labels: web, matches: true, empty: true },
    { name: '{} matches a pod without labels', selector: {}, labels: undefined, matches: true, empty: true },
    { name: 'matchLabels equal', selector: { matchLabels: { app: 'web' } }, labels: web, matches: true, empty: false },
    { name: 'matchLabels differ', selector: { matchLabels: { app: 'db' } }, labels: web, matches: false, empty: false },
    { name: 'matchLabels missing key', selector: { matchLabels: { color: 'red' } }, labels: web, matches: false, empty: false },
    {
      name: 'matchLabels and expressions are ANDed',
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] },
      labels: web,
      matches: false,
      empty: false,
    },
    { name: 'In', selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['back', 'front'] }] }, labels: web, matches: true, empty: false },
    { name: 'NotIn with a different value', selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['back'] }] }, labels: web, matches: true, empty: false },
    { name: 'NotIn with the value', selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, labels: web, matches: false, empty: false },
    { name: 'NotIn matches an absent key', selector: { matchExpressions: [{ key: 'color', operator: 'NotIn', values: ['red'] }] }, labels: web, matches: true, empty: false },
    { name: 'Exists', selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels: web, matches: true, empty: false },
    { name: 'DoesNotExist', selector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels: web, matches: false, empty: false },
    { name: 'an empty label value is a value', selector: { matchLabels: { tier: '' } }, labels: { tier: '' }, matches: true, empty: false },
  ];
  it.each(cases)('$name', ({ selector, labels, matches, empty }) => {
    const parsed = SpreadSelector.fromLabelSelector(selector);
    expect(parsed.matches(labels)).toBe(matches);
    expect(parsed.empty).toBe(empty);
  });

  it.each([
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values set must be empty'],
    [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, '"Gt" is not a valid label selector operator'],
    [{ matchLabels: { 'bad key!': 'x' } }, 'name part must consist of'],
    [{ matchLabels: { app: 'bad value!' } }, 'a valid label must be an empty string'],
  ])('rejects %j', (selector, message) => {
    expect(() => SpreadSelector.fromLabelSelector(selector as LabelSelector)).toThrow(message);
  });
});

describe('SpreadSelector merging', () => {
  it('mergedWithLabels ANDs a label set into the selector (matchLabelKeys)', () => {
    const merged = SpreadSelector.fromLabelSelector({ matchLabels: { app: 'web' } }).mergedWithLabels({ hash: 'v2' });
    expect(merged.matches({ app: 'web', hash: 'v2' })).toBe(true);
    expect(merged.matches({ app: 'web', hash: 'v1' })).toBe(false);
    expect(merged.matches({ hash: 'v2' })).toBe(false);
  });

  it('mergedWithLabels on {} selects the label set only and is no longer empty', () => {
    const merged = SpreadSelector.everything.mergedWithLabels({ hash: 'v2' });
    expect(merged.empty).toBe(false);
    expect(merged.matches({ hash: 'v2', other: 'x' })).toBe(true);
  });

  it('a selector that matches nothing stays so when merged', () => {
    expect(SpreadSelector.nothing.mergedWithLabels({ hash: 'v2' }).matches({ hash: 'v2' })).toBe(false);
  });

  it('fromLabels of an empty set is empty', () => {
    expect(SpreadSelector.fromLabels({}).empty).toBe(true);
  });

  it('fromLabels does not validate the set (kube\'s SelectorFromSet)', () => {
    expect(SpreadSelector.fromLabels({ 'bad key!': 'x' }).matches({ 'bad key!': 'x' })).toBe(true);
  });
});
