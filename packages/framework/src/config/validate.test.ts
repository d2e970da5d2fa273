import { describe, expect, it } from 'vitest';
import { formatIssue } from './errors.js';
import type { ProfileConfig, SchedulerConfiguration } from './types.js';
import { validateConfiguration } from './validate.js';

const profile = (overrides: Partial<ProfileConfig> = {}): ProfileConfig => ({
  schedulerName: 'default-scheduler',
  plugins: { multiPoint: { enabled: [{ name: 'PrioritySort' }, { name: 'DefaultBinder' }], disabled: [] } },
  pluginConfig: [],
  ...overrides,
});

const configuration = (overrides: Partial<SchedulerConfiguration> = {}): SchedulerConfiguration => ({
  apiVersion: 'kubescheduler.config.k8s.io/v1',
  kind: 'KubeSchedulerConfiguration',
  parallelism: 16,
  percentageOfNodesToScore: 0,
  podInitialBackoffSeconds: 1,
  podMaxBackoffSeconds: 10,
  profiles: [profile()],
  pluginPackages: [],
  ...overrides,
});

const check = (value: SchedulerConfiguration) => validateConfiguration(value).map((issue) => formatIssue(issue));

describe('validateConfiguration (configurations built in code)', () => {
  it('accepts a valid configuration', () => {
    expect(check(configuration())).toEqual([]);
  });

  it.each<[string, Partial<SchedulerConfiguration>, string[]]>([
    ['no profile', { profiles: [] }, ['profiles: must have at least one profile']],
    ['a fractional percentage out of range', { percentageOfNodesToScore: 100.5 }, ['percentageOfNodesToScore: Invalid value: 100.5: not in valid range [0-100]']],
    ['a NaN parallelism', { parallelism: Number.NaN }, ['parallelism: Invalid value: NaN: should be an integer value greater than zero']],
    ['an empty package specifier', { pluginPackages: [{ specifier: '' }] }, ['plugins[0]: must not be empty']],
    ['an unnamed profile', { profiles: [profile({ schedulerName: '' })] }, ['profiles[0].schedulerName: is required']],
    [
      'a weight out of range, named by its position',
      { profiles: [profile({ plugins: { score: { enabled: [{ name: 'A', weight: 3 }, { name: 'B', weight: -500 }], disabled: [] } } })] },
      ['profiles[0].plugins.score.enabled[1].weight: Invalid value: -500: must be greater than or equal to 0 (0 means 1)'],
    ],
    [
      'queueSort sets that differ only in what they disable',
      {
        profiles: [
          profile({ schedulerName: 'a' }),
          profile({ schedulerName: 'b', plugins: { queueSort: { enabled: [], disabled: [{ name: 'PrioritySort' }] } } }),
        ],
      },
      ['profiles[1].plugins.queueSort: must be the same for all profiles'],
    ],
  ])('reports %s', (_case, overrides, expected) => {
    expect(check(configuration(overrides))).toEqual(expected);
  });

  it('treats an absent queueSort set as an empty one, and an absent weight as no weight', () => {
    const a = profile({ schedulerName: 'a', plugins: { queueSort: { enabled: [], disabled: [] } } });
    const b = profile({ schedulerName: 'b' });
    expect(check(configuration({ profiles: [a, b] }))).toEqual([]);
    const withWeight = profile({ schedulerName: 'c', plugins: { queueSort: { enabled: [{ name: 'Q', weight: 2 }], disabled: [] } } });
    const withoutWeight = profile({ schedulerName: 'd', plugins: { queueSort: { enabled: [{ name: 'Q' }], disabled: [] } } });
    expect(check(configuration({ profiles: [withWeight, withoutWeight] }))).toEqual(['profiles[1].plugins.queueSort: must be the same for all profiles']);
  });
});
