/**
 * Reading Kubernetes manifests as kube-apiserver reads them: streamed documents, served API versions, kube's
 * defaulting and validation (the framework's `defaultPod`, `validatePod`, ...), duplicate objects refused, unknown
 * fields warned about. `simulate` uses it; so can any command that takes `-f FILE`.
 */
export { type ListHeader, readDocuments, type SourceValue } from './documents.js';
export { isManifestKind, type ManifestKind, ServedVersions, versionError } from './kinds.js';
export { type ManifestObject, type ManifestSet, manifestStoreKey, type ReadOptions, readManifests, StoreKindOf, WorkloadKinds } from './read.js';
