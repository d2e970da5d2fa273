// Small plugins for the scheduler's own tests (the real ones live in the plugin packages).
import { parseConfiguration } from '../config/load.js';
import type { SchedulerConfiguration } from '../config/types.js';
import type { CycleState } from '../cycle-state/cycle-state.js';
import { inject, injectable } from '../di.js';
import { PodInfo } from '../model/pod-info.js';
import type { Node, Pod } from '../model/types.js';
import type { NodeInfo } from '../node-info/node-info.js';
import { ActionType, type ClusterEventWithHint } from '../plugins/events.js';
import type { PermitVerdict, QueuedPodInfo } from '../plugins/extension-points.js';
import type { Handle } from '../plugins/handle.js';
import { Registry } from '../registry/registry.js';
import { Tokens } from '../registry/tokens.js';
import { Code, Status } from '../status/status.js';

@injectable()
export class TestSort {
  readonly name = 'TestSort';
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const pa = a.podInfo.pod.spec.priority ?? 0;
    const pb = b.podInfo.pod.spec.priority ?? 0;
    return pa !== pb ? pa > pb : a.timestamp < b.timestamp;
  }
}

/** Filters on cpu (milli) and pod count. */
@injectable()
export class TestFit {
  readonly name = 'TestFit';
  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | null {
    const requests = PodInfo.of(pod).requests;
    if (nodeInfo.requested.milliCPU + requests.milliCPU > nodeInfo.allocatable.milliCPU) return Status.unschedulable('Insufficient cpu');
    if (nodeInfo.pods.length + 1 > nodeInfo.allocatable.allowedPodNumber) return Status.unschedulable('Too many pods');
    return null;
  }
  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable } }, { event: { resource: 'AssignedPod', actionType: ActionType.Delete } }];
  }
}

/** Prefers nodes with fewer pods (or, with args.most, more). */
@injectable()
export class TestSpread {
  readonly name = 'TestSpread';
  constructor(@inject(Tokens.Args) private readonly args: { most?: boolean } | undefined) {}
  score(_state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    const used = Math.min(100, nodeInfo.pods.length);
    return this.args?.most ? used : 100 - used;
  }
}

@injectable()
export class TestBinder {
  readonly name = 'TestBinder';
  constructor(@inject(Tokens.Handle) private readonly handle: Handle) {}
  async bind(_state: CycleState, pod: Pod, nodeName: string): Promise<Status | null> {
    try {
      await this.handle.binder.bind(pod, nodeName);
      return null;
    } catch (error) {
      return Status.error(error);
    }
  }
}

/** Holds pods labelled `wait=<group>` at Permit until `need` members arrived. */
@injectable()
export class TestGate {
  readonly name = 'TestGate';
  private readonly arrived = new Map<string, number>();
  constructor(@inject(Tokens.Handle) private readonly handle: Handle) {}
  permit(_state: CycleState, pod: Pod): PermitVerdict {
    const group = pod.metadata.labels?.wait;
    if (!group) return { status: null };
    const need = Number(pod.metadata.labels?.need ?? '2');
    const count = (this.arrived.get(group) ?? 0) + 1;
    this.arrived.set(group, count);
    if (count >= need) {
      this.handle.iterateOverWaitingPods((w) => {
        if (w.pod.metadata.labels?.wait === group) w.allow(this.name);
      });
      return { status: null };
    }
    return { status: Status.of(Code.Wait), timeoutMs: Number(pod.metadata.labels?.timeout ?? '10000') };
  }
}

export function testRegistry(): Registry {
  return new Registry()
    .register({ name: 'TestSort', plugin: TestSort })
    .register({ name: 'TestFit', plugin: TestFit })
    .register({ name: 'TestSpread', plugin: TestSpread })
    .register({ name: 'TestBinder', plugin: TestBinder })
    .register({ name: 'TestGate', plugin: TestGate });
}

export const testDefaults = {
  defaultPlugins: {
    multiPoint: {
      enabled: [{ name: 'TestSort' }, { name: 'TestFit' }, { name: 'TestSpread', weight: 1 }, { name: 'TestGate' }, { name: 'TestBinder' }],
      disabled: [],
    },
  },
};

export function testConfiguration(extra = ''): SchedulerConfiguration {
  return parseConfiguration(`apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n${extra}`, testDefaults);
}

export function node(name: string, cpu = '4', pods = '110', labels: Record<string, string> = {}): Node {
  return { metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, status: { allocatable: { cpu, memory: '16Gi', pods } } };
}

export function pod(name: string, cpu = '1', extra: Partial<Pod['spec']> = {}, labels: Record<string, string> = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels },
    spec: { containers: [{ name: 'c', resources: { requests: { cpu } } }], ...extra },
  };
}
