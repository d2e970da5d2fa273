import { NodeAgent } from '@schedkit/framework';
import { DefaultLeaderElection } from '@schedkit/store-etcd';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { InputError } from '../errors.js';
import { duration } from './duration.js';
import { serviceLogger } from './logger.js';
import { applyFile, deleteObjects, getObjects, objectKind } from './objects.js';
import { runServe } from './serve.js';
import { addStoreOptions, openStoreFromOptions } from './store-options.js';

/** Resolves with the name of the first SIGTERM or SIGINT. */
function shutdownSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

function port(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65_535) throw new InvalidArgumentError(`--port must be a port number (0 picks a free one), got "${value}".`);
  return Number(value);
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** How long `serve` and `agent` wait for the store to come up at start. */
const storeWaitMs = 60_000;

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Adds the service commands: `serve` (the scheduler against a store, with leader election and metrics),
 * `apply -f`, `get`, `delete` (kubectl-like, against the store) and `agent` (node agents as a process).
 */
export function addServiceCommands(program: Command, setExit: (code: number) => void): void {
  const output = { stdout: process.stdout, stderr: process.stderr };

  addStoreOptions(program.command('serve'))
    .description('run the scheduler as a service against a store, with leader election, /metrics, /healthz and /readyz')
    .option('--config <file>', 'a KubeSchedulerConfiguration (reloaded when it changes; an invalid file keeps the old one)')
    .addOption(new Option('--port <n>', 'port of /metrics, /healthz and /readyz (0: a free one)').default(10259).argParser(port))
    .option('--bind-address <ip>', 'address to serve on', '127.0.0.1')
    .addOption(new Option('--leader-elect [bool]', 'elect a leader among replicas before scheduling').default(true).argParser((v) => v !== 'false'))
    .option('--no-leader-elect', 'schedule without leader election (one replica only)')
    .addOption(new Option('--leader-elect-lease-duration <duration>', 'how long a lease lasts without renewal').default(DefaultLeaderElection.leaseDurationMs, '15s').argParser(duration('--leader-elect-lease-duration')))
    .addOption(new Option('--leader-elect-renew-deadline <duration>', 'how long the leader tries to renew before it stops leading').default(DefaultLeaderElection.renewDeadlineMs, '10s').argParser(duration('--leader-elect-renew-deadline')))
    .addOption(new Option('--leader-elect-retry-period <duration>', 'how often candidates try and the leader renews').default(DefaultLeaderElection.retryPeriodMs, '2s').argParser(duration('--leader-elect-retry-period')))
    .option('--leader-elect-resource-name <name>', 'the name of the lease', DefaultLeaderElection.resourceName)
    .option('--leader-elect-resource-namespace <namespace>', 'the namespace of the Lease (kubernetes: store)', 'kube-system')
    .option('--allowed-plugins <names>', 'plugin packages the configuration may load (comma-separated names or globs such as @myorg/*); plugins run with the scheduler\'s rights', list)
    .addOption(new Option('--log-level <level>', 'log level (debug: one line per decision)').choices(logLevels).default('info'))
    .exitOverride()
    .action(async (raw: Record<string, unknown>) => {
      await runServe({
        open: (onRetry, schedulerNames) => openStoreFromOptions(raw, storeWaitMs, onRetry, schedulerNames),
        ...(raw.config !== undefined ? { config: raw.config as string } : {}),
        port: raw.port as number,
        bindAddress: raw.bindAddress as string,
        leaderElect: raw.leaderElect !== false,
        leaderElection: {
          leaseDurationMs: raw.leaderElectLeaseDuration as number,
          renewDeadlineMs: raw.leaderElectRenewDeadline as number,
          retryPeriodMs: raw.leaderElectRetryPeriod as number,
          resourceName: raw.leaderElectResourceName as string,
          resourceNamespace: raw.leaderElectResourceNamespace as string,
        },
        ...(raw.allowedPlugins !== undefined ? { allowedPlugins: raw.allowedPlugins as string[] } : {}),
        logLevel: raw.logLevel as string,
        shutdownSignal: shutdownSignal(),
      });
      setExit(0);
    });

  addStoreOptions(program.command('apply'))
    .description('create or update the Nodes and Pods of a manifest file in the store (read as simulate reads them)')
    .requiredOption('-f, --filename <file>', 'the manifests: a List, JSON, or multi-document YAML')
    .exitOverride()
    .action(async (raw: Record<string, unknown>) => {
      const opened = await openStoreFromOptions(raw);
      try {
        setExit(await applyFile(opened.store, raw.filename as string, output));
      } finally {
        await opened.store.close();
      }
    });

  addStoreOptions(program.command('get'))
    .description('list pods or nodes from the store (-o json prints a v1 List, as kubectl does)')
    .argument('<resource>', 'pods or nodes')
    .argument('[names...]', 'only these objects')
    .option('-n, --namespace <ns>', 'the namespace of the pods', 'default')
    .option('-A, --all-namespaces', 'pods of every namespace', false)
    .option('-o, --output <format>', 'json, yaml, name or wide')
    .exitOverride()
    .action(async (resource: string, names: string[], raw: Record<string, unknown>) => {
      const kind = objectKind(resource);
      const opened = await openStoreFromOptions(raw);
      try {
        const options = { kind, names, namespace: raw.namespace as string, allNamespaces: raw.allNamespaces === true };
        setExit(getObjects(opened.store, raw.output === undefined ? options : { ...options, output: raw.output as string }, output));
      } finally {
        await opened.store.close();
      }
    });

  addStoreOptions(program.command('delete'))
    .description('delete pods or nodes from the store')
    .argument('<resource>', 'pods or nodes')
    .argument('[names...]', 'the objects to delete')
    .option('-n, --namespace <ns>', 'the namespace of the pods', 'default')
    .option('--all', 'every object of the kind (in the namespace, for pods)', false)
    .exitOverride()
    .action(async (resource: string, names: string[], raw: Record<string, unknown>) => {
      const kind = objectKind(resource);
      const opened = await openStoreFromOptions(raw);
      try {
        setExit(await deleteObjects(opened.store, { kind, names, namespace: raw.namespace as string, all: raw.all === true }, output));
      } finally {
        await opened.store.close();
      }
    });

  addStoreOptions(program.command('agent'))
    .description('run node agents (the kubelet role): mark pods bound to these nodes Running')
    .option('--nodes <names>', 'the nodes this process runs (comma-separated)', list)
    .option('--all', 'run every node', false)
    .addOption(new Option('--log-level <level>', 'log level').choices(logLevels).default('info'))
    .exitOverride()
    .action(async (raw: Record<string, unknown>) => {
      const nodes = raw.nodes as string[] | undefined;
      if ((nodes === undefined || nodes.length === 0) === (raw.all !== true)) throw new InputError('agent: give --nodes a,b or --all (one of them)');
      const log = serviceLogger(raw.logLevel as string, 'schedkit-agent');
      const opened = await openStoreFromOptions(raw, storeWaitMs, (error) => log.warn({ reason: error.message }, 'store unreachable; retrying'));
      const agent = new NodeAgent(opened.store, () => new Date(), nodes ? { nodes: new Set(nodes) } : {});
      agent.start();
      log.info({ store: opened.description, nodes: nodes ?? 'all' }, 'agent running');
      const signal = await shutdownSignal();
      agent.stop();
      await opened.store.close();
      log.info({ signal, started: agent.startedPods }, 'agent stopped');
      setExit(0);
    });
}
