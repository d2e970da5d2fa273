export { type ApiRequest, type ApiResponse, type ApiStatus, type ClientConnection, KubeApiClient, type KubeConnectionTarget } from './client/api-client.js';
export { TokenBucket } from './client/rate-limiter.js';
export { type EventRecorderOptions, SchedulingEventRecorder } from './event-recorder.js';
export { type LeaderCallbacks, type LeaderElectionSettings, LeaseLeaderElector } from './leader-election.js';
export { microTime } from './micro-time.js';
export { KubernetesClusterStore, type KubernetesStoreOptions } from './kubernetes-store.js';
export { clusterRoleManifest } from './rbac.js';
export { type KubeObject, Reflector, type ReflectorOptions, type ReflectorSink } from './reflector.js';
export { type ApiResource, resourcesByKind } from './resources.js';
