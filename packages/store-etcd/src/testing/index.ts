/**
 * `@schedkit/store-etcd/testing`: starts a throwaway etcd for tests and benchmarks.
 * @packageDocumentation
 */
export * from './etcd-server.js';
