import { isClusterScoped, type StoreKind } from '@schedkit/framework';

/** One Kubernetes API resource a store kind lives in. */
export interface ApiResource {
  /** The object's `kind` on the wire. */
  kind: string;
  apiVersion: string;
  /** The plural resource name (`pods`). */
  plural: string;
  namespaced: boolean;
}

const core = (kind: string, plural: string, namespaced: boolean): ApiResource => ({ kind, apiVersion: 'v1', plural, namespaced });
const grouped = (apiVersion: string, kind: string, plural: string, namespaced: boolean): ApiResource => ({ kind, apiVersion, plural, namespaced });

/**
 * The API resources behind each store kind. `Controller` is three resources: PodTopologySpread's system defaults
 * read the selectors of ReplicaSets, StatefulSets and ReplicationControllers.
 */
export const resourcesByKind: { readonly [K in StoreKind]: readonly ApiResource[] } = {
  Namespace: [core('Namespace', 'namespaces', false)],
  Node: [core('Node', 'nodes', false)],
  Pod: [core('Pod', 'pods', true)],
  Service: [core('Service', 'services', true)],
  Controller: [
    grouped('apps/v1', 'ReplicaSet', 'replicasets', true),
    grouped('apps/v1', 'StatefulSet', 'statefulsets', true),
    core('ReplicationController', 'replicationcontrollers', true),
  ],
  PriorityClass: [grouped('scheduling.k8s.io/v1', 'PriorityClass', 'priorityclasses', false)],
  PodDisruptionBudget: [grouped('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true)],
  PersistentVolumeClaim: [core('PersistentVolumeClaim', 'persistentvolumeclaims', true)],
  PersistentVolume: [core('PersistentVolume', 'persistentvolumes', false)],
  StorageClass: [grouped('storage.k8s.io/v1', 'StorageClass', 'storageclasses', false)],
  CSINode: [grouped('storage.k8s.io/v1', 'CSINode', 'csinodes', false)],
  CSIDriver: [grouped('storage.k8s.io/v1', 'CSIDriver', 'csidrivers', false)],
};

/** The resource `object` of `kind` belongs to (for `Controller`, chosen by the object's own `kind`). */
export function resourceOf(kind: StoreKind, object: { kind?: string }): ApiResource {
  const resources = resourcesByKind[kind];
  if (resources.length === 1) return resources[0]!;
  const match = resources.find((r) => r.kind === object.kind);
  if (!match) throw new Error(`${kind} objects need a kind of ${resources.map((r) => r.kind).join(', ')}; got ${object.kind ?? 'none'}`);
  return match;
}

/** The API path prefix of a resource's group and version (`/api/v1`, `/apis/apps/v1`). */
function groupPath(resource: ApiResource): string {
  return resource.apiVersion === 'v1' ? '/api/v1' : `/apis/${resource.apiVersion}`;
}

/** The path that lists and watches `resource` across all namespaces. */
export function collectionPath(resource: ApiResource): string {
  return `${groupPath(resource)}/${resource.plural}`;
}

/** The path of one object (or, without `name`, of the collection objects are created in). */
export function objectPath(resource: ApiResource, namespace: string | undefined, name?: string): string {
  const scope = resource.namespaced ? `/namespaces/${encodeURIComponent(namespace || 'default')}` : '';
  return `${groupPath(resource)}${scope}/${resource.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

/** Splits a store key into namespace and name (`Controller` keys start with the object kind). */
export function splitKey(kind: StoreKind, key: string): { objectKind?: string; namespace?: string; name: string } {
  if (isClusterScoped(kind)) return { name: key };
  const parts = key.split('/');
  if (kind === 'Controller') return { objectKind: parts[0]!, namespace: parts[1]!, name: parts.slice(2).join('/') };
  return { namespace: parts[0]!, name: parts.slice(1).join('/') };
}
