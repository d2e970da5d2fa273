export { type ApiRequest, type ApiResponse, type ApiStatus, type ClientConnection, KubeApiClient, type KubeConnectionTarget } from './client/api-client.js';
export { TokenBucket } from './client/rate-limiter.js';
export { KubernetesClusterStore, type KubernetesStoreOptions } from './kubernetes-store.js';
export { clusterRoleManifest } from './rbac.js';
export { type KubeObject, Reflector, type ReflectorOptions, type ReflectorSink } from './reflector.js';
export { type ApiResource, resourcesByKind } from './resources.js';
