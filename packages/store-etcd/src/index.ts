/**
 * `@schedkit/store-etcd`: schedkit's ClusterStore on etcd v3, and leader election on an etcd lease.
 * @packageDocumentation
 */
export * from './dsn.js';
export * from './etcd-store.js';
export * from './keys.js';
export * from './leader-election.js';
