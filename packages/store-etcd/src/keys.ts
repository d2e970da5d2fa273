import { type StoreKind, StoreKindNames, type StoreObject, storeKey } from '@schedkit/framework';

/** The key segment of each kind, as the API server's resource names go (`<prefix>/pods/<ns>/<name>`). */
const segments: Readonly<Record<StoreKind, string>> = {
  Node: 'nodes',
  Pod: 'pods',
  Service: 'services',
  Namespace: 'namespaces',
  Controller: 'controllers',
  PriorityClass: 'priorityclasses',
  PodDisruptionBudget: 'poddisruptionbudgets',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  PersistentVolume: 'persistentvolumes',
  StorageClass: 'storageclasses',
  CSINode: 'csinodes',
  CSIDriver: 'csidrivers',
};

const kindBySegment = new Map<string, StoreKind>(StoreKindNames.map((kind) => [segments[kind], kind]));

/** Maps store keys to etcd keys and back under one prefix. */
export class EtcdKeys {
  /** `<prefix>/`: every object key starts with it. */
  readonly objects: string;

  constructor(readonly prefix: string) {
    this.objects = `${prefix}/`;
  }

  /** The etcd key of the object of `kind` with store key `key` (`<prefix>/<kinds>/<store key>`). */
  of(kind: StoreKind, key: string): string {
    return `${this.objects}${segments[kind]}/${key}`;
  }

  /** The etcd key of `object`. */
  ofObject(kind: StoreKind, object: StoreObject): string {
    return this.of(kind, storeKey(kind, object as never));
  }

  /** The key of a leader-election lease (outside every kind's segment, so the object watch ignores it). */
  lease(name: string): string {
    return `${this.objects}leases/${name}`;
  }

  /** The kind and store key of an etcd key, or undefined for keys that are not objects (leases). */
  parse(etcdKey: string): { kind: StoreKind; key: string } | undefined {
    if (!etcdKey.startsWith(this.objects)) return undefined;
    const rest = etcdKey.slice(this.objects.length);
    const slash = rest.indexOf('/');
    if (slash < 0) return undefined;
    const kind = kindBySegment.get(rest.slice(0, slash));
    return kind ? { kind, key: rest.slice(slash + 1) } : undefined;
  }
}
