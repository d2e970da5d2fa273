import { type Labels, type ReplicaSetLike, type Service, StaticObjectLister } from '@schedkit/framework';
import { describe, expect, it } from 'vitest';
import { defaultSelector } from './default-selector.js';
import { makePod } from './harness.fixture.js';

const service = (name: string, selector: Labels | null, namespace = 'default'): Service => ({ metadata: { name, namespace }, spec: { selector } });

describe('defaultSelector (kube helper.DefaultSelector)', () => {
  const podLabels = { app: 'web', tier: 'front', hash: 'v2' };
  const probes: Labels[] = [{ app: 'web', tier: 'front', hash: 'v2' }, { app: 'web', tier: 'front' }, { app: 'web' }, { app: 'web', hash: 'v2' }];

  const cases: {
    name: string;
    services?: Service[];
    controllers?: ReplicaSetLike[];
    owner?: { apiVersion: string; kind: string; name: string };
    empty: boolean;
    /** Which of `probes` the selector matches. */
    matches: boolean[];
  }[] = [
    { name: 'no services, no owner: empty', empty: true, matches: [true, true, true, true] },
    { name: 'a selecting Service gives its selector', services: [service('s', { app: 'web' })], empty: false, matches: [true, true, true, true] },
    {
      name: 'selecting Services are merged',
      services: [service('s1', { app: 'web' }), service('s2', { tier: 'front' })],
      empty: false,
      matches: [true, true, false, false],
    },
    { name: 'a Service that does not select the pod is ignored', services: [service('s', { app: 'db' })], empty: true, matches: [true, true, true, true] },
    { name: 'a Service without selector is ignored', services: [service('s', null)], empty: true, matches: [true, true, true, true] },
    { name: 'Services of other namespaces are ignored', services: [service('s', { app: 'web' }, 'prod')], empty: true, matches: [true, true, true, true] },
    {
      name: 'a ReplicaSet owner adds its selector requirements',
      services: [service('s', { app: 'web' })],
      controllers: [{ kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'default' }, spec: { selector: { matchLabels: { hash: 'v2' } } } }],
      owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs' },
      empty: false,
      matches: [true, false, false, true],
    },
    {
      name: 'a StatefulSet owner with expressions',
      controllers: [
        { kind: 'StatefulSet', metadata: { name: 'ss', namespace: 'default' }, spec: { selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } } },
      ],
      owner: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'ss' },
      empty: false,
      matches: [true, true, false, false],
    },
    {
      name: 'a ReplicationController owner merges its label map',
      controllers: [{ kind: 'ReplicationController', metadata: { name: 'rc', namespace: 'default' }, spec: { selector: { app: 'web', hash: 'v2' } } }],
      owner: { apiVersion: 'v1', kind: 'ReplicationController', name: 'rc' },
      empty: false,
      matches: [true, false, false, true],
    },
    {
      name: 'an owner with the wrong API version is not a supported controller',
      controllers: [{ kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'default' }, spec: { selector: { matchLabels: { hash: 'v2' } } } }],
      owner: { apiVersion: 'extensions/v1beta1', kind: 'ReplicaSet', name: 'rs' },
      empty: true,
      matches: [true, true, true, true],
    },
    {
      name: 'an owner that does not exist adds nothing',
      services: [service('s', { app: 'web' })],
      owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone' },
      empty: false,
      matches: [true, true, true, true],
    },
  ];

  it.each(cases)('$name', ({ services, controllers, owner, empty, matches }) => {
    const objects = new StaticObjectLister({ services: services ?? [], controllers: controllers ?? [] });
    const selector = defaultSelector(makePod('p', { labels: podLabels, owner }), objects);
    expect(selector.empty).toBe(empty);
    expect(probes.map((labels) => selector.matches(labels))).toEqual(matches);
  });
});
