import { ActionType, Code, QueueingHint } from '@schedkit/framework';
import { makeNode, makePod, PluginTester } from '@schedkit/framework/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';
import { ErrReasonNodeName, NodeName } from './node-name.js';

const pod = (nodeName?: string) => {
  const builder = makePod('p').container();
  return nodeName === undefined ? builder : builder.node(nodeName);
};

describe('NodeName Filter', () => {
  const tester = new PluginTester({ plugin, nodes: [makeNode('node-a'), makeNode('node-b'), makeNode('Node-A')] });
  // [case, spec.nodeName, the nodes that fit]
  const cases: [string, string | undefined, string[]][] = [
    ['no spec.nodeName fits every node', undefined, ['node-a', 'node-b', 'Node-A']],
    ['an empty spec.nodeName fits every node', '', ['node-a', 'node-b', 'Node-A']],
    ['the named node only', 'node-a', ['node-a']],
    ['names compare exactly (case matters)', 'Node-A', ['Node-A']],
    ['a prefix is not a match', 'node', []],
    ['a node that does not exist: nothing fits', 'node-z', []],
  ];
  it.each(cases)('%s', async (_name, nodeName, fits) => {
    const report = await tester.filter(pod(nodeName));
    expect(report.preFilter.skipped).toBe(false);
    expect(report.feasible).toEqual(fits);
    for (const { node, status } of report.nodes) {
      if (fits.includes(node)) continue;
      expect(status?.code).toBe(Code.UnschedulableAndUnresolvable);
      expect(status?.reasons).toEqual(["node(s) didn't match the requested node name"]);
      expect(status?.plugin).toBe('NodeName');
    }
    expect(ErrReasonNodeName).toBe("node(s) didn't match the requested node name");
  });

  it('has no PreFilter, so kube never lists it among skipped plugins', () => {
    expect('preFilter' in tester.plugin).toBe(false);
  });
});

describe('NodeName EnqueueExtensions', () => {
  const [registration] = new NodeName().eventsToRegister();
  it('listens to node additions', () => {
    expect(registration?.event).toMatchObject({ resource: 'Node', actionType: ActionType.Add });
  });
  const cases: [string, string | undefined, string, QueueingHint][] = [
    ['the requested node appeared', 'node-a', 'node-a', QueueingHint.Queue],
    ['some other node appeared', 'node-a', 'node-b', QueueingHint.QueueSkip],
    ['a pod without nodeName may fit any new node', undefined, 'node-b', QueueingHint.Queue],
  ];
  it.each(cases)('hint: %s', (_name, wanted, added, hint) => {
    expect(registration?.queueingHintFn?.(pod(wanted).obj(), undefined, makeNode(added).obj())).toBe(hint);
  });
});
