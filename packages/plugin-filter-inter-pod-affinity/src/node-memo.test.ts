import { codeName, CycleState, Framework, LabelHostname, type Pod, Registry, Snapshot } from '@schedkit/framework';
import { makeNode, makePod } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';

const green = { matchLabels: { color: 'green' } };

function framework(): Framework {
  return new Framework({
    profile: { schedulerName: 't', plugins: { multiPoint: { enabled: [{ name: 'InterPodAffinity', weight: 2 }], disabled: [] } }, pluginConfig: [] },
    registry: new Registry().use(plugin),
  });
}

/** A green pod that repels green pods per hostname, optionally bound to `node`. */
function greenPod(name: string, node?: string): Pod {
  const builder = makePod(name).label('color', 'green').podAntiAffinity(LabelHostname, green);
  if (node) builder.node(node);
  return builder.obj();
}

/** Filter's verdict per node for `pod` on `snapshot`, with PreFilter run by `fw` first. */
async function verdicts(fw: Framework, snapshot: Snapshot, pod: Pod): Promise<Record<string, string>> {
  fw.setSnapshot(snapshot);
  const state = new CycleState();
  const pre = await fw.runPreFilterPlugins(state, pod, snapshot.list());
  const out: Record<string, string> = {};
  for (const info of snapshot.list()) {
    if (state.skipFilterPlugins.has('InterPodAffinity') || pre.status) {
      out[info.name] = 'skip';
      continue;
    }
    const status = await fw.runFilterPlugins(state, pod, info);
    out[info.name] = status ? codeName(status.code) : 'pass';
  }
  return out;
}

/** Writes `change` into a copy of node `name` and refreshes the snapshot with it, as the scheduler's cache does. */
function refresh(snapshot: Snapshot, name: string, change: (copy: ReturnType<Snapshot['list']>[number]) => void): void {
  const copy = snapshot.get(name)!.clone();
  change(copy);
  snapshot.refresh([copy], (target, source) => target.copyFrom(source));
}

describe('InterPodAffinity counts kept between cycles', () => {
  it('sees pods added to and removed from nodes through the snapshot, as a fresh plugin does', async () => {
    const placed = greenPod('e1', 'h1');
    const snapshot = Snapshot.from(['h1', 'h2', 'h3'].map((n) => makeNode(n).obj()), [placed]);
    const kept = framework();
    const incoming = greenPod('in');

    expect(await verdicts(kept, snapshot, incoming)).toEqual({ h1: 'Unschedulable', h2: 'pass', h3: 'pass' });

    refresh(snapshot, 'h2', (copy) => copy.addPod(greenPod('e2', 'h2')));
    const afterAdd = { h1: 'Unschedulable', h2: 'Unschedulable', h3: 'pass' };
    expect(await verdicts(kept, snapshot, incoming)).toEqual(afterAdd);
    expect(await verdicts(framework(), snapshot, incoming)).toEqual(afterAdd);

    refresh(snapshot, 'h1', (copy) => copy.removePod(placed));
    const afterRemove = { h1: 'pass', h2: 'Unschedulable', h3: 'pass' };
    expect(await verdicts(kept, snapshot, incoming)).toEqual(afterRemove);
    expect(await verdicts(framework(), snapshot, incoming)).toEqual(afterRemove);
  });

  it('keeps pods of different labels apart: a pod the existing terms do not select passes everywhere', async () => {
    const snapshot = Snapshot.from(['h1', 'h2'].map((n) => makeNode(n).obj()), [greenPod('e1', 'h1')]);
    const kept = framework();
    expect(await verdicts(kept, snapshot, greenPod('in'))).toEqual({ h1: 'Unschedulable', h2: 'pass' });
    expect(await verdicts(kept, snapshot, makePod('blue').label('color', 'blue').obj())).toEqual({ h1: 'skip', h2: 'skip' });
  });
});
