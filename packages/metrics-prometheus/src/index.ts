/**
 * `@schedkit/metrics-prometheus`: kube-scheduler's Prometheus series from schedkit's metrics recorder.
 * @packageDocumentation
 */
export * from './scheduler-metrics.js';
