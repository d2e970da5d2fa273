import { AdmissionError, admitPod, type ClusterStore, type Node, type Pod, type PriorityClass, type RuntimeClass, type StoreKind, storeKey } from '@schedkit/framework';
import { stringify } from 'yaml';
import { InputError } from '../errors.js';
import { type ManifestObject, readManifests, StoreKindOf, WorkloadKinds } from '../manifests/index.js';

/** Where `apply`, `get` and `delete` write their output. */
export interface ObjectOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Writes in flight at once while applying a file (etcd pipelines them over one connection). */
const applyConcurrency = 64;

/**
 * `apply -f FILE`: reads a manifest file as `simulate` reads it (kube's defaulting, validation and warnings, pods
 * admitted with their PriorityClass and RuntimeClass) and writes every object of a kind the store holds, the other
 * objects first, then nodes, then pods. A pod already in the store keeps its binding and status, as the API server
 * keeps fields an applied manifest does not set. Workloads (Deployments, Jobs, ...) are not stored: no controller
 * runs against the store to make their pods, so each gets a warning.
 */
export async function applyFile(store: ClusterStore, file: string, output: ObjectOutput): Promise<number> {
  const set = await readManifests(file);
  for (const warning of set.warnings) output.stderr.write(`warning: ${warning}\n`);
  const priorityClasses = [...store.list('PriorityClass'), ...set.objects.filter((o) => o.kind === 'PriorityClass').map((o) => o.object as unknown as PriorityClass)];
  const runtimeClasses = set.objects.filter((o) => o.kind === 'RuntimeClass').map((o) => o.object as unknown as RuntimeClass);
  const others: [StoreKind, ManifestObject][] = [];
  const nodes: Node[] = [];
  const pods: Pod[] = [];
  for (const entry of set.objects) {
    if (entry.kind === 'Pod') {
      try {
        pods.push(admitPod(entry.object as unknown as Pod, { priorityClasses, runtimeClasses }));
      } catch (error) {
        if (error instanceof AdmissionError) throw new InputError(`${entry.where}: ${error.message}`);
        throw error;
      }
    } else if (entry.kind === 'Node') nodes.push(entry.object as unknown as Node);
    else if (entry.kind === 'ReplicaSet' || entry.kind === 'StatefulSet') others.push(['Controller', entry]);
    else if (StoreKindOf[entry.kind]) others.push([StoreKindOf[entry.kind]!, entry]);
    else if (WorkloadKinds.has(entry.kind)) output.stderr.write(`warning: ${entry.where}: not stored: no controller runs against the store to make its pods\n`);
  }
  if (set.objects.length === 0) throw new InputError(`${file}: no objects in the file`);
  await inBatches(others, async ([kind, entry]) => {
    const existed = store.get(kind, storeKey(kind, entry.object)) !== undefined;
    await store.apply(kind, entry.object as never);
    output.stdout.write(`${entry.kind.toLowerCase()}/${entry.object.metadata.name} ${existed ? 'configured' : 'created'}\n`);
  });
  await inBatches(nodes, async (node) => {
    const existed = store.getNode(node.metadata.name) !== undefined;
    await store.apply('Node', node);
    output.stdout.write(`node/${node.metadata.name} ${existed ? 'configured' : 'created'}\n`);
  });
  await inBatches(pods, async (pod) => {
    const namespace = pod.metadata.namespace ?? 'default';
    const current = store.getPod(namespace, pod.metadata.name);
    await store.apply('Pod', current ? keepServerFields(pod, current) : { ...pod, metadata: { ...pod.metadata, namespace } });
    output.stdout.write(`pod/${pod.metadata.name} ${current ? 'configured' : 'created'}\n`);
  });
  return 0;
}

/** The kinds `get` and `delete` take, by the names kubectl accepts. */
export function objectKind(word: string): 'Node' | 'Pod' {
  if (['pod', 'pods', 'po'].includes(word)) return 'Pod';
  if (['node', 'nodes', 'no'].includes(word)) return 'Node';
  throw new InputError(`unknown resource type "${word}": use pods or nodes`);
}

/** What `get` is asked. */
export interface GetOptions {
  kind: 'Node' | 'Pod';
  names: string[];
  namespace: string;
  allNamespaces: boolean;
  output?: string;
}

/** `get pods|nodes [NAME...]`: a table, or `-o json` / `-o yaml` (a v1 List, as kubectl prints), or `-o name`. */
export function getObjects(store: ClusterStore, options: GetOptions, output: ObjectOutput): number {
  const format = options.output;
  if (format !== undefined && !['json', 'yaml', 'name', 'wide'].includes(format)) throw new InputError(`-o: unknown output format "${format}": use json, yaml, name or wide`);
  let objects: (Node | Pod)[];
  let missing = 0;
  if (options.names.length > 0) {
    objects = [];
    for (const name of options.names) {
      const found = options.kind === 'Node' ? store.getNode(name) : store.getPod(options.namespace, name);
      if (found) objects.push(found);
      else {
        missing++;
        output.stderr.write(`Error from server (NotFound): ${options.kind === 'Node' ? 'nodes' : 'pods'} "${name}" not found\n`);
      }
    }
  } else {
    objects = options.kind === 'Node' ? store.listNodes() : store.listPods().filter((p) => options.allNamespaces || (p.metadata.namespace ?? 'default') === options.namespace);
    objects.sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
  }
  const typed = objects.map((o) => ({ apiVersion: 'v1', kind: options.kind, ...o }));
  const single = options.names.length === 1 && typed.length === 1 ? typed[0] : undefined;
  const document = single ?? { apiVersion: 'v1', kind: 'List', items: typed, metadata: { resourceVersion: '' } };
  if (format === 'json') output.stdout.write(`${JSON.stringify(document, null, 4)}\n`);
  else if (format === 'yaml') output.stdout.write(stringify(document));
  else if (format === 'name') for (const o of objects) output.stdout.write(`${options.kind.toLowerCase()}/${o.metadata.name}\n`);
  else if (objects.length > 0) output.stdout.write(table(options.kind, objects, options.allNamespaces, format === 'wide'));
  else if (missing === 0) output.stderr.write(options.kind === 'Node' ? 'No resources found\n' : `No resources found in ${options.allNamespaces ? 'any' : options.namespace} namespace.\n`);
  return missing > 0 ? 1 : 0;
}

/** `delete pods|nodes NAME... | --all`. */
export async function deleteObjects(store: ClusterStore, options: Omit<GetOptions, 'output' | 'allNamespaces'> & { all: boolean }, output: ObjectOutput): Promise<number> {
  if (options.names.length === 0 && !options.all) throw new InputError('delete: name the objects to delete, or pass --all');
  const keys =
    options.names.length > 0
      ? options.names.map((name) => (options.kind === 'Node' ? name : `${options.namespace}/${name}`))
      : options.kind === 'Node'
        ? store.listNodes().map((n) => n.metadata.name)
        : store
            .listPods()
            .filter((p) => (p.metadata.namespace ?? 'default') === options.namespace)
            .map((p) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`);
  let missing = 0;
  const plural = options.kind === 'Node' ? 'nodes' : 'pods';
  await inBatches(keys, async (key) => {
    const name = key.slice(key.indexOf('/') + 1);
    if (await store.delete(options.kind, key)) output.stdout.write(`${options.kind.toLowerCase()} "${name}" deleted\n`);
    else {
      missing++;
      output.stderr.write(`Error from server (NotFound): ${plural} "${name}" not found\n`);
    }
  });
  return missing > 0 ? 1 : 0;
}

function keepServerFields(applied: Pod, current: Pod): Pod {
  const spec = applied.spec.nodeName || !current.spec.nodeName ? applied.spec : { ...applied.spec, nodeName: current.spec.nodeName };
  return {
    ...applied,
    metadata: { ...applied.metadata, namespace: current.metadata.namespace ?? 'default', ...(current.metadata.uid ? { uid: current.metadata.uid } : {}) },
    spec,
    ...(applied.status || !current.status ? {} : { status: current.status }),
  };
}

function table(kind: 'Node' | 'Pod', objects: readonly (Node | Pod)[], withNamespace: boolean, wide: boolean): string {
  const rows: string[][] = [];
  if (kind === 'Node') {
    rows.push(['NAME', 'STATUS', ...(wide ? ['ZONE'] : [])]);
    for (const node of objects as Node[]) {
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
      const status = `${ready?.status === 'False' ? 'NotReady' : 'Ready'}${node.spec?.unschedulable ? ',SchedulingDisabled' : ''}`;
      rows.push([node.metadata.name, status, ...(wide ? [node.metadata.labels?.['topology.kubernetes.io/zone'] ?? '<none>'] : [])]);
    }
  } else {
    rows.push([...(withNamespace ? ['NAMESPACE'] : []), 'NAME', 'STATUS', 'NODE']);
    for (const pod of objects as Pod[]) {
      rows.push([...(withNamespace ? [pod.metadata.namespace ?? 'default'] : []), pod.metadata.name, pod.status?.phase ?? 'Pending', pod.spec.nodeName ?? '<none>']);
    }
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]! + 3))).join('')}\n`).join('');
}

async function inBatches<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(applyConcurrency, items.length) }, worker));
}
