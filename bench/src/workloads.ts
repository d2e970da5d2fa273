import type { Node, Pod } from '@schedkit/framework';

/** The label every node carries with its own name (kube's `kubernetes.io/hostname`). */
export const HostnameLabel = 'kubernetes.io/hostname';
/** The zone label topology spreading counts domains by. */
export const ZoneLabel = 'topology.kubernetes.io/zone';
/** Zones the topology-spread workload's nodes are dealt into, round robin. */
export const SpreadZones = 10;

/** Which pod template a workload creates, after kube's scheduler_perf templates. */
export type PodTemplate = 'default' | 'anti-affinity' | 'topology-spread';

/**
 * One scheduler_perf-style workload: create `nodes` nodes, schedule `initPods` pods of `initTemplate` (not
 * measured, as kube's `createPods` without `collectMetrics`), then `pods` pods of `template`, timed until all are
 * bound.
 */
export interface Workload {
  /** Short id used on the command line and in result files. */
  readonly id: string;
  /** What the workload is, for tables. */
  readonly title: string;
  readonly nodes: number;
  /** The measured pods. */
  readonly pods: number;
  readonly template: PodTemplate;
  /** The measured pods' namespace. */
  readonly namespace: string;
  /** Pods scheduled before the measured ones, not timed (kube's `initPods`). */
  readonly initPods: number;
  readonly initTemplate: PodTemplate;
  readonly initNamespace: string;
  /** Number of zones nodes are dealt into (`zone-0` …); 0 leaves nodes without a zone label. */
  readonly zones: number;
}

const noInit = { initPods: 0, initTemplate: 'default', initNamespace: 'default' } as const;

/**
 * kube's scheduler_perf workloads (SchedulingBasic, SchedulingPodAntiAffinity, TopologySpreading) at the sizes
 * schedkit tracks: (a) and (b) the default pod, (c) required anti-affinity, (d) hard zone spreading. The unmeasured
 * init pods are those of kube's templates at these sizes: SchedulingBasic 500Nodes (500) and 5000Nodes_10000Pods
 * (1,000), SchedulingPodAntiAffinity 5000Nodes (1,000 anti-affinity pods in namespace sched-0, the measured ones
 * in sched-1) and TopologySpreading 5000Nodes (5,000 default pods).
 */
export const schedulerPerfWorkloads: readonly Workload[] = [
  {
    id: 'a',
    title: 'SchedulingBasic 500 nodes',
    nodes: 500,
    pods: 1_000,
    template: 'default',
    namespace: 'default',
    initPods: 500,
    initTemplate: 'default',
    initNamespace: 'default',
    zones: 0,
  },
  {
    id: 'b',
    title: 'SchedulingBasic 5000 nodes',
    nodes: 5_000,
    pods: 10_000,
    template: 'default',
    namespace: 'default',
    initPods: 1_000,
    initTemplate: 'default',
    initNamespace: 'default',
    zones: 0,
  },
  {
    id: 'c',
    title: 'SchedulingPodAntiAffinity 5000 nodes',
    nodes: 5_000,
    pods: 1_000,
    template: 'anti-affinity',
    namespace: 'sched-1',
    initPods: 1_000,
    initTemplate: 'anti-affinity',
    initNamespace: 'sched-0',
    zones: 0,
  },
  {
    id: 'd',
    title: 'TopologySpreading 5000 nodes',
    nodes: 5_000,
    pods: 10_000,
    template: 'topology-spread',
    namespace: 'default',
    initPods: 5_000,
    initTemplate: 'default',
    initNamespace: 'default',
    zones: SpreadZones,
  },
];

/** The scaling series: the default pod at growing cluster sizes, with the same number of pods each and no init pods. */
export const scalingWorkloads: readonly Workload[] = [1_000, 5_000, 15_000].map((nodes) => ({
  id: `scale-${nodes}`,
  title: `SchedulingBasic ${nodes} nodes`,
  nodes,
  pods: 10_000,
  template: 'default' as const,
  namespace: 'default',
  ...noInit,
  zones: 0,
}));

/** Finds a workload by id among the scheduler_perf and scaling workloads. */
export function workloadById(id: string): Workload | undefined {
  return [...schedulerPerfWorkloads, ...scalingWorkloads].find((w) => w.id === id);
}

/** A copy of `workload` with other sizes (the smoke test runs every workload small). */
export function resized(workload: Workload, nodes: number, pods: number, initPods = 0): Workload {
  return { ...workload, id: `${workload.id}-${nodes}x${pods}`, nodes, pods, initPods };
}

/** A copy of `workload` without its init pods: the measured pods meet a cold process (`--cold`). */
export function cold(workload: Workload): Workload {
  return { ...workload, ...noInit, id: `${workload.id}-cold` };
}

/**
 * kube's scheduler_perf default node: 110 pods, 4 cpu and 32Gi of memory allocatable (and as capacity), labelled
 * with its hostname, and with a zone when `zones` > 0 (`zone-<index mod zones>`).
 */
export function makeNode(index: number, zones: number): Node {
  const name = `node-${index}`;
  const labels: Record<string, string> = { [HostnameLabel]: name };
  if (zones > 0) labels[ZoneLabel] = `zone-${index % zones}`;
  const resources = { pods: '110', cpu: '4', memory: '32Gi' };
  return {
    metadata: { name, uid: `node-uid-${index}`, labels },
    spec: {},
    status: { capacity: { ...resources }, allocatable: { ...resources } },
  };
}

/**
 * A pod of `template`: one container requesting (and limited to) 100m cpu and 500Mi memory with container
 * port 80/TCP and no host port, as kube's pod-default.yaml; the anti-affinity pod is labelled color=green and
 * repels other green pods per hostname; the spreading pod is labelled color=blue and spreads over zones with
 * maxSkew 1, DoNotSchedule.
 */
export function makePod(index: number, template: PodTemplate, namespace = 'default', prefix = 'pod'): Pod {
  const name = `${prefix}-${index}`;
  const pod: Pod = {
    metadata: { name, namespace, uid: `${namespace}-${name}-uid` },
    spec: {
      schedulerName: 'default-scheduler',
      containers: [
        {
          name: 'pause',
          image: 'registry.k8s.io/pause:3.10',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          resources: {
            requests: { cpu: '100m', memory: '500Mi' },
            limits: { cpu: '100m', memory: '500Mi' },
          },
        },
      ],
    },
  };
  if (template === 'anti-affinity') {
    pod.metadata.labels = { color: 'green' };
    pod.spec.affinity = {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: HostnameLabel }],
      },
    };
  } else if (template === 'topology-spread') {
    pod.metadata.labels = { color: 'blue' };
    pod.spec.topologySpreadConstraints = [
      { maxSkew: 1, topologyKey: ZoneLabel, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { color: 'blue' } } },
    ];
  }
  return pod;
}
