/**
 * `@schedkit/framework/testing`: the plugin test kit. Fluent builders of pods and nodes (`makePod()`,
 * `makeNode()`, shaped after kube-scheduler's test wrappers), a {@link PluginTester} that runs one plugin through
 * the real framework runtime, {@link schedulePods} that runs a whole scheduler (your plugin among a preset's) on a
 * small cluster and reports placements, a {@link fakeHandle} for plugins built by hand, the loader of the recorded
 * kube-scheduler decisions that fidelity tests compare against, and {@link checkPluginFidelity}, which compares one
 * plugin with those decisions, and a scripted HTTP extender on a loopback port ({@link startScriptedExtender}).
 * @packageDocumentation
 * @module @schedkit/framework/testing
 */
import 'reflect-metadata';

export * from './fidelity.js';
export * from './node-builder.js';
export * from './plugin-fidelity.js';
export * from './plugin-tester.js';
export * from './pod-builder.js';
export * from './scripted-extender.js';
export * from './schedule-pods.js';
export * from './selector-builders.js';
export * from './storage-builders.js';
export { clusterStoreContract, type StoreContractCase, type StoreUnderTest } from './store-contract.js';
