import type { Explanation } from './explanation.js';
import type { Distribution, Summary } from './summary.js';

/** Column alignment of {@link table}. */
export type Align = 'left' | 'right';

/** A plain-text table: a header row, then rows, columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = [], indent = '  '): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    indent +
    cells
      .map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `12,345` */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** `42.1%` */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

function ms(value: number): string {
  return value < 10 ? value.toFixed(3) : value.toFixed(1);
}

/** The human-readable summary of a run. */
export function formatSummary(summary: Summary): string {
  const out: string[] = [];
  const { cluster, outcome, timing } = summary;
  const what = summary.mode === 'synthetic' ? `synthetic cluster (seed ${summary.seed})` : 'simulated cluster';
  out.push(
    `${what}: ${count(cluster.nodes)} nodes in ${cluster.zones.length} zone${cluster.zones.length === 1 ? '' : 's'}, ${count(cluster.podsToSchedule)} pods to schedule` +
      (cluster.podsBoundAtStart > 0 ? `, ${count(cluster.podsBoundAtStart)} already bound` : ''),
  );
  out.push(`configuration: ${summary.configuration.source}, profile ${summary.configuration.profile}`);
  out.push('');
  out.push(
    `Scheduled      ${count(outcome.scheduled)} of ${count(cluster.podsToSchedule)} pods in ${(timing.durationMs / 1000).toFixed(2)} s (${count(timing.podsPerSecond)} pods/s, ${count(outcome.cycles)} scheduling cycles)`,
  );
  out.push(`Unschedulable  ${count(outcome.unschedulable)} pods`);
  if (summary.unschedulable.length > 0) {
    const rows = summary.unschedulable.slice(0, 12).map((group) => [count(group.pods), group.reasons.join('; '), group.examples.join(', ')]);
    out.push(...table(['PODS', 'REASONS', 'FOR EXAMPLE (try --explain)'], rows, ['right'], '    '));
    if (summary.unschedulable.length > 12) out.push(`    ... and ${summary.unschedulable.length - 12} more groups (see --json)`);
  }
  if (outcome.waitingAtPermit > 0) out.push(`Waiting        ${count(outcome.waitingAtPermit)} pods held at Permit when the run ended (incomplete gangs)`);
  if (outcome.notAttempted > 0) {
    const asked = summary.withoutProfile.map((group) => `${count(group.pods)} ask for "${group.schedulerName}"`).join(', ');
    out.push(`Not attempted  ${count(outcome.notAttempted)} pods (no profile schedules them${asked ? `: ${asked}` : ''})`);
  }
  if (outcome.errors > 0) {
    out.push(`Errors         ${count(outcome.errors)} pods hit a scheduler error, e.g. ${summary.errors[0]!.pod}: ${summary.errors[0]!.message}`);
  }
  if (outcome.preempted > 0) out.push(`Preempted      ${count(outcome.preempted)} pods were bound, then evicted to make room for pods of higher priority`);
  if (outcome.bindingFailures > 0) out.push(`Retried        ${count(outcome.bindingFailures)} binding cycles failed and were retried (e.g. gangs rejected at Permit)`);
  out.push('');

  out.push('Latency per extension point (ms)');
  const latencyRows = summary.latency.map((l) => [pointLabel(l.point), ms(l.p50), ms(l.p99), ms(l.max), count(l.count)]);
  out.push(...table(['POINT', 'P50', 'P99', 'MAX', 'SAMPLES'], latencyRows, ['left', 'right', 'right', 'right', 'right']));
  out.push('');

  out.push('Node utilization (requested / allocatable)');
  out.push(...histogram(summary.utilization.cpu, summary.utilization.memory));
  out.push('');

  for (const reload of summary.reloads) out.push(`Config reload after ${count(reload.atPod)} pods: ${reload.message}`);
  if (summary.reloads.length > 0) out.push('');
  for (const explanation of summary.explanations) out.push(...formatExplanation(explanation), '');
  return `${out.join('\n').trimEnd()}\n`;
}

function pointLabel(point: string): string {
  switch (point) {
    case 'filter':
      return 'PreFilter+Filter';
    case 'score':
      return 'PreScore+Score';
    case 'binding':
      return 'Permit..Bind';
    default:
      return point;
  }
}

/** Two side-by-side 10-bucket histograms as text bars. */
function histogram(cpu: Distribution, memory: Distribution): string[] {
  const width = 24;
  const peak = Math.max(1, ...cpu.buckets, ...memory.buckets);
  const bar = (n: number): string => '█'.repeat(Math.round((n / peak) * width)) || (n > 0 ? '▏' : '');
  const rows = cpu.buckets.map((n, i) => {
    const label = i === 9 ? '90-100%' : `${i * 10}-${i * 10 + 10}%`;
    return [label, count(n), bar(n), count(memory.buckets[i]!), bar(memory.buckets[i]!)];
  });
  return [
    ...table(['', 'CPU', '', 'MEMORY', ''], rows, ['right', 'right', 'left', 'right', 'left']),
    `  mean cpu ${percent(cpu.mean)} (p50 ${percent(cpu.p50)}, p90 ${percent(cpu.p90)}, max ${percent(cpu.max)}); ` +
      `mean memory ${percent(memory.mean)} (p50 ${percent(memory.p50)}, p90 ${percent(memory.p90)}, max ${percent(memory.max)})`,
  ];
}

/** How many per-node filter rows the text shows before pointing to --json and --report. */
const NodeRowsShown = 25;

/** The text form of one explanation. */
export function formatExplanation(e: Explanation): string[] {
  const out: string[] = [];
  out.push(`Explain ${e.pod} (profile ${e.profile})`);
  if (e.outcome === 'scheduled') out.push(`  Chosen node: ${e.chosenNode}`);
  else if (e.outcome === 'unschedulable') out.push(`  Unschedulable: ${e.message}`);
  else out.push('  The scheduler made no decision about this pod; shown against the cluster at the end of the run.');
  out.push(`  Computed on the cluster as the scheduler saw it at the pod's last cycle (${count(e.podsOnNodes)} pods on nodes).`);
  out.push(`  Filter: ${count(e.feasibleNodes)} of ${count(e.nodes.length)} nodes feasible${e.skippedFilters.length > 0 ? `; PreFilter skipped ${e.skippedFilters.join(', ')}` : ''}`);
  if (e.rejections.length > 0) {
    out.push(...table(['NODES', 'PLUGIN', 'REASON'], e.rejections.map((r) => [count(r.nodes), r.plugin, r.reason]), ['right'], '    '));
  }
  // A long list starts with the rejected nodes: they say more than a page of "passed".
  const ordered = [...e.nodes.filter((r) => !r.feasible), ...e.nodes.filter((r) => r.feasible)];
  const rows = ordered.length <= NodeRowsShown * 2 ? e.nodes : ordered.slice(0, NodeRowsShown);
  out.push(`  Per node${rows.length < e.nodes.length ? ` (${rows.length} of ${count(e.nodes.length)}, rejected first; every node in --json and --report)` : ''}:`);
  out.push(
    ...table(
      ['NODE', 'ZONE', 'FILTER', 'PLUGIN', 'REASON'],
      rows.map((r) => [r.node, r.zone, r.feasible ? 'passed' : 'rejected', r.plugin ?? '', r.reasons.join('; ')]),
      [],
      '    ',
    ),
  );
  for (const call of e.extenders ?? []) {
    const outcome = call.skipped !== undefined ? `skipped: ${call.skipped}` : call.passed !== undefined ? `${count(call.passed)} passed` : 'scored';
    out.push(`  Extender ${call.extender} ${call.verb}: ${count(call.sent)} nodes sent, ${outcome}`);
  }
  if (e.note) out.push(`  Scores: ${e.note}.`);
  if (e.scoring) {
    const s = e.scoring;
    const plugins = s.weights.filter((w) => !s.skippedPlugins.includes(w.plugin));
    out.push(
      `  Scores of the best ${s.top.length} of the ${count(s.scoredNodes)} nodes the scheduler scored (raw / normalized / weighted)` +
        (s.skippedPlugins.length > 0 ? `; PreScore skipped ${s.skippedPlugins.join(', ')}` : '') +
        ':',
    );
    const header = ['NODE', 'TOTAL', ...plugins.map((w) => `${w.plugin} x${w.weight}`)];
    const scoreRows = s.top.map((row) => [
      `${row.node}${row.chosen ? ' *' : ''}`,
      String(row.total),
      ...plugins.map((w) => {
        const cell = row.plugins.find((c) => c.plugin === w.plugin);
        return cell ? `${cell.raw}/${cell.normalized}/${cell.weighted}` : '-';
      }),
    ]);
    out.push(...table(header, scoreRows, ['left', 'right', ...plugins.map(() => 'right' as const)], '    '));
    out.push(`    * chosen. Recomputed scores ${s.matchesScheduler ? 'match' : 'DO NOT match'} the scores the scheduler computed in the pod's cycle.`);
  }
  return out;
}
