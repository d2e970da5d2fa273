import { describe, expect, it } from 'vitest';
import { ConfigError, childPath, formatIssue, pathOf } from './errors.js';

describe('config error formatting', () => {
  it.each([
    [['profiles', 0, 'plugins', 'score', 'enabled', 2, 'weight'], 'profiles[0].plugins.score.enabled[2].weight'],
    [['parallelism'], 'parallelism'],
    [[], ''],
    [[0, 'name'], '[0].name'],
  ])('pathOf(%j) is %j', (keys, expected) => {
    expect(pathOf(keys)).toBe(expected);
  });

  it.each([
    ['', 'a', 'a'],
    ['a', 'b', 'a.b'],
    ['a', 3, 'a[3]'],
  ])('childPath(%j, %j) is %j', (path, key, expected) => {
    expect(childPath(path, key)).toBe(expected);
  });

  it.each([
    [{ path: 'p', message: 'm' }, 'f.yaml', 'f.yaml: p: m'],
    [{ path: '', message: 'm' }, 'f.yaml', 'f.yaml: m'],
    [{ path: 'p', message: 'm' }, undefined, 'p: m'],
  ])('formatIssue(%j, %j) is %j', (issue, file, expected) => {
    expect(formatIssue(issue, file)).toBe(expected);
  });

  it('lists the issues one a line', () => {
    const error = new ConfigError(
      [
        { path: 'profiles[0].plugins.score.enabled[2].weight', message: 'must be between 1 and 100' },
        { path: 'parallelism', message: 'must be greater than 0' },
      ],
      'scheduler.yaml',
    );
    expect(error.message).toBe(
      'scheduler.yaml: profiles[0].plugins.score.enabled[2].weight: must be between 1 and 100\nscheduler.yaml: parallelism: must be greater than 0',
    );
    expect(error.name).toBe('ConfigError');
    expect(error).toBeInstanceOf(Error);
  });
});
