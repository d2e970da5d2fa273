import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FrameworkMetrics, type PointContext, type SchedulingAttempt, Scheduler, type SchedulerConfiguration } from '@schedkit/framework';
import { SchedulerPrometheusMetrics } from '@schedkit/metrics-prometheus';
import { leaderElectionProblem } from '@schedkit/store-etcd';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { loadConfiguration, readConfigurationFile } from '../configuration.js';
import { InputError } from '../errors.js';
import { watchFile } from '../watch-config.js';
import { checkAllowedPlugins } from './allowed-plugins.js';
import { type Logger, serviceLogger } from './logger.js';
import type { LeaderElector, OpenedStore, ServeLeaderElection } from './store-dsn.js';

/** What `schedkit serve` is told. */
export interface ServeOptions {
  /** Opens the store (waiting for it to come up; `onRetry` hears each failed try). */
  open: (onRetry: (error: Error) => void, schedulerNames: readonly string[]) => Promise<OpenedStore>;
  config?: string;
  port: number;
  bindAddress: string;
  leaderElect: boolean;
  leaderElection: ServeLeaderElection;
  allowedPlugins?: string[];
  logLevel: string;
  /** Resolves when the service should shut down (SIGTERM, SIGINT). */
  shutdownSignal: Promise<string>;
}

/** How long a stopping scheduler lets binding cycles in flight finish. */
const drainTimeoutMs = 10_000;

/**
 * Runs the scheduler as a service against a store: leader election (when the store offers it), the
 * configuration file reloaded on change, `/metrics`, `/healthz` and `/readyz`, and a graceful shutdown. Resolves
 * once shut down.
 */
export async function runServe(options: ServeOptions): Promise<void> {
  const problem = options.leaderElect ? leaderElectionProblem(options.leaderElection) : undefined;
  if (problem) throw new InputError(problem);
  if (options.config) await checkAllowedPlugins(options.config, options.allowedPlugins);
  const loaded = await loadConfiguration({ ...(options.config ? { file: options.config } : {}), gangs: 0 });
  const log = serviceLogger(options.logLevel, 'schedkit-serve');
  const opened = await options.open(
    (error) => log.warn({ reason: error.message }, 'store unreachable; retrying'),
    loaded.configuration.profiles.map((p) => p.schedulerName),
  );
  const register = new Registry();
  collectDefaultMetrics({ register });
  const prometheus = new SchedulerPrometheusMetrics(register);
  const service = new Service(opened, loaded.configuration, loaded.registry, prometheus, log);

  const server = await listen(options.bindAddress, options.port, register, () => service.ready);
  const address = server.address() as AddressInfo;
  log.info({ address: `${address.address}:${address.port}`, store: opened.description, configuration: loaded.source }, 'serving /metrics, /healthz and /readyz');

  const watcher = options.config
    ? watchFile(options.config, async () => {
        try {
          await checkAllowedPlugins(options.config!, options.allowedPlugins);
          await service.reconfigure(await readConfigurationFile(options.config!, loaded.registry, loaded.loadedModules));
          log.info({ file: options.config }, 'configuration reloaded');
        } catch (error) {
          log.error({ file: options.config, reason: (error as Error).message }, 'configuration rejected; the previous one stays in force');
        }
      })
    : undefined;

  let elector: LeaderElector | undefined;
  if (options.leaderElect && opened.leaderElection) {
    elector = opened.leaderElection(options.leaderElection, {
      onStartedLeading: () => {
        log.info({ identity: elector!.identity, lease: options.leaderElection.resourceName }, 'started leading');
        service.startScheduling();
      },
      onStoppedLeading: async () => {
        log.info({ identity: elector!.identity }, 'stopped leading');
        await service.stopScheduling();
      },
    });
    log.info({ identity: elector.identity, lease: options.leaderElection.resourceName }, 'campaigning for the lease');
    elector.start();
  } else {
    if (options.leaderElect) log.info({ store: opened.description }, 'the store has no leader election (one process owns it): scheduling without');
    service.startScheduling();
  }
  service.ready = true;

  const signal = await options.shutdownSignal;
  log.info({ signal }, 'shutting down: no new pods, binding cycles in flight finish');
  service.ready = false;
  watcher?.close();
  if (elector) await elector.release();
  await service.stopScheduling();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await opened.store.close();
  log.info('stopped');
}

/** The scheduler of this replica, built afresh each time it starts leading (its cache from the store). */
class Service {
  ready = false;
  private scheduler: Scheduler | undefined;
  private readonly metrics: FrameworkMetrics;

  constructor(
    private readonly opened: OpenedStore,
    private configuration: SchedulerConfiguration,
    private readonly registry: import('@schedkit/framework').Registry,
    private readonly prometheus: SchedulerPrometheusMetrics,
    private readonly log: Logger,
  ) {
    this.metrics = decisionLogging(prometheus, log);
  }

  startScheduling(): void {
    if (this.scheduler) return;
    const scheduler = new Scheduler({
      store: this.opened.store,
      registry: this.registry,
      configuration: this.configuration,
      metrics: this.metrics,
      onEvent: (event) => {
        this.opened.onSchedulerEvent?.(event);
        if (event.type === 'error') this.log.warn({ pod: podName(event.pod), profile: event.profile, error: event.error.message }, 'scheduling error');
        else if (event.type === 'bindingFailed') this.log.info({ pod: podName(event.pod), node: event.nodeName, profile: event.profile, reason: event.status.message() }, 'binding failed');
      },
    });
    this.scheduler = scheduler;
    this.prometheus.watchQueue(scheduler);
    scheduler.start();
  }

  /** Stops taking pods and lets binding cycles in flight finish (or fail and unreserve), up to a bound. */
  async stopScheduling(): Promise<void> {
    const scheduler = this.scheduler;
    if (!scheduler) return;
    this.scheduler = undefined;
    await scheduler.stop();
    const deadline = Date.now() + drainTimeoutMs;
    while (scheduler.queue.stats().inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    this.prometheus.watchQueue(undefined);
  }

  async reconfigure(configuration: SchedulerConfiguration): Promise<void> {
    await this.scheduler?.applyConfiguration(configuration);
    this.configuration = configuration;
  }
}

/** The Prometheus recorder, plus one debug line per decision with pod, node, profile and cycle duration. */
function decisionLogging(prometheus: SchedulerPrometheusMetrics, log: Logger): FrameworkMetrics {
  return {
    observePoint: (point: string, ms: number, context?: PointContext) => prometheus.observePoint(point, ms, context),
    observeAttempt: (attempt: SchedulingAttempt) => {
      prometheus.observeAttempt(attempt);
      if (log.isLevelEnabled('debug')) {
        log.debug({ pod: podName(attempt.pod), node: attempt.nodeName, profile: attempt.profile, result: attempt.result, cycleMs: Math.round(attempt.ms * 1000) / 1000 }, 'decision');
      }
    },
    observePodScheduled: (scheduled) => prometheus.observePodScheduled(scheduled),
    observeIncoming: (queue, event) => prometheus.observeIncoming(queue, event),
    observePreemption: () => prometheus.observePreemption(),
  };
}

function podName(pod: { metadata: { namespace?: string; name: string } }): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

async function listen(host: string, port: number, register: Registry, ready: () => boolean): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') {
      response.writeHead(405).end();
      return;
    }
    if (path === '/metrics') {
      register.metrics().then(
        (text) => response.writeHead(200, { 'content-type': register.contentType }).end(text),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
      );
    } else if (path === '/healthz' || path === '/livez') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } else if (path === '/readyz') {
      const ok = ready();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'not ready');
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' || error.code === 'EADDRNOTAVAIL' ? new InputError(`--port ${port} on --bind-address ${host}: ${error.code === 'EADDRINUSE' ? 'already in use' : 'address not available'}`) : error),
    );
    server.listen(port, host, () => resolve());
  });
  return server;
}
