import {
  type Affinity,
  LabelHostname,
  LabelTopologyZone,
  type Node,
  type Pod,
  type ResourceList,
  type Taint,
  type Toleration,
  type TopologySpreadConstraint,
} from '@schedkit/framework';
import { SeededRandom } from './random.js';

/** What to generate. */
export interface SyntheticOptions {
  nodes: number;
  pods: number;
  zones: number;
  /** Gangs (pod groups for Coscheduling), counted within `pods`. */
  gangs: number;
  seed: number;
  /** The `spec.schedulerName` every pod gets (the profile that schedules them). */
  schedulerName: string;
}

/** A generated cluster: nodes, and pods still to schedule in arrival order. */
export interface SyntheticCluster {
  nodes: Node[];
  pods: Pod[];
}

/** The node shapes, after common cloud instance types: 4, 16 and 64 CPUs with 4 GiB per CPU. */
export const NodeShapes = [
  { instanceType: 'm6i.xlarge', cpu: 4, memoryGi: 16, share: 50 },
  { instanceType: 'm6i.4xlarge', cpu: 16, memoryGi: 64, share: 35 },
  { instanceType: 'm6i.16xlarge', cpu: 64, memoryGi: 256, share: 15 },
] as const;

/** Label and taint keys the generator uses. */
export const Labels = {
  instanceType: 'node.kubernetes.io/instance-type',
  region: 'topology.kubernetes.io/region',
  accelerator: 'nvidia.com/gpu.product',
  infra: 'node-role.kubernetes.io/infra',
  lifecycle: 'node.kubernetes.io/lifecycle',
  app: 'app',
  workload: 'workload',
  podGroup: 'pod-group.scheduling.sigs.k8s.io',
  podGroupMinAvailable: 'pod-group.scheduling.sigs.k8s.io/min-available',
} as const;

const GpuResource = 'nvidia.com/gpu';
const Region = 'demo-1';

/** Images pods run and nodes may already hold (ImageLocality scores them). */
const Images = [
  { name: 'registry.demo/shop/web:1.8.2', sizeBytes: 180_000_000 },
  { name: 'registry.demo/shop/api:3.1.0', sizeBytes: 420_000_000 },
  { name: 'registry.demo/shop/cache:7.2', sizeBytes: 120_000_000 },
  { name: 'registry.demo/batch/etl:2024.6', sizeBytes: 900_000_000 },
  { name: 'registry.demo/batch/report:0.9', sizeBytes: 650_000_000 },
  { name: 'registry.demo/ml/train:cuda12', sizeBytes: 3_500_000_000 },
  { name: 'registry.demo/infra/ingress:1.10', sizeBytes: 300_000_000 },
  { name: 'registry.demo/infra/node-exporter:1.8', sizeBytes: 25_000_000 },
  { name: 'registry.demo/tools/debug:latest', sizeBytes: 60_000_000 },
] as const;

/** The zone label value of zone `index` (zone-a, zone-b, ...; zone-27 and up past the alphabet). */
export function zoneName(index: number): string {
  return index < 26 ? `zone-${String.fromCharCode(97 + index)}` : `zone-${index + 1}`;
}

/** Generates the whole cluster; the same options give the same cluster. */
export function generateCluster(options: SyntheticOptions): SyntheticCluster {
  const random = new SeededRandom(options.seed);
  const nodes = generateNodes(options.nodes, options.zones, random.fork());
  const pods = generatePods(options, random.fork());
  return { nodes, pods };
}

function generateNodes(count: number, zones: number, random: SeededRandom): Node[] {
  const nodes: Node[] = [];
  const width = String(count - 1).length;
  for (let i = 0; i < count; i++) {
    const name = `node-${String(i).padStart(Math.max(4, width), '0')}`;
    const zone = zoneName(i % zones);
    const role = random.weighted<'general' | 'gpu' | 'infra' | 'spot' | 'cordoned'>([
      ['general', 89],
      ['gpu', 5],
      ['infra', 2],
      ['spot', 3],
      ['cordoned', 1],
    ]);
    // GPU machines are the bigger shapes: a 4-CPU node could not host a GPU job.
    const shape = role === 'gpu' ? random.pick(NodeShapes.slice(1)) : random.weighted(NodeShapes.map((s) => [s, s.share] as const));
    const labels: Record<string, string> = {
      [LabelHostname]: name,
      [LabelTopologyZone]: zone,
      [Labels.region]: Region,
      [Labels.instanceType]: shape.instanceType,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
    };
    const taints: Taint[] = [];
    const capacity: ResourceList = { cpu: String(shape.cpu), memory: `${shape.memoryGi}Gi`, pods: '110', 'ephemeral-storage': '200Gi' };
    // kubelet reserves some of every node for the system, so allocatable is below capacity.
    const allocatable: ResourceList = {
      cpu: `${shape.cpu * 1000 - 100}m`,
      memory: `${shape.memoryGi * 1024 - 1024}Mi`,
      pods: '110',
      'ephemeral-storage': '180Gi',
    };
    if (role === 'gpu') {
      labels[Labels.accelerator] = 'NVIDIA-L4';
      taints.push({ key: GpuResource, value: 'present', effect: 'NoSchedule' });
      capacity[GpuResource] = '4';
      allocatable[GpuResource] = '4';
    } else if (role === 'infra') {
      labels[Labels.infra] = '';
      taints.push({ key: 'dedicated', value: 'infra', effect: 'NoSchedule' });
    } else if (role === 'spot') {
      labels[Labels.lifecycle] = 'spot';
      taints.push({ key: 'cloud.demo/spot', value: 'true', effect: 'PreferNoSchedule' });
    } else if (role === 'cordoned') {
      taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
    }
    const images = Images.filter(() => random.chance(0.35)).map((image) => ({ names: [image.name], sizeBytes: image.sizeBytes }));
    nodes.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, uid: uid('node', i), labels },
      spec: { ...(role === 'cordoned' ? { unschedulable: true } : {}), ...(taints.length > 0 ? { taints } : {}) },
      status: {
        capacity,
        allocatable,
        images,
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
  }
  return nodes;
}

type WorkloadKind = 'web' | 'api' | 'batch' | 'cache' | 'besteffort' | 'infra' | 'agent' | 'gpu' | 'huge' | 'lost';

/** Share of the pods each kind of workload gets, and how many replicas one workload of the kind has. */
const WorkloadKinds: readonly { kind: WorkloadKind; share: number; replicas: [number, number] }[] = [
  { kind: 'web', share: 34, replicas: [3, 30] },
  { kind: 'api', share: 15, replicas: [2, 12] },
  { kind: 'batch', share: 26, replicas: [5, 50] },
  { kind: 'cache', share: 7, replicas: [3, 9] },
  { kind: 'besteffort', share: 7, replicas: [2, 20] },
  { kind: 'infra', share: 3, replicas: [1, 5] },
  { kind: 'agent', share: 4, replicas: [5, 20] },
  { kind: 'gpu', share: 3, replicas: [1, 8] },
  // Mistakes that real clusters see: a request no node can hold, a selector no node matches.
  { kind: 'huge', share: 0.5, replicas: [1, 3] },
  { kind: 'lost', share: 0.5, replicas: [1, 3] },
];

const NamespaceOf: Record<WorkloadKind, string> = {
  web: 'shop',
  api: 'shop',
  cache: 'shop',
  batch: 'batch',
  besteffort: 'batch',
  gpu: 'ml',
  huge: 'ml',
  lost: 'batch',
  infra: 'kube-system',
  agent: 'kube-system',
};

const Priority = { batch: 0, service: 1000, gang: 500, system: 100_000 } as const;

interface PodTemplate {
  namespace: string;
  app: string;
  kind: WorkloadKind | 'gang';
  priority: number;
  priorityClassName: string;
  image: string;
  requests: ResourceList | undefined;
  limits?: ResourceList;
  tolerations?: Toleration[];
  affinity?: Affinity;
  spread?: TopologySpreadConstraint[];
  nodeSelector?: Record<string, string>;
  hostPort?: number;
  groupLabels?: Record<string, string>;
}

/** The most pods one gang can have; `--gangs N` needs at least N times this many pods. */
export const MaxGangSize = 8;

function generatePods(options: SyntheticOptions, random: SeededRandom): Pod[] {
  const gangSizes = Array.from({ length: options.gangs }, () => random.int(3, MaxGangSize));
  const gangPods = gangSizes.reduce((sum, size) => sum + size, 0);
  if (gangPods > options.pods) throw new RangeError(`${options.gangs} gangs need ${gangPods} pods, but only ${options.pods} pods are generated`);
  const templates: { template: PodTemplate; replicas: number }[] = [];
  let planned = gangPods;
  let index = 0;
  while (planned < options.pods) {
    const choice = random.weighted(WorkloadKinds.map((k) => [k, k.share] as const));
    const replicas = Math.min(options.pods - planned, random.int(choice.replicas[0], choice.replicas[1]));
    templates.push({ template: workloadTemplate(choice.kind, index++, options.zones, random), replicas });
    planned += replicas;
  }
  gangSizes.forEach((size, g) => {
    const name = `gang-${g}`;
    templates.splice(random.int(0, templates.length), 0, {
      template: {
        namespace: 'ml',
        app: name,
        kind: 'gang',
        priority: Priority.gang,
        priorityClassName: 'gang',
        image: Images[5].name,
        requests: { cpu: '2', memory: '4Gi' },
        groupLabels: { [Labels.podGroup]: name, [Labels.podGroupMinAvailable]: String(size) },
      },
      replicas: size,
    });
  });
  const pods: Pod[] = [];
  for (const { template, replicas } of templates) {
    for (let r = 0; r < replicas; r++) pods.push(podFrom(template, r, pods.length, options.schedulerName));
  }
  return pods;
}

function workloadTemplate(kind: WorkloadKind, index: number, zones: number, random: SeededRandom): PodTemplate {
  const app = `${kind}-${index}`;
  const base = { namespace: NamespaceOf[kind], app, kind };
  const appSelector = { matchLabels: { [Labels.app]: app } };
  switch (kind) {
    case 'web':
      return {
        ...base,
        priority: Priority.service,
        priorityClassName: 'service',
        image: Images[0].name,
        requests: { cpu: random.pick(['100m', '250m', '500m', '1']), memory: random.pick(['128Mi', '256Mi', '512Mi', '1Gi']) },
        spread: [{ maxSkew: 1, topologyKey: LabelTopologyZone, whenUnsatisfiable: random.chance(0.5) ? 'DoNotSchedule' : 'ScheduleAnyway', labelSelector: appSelector }],
        // Some teams also ask to keep replicas off each other's nodes.
        ...(random.chance(0.3)
          ? {
              affinity: {
                podAntiAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: LabelHostname, labelSelector: appSelector } }],
                },
              },
            }
          : {}),
      };
    case 'api':
      return {
        ...base,
        priority: Priority.service,
        priorityClassName: 'service',
        image: Images[1].name,
        requests: { cpu: random.pick(['500m', '1', '2']), memory: random.pick(['512Mi', '1Gi', '2Gi', '4Gi']) },
        spread: [{ maxSkew: 1, topologyKey: LabelTopologyZone, whenUnsatisfiable: 'DoNotSchedule', labelSelector: appSelector }],
        affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: LabelHostname, labelSelector: appSelector }] } },
      };
    case 'batch':
      return {
        ...base,
        priority: Priority.batch,
        priorityClassName: 'batch',
        image: random.pick([Images[3].name, Images[4].name]),
        requests: { cpu: random.pick(['1', '2', '4']), memory: random.pick(['1Gi', '2Gi', '4Gi', '8Gi']) },
        tolerations: [{ key: 'cloud.demo/spot', operator: 'Exists', effect: 'PreferNoSchedule' }],
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: Labels.lifecycle, operator: 'In', values: ['spot'] }] } }],
          },
        },
      };
    case 'cache': {
      const allowed = Array.from({ length: Math.min(2, zones) }, (_, z) => zoneName(z));
      return {
        ...base,
        priority: Priority.service,
        priorityClassName: 'service',
        image: Images[2].name,
        requests: { cpu: random.pick(['1', '2']), memory: random.pick(['4Gi', '8Gi', '16Gi']) },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: LabelTopologyZone, operator: 'In', values: allowed }] }] },
          },
          podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: LabelHostname, labelSelector: appSelector }] },
        },
      };
    }
    case 'besteffort':
      return { ...base, priority: Priority.batch, priorityClassName: 'batch', image: Images[8].name, requests: undefined };
    case 'infra':
      return {
        ...base,
        priority: Priority.system,
        priorityClassName: 'system',
        image: Images[6].name,
        requests: { cpu: '250m', memory: '256Mi' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }],
        nodeSelector: { [Labels.infra]: '' },
      };
    case 'agent':
      return {
        ...base,
        priority: Priority.system,
        priorityClassName: 'system',
        image: Images[7].name,
        requests: { cpu: '100m', memory: '64Mi' },
        hostPort: 9100 + (index % 20),
      };
    case 'gpu':
      return {
        ...base,
        priority: Priority.service,
        priorityClassName: 'service',
        image: Images[5].name,
        requests: { cpu: random.pick(['2', '4']), memory: '8Gi', [GpuResource]: '1' },
        limits: { [GpuResource]: '1' },
        tolerations: [{ key: GpuResource, operator: 'Exists', effect: 'NoSchedule' }],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: Labels.accelerator, operator: 'Exists' }] }] },
          },
        },
      };
    case 'huge':
      return { ...base, priority: Priority.batch, priorityClassName: 'batch', image: Images[5].name, requests: { cpu: '96', memory: '64Gi' } };
    case 'lost':
      return { ...base, priority: Priority.batch, priorityClassName: 'batch', image: Images[3].name, requests: { cpu: '1', memory: '1Gi' }, nodeSelector: { disktype: 'nvme' } };
  }
}

function podFrom(template: PodTemplate, replica: number, index: number, schedulerName: string): Pod {
  const resources = template.requests ? { requests: template.requests, ...(template.limits ? { limits: template.limits } : {}) } : {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${template.app}-${replica}`,
      namespace: template.namespace,
      uid: uid('pod', index),
      labels: { [Labels.app]: template.app, [Labels.workload]: template.kind, ...template.groupLabels },
    },
    spec: {
      schedulerName,
      priority: template.priority,
      priorityClassName: template.priorityClassName,
      containers: [
        {
          name: 'main',
          image: template.image,
          resources,
          ...(template.hostPort ? { ports: [{ containerPort: template.hostPort, hostPort: template.hostPort, protocol: 'TCP' as const }] } : {}),
        },
      ],
      ...(template.tolerations ? { tolerations: template.tolerations } : {}),
      ...(template.affinity ? { affinity: template.affinity } : {}),
      ...(template.spread ? { topologySpreadConstraints: template.spread } : {}),
      ...(template.nodeSelector ? { nodeSelector: template.nodeSelector } : {}),
    },
    status: { phase: 'Pending' },
  };
}

/** A deterministic uid (the cache and the queue tell pods apart by uid). */
function uid(kind: 'node' | 'pod', index: number): string {
  return `00000000-0000-4000-${kind === 'node' ? '8000' : '9000'}-${index.toString(16).padStart(12, '0')}`;
}
