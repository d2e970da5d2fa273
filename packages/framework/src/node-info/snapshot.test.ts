import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/index.js';
import { NodeStatusMap } from '../runtime/node-to-status.js';
import { Status } from '../status/status.js';
import { Snapshot } from './snapshot.js';

const names = ['n1', 'n2', 'n3', 'n4'];

function snapshot(): Snapshot {
  return Snapshot.from(names.map((n) => makeNode(n).obj()));
}

/** Adds `pod` to a copy of node `name` and writes it back through refresh, as the scheduler's cache does. */
function addPod(s: Snapshot, name: string, pod: ReturnType<ReturnType<typeof makePod>['obj']>): void {
  const copy = s.get(name)!.clone();
  copy.addPod(pod);
  s.refresh([copy], (target, source) => target.copyFrom(source));
}

describe('Snapshot.refresh', () => {
  it('updates NodeInfos in place: same objects, same order, new contents', () => {
    const s = snapshot();
    const before = s.list().slice();
    addPod(s, 'n2', makePod('p').node('n2').req({ cpu: '1' }).obj());
    expect(s.list()).toEqual(before);
    expect(s.get('n2')).toBe(before[1]);
    expect(s.get('n2')!.pods.map((p) => p.pod.metadata.name)).toEqual(['p']);
    expect(s.get('n2')!.requested.milliCPU).toBe(1000);
  });

  it('keeps the affinity lists in node order as nodes enter and leave them', () => {
    const s = snapshot();
    const anti = (name: string, node: string) => makePod(name).node(node).label('app', 'a').podAntiAffinity('kubernetes.io/hostname', { matchLabels: { app: 'a' } }).obj();
    addPod(s, 'n3', anti('a3', 'n3'));
    addPod(s, 'n1', anti('a1', 'n1'));
    expect(s.havePodsWithRequiredAntiAffinityList().map((i) => i.name)).toEqual(['n1', 'n3']);
    expect(s.havePodsWithAffinityList().map((i) => i.name)).toEqual(['n1', 'n3']);
    const copy = s.get('n1')!.clone();
    copy.removePod(copy.pods[0]!.pod);
    s.refresh([copy], (target, source) => target.copyFrom(source));
    expect(s.havePodsWithRequiredAntiAffinityList().map((i) => i.name)).toEqual(['n3']);
  });

  it('refuses a node the snapshot does not have', () => {
    const s = snapshot();
    const stranger = Snapshot.from([makeNode('x').obj()]).get('x')!;
    expect(() => s.refresh([stranger], () => undefined)).toThrow('snapshot has no node "x" to refresh');
  });
});

describe('Snapshot.changedSince', () => {
  it('lists the NodeInfos changed after a generation, and nothing for the current one', () => {
    const s = snapshot();
    const start = s.generation;
    addPod(s, 'n2', makePod('p1').node('n2').obj());
    const middle = s.generation;
    addPod(s, 'n4', makePod('p2').node('n4').obj());
    expect(s.changedSince(start)!.map((i) => i.name).sort()).toEqual(['n2', 'n4']);
    expect(s.changedSince(middle)!.map((i) => i.name)).toEqual(['n4']);
    expect(s.changedSince(s.generation)).toEqual([]);
  });

  it('cannot tell across a rebuild of the node list', () => {
    const s = snapshot();
    const start = s.generation;
    s.reindex(s.list().map((i) => i.clone()));
    expect(s.changedSince(start)).toBeUndefined();
    expect(s.changedSince(s.generation)).toEqual([]);
  });

  it('forgets the oldest changes once they outnumber the nodes (at least 1024 kept)', () => {
    const s = snapshot();
    const start = s.generation;
    for (let i = 0; i < 1100; i++) addPod(s, 'n1', makePod(`p${i}`).node('n1').obj());
    expect(s.changedSince(start)).toBeUndefined();
    expect(s.changedSince(s.generation - 10)).toHaveLength(10);
  });
});

describe('NodeStatusMap', () => {
  it('reads statuses recorded with add and set alike, in recording order', () => {
    const map = new NodeStatusMap();
    const rejected = Status.unschedulable('no');
    map.add('a', rejected);
    map.add('b', rejected);
    expect(map.size).toBe(2);
    map.set('c', rejected);
    expect(map.get('b')).toBe(rejected);
    expect([...map.entries()].map(([name]) => name)).toEqual(['a', 'b', 'c']);
    map.absentStatus = Status.unresolvable('absent');
    expect(map.get('z')?.reasons).toEqual(['absent']);
  });
});
