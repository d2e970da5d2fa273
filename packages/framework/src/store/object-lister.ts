import type { Labels, Namespace, ReplicaSetLike, Service } from '../model/types.js';

/**
 * Read access to cluster objects other than nodes and pods that plugins consult: Services and controllers
 * (PodTopologySpread's system default constraints take their selectors) and Namespaces (pod affinity's
 * namespaceSelector matches their labels).
 */
export interface ObjectLister {
  /** Services in `namespace`. */
  services(namespace: string): readonly Service[];
  /** ReplicaSets, StatefulSets and ReplicationControllers in `namespace`. */
  controllers(namespace: string): readonly ReplicaSetLike[];
  /** The labels of namespace `name`, or undefined when it is unknown. */
  namespaceLabels(name: string): Labels | undefined;
}

/** An ObjectLister over fixed lists (tests, simulations). Namespaces get kube's `kubernetes.io/metadata.name` label. */
export class StaticObjectLister implements ObjectLister {
  private readonly servicesByNamespace = new Map<string, Service[]>();
  private readonly controllersByNamespace = new Map<string, ReplicaSetLike[]>();
  private readonly labelsByNamespace = new Map<string, Labels>();

  constructor(objects: { services?: readonly Service[]; controllers?: readonly ReplicaSetLike[]; namespaces?: readonly Namespace[] } = {}) {
    for (const service of objects.services ?? []) group(this.servicesByNamespace, service.metadata.namespace ?? 'default', service);
    for (const controller of objects.controllers ?? []) group(this.controllersByNamespace, controller.metadata.namespace ?? 'default', controller);
    for (const namespace of objects.namespaces ?? []) {
      this.labelsByNamespace.set(namespace.metadata.name, { 'kubernetes.io/metadata.name': namespace.metadata.name, ...namespace.metadata.labels });
    }
  }

  services(namespace: string): readonly Service[] {
    return this.servicesByNamespace.get(namespace) ?? [];
  }

  controllers(namespace: string): readonly ReplicaSetLike[] {
    return this.controllersByNamespace.get(namespace) ?? [];
  }

  namespaceLabels(name: string): Labels | undefined {
    return this.labelsByNamespace.get(name);
  }
}

function group<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
