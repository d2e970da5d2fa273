/**
 * Conformance with the real kube-scheduler v1.35.4 on the v2 scenarios (test/fidelity/README.md, v2 section):
 * non-default configurations (each scenario's `config` read by schedkit's configuration loader from a file, as a
 * user's is), pod features on the default profile, sampling on 100-500 nodes and preemption. For each scenario it
 * compares every recorded decision: PreFilter, every node's Filter verdict, the feasible nodes, the search of a
 * fresh scheduler under sampling (kube's NodeTree order, numFeasibleNodesToFind, the evaluated and kept nodes,
 * nextStartNodeIndex), PreScore's skips, raw and final scores of the scored nodes, the best nodes and
 * DefaultPreemption's result (eligibility, potential nodes, every candidate's victims and PDB violations, the
 * nodes tied after every tie-break, the PostFilter status and the nominated node).
 *
 * The volume scenarios are left to the volume plugins' conformance (issue 17a), which reuses ./v2-harness.ts.
 * An afterAll prints the pass figures per feature tag.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceRegistry, ExpectedViews, FeatureTally, isVolumeScenario, loadV2Scenarios, type Outcome, runScenario, sorted } from './v2-harness.js';

const file = fileURLToPath(new URL('../fidelity/kube-v1.35.4-v2.jsonl.gz', import.meta.url));
const all = loadV2Scenarios(file);
const volumeScenarios = all.filter(isVolumeScenario);
const scenarios = all.filter((scenario) => !isVolumeScenario(scenario));
const registry = conformanceRegistry();
const known = (plugin: string): boolean => registry.has(plugin);
const tally = new FeatureTally();

/**
 * Checks where schedkit still disagrees with kube, by scenario, with the kube function that explains it. Each is
 * run as `it.fails`: it turns red the day it starts passing, so that the entry goes.
 */
const knownDisagreements: Record<string, Record<string, string>> = {};

it('finds the recorded scenarios', () => {
  expect(all.length).toBe(300);
});

it.skip(`${volumeScenarios.length} volume scenarios: checked by the volume plugins' conformance (issue 17a)`, () => {});

afterAll(() => {
  console.log(tally.report(`kube v1.35.4 v2 conformance (${scenarios.length} scenarios, ${volumeScenarios.length} volume scenarios skipped): scenarios fully matching per feature`));
});

describe.each(scenarios.map((scenario) => ({ title: `${scenario.id} [${(scenario.features ?? []).join(' ')}]`, scenario })))('$title', ({ scenario }) => {
  const expected = new ExpectedViews(scenario, known);
  const nodeNames = sorted(scenario.nodes.map((node) => node.metadata.name));
  const scored = expected.scoredNodes();
  let outcome: Outcome;

  /** Runs a check, recording a failure in the tally. */
  const check = (name: string, body: () => void) => {
    const known = knownDisagreements[scenario.id]?.[name];
    return (known ? it.fails : it)(known ? `${name} (known disagreement: ${known})` : name, () => {
      try {
        body();
      } catch (error) {
        tally.fail(scenario, name);
        throw error;
      }
    });
  };

  beforeAll(async () => {
    try {
      outcome = await runScenario(scenario, { registry });
    } catch (error) {
      tally.fail(scenario, 'run');
      throw error;
    }
  });

  afterAll(() => tally.finish(scenario));

  check('PreFilter: status, PreFilterResult nodes and skipped plugins', () => {
    expect(outcome.preFilter).toEqual(expected.preFilter());
  });

  check('Filter verdict on every node', () => {
    expect(Object.keys(scenario.expected.filter).sort()).toEqual(nodeNames);
    const actual = nodeNames.map((node) => ({ node, ...outcome.filter.get(node) }));
    expect(actual).toEqual(nodeNames.map((node) => ({ node, ...expected.filter(node) })));
  });

  check('feasible nodes', () => {
    expect(scenario.expected.feasibleCount).toBe(scenario.expected.feasibleNodes.length);
    expect(outcome.feasibleNodes).toEqual(expected.feasibleNodes());
  });

  // kube's findNodesThatPassFilters and numFeasibleNodesToFind (pkg/scheduler/schedule_one.go), NodeTree's order
  // (pkg/scheduler/backend/cache/node_tree.go).
  const sampling = expected.sampling();
  if (sampling) {
    check('sampling: NodeTree order, numFeasibleNodesToFind, evaluated and kept nodes, nextStartNodeIndex', () => {
      expect(outcome.sampling).toEqual(sampling);
    });
  } else {
    check('search: every node the PreFilter leaves is evaluated', () => {
      const eligible = scenario.expected.preFilter.code !== 'Success' ? 0 : (scenario.expected.preFilter.nodeNames?.length ?? nodeNames.length);
      expect(outcome.sampling.evaluatedNodes.length).toBe(Math.min(eligible, nodeNames.length));
    });
  }

  if (scored.length > 0) {
    check('PreScore: skipped plugins', () => {
      expect(outcome.preScore).toEqual(expected.preScore());
    });

    check('raw and final scores of every scored node', () => {
      expect(outcome.scoreError).toBeNull();
      const actual = scored.map((node) => ({ node, ...outcome.scores.get(node) }));
      expect(actual).toEqual(scored.map((node) => ({ node, ...expected.score(node) })));
    });

    check('best nodes', () => {
      expect(outcome.scoreError).toBeNull();
      expect(outcome.bestNodes).toEqual(expected.bestNodes());
    });
  }

  // kube's Evaluator.Preempt, DryRunPreemption, SelectVictimsOnNode, filterPodsWithPDBViolation,
  // PodEligibleToPreemptOthers and pickOneNodeForPreemption (pkg/scheduler/framework/preemption/preemption.go,
  // pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go).
  const preemption = expected.preemption();
  if (preemption) {
    check('preemption: eligibility, potential nodes, candidates with victims, tie-break, PostFilter status', () => {
      const actual = outcome.preemption && preemption.status === null ? { ...outcome.preemption, status: null } : outcome.preemption;
      expect(actual).toEqual(preemption);
    });

    check('preemption: the nominated node is one of the tied candidates, its victims deleted', () => {
      const recorded = scenario.expected.preemption!;
      const nominated = outcome.postFilter?.nominatedNodeName ?? '';
      if (recorded.possibleNominatedNodes.length === 0) {
        expect(nominated).toBe('');
        expect(outcome.postFilter?.deleted).toEqual([]);
        return;
      }
      expect(recorded.possibleNominatedNodes).toContain(nominated);
      // A victim already terminating is not deleted again (kube's prepareCandidate).
      const terminating = new Set(
        scenario.existingPods.filter((pod) => pod.metadata.deletionTimestamp).map((pod) => `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`),
      );
      const candidate = recorded.candidates.find((c) => c.node === nominated);
      expect(outcome.postFilter?.deleted).toEqual(candidate?.victims.filter((victim) => !terminating.has(victim)));
    });
  }
});
