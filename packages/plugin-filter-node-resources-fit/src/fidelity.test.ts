import { fileURLToPath } from 'node:url';
import { checkPluginFidelity, formatPluginFidelity, loadFidelityScenarios, pluginFidelityProblems } from '@schedkit/framework/testing';
import { expect, it } from 'vitest';
import { plugin } from './index.js';

// The checks are checkPluginFidelity's: this plugin alone against every decision kube-scheduler recorded.
const fixture = fileURLToPath(new URL('../../../test/fidelity/kube-v1.35.4-default-profile.jsonl.gz', import.meta.url));

it('NodeResourcesFit agrees with the recorded kube-scheduler v1.35.4 decisions', async () => {
  const report = await checkPluginFidelity({ plugin, name: 'NodeResourcesFit', weight: 1, scenarios: loadFidelityScenarios(fixture) });
  console.info(formatPluginFidelity(report));
  expect(pluginFidelityProblems(report, { decisive: ['filter', 'score'] })).toEqual([]);
});
