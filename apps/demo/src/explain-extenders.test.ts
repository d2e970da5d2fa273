import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { objectKey } from '@schedkit/framework';
import { makeNode, makePod, type ScriptedExtender, startScriptedExtender } from '@schedkit/framework/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfiguration } from './configuration.js';
import { explainPod } from './explain.js';
import type { Explanation } from './explanation.js';
import { SeededRandom } from './random.js';
import { extenderTable } from './report.js';
import { Simulation } from './simulation.js';
import { formatExplanation } from './text.js';

const nodes = ['n1', 'n2', 'n3'].map((name) => makeNode(name).capacity({ cpu: '4', memory: '8Gi' }).obj());
const p = makePod('p').namespace('default').req({ cpu: '1', memory: '1Gi' }).obj();

describe('explaining a pod an extender filtered and scored', () => {
  let server: ScriptedExtender;
  let explanation: Explanation;
  const dir = mkdtempSync(join(tmpdir(), 'schedkit-explain-extenders-'));

  beforeAll(async () => {
    server = await startScriptedExtender((verb) =>
      verb === 'filter'
        ? { body: { NodeNames: ['n1', 'n2'], FailedNodes: { n3: 'no licence seat on n3' } } }
        : { body: [{ Host: 'n1', Score: 2 }, { Host: 'n2', Score: 9 }] },
    );
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      `apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nextenders:\n- urlPrefix: ${server.urlPrefix}\n  filterVerb: filter\n  prioritizeVerb: prioritize\n  weight: 3\n  nodeCacheCapable: true\n`,
    );
    const loaded = await loadConfiguration({ file, gangs: 0 });
    const simulation = new Simulation({
      nodes,
      boundPods: [],
      pendingPods: [p],
      configuration: loaded.configuration,
      registry: loaded.registry,
      random: new SeededRandom(1).asFunction(),
      explain: ['default/p'],
    });
    const result = await simulation.run();
    const key = objectKey(p.metadata);
    const decision = result.decisions.get(key);
    explanation = await explainPod({
      key,
      pod: p,
      decision,
      nodes,
      podsOnNodes: simulation.podsBefore(decision!.logIndex),
      registry: loaded.registry,
      configuration: loaded.configuration,
      profile: 'default-scheduler',
      objects: simulation.store,
    });
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows the extender's rejections beside the plugins' without calling it again", () => {
    expect(explanation.chosenNode).toBe('n2');
    expect(explanation.nodes.find((r) => r.node === 'n3')).toMatchObject({ feasible: false, plugin: server.urlPrefix, reasons: ['no licence seat on n3'] });
    expect(explanation.feasibleNodes).toBe(2);
    expect(explanation.rejections).toEqual([{ plugin: server.urlPrefix, reason: 'no licence seat on n3', nodes: 1 }]);
    expect(explanation.extenders).toEqual([
      { extender: server.urlPrefix, verb: 'filter', sent: 3, passed: 2 },
      { extender: server.urlPrefix, verb: 'prioritize', sent: 2 },
    ]);
    expect(server.calls.map((c) => c.verb)).toEqual(['filter', 'prioritize']);
  });

  it("shows the extender's scaled scores as a column beside the plugins', matching the scheduler's", () => {
    const scoring = explanation.scoring!;
    expect(scoring.weights).toContainEqual({ plugin: server.urlPrefix, weight: 3 });
    const n2 = scoring.top.find((r) => r.node === 'n2')!;
    expect(n2.plugins.find((c) => c.plugin === server.urlPrefix)).toEqual({ plugin: server.urlPrefix, raw: 9, normalized: 90, weighted: 270 });
    expect(scoring.matchesScheduler).toBe(true);
    const text = formatExplanation(explanation).join('\n');
    expect(text).toContain(`Extender ${server.urlPrefix} filter: 3 nodes sent, 2 passed`);
    expect(text).toContain(`${server.urlPrefix} x3`);
    expect(text).toContain('9/90/270');
    expect(extenderTable(explanation)).toContain(`<tr><td>${server.urlPrefix}</td><td>filter</td><td class="num">3</td><td>2 passed</td></tr>`);
  });
});
