import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MemoryClusterStore, type Node, type Pod, Registry, Scheduler, type SchedulerEvent } from '@schedkit/framework';
import { loadDefaultConfiguration, registerDefaultPlugins } from '@schedkit/preset-default';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../extender.py', import.meta.url));
const configFile = fileURLToPath(new URL('../scheduler-config.yaml', import.meta.url));
const python = spawnSync('python3', ['--version']).status === 0;
if (!python) console.warn('SKIPPED the Python extender example tests: python3 is not installed (apt-get install -y python3)');

let extender: ChildProcess | undefined;
let urlPrefix = '';

beforeAll(async () => {
  if (!python) return;
  extender = spawn('python3', [script, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: extender.stdout! });
  urlPrefix = await new Promise<string>((resolve, reject) => {
    extender!.once('exit', (code) => reject(new Error(`extender.py exited with ${code}`)));
    lines.once('line', (line) => resolve(line.replace(/^listening on /, '')));
  });
});

afterAll(() => {
  extender?.kill();
});

/** The README's configuration, pointed at the port the extender listens on. */
function configuration() {
  const text = readFileSync(configFile, 'utf8').replace('http://127.0.0.1:8888/scheduler', urlPrefix);
  return loadDefaultConfiguration(text, 'scheduler-config.yaml');
}

function node(name: string, labels: Record<string, string>): Node {
  return { metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, status: { allocatable: { cpu: '8', memory: '32Gi', pods: '110' } } };
}

const pod = (name: string): Pod => ({ metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }] } });

async function schedule(nodes: Node[], pods: Pod[]) {
  const store = new MemoryClusterStore();
  for (const n of nodes) store.applyNode(n);
  for (const p of pods) store.applyPod(p);
  const events: SchedulerEvent[] = [];
  const scheduler = new Scheduler({ store, registry: registerDefaultPlugins(new Registry()), configuration: configuration(), random: () => 0, onEvent: (e) => events.push(e) });
  scheduler.start();
  await scheduler.waitForIdle();
  await scheduler.stop();
  return { store, events };
}

const model = 'accelerator.example.com/model';
const free = 'accelerator.example.com/free';

describe.skipIf(!python)('the Python extender (examples/extender-python-accelerator)', () => {
  it('filters out nodes without a free accelerator and prefers the node with the most free ones', async () => {
    const { store, events } = await schedule(
      [node('cpu-only', {}), node('busy', { [model]: 'a100', [free]: '0' }), node('one', { [model]: 'a100', [free]: '1' }), node('three', { [model]: 'a100', [free]: '3' })],
      [pod('trainer')],
    );
    expect(store.getPod('default', 'trainer')?.spec.nodeName).toBe('three');
    const scheduled = events.find((e) => e.type === 'scheduled');
    if (scheduled?.type !== 'scheduled') throw new Error('not scheduled');
    const three = scheduled.result.nodeScores.find((n) => n.name === 'three')!;
    expect(three.scores.find((s) => s.name === urlPrefix)).toEqual({ name: urlPrefix, score: 30, raw: 3 });
    expect(scheduled.result.nodeScores.map((n) => n.name).sort()).toEqual(['one', 'three']);
  });

  it("reports the extender's reasons in the pod's condition when no node fits", async () => {
    const { store } = await schedule([node('cpu-only', {}), node('busy', { [model]: 'a100', [free]: '0' })], [pod('trainer')]);
    expect(store.getPod('default', 'trainer')?.status?.conditions?.[0]?.message).toMatch(
      /^0\/2 nodes are available: 1 node\(s\) had no accelerator, 1 node\(s\) had no free accelerator\. preemption: /,
    );
  });
});
