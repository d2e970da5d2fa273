import { it } from 'vitest';
import { runSettle, overcommit, preemptionBasic } from '../../bench/src/run-settle.js';
it('e', async () => {
  const w = process.env.W === 'e2' ? preemptionBasic : overcommit;
  const scale = Number(process.env.S ?? 1);
  const run = await runSettle({ ...w, nodes: w.nodes / scale, pods: w.pods / scale, initPods: w.initPods / scale }, { quietMs: 1000 });
  console.log(JSON.stringify(run));
}, 600_000);
