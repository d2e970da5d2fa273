import { LabelHostname, LabelTopologyZone, type Pod, Snapshot } from '@schedkit/framework';
import { makeNode, makePod } from '@schedkit/framework/testing';

/**
 * A small cluster that changes between scheduling cycles, for checking counts kept between cycles against counts
 * made from scratch. Nodes: a1, a2 (zone a), b1 (zone b), n1 (no zone); every node has its hostname label.
 */
const zone = LabelTopologyZone;
const host = LabelHostname;
const web = { matchLabels: { app: 'web' } };
const db = { matchLabels: { app: 'db' } };

/**
 * The incoming pod (app=web): required affinity to app=db per zone, required anti-affinity to app=web per
 * hostname, preferred affinity (3) to app=db per zone and preferred anti-affinity (2) to app=web per hostname.
 */
export const churnIncomingPod: Pod = makePod('in')
  .label('app', 'web')
  .podAffinity(zone, db)
  .podAntiAffinity(host, web)
  .preferredPodAffinity(3, zone, db)
  .preferredPodAntiAffinity(2, host, web)
  .obj();

/** A pod labelled app=db: matches the incoming pod's affinity terms. */
const dbPod = (name: string, node: string): Pod => makePod(name).label('app', 'db').node(node).obj();
/** A pod labelled app=web: matches the incoming pod's anti-affinity terms. */
const webPod = (name: string, node: string): Pod => makePod(name).label('app', 'web').node(node).obj();
/** A pod whose required anti-affinity per zone selects the incoming pod, optionally labelled app=web. */
const zoneRepeller = (name: string, node: string, labelled = false): Pod => {
  const builder = makePod(name).podAntiAffinity(zone, web).node(node);
  return (labelled ? builder.label('app', 'web') : builder).obj();
};
/** A pod whose required anti-affinity per hostname selects the incoming pod. */
const hostRepeller = (name: string, node: string): Pod => makePod(name).podAntiAffinity(host, web).node(node).obj();
/**
 * A pod that scores the incoming pod: required affinity per zone (+hardPodAffinityWeight 1) cancelled by a
 * preferred anti-affinity of 1 on the same zone (the pair stays, at 0), and preferred affinity (4) per hostname.
 */
const attractor = (name: string, node: string): Pod =>
  makePod(name).podAffinity(zone, web).preferredPodAntiAffinity(1, zone, web).preferredPodAffinity(4, host, web).node(node).obj();

/** What each kind of count must hold after a step (pair `key=value` to count), for the incoming pod. */
export interface ChurnExpectation {
  /** Existing pods' required anti-affinity selecting the incoming pod. */
  readonly existing: Record<string, number>;
  /** Existing pods matching the incoming pod's required affinity. */
  readonly affinity: Record<string, number>;
  /** Existing pods matching the incoming pod's required anti-affinity. */
  readonly antiAffinity: Record<string, number>;
  /** Scores from pods with affinity (the incoming pod's own preferred terms left out). */
  readonly scoresFromPodsWithAffinity: Record<string, number>;
}

/** One change of the cluster between two cycles. */
export interface ChurnStep {
  readonly name: string;
  readonly apply: (cluster: ChurnCluster) => void;
  readonly expected: ChurnExpectation;
}

/** The cluster and the pods placed on it, changed as the scheduler's cache changes its snapshot. */
export class ChurnCluster {
  readonly snapshot: Snapshot;
  private readonly pods = new Map<string, Pod>();

  constructor() {
    const nodes = [makeNode('a1').zone('a'), makeNode('a2').zone('a'), makeNode('b1').zone('b'), makeNode('n1')].map((n) => n.obj());
    this.snapshot = Snapshot.from(nodes);
  }

  /** Adds pods to their nodes, one snapshot refresh per node. */
  add(...pods: Pod[]): void {
    for (const pod of pods) {
      this.pods.set(pod.metadata.name, pod);
      this.refresh(pod.spec.nodeName!, (copy) => copy.addPod(pod));
    }
  }

  /** Removes pods (by name) from their nodes. */
  remove(...names: string[]): void {
    for (const name of names) {
      const pod = this.pods.get(name)!;
      this.pods.delete(name);
      this.refresh(pod.spec.nodeName!, (copy) => copy.removePod(pod));
    }
  }

  /** Swaps in a new NodeInfo for node `name` holding `pod` as well (the snapshot's `replace`). */
  replaceWith(name: string, pod: Pod): void {
    this.pods.set(pod.metadata.name, pod);
    const copy = this.snapshot.get(name)!.clone();
    copy.addPod(pod);
    this.snapshot.replace([copy]);
  }

  /** Refreshes node `name` `times` times without changing it. */
  touch(name: string, times: number): void {
    for (let i = 0; i < times; i++) this.refresh(name, () => {});
  }

  private refresh(name: string, change: (copy: ReturnType<Snapshot['list']>[number]) => void): void {
    const copy = this.snapshot.get(name)!.clone();
    change(copy);
    this.snapshot.refresh([copy], (target, source) => target.copyFrom(source));
  }
}

/** The steps, in order, each after the previous one on the same cluster; the first is the starting cluster. */
export const churnSteps: readonly ChurnStep[] = [
  {
    name: 'starting cluster: app=db on a1, a zone repeller on b1',
    apply: (c) => c.add(dbPod('db1', 'a1'), zoneRepeller('zr1', 'b1')),
    expected: { existing: { [`${zone}=b`]: 1 }, affinity: { [`${zone}=a`]: 1 }, antiAffinity: {}, scoresFromPodsWithAffinity: {} },
  },
  {
    name: 'a second app=db pod in zone a',
    apply: (c) => c.add(dbPod('db2', 'a2')),
    expected: { existing: { [`${zone}=b`]: 1 }, affinity: { [`${zone}=a`]: 2 }, antiAffinity: {}, scoresFromPodsWithAffinity: {} },
  },
  {
    name: 'an app=web pod on a1, a host repeller on n1, an attractor on b1',
    apply: (c) => c.add(webPod('w1', 'a1'), hostRepeller('hr1', 'n1'), attractor('at1', 'b1')),
    expected: {
      existing: { [`${zone}=b`]: 1, [`${host}=n1`]: 1 },
      affinity: { [`${zone}=a`]: 2 },
      antiAffinity: { [`${host}=a1`]: 1 },
      scoresFromPodsWithAffinity: { [`${zone}=b`]: 0, [`${host}=b1`]: 4 },
    },
  },
  {
    name: 'the first app=db pod leaves a1',
    apply: (c) => c.remove('db1'),
    expected: {
      existing: { [`${zone}=b`]: 1, [`${host}=n1`]: 1 },
      affinity: { [`${zone}=a`]: 1 },
      antiAffinity: { [`${host}=a1`]: 1 },
      scoresFromPodsWithAffinity: { [`${zone}=b`]: 0, [`${host}=b1`]: 4 },
    },
  },
  {
    name: 'the zone repeller leaves b1: its pair goes',
    apply: (c) => c.remove('zr1'),
    expected: {
      existing: { [`${host}=n1`]: 1 },
      affinity: { [`${zone}=a`]: 1 },
      antiAffinity: { [`${host}=a1`]: 1 },
      scoresFromPodsWithAffinity: { [`${zone}=b`]: 0, [`${host}=b1`]: 4 },
    },
  },
  {
    name: 'an app=web zone repeller on a2 and a second attractor on b1',
    apply: (c) => c.add(zoneRepeller('zr2', 'a2', true), attractor('at2', 'b1')),
    expected: {
      existing: { [`${host}=n1`]: 1, [`${zone}=a`]: 1 },
      affinity: { [`${zone}=a`]: 1 },
      antiAffinity: { [`${host}=a1`]: 1, [`${host}=a2`]: 1 },
      scoresFromPodsWithAffinity: { [`${zone}=b`]: 0, [`${host}=b1`]: 8 },
    },
  },
  {
    name: 'a1 changes twice between cycles (an app=web pod in, the other out)',
    apply: (c) => {
      c.add(webPod('w2', 'a1'));
      c.remove('w1');
    },
    expected: {
      existing: { [`${host}=n1`]: 1, [`${zone}=a`]: 1 },
      affinity: { [`${zone}=a`]: 1 },
      antiAffinity: { [`${host}=a1`]: 1, [`${host}=a2`]: 1 },
      scoresFromPodsWithAffinity: { [`${zone}=b`]: 0, [`${host}=b1`]: 8 },
    },
  },
  {
    name: 'b1 replaced by a new NodeInfo that also holds an app=db pod (the memo starts over)',
    apply: (c) => c.replaceWith('b1', dbPod('db3', 'b1')),
    expected: {
      existing: { [`${host}=n1`]: 1, [`${zone}=a`]: 1 },
      affinity: { [`${zone}=a`]: 1, [`${zone}=b`]: 1 },
      antiAffinity: { [`${host}=a1`]: 1, [`${host}=a2`]: 1 },
      scoresFromPodsWithAffinity: { [`${zone}=b`]: 0, [`${host}=b1`]: 8 },
    },
  },
  {
    name: 'more changes than the snapshot records, the last taking the host repeller off n1 (the memo starts over)',
    apply: (c) => {
      c.touch('n1', 1100);
      c.remove('hr1');
    },
    expected: {
      existing: { [`${zone}=a`]: 1 },
      affinity: { [`${zone}=a`]: 1, [`${zone}=b`]: 1 },
      antiAffinity: { [`${host}=a1`]: 1, [`${host}=a2`]: 1 },
      scoresFromPodsWithAffinity: { [`${zone}=b`]: 0, [`${host}=b1`]: 8 },
    },
  },
  {
    name: 'one attractor leaves b1: the zero-sum zone pair stays',
    apply: (c) => c.remove('at1'),
    expected: {
      existing: { [`${zone}=a`]: 1 },
      affinity: { [`${zone}=a`]: 1, [`${zone}=b`]: 1 },
      antiAffinity: { [`${host}=a1`]: 1, [`${host}=a2`]: 1 },
      scoresFromPodsWithAffinity: { [`${zone}=b`]: 0, [`${host}=b1`]: 4 },
    },
  },
  {
    name: 'a2 and b1 emptied',
    apply: (c) => c.remove('db2', 'zr2', 'at2', 'db3'),
    expected: { existing: {}, affinity: {}, antiAffinity: { [`${host}=a1`]: 1 }, scoresFromPodsWithAffinity: {} },
  },
];
