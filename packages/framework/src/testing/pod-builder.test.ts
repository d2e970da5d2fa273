import { describe, expect, it } from 'vitest';
import type { Pod } from '../model/types.js';
import { makePod, PauseImage, type PodBuilder, podUid } from './pod-builder.js';
import { labelSelector, nodeSelectorTerm } from './selector-builders.js';

/** A pod with the builder's defaults for `name` in namespace `default`, plus `spec`/`status` parts. */
function expected(name: string, spec: Partial<Pod['spec']> = {}, rest: Partial<Pod> = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: podUid('default', name) },
    spec: { containers: [], ...spec },
    ...rest,
  };
}

describe('podUid', () => {
  it('is UUID-shaped, stable, and differs by namespace and name', () => {
    const uid = podUid('default', 'p');
    expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(podUid('default', 'p')).toBe(uid);
    expect(podUid('prod', 'p')).not.toBe(uid);
    expect(podUid('default', 'q')).not.toBe(uid);
  });
});

describe('makePod', () => {
  const cases: { what: string; build: () => PodBuilder; want: Pod }[] = [
    { what: 'defaults', build: () => makePod('p'), want: expected('p') },
    {
      what: 'metadata',
      build: () =>
        makePod()
          .name('web-1')
          .namespace('prod')
          .label('app', 'web')
          .labels({ tier: 'front', app: 'web2' })
          .annotation('a', '1')
          .annotations({ b: '2' })
          .creationTimestamp(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)))
          .ownerReference('ReplicaSet', 'web-abc')
          .ownerReference('Job', 'batch', { uid: 'u-1', controller: false }),
      want: {
        metadata: {
          name: 'web-1',
          namespace: 'prod',
          uid: podUid('prod', 'web-1'),
          labels: { app: 'web2', tier: 'front' },
          annotations: { a: '1', b: '2' },
          creationTimestamp: '2024-01-02T03:04:05Z',
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', controller: true },
            { apiVersion: 'batch/v1', kind: 'Job', name: 'batch', controller: false, uid: 'u-1' },
          ],
        },
        spec: { containers: [] },
      },
    },
    {
      what: 'an explicit uid wins over the derived one',
      build: () => makePod('p').uid('uid-7'),
      want: { metadata: { name: 'p', namespace: 'default', uid: 'uid-7' }, spec: { containers: [] } },
    },
    {
      what: 'scheduling fields',
      build: () =>
        makePod('p')
          .node('n1')
          .schedulerName('my-scheduler')
          .priority(1000)
          .priorityClassName('high')
          .preemptionPolicy('Never')
          .hostNetwork()
          .schedulingGates('a', 'b')
          .schedulingGates('c'),
      want: expected('p', {
        nodeName: 'n1',
        schedulerName: 'my-scheduler',
        priority: 1000,
        priorityClassName: 'high',
        preemptionPolicy: 'Never',
        hostNetwork: true,
        schedulingGates: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
      }),
    },
    {
      what: 'status',
      build: () => makePod('p').phase('Running').nominatedNodeName('n2'),
      want: expected('p', {}, { status: { phase: 'Running', nominatedNodeName: 'n2' } }),
    },
    {
      what: 'containers, requests, limits',
      build: () =>
        makePod('p')
          .container('nginx:1.25')
          .req({ cpu: '100m', memory: '1Gi' })
          .lim({ cpu: '2' })
          .res({ memory: '512Mi' })
          .container('redis', { name: 'cache', requests: { cpu: 1 } })
          .req({}),
      want: expected('p', {
        containers: [
          { name: 'con0', image: 'nginx:1.25' },
          { name: 'con1', image: PauseImage, resources: { requests: { cpu: '100m', memory: '1Gi' } } },
          { name: 'con2', image: PauseImage, resources: { limits: { cpu: '2' } } },
          { name: 'con3', image: PauseImage, resources: { requests: { memory: '512Mi' }, limits: { memory: '512Mi' } } },
          { name: 'cache', image: 'redis', resources: { requests: { cpu: 1 } } },
        ],
      }),
    },
    {
      what: 'init containers, sidecars, overhead, pod-level resources',
      build: () =>
        makePod('p')
          .initReq({ cpu: '1' })
          .sidecarReq({ memory: '64Mi' })
          .initContainer('busybox', { sidecar: true, name: 'log' })
          .overhead({ cpu: '250m' })
          .podResources({ requests: { cpu: '3' } }),
      want: expected('p', {
        initContainers: [
          { name: 'init-con0', image: PauseImage, resources: { requests: { cpu: '1' } } },
          { name: 'init-con1', image: PauseImage, resources: { requests: { memory: '64Mi' } }, restartPolicy: 'Always' },
          { name: 'log', image: 'busybox', restartPolicy: 'Always' },
        ],
        overhead: { cpu: '250m' },
        resources: { requests: { cpu: '3' } },
      }),
    },
    {
      what: 'ports',
      build: () =>
        makePod('p')
          .hostPort(8080)
          .hostPort(53, { ip: '10.0.0.1', protocol: 'UDP', containerPort: 5353 })
          .containerPort([{ containerPort: 80 }])
          .initContainerPort([{ containerPort: 9000, hostPort: 9000 }], { sidecar: true }),
      want: expected('p', {
        containers: [
          { name: 'con0', image: PauseImage, ports: [{ containerPort: 8080, hostPort: 8080, protocol: 'TCP' }] },
          { name: 'con1', image: PauseImage, ports: [{ containerPort: 5353, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }] },
          { name: 'con2', image: PauseImage, ports: [{ containerPort: 80 }] },
        ],
        initContainers: [{ name: 'init-con0', image: PauseImage, ports: [{ containerPort: 9000, hostPort: 9000 }], restartPolicy: 'Always' }],
      }),
    },
    {
      what: 'node selector and required node affinity terms (ORed)',
      build: () =>
        makePod('p')
          .nodeSelector({ disk: 'ssd' })
          .nodeSelector({ arch: 'amd64' })
          .nodeAffinityIn('zone', ['a', 'b'])
          .nodeAffinityNotIn('zone', ['c'])
          .nodeAffinityExists('gpu')
          .nodeAffinityDoesNotExist('spot')
          .nodeAffinityGt('cores', 4)
          .nodeAffinityLt('age', '10')
          .nodeAffinityFieldIn('metadata.name', ['n1'])
          .nodeAffinityTerm(nodeSelectorTerm().in('zone', ['a']).exists('gpu').fieldNotIn('metadata.name', ['n2'])),
      want: expected('p', {
        nodeSelector: { disk: 'ssd', arch: 'amd64' },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] },
                { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['c'] }] },
                { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] },
                { matchExpressions: [{ key: 'spot', operator: 'DoesNotExist' }] },
                { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] },
                { matchExpressions: [{ key: 'age', operator: 'Lt', values: ['10'] }] },
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
                {
                  matchExpressions: [
                    { key: 'zone', operator: 'In', values: ['a'] },
                    { key: 'gpu', operator: 'Exists' },
                  ],
                  matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n2'] }],
                },
              ],
            },
          },
        },
      }),
    },
    {
      what: 'preferred node affinity with weights',
      build: () =>
        makePod('p')
          .preferredNodeAffinity(80, nodeSelectorTerm().in('zone', ['a']))
          .preferredNodeAffinity(20, { matchExpressions: [{ key: 'ssd', operator: 'Exists' }] }),
      want: expected('p', {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 80, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
              { weight: 20, preference: { matchExpressions: [{ key: 'ssd', operator: 'Exists' }] } },
            ],
          },
        },
      }),
    },
    {
      what: 'pod affinity and anti-affinity, required and preferred',
      build: () =>
        makePod('p')
          .podAffinity('topology.kubernetes.io/zone', labelSelector().label('app', 'db'))
          .podAffinity('kubernetes.io/hostname', labelSelector().in('app', ['a', 'b']).notIn('tier', ['x']), {
            namespaces: ['prod'],
            namespaceSelector: labelSelector().exists('team'),
            matchLabelKeys: ['version'],
            mismatchLabelKeys: ['tenant'],
          })
          .preferredPodAffinity(10, 'zone', { matchLabels: { app: 'cache' } })
          .podAntiAffinity('kubernetes.io/hostname', labelSelector().doesNotExist('batch'), { namespaceSelector: {} })
          .preferredPodAntiAffinity(5, 'zone', null),
      want: expected('p', {
        affinity: {
          podAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'topology.kubernetes.io/zone' },
              {
                labelSelector: {
                  matchExpressions: [
                    { key: 'app', operator: 'In', values: ['a', 'b'] },
                    { key: 'tier', operator: 'NotIn', values: ['x'] },
                  ],
                },
                topologyKey: 'kubernetes.io/hostname',
                namespaces: ['prod'],
                namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
                matchLabelKeys: ['version'],
                mismatchLabelKeys: ['tenant'],
              },
            ],
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 10, podAffinityTerm: { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'zone' } },
            ],
          },
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              {
                labelSelector: { matchExpressions: [{ key: 'batch', operator: 'DoesNotExist' }] },
                topologyKey: 'kubernetes.io/hostname',
                namespaceSelector: {},
              },
            ],
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: { labelSelector: null, topologyKey: 'zone' } }],
          },
        },
      }),
    },
    {
      what: 'tolerations',
      build: () =>
        makePod('p')
          .toleration({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' })
          .tolerations([{ operator: 'Exists' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]),
      want: expected('p', {
        tolerations: [
          { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
          { operator: 'Exists' },
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
      }),
    },
    {
      what: 'topology spread constraints',
      build: () =>
        makePod('p')
          .spreadConstraint(1, 'topology.kubernetes.io/zone', 'DoNotSchedule', labelSelector().label('app', 'web'))
          .spreadConstraint(2, 'kubernetes.io/hostname', 'ScheduleAnyway', { matchLabels: { app: 'web' } }, {
            minDomains: 3,
            nodeAffinityPolicy: 'Ignore',
            nodeTaintsPolicy: 'Honor',
            matchLabelKeys: ['pod-template-hash'],
          }),
      want: expected('p', {
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } },
          {
            maxSkew: 2,
            topologyKey: 'kubernetes.io/hostname',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: { app: 'web' } },
            minDomains: 3,
            nodeAffinityPolicy: 'Ignore',
            nodeTaintsPolicy: 'Honor',
            matchLabelKeys: ['pod-template-hash'],
          },
        ],
      }),
    },
  ];

  it.each(cases)('builds $what', ({ build, want }) => {
    expect(build().obj()).toStrictEqual(want);
  });

  it('returns a fresh deep copy from every obj()', () => {
    const builder = makePod('p').label('app', 'web').req({ cpu: '1' }).podAffinity('zone', labelSelector().label('a', 'b'));
    const first = builder.obj();
    first.metadata.labels!['app'] = 'changed';
    first.spec.containers[0]!.resources!.requests!['cpu'] = '9';
    first.spec.affinity!.podAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.push({ topologyKey: 'x' });
    const second = builder.obj();
    expect(second).not.toBe(first);
    expect(second.metadata.labels).toStrictEqual({ app: 'web' });
    expect(second.spec.containers[0]!.resources).toStrictEqual({ requests: { cpu: '1' } });
    expect(second.spec.affinity!.podAffinity!.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
  });

  it('keeps objects passed in untouched by later builder calls', () => {
    const requests = { cpu: '1' };
    const selector = { matchLabels: { app: 'web' } };
    const builder = makePod('p').req(requests).podAntiAffinity('zone', selector);
    requests.cpu = '5';
    selector.matchLabels.app = 'db';
    const pod = builder.obj();
    expect(pod.spec.containers[0]!.resources!.requests).toStrictEqual({ cpu: '1' });
    expect(pod.spec.affinity!.podAntiAffinity!.requiredDuringSchedulingIgnoredDuringExecution![0]!.labelSelector).toStrictEqual({
      matchLabels: { app: 'web' },
    });
  });

  it('derives the uid from the final namespace and name', () => {
    expect(makePod('a').namespace('prod').name('b').obj().metadata.uid).toBe(podUid('prod', 'b'));
  });
});
