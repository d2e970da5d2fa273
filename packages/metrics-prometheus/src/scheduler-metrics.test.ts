import { MemoryClusterStore, Registry as PluginRegistry, Scheduler } from '@schedkit/framework';
import { makeNode, makePod } from '@schedkit/framework/testing';
import { defaultConfiguration, registerDefaultPlugins } from '@schedkit/preset-default';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { exponentialBuckets, SchedulerPrometheusMetrics } from './scheduler-metrics.js';

describe('SchedulerPrometheusMetrics', () => {
  it('builds component-base exponential buckets', () => {
    expect(exponentialBuckets(0.001, 2, 4)).toEqual([0.001, 0.002, 0.004, 0.008]);
  });

  it('exports kube-scheduler series with their labels from a real run, in the registry it was given', async () => {
    const register = new Registry();
    const metrics = new SchedulerPrometheusMetrics(register);
    const store = new MemoryClusterStore();
    store.applyNode(makeNode('n1').capacity({ cpu: '1', memory: '1Gi', pods: '10' }).obj());
    const scheduler = new Scheduler({ store, registry: registerDefaultPlugins(new PluginRegistry()), configuration: defaultConfiguration(), metrics });
    metrics.watchQueue(scheduler);
    scheduler.start();
    store.applyPod(makePod('fits').req({ cpu: '500m' }).obj());
    store.applyPod(makePod('too-big').req({ cpu: '4' }).obj());
    await scheduler.waitForIdle();
    const text = await register.metrics();
    await scheduler.stop();
    expect(text).toContain('scheduler_schedule_attempts_total{result="scheduled",profile="default-scheduler"} 1');
    expect(text).toContain('scheduler_schedule_attempts_total{result="unschedulable",profile="default-scheduler"} 1');
    expect(text).toMatch(/scheduler_scheduling_attempt_duration_seconds_bucket\{le="0.001",result="scheduled",profile="default-scheduler"\}/);
    expect(text).toContain('scheduler_pod_scheduling_sli_duration_seconds_count{attempts="1"} 1');
    expect(text).toContain('scheduler_pending_pods{queue="unschedulable"} 1');
    expect(text).toContain('scheduler_unschedulable_pods{plugin="NodeResourcesFit",profile="default-scheduler"} 1');
    expect(text).toContain('scheduler_queue_incoming_pods_total{queue="active",event="PodAdd"} 2');
    expect(text).toContain('scheduler_queue_incoming_pods_total{queue="unschedulable",event="ScheduleAttemptFailure"} 1');
    expect(text).toMatch(/scheduler_framework_extension_point_duration_seconds_count\{extension_point="Filter",status="Unschedulable",profile="default-scheduler"\} 1/);
    expect(text).toMatch(/scheduler_framework_extension_point_duration_seconds_count\{extension_point="Bind",status="Success",profile="default-scheduler"\} 1/);
    expect(text).toContain('scheduler_preemption_attempts_total 1');
  });
});
