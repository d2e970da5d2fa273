import { ActionType, Code, type ContainerPort, CycleState, type Pod, QueueingHint } from '@schedkit/framework';
import { makeNode, makePod, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { podHostPorts } from './host-ports.js';
import { plugin } from './index.js';
import { ErrReasonNodePorts, NodePorts } from './node-ports.js';

function port(hostPort: number, protocol?: ContainerPort['protocol'], hostIP?: string): ContainerPort {
  return { containerPort: 80, hostPort, ...(protocol ? { protocol } : {}), ...(hostIP !== undefined ? { hostIP } : {}) };
}

const incoming = (ports: ContainerPort[]): Pod => makePod('incoming').containerPort(ports).obj();

/** A tester over one node `n` running one pod per entry of `used`, each with those container ports. */
function nodeWith(used: ContainerPort[][]): PluginTester {
  return new PluginTester({
    plugin,
    nodes: [makeNode('n')],
    pods: used.map((ports, i) => makePod(`existing-${i}`).node('n').containerPort(ports)),
  });
}

describe('NodePorts PreFilter', () => {
  const cases: [string, Pod, boolean][] = [
    ['no ports: Skip', makePod('p').container().obj(), true],
    ['container ports without hostPort: Skip', makePod('p').containerPort([{ containerPort: 80 }, port(0)]).obj(), true],
    ['a host port: runs', incoming([port(8080)]), false],
    ['a host port on a plain init container only: Skip', makePod('p').container().initContainerPort([port(8080)]).obj(), true],
    ['a host port on a sidecar (restartPolicy Always): runs', makePod('p').container().initContainerPort([port(8080)], { sidecar: true }).obj(), false],
  ];
  it.each(cases)('%s', async (_name, pod, skipped) => {
    const report = await nodeWith([]).filter(pod);
    expect(report.preFilter.skipped).toBe(skipped);
    expect(report.preFilter.status).toBeNull();
    expect(report.feasible).toEqual(['n']);
  });
});

describe('NodePorts Filter', () => {
  // [case, wanted ports, ports used on the node (one array per existing pod), fits]
  const cases: [string, ContainerPort[], ContainerPort[][], boolean][] = [
    ['nothing used on the node', [port(8080, 'UDP', '127.0.0.1')], [], true],
    ['same IP, protocol and port', [port(8080, 'UDP', '127.0.0.1')], [[port(8080, 'UDP', '127.0.0.1')]], false],
    ['same IP and port, other protocol', [port(8080, 'UDP', '127.0.0.1')], [[port(8080, 'TCP', '127.0.0.1')]], true],
    ['same protocol and port, other IP', [port(8080, 'TCP', '127.0.0.2')], [[port(8080, 'TCP', '127.0.0.1')]], true],
    ['same IP and protocol, other port', [port(8081, 'TCP', '127.0.0.1')], [[port(8080, 'TCP', '127.0.0.1')]], true],
    ['0.0.0.0 in use blocks a specific IP', [port(8080, 'TCP', '127.0.0.1')], [[port(8080, 'TCP', '0.0.0.0')]], false],
    ['a specific IP in use blocks 0.0.0.0', [port(8080, 'TCP', '0.0.0.0')], [[port(8080, 'TCP', '127.0.0.1')]], false],
    ['an empty hostIP means 0.0.0.0', [port(8080, 'TCP', '10.0.0.1')], [[port(8080, 'TCP')]], false],
    ['an empty protocol means TCP', [port(8080, undefined, '10.0.0.1')], [[port(8080, 'TCP', '10.0.0.1')]], false],
    ['0.0.0.0 with another protocol does not conflict', [port(8080, 'UDP')], [[port(8080, 'TCP')]], true],
    ['one conflicting port among several rejects the node', [port(9000), port(8080, 'UDP')], [[port(8080, 'UDP', '127.0.0.1')]], false],
    ['ports of every pod on the node count', [port(9001)], [[port(9000)], [port(9001)]], false],
    ['SCTP is its own protocol', [port(8080, 'SCTP')], [[port(8080, 'TCP'), port(8080, 'UDP')]], true],
  ];
  it.each(cases)('%s', async (_name, wanted, used, fits) => {
    const [result] = (await nodeWith(used).filter(incoming(wanted))).nodes;
    if (fits) {
      expect(result?.status).toBeNull();
    } else {
      expect(result?.status?.code).toBe(Code.Unschedulable);
      expect(result?.status?.reasons).toEqual(["node(s) didn't have free ports for the requested pod ports"]);
    }
    expect(ErrReasonNodePorts).toBe("node(s) didn't have free ports for the requested pod ports");
  });

  it('a sidecar’s host port on the node blocks it; a finished init container’s does not', async () => {
    const tester = new PluginTester({
      plugin,
      nodes: [makeNode('with-sidecar'), makeNode('with-init')],
      pods: [
        makePod('s').node('with-sidecar').container().initContainerPort([port(8080)], { sidecar: true }),
        makePod('i').node('with-init').container().initContainerPort([port(8080)]),
      ],
    });
    expect((await tester.filter(incoming([port(8080)]))).feasible).toEqual(['with-init']);
  });

  it('throws when PreFilter did not run (the framework reports it as an Error status)', () => {
    const node = nodeWith([]).snapshot.get('n')!;
    expect(() => new NodePorts().filter(new CycleState(), incoming([port(80)]), node)).toThrow(/NodePorts\/preFilter/);
  });
});

describe('podHostPorts', () => {
  it('lists sidecar ports, then container ports, without hostPort 0 and plain init containers', () => {
    const pod = makePod('p')
      .containerPort([port(1), port(0), { containerPort: 5 }])
      .initContainerPort([port(2)])
      .initContainerPort([port(3)], { sidecar: true })
      .obj();
    expect(podHostPorts(pod).map((p) => p.hostPort)).toEqual([3, 1]);
  });
});

describe('NodePorts EnqueueExtensions', () => {
  const [podEvent, nodeEvent] = new NodePorts().eventsToRegister();
  it('listens to pod deletions and node additions', () => {
    expect(podEvent?.event).toMatchObject({ resource: 'Pod', actionType: ActionType.Delete });
    expect(nodeEvent?.event).toMatchObject({ resource: 'Node', actionType: ActionType.Add });
  });
  const cases: [string, Pod, QueueingHint][] = [
    ['a bound pod holding the wanted port', makePod('d').node('n').containerPort([port(8080)]).obj(), QueueingHint.Queue],
    ['a nominated pod holding the wanted port', makePod('d').nominatedNodeName('n').containerPort([port(8080)]).obj(), QueueingHint.Queue],
    ['a bound pod holding other ports', makePod('d').node('n').containerPort([port(9090)]).obj(), QueueingHint.QueueSkip],
    ['a bound pod without host ports', makePod('d').node('n').container().obj(), QueueingHint.QueueSkip],
    ['an unscheduled pod holding the port', makePod('d').containerPort([port(8080)]).obj(), QueueingHint.QueueSkip],
  ];
  it.each(cases)('hint: %s', (_name, deleted, hint) => {
    expect(podEvent?.queueingHintFn?.(incoming([port(8080)]), deleted, undefined)).toBe(hint);
  });
});
