import { rename, unlink, writeFile } from 'node:fs/promises';
import type { Explanation } from './explanation.js';
import type { NodeUtilization, Summary } from './summary.js';
import { count, percent } from './text.js';

/**
 * The HTML report: one self-contained file (inline CSS, SVG charts drawn here, a few lines of inline script to
 * switch the heatmap between cpu and memory), so it opens anywhere without a network.
 */
export function renderReport(summary: Summary): string {
  const { outcome, timing, cluster } = summary;
  const tiles = [
    ['Nodes', count(cluster.nodes)],
    ['Pods scheduled', `${count(outcome.scheduled)} / ${count(cluster.podsToSchedule)}`],
    ['Unschedulable', count(outcome.unschedulable)],
    ['Throughput', `${count(timing.podsPerSecond)} pods/s`],
    ['Duration', `${(timing.durationMs / 1000).toFixed(2)} s`],
    ['Mean cpu / memory', `${percent(summary.utilization.cpu.mean)} / ${percent(summary.utilization.memory.mean)}`],
  ];
  const body = [
    `<header><h1>schedkit demo report</h1><p>${escapeHtml(
      `${summary.mode === 'synthetic' ? `Synthetic cluster, seed ${summary.seed}` : 'Simulated cluster'} · ${summary.configuration.source} · profile ${summary.configuration.profile}`,
    )}</p></header>`,
    `<section class="tiles">${tiles.map(([label, value]) => `<div class="tile"><div class="value">${escapeHtml(value!)}</div><div class="label">${escapeHtml(label!)}</div></div>`).join('')}</section>`,
    section(
      'Node utilization by zone',
      `<p>Each square is a node; its colour is the share of its allocatable ${metricSwitch()} that its pods request.</p>${heatmaps(summary.utilization.nodes)}${legend()}`,
      'heatmap',
    ),
    section('Utilization distribution', histogramChart(summary), 'histogram'),
    section('Unschedulable pods by reason', reasonsChart(summary), 'reasons'),
    section('Latency per extension point', latencyChart(summary), 'latency'),
    ...summary.explanations.map((e, i) => section(`Explained: ${e.pod}`, explanationBlock(e), `explain-${i}`)),
    summary.reloads.length > 0 ? section('Config reloads', `<ul>${summary.reloads.map((r) => `<li>${escapeHtml(`after ${r.atPod} pods: ${r.message}`)}</li>`).join('')}</ul>`, 'reloads') : '',
    summary.warnings.length > 0 ? section('Input warnings', `<ul>${summary.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`, 'warnings') : '',
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>schedkit demo report</title>
<style>${css}</style>
</head>
<body>
${body}
<script>${script}</script>
</body>
</html>
`;
}

/** Writes the report next to its destination and renames it into place, so a failed run leaves no partial file. */
export async function writeReportAtomically(file: string, html: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, html, 'utf8');
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

const css = `
:root { --ink: #1d2430; --muted: #5b6677; --line: #dde3ea; --accent: #2f6fde; --bad: #c8463d; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f6f8fb; }
h1 { margin: 0 0 4px; font-size: 24px; }
h2 { margin: 0 0 12px; font-size: 18px; }
header p { margin: 0 0 16px; color: var(--muted); }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; background: none; border: none; padding: 0; }
.tile { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; min-width: 150px; }
.tile .value { font-size: 20px; font-weight: 600; }
.tile .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.zones { display: flex; flex-wrap: wrap; gap: 24px; }
.zone h3 { margin: 0 0 6px; font-size: 14px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
rect.node:hover { stroke: var(--ink); stroke-width: 1.5; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.chosen td { font-weight: 600; background: #eef4ff; }
.muted { color: var(--muted); }
label.switch { margin-right: 12px; cursor: pointer; }
details summary { cursor: pointer; color: var(--accent); margin: 8px 0; }
`;

const script = `
(function () {
  var colour = function (v) {
    var t = Math.max(0, Math.min(1, v));
    var hue = 210 - 200 * t, light = 92 - 52 * t;
    return 'hsl(' + hue + ', 70%, ' + light + '%)';
  };
  var paint = function (metric) {
    var cells = document.querySelectorAll('rect.node');
    for (var i = 0; i < cells.length; i++) {
      var cell = cells[i];
      cell.setAttribute('fill', colour(Number(cell.getAttribute('data-' + metric))));
    }
  };
  var inputs = document.querySelectorAll('input[name="metric"]');
  for (var i = 0; i < inputs.length; i++) {
    inputs[i].addEventListener('change', function (event) { paint(event.target.value); });
  }
})();
`;

/** The colour the inline script uses too (kept identical so the first paint needs no script). */
function colour(value: number): string {
  const t = Math.max(0, Math.min(1, value));
  return `hsl(${210 - 200 * t}, 70%, ${92 - 52 * t}%)`;
}

function section(title: string, content: string, id: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${content}</section>`;
}

function metricSwitch(): string {
  return `<label class="switch"><input type="radio" name="metric" value="cpu" checked> cpu</label><label class="switch"><input type="radio" name="metric" value="memory"> memory</label>`;
}

function heatmaps(nodes: readonly NodeUtilization[]): string {
  const byZone = new Map<string, NodeUtilization[]>();
  for (const node of nodes) {
    const list = byZone.get(node.zone) ?? [];
    list.push(node);
    byZone.set(node.zone, list);
  }
  const cell = 12;
  const gap = 2;
  const zones = [...byZone].sort(([a], [b]) => (a < b ? -1 : 1));
  return `<div class="zones">${zones
    .map(([zone, list]) => {
      const columns = Math.max(1, Math.ceil(Math.sqrt(list.length * 1.6)));
      const rows = Math.ceil(list.length / columns);
      const width = columns * (cell + gap);
      const height = rows * (cell + gap);
      const rects = list
        .map((node, i) => {
          const x = (i % columns) * (cell + gap);
          const y = Math.floor(i / columns) * (cell + gap);
          const title = `${node.name} (${node.instanceType || 'node'}): cpu ${percent(node.cpu)}, memory ${percent(node.memory)}, ${node.pods} pods`;
          return `<rect class="node" x="${x}" y="${y}" width="${cell}" height="${cell}" rx="2" fill="${colour(node.cpu)}" data-cpu="${node.cpu}" data-memory="${node.memory}"><title>${escapeHtml(title)}</title></rect>`;
        })
        .join('');
      return `<div class="zone"><h3>${escapeHtml(zone || '(no zone)')} · ${list.length} nodes</h3><svg class="chart heatmap" role="img" aria-label="${escapeHtml(`utilization of the nodes of ${zone}`)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${rects}</svg></div>`;
    })
    .join('')}</div>`;
}

function legend(): string {
  const stops = Array.from({ length: 11 }, (_, i) => `<stop offset="${i * 10}%" stop-color="${colour(i / 10)}"/>`).join('');
  return `<svg class="chart legend" width="320" height="34" viewBox="0 0 320 34"><defs><linearGradient id="scale">${stops}</linearGradient></defs><rect x="10" y="2" width="300" height="12" fill="url(#scale)"/><text x="10" y="28">0%</text><text x="160" y="28" text-anchor="middle">50%</text><text x="310" y="28" text-anchor="end">100%</text></svg>`;
}

function histogramChart(summary: Summary): string {
  const { cpu, memory } = summary.utilization;
  const width = 640;
  const height = 220;
  const left = 40;
  const bottom = 30;
  const plotHeight = height - bottom - 10;
  const peak = Math.max(1, ...cpu.buckets, ...memory.buckets);
  const slot = (width - left) / 10;
  const barWidth = slot / 2 - 4;
  const bars = cpu.buckets
    .map((n, i) => {
      const m = memory.buckets[i]!;
      const x = left + i * slot + 2;
      const hc = (n / peak) * plotHeight;
      const hm = (m / peak) * plotHeight;
      const label = `${i * 10}-${i * 10 + 10}%`;
      return (
        `<rect x="${x}" y="${height - bottom - hc}" width="${barWidth}" height="${Math.max(hc, 0.5)}" fill="#2f6fde"><title>${escapeHtml(`cpu ${label}: ${n} nodes`)}</title></rect>` +
        `<rect x="${x + barWidth + 2}" y="${height - bottom - hm}" width="${barWidth}" height="${Math.max(hm, 0.5)}" fill="#e39b2d"><title>${escapeHtml(`memory ${label}: ${m} nodes`)}</title></rect>` +
        `<text x="${x + barWidth}" y="${height - bottom + 14}" text-anchor="middle">${label}</text>`
      );
    })
    .join('');
  const axis = `<line x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="#8a94a6"/><text x="${left - 6}" y="${height - bottom - plotHeight + 4}" text-anchor="end">${peak}</text><text x="${left - 6}" y="${height - bottom}" text-anchor="end">0</text>`;
  const key = `<rect x="${width - 150}" y="2" width="10" height="10" fill="#2f6fde"/><text x="${width - 136}" y="11">cpu</text><rect x="${width - 90}" y="2" width="10" height="10" fill="#e39b2d"/><text x="${width - 76}" y="11">memory</text>`;
  return `<p class="muted">Nodes per utilization bucket. Mean cpu ${percent(cpu.mean)}, memory ${percent(memory.mean)}.</p><svg class="chart histogram" role="img" aria-label="utilization histogram" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${axis}${bars}${key}</svg>`;
}

/** A horizontal bar chart: one labelled bar per item. */
function barChart(items: readonly { label: string; value: number; title?: string }[], options: { colour: string; unit: string; className: string }): string {
  const width = 760;
  const labelWidth = 360;
  const row = 22;
  const height = Math.max(1, items.length) * row + 8;
  const peak = Math.max(1, ...items.map((i) => i.value));
  const bars = items
    .map((item, i) => {
      const y = 4 + i * row;
      const w = Math.max(1, (item.value / peak) * (width - labelWidth - 70));
      const label = item.label.length > 58 ? `${item.label.slice(0, 57)}…` : item.label;
      return `<text x="${labelWidth - 8}" y="${y + 14}" text-anchor="end">${escapeHtml(label)}<title>${escapeHtml(item.title ?? item.label)}</title></text><rect x="${labelWidth}" y="${y + 3}" width="${w}" height="${row - 8}" rx="2" fill="${options.colour}"><title>${escapeHtml(`${item.title ?? item.label}: ${item.value} ${options.unit}`)}</title></rect><text x="${labelWidth + w + 6}" y="${y + 14}">${escapeHtml(count(item.value))}</text>`;
    })
    .join('');
  return `<svg class="chart ${options.className}" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${bars}</svg>`;
}

function reasonsChart(summary: Summary): string {
  if (summary.unschedulable.length === 0) {
    return `<p>Every pod found a node.</p>${barChart([{ label: 'unschedulable pods', value: 0 }], { colour: '#c8463d', unit: 'pods', className: 'reasons' })}`;
  }
  const items = summary.unschedulable.slice(0, 20).map((group) => ({
    label: group.reasons.join('; '),
    value: group.pods,
    title: `${group.reasons.join('; ')} (e.g. ${group.examples.join(', ')})`,
  }));
  const rows = summary.unschedulable
    .slice(0, 20)
    .map((g) => `<tr><td class="num">${count(g.pods)}</td><td>${escapeHtml(g.reasons.join('; '))}</td><td>${escapeHtml(g.examples.join(', '))}</td></tr>`)
    .join('');
  return `${barChart(items, { colour: '#c8463d', unit: 'pods', className: 'reasons' })}<table><tr><th class="num">Pods</th><th>Reasons</th><th>For example</th></tr>${rows}</table>`;
}

function latencyChart(summary: Summary): string {
  const items = summary.latency.flatMap((l) => [
    { label: `${l.point} p50`, value: l.p50 },
    { label: `${l.point} p99`, value: l.p99 },
  ]);
  const rows = summary.latency
    .map((l) => `<tr><td>${escapeHtml(l.point)}</td><td class="num">${l.p50}</td><td class="num">${l.p99}</td><td class="num">${l.max}</td><td class="num">${count(l.count)}</td></tr>`)
    .join('');
  return `${barChart(items, { colour: '#2f6fde', unit: 'ms', className: 'latency' })}<table><tr><th>Point</th><th class="num">p50 ms</th><th class="num">p99 ms</th><th class="num">max ms</th><th class="num">samples</th></tr>${rows}</table>`;
}

const pluginColours = ['#2f6fde', '#e39b2d', '#3aa76d', '#c8463d', '#8a5cc7', '#1fa2b8', '#b5892f', '#d1559b', '#6b7a90'];

function explanationBlock(e: Explanation): string {
  const outcome =
    e.outcome === 'scheduled'
      ? `Scheduled on <strong>${escapeHtml(e.chosenNode ?? '')}</strong>.`
      : e.outcome === 'unschedulable'
        ? `Unschedulable: ${escapeHtml(e.message ?? '')}`
        : 'The scheduler made no decision about this pod.';
  const parts = [`<p>${outcome} ${count(e.feasibleNodes)} of ${count(e.nodes.length)} nodes pass the filters (${count(e.podsOnNodes)} pods on nodes at the pod's cycle).</p>`];
  if (e.rejections.length > 0) {
    parts.push('<h3>Filter rejections</h3>');
    parts.push(
      barChart(
        e.rejections.slice(0, 15).map((r) => ({ label: `${r.plugin}: ${r.reason}`, value: r.nodes })),
        { colour: '#c8463d', unit: 'nodes', className: 'rejections' },
      ),
    );
  }
  if (e.extenders && e.extenders.length > 0) parts.push(extenderTable(e));
  if (e.note) parts.push(`<p class="muted">Scores: ${escapeHtml(e.note)}.</p>`);
  if (e.scoring) parts.push(scoreChart(e));
  const rows = e.nodes
    .map((r) => `<tr><td>${escapeHtml(r.node)}</td><td>${escapeHtml(r.zone)}</td><td>${r.feasible ? 'passed' : 'rejected'}</td><td>${escapeHtml(r.plugin ?? '')}</td><td>${escapeHtml(r.reasons.join('; '))}</td></tr>`)
    .join('');
  parts.push(`<details><summary>Filter verdict of every node (${count(e.nodes.length)})</summary><table><tr><th>Node</th><th>Zone</th><th>Filter</th><th>Plugin</th><th>Reason</th></tr>${rows}</table></details>`);
  return parts.join('');
}

/** The extenders called in the pod's cycle: what each was sent and what it did (their verdicts and scores are in the tables beside the plugins'). */
export function extenderTable(e: Explanation): string {
  const rows = (e.extenders ?? [])
    .map((c) => {
      const outcome = c.skipped !== undefined ? `skipped: ${c.skipped}` : c.passed !== undefined ? `${count(c.passed)} passed` : 'scored';
      return `<tr><td>${escapeHtml(c.extender)}</td><td>${c.verb}</td><td class="num">${count(c.sent)}</td><td>${escapeHtml(outcome)}</td></tr>`;
    })
    .join('');
  return `<h3>Extenders</h3><table class="extenders"><tr><th>Extender</th><th>Verb</th><th class="num">Nodes sent</th><th>Outcome</th></tr>${rows}</table>`;
}

function scoreChart(e: Explanation): string {
  const scoring = e.scoring!;
  const plugins = scoring.weights.map((w) => w.plugin).filter((p) => !scoring.skippedPlugins.includes(p));
  const width = 760;
  const labelWidth = 150;
  const row = 24;
  const peak = Math.max(1, ...scoring.top.map((r) => r.total));
  const scale = (width - labelWidth - 60) / peak;
  const bars = scoring.top
    .map((r, i) => {
      const y = 4 + i * row;
      let x = labelWidth;
      const segments = plugins
        .map((plugin, p) => {
          const cell = r.plugins.find((c) => c.plugin === plugin);
          if (!cell || cell.weighted === 0) return '';
          const w = cell.weighted * scale;
          const rect = `<rect x="${x}" y="${y + 3}" width="${w}" height="${row - 8}" fill="${pluginColours[p % pluginColours.length]}"><title>${escapeHtml(`${r.node} · ${plugin}: raw ${cell.raw}, normalized ${cell.normalized}, weighted ${cell.weighted}`)}</title></rect>`;
          x += w;
          return rect;
        })
        .join('');
      return `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end"${r.chosen ? ' font-weight="bold"' : ''}>${escapeHtml(r.node)}${r.chosen ? ' ★' : ''}</text>${segments}<text x="${x + 6}" y="${y + 16}">${r.total}</text>`;
    })
    .join('');
  // The key flows left to right, wrapping like text (names are roughly 6.5 px a character at 11 px).
  let keyX = labelWidth;
  let keyY = scoring.top.length * row + 20;
  const key = plugins
    .map((plugin, p) => {
      const itemWidth = 14 + plugin.length * 6.5 + 18;
      if (keyX + itemWidth > width && keyX > labelWidth) {
        keyX = labelWidth;
        keyY += 16;
      }
      const item = `<rect x="${keyX}" y="${keyY - 9}" width="10" height="10" fill="${pluginColours[p % pluginColours.length]}"/><text x="${keyX + 14}" y="${keyY}">${escapeHtml(plugin)}</text>`;
      keyX += itemWidth;
      return item;
    })
    .join('');
  const fullHeight = keyY + 10;
  const header = plugins.map((p) => `<th class="num">${escapeHtml(`${p} ×${scoring.weights.find((w) => w.plugin === p)?.weight ?? 1}`)}</th>`).join('');
  const rows = scoring.top
    .map(
      (r) =>
        `<tr${r.chosen ? ' class="chosen"' : ''}><td>${escapeHtml(r.node)}${r.chosen ? ' ★' : ''}</td><td class="num">${r.total}</td>${plugins
          .map((p) => {
            const c = r.plugins.find((cell) => cell.plugin === p);
            return `<td class="num">${c ? `${c.raw} / ${c.normalized} / ${c.weighted}` : '–'}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `<h3>Score breakdown of the best ${scoring.top.length} of ${count(scoring.scoredNodes)} scored nodes</h3><svg class="chart scores" role="img" width="${width}" height="${fullHeight}" viewBox="0 0 ${width} ${fullHeight}">${bars}${key}</svg><p class="muted">Cells: raw / normalized / weighted. Recomputed scores ${scoring.matchesScheduler ? 'match' : 'do not match'} the scheduler's own.</p><table><tr><th>Node</th><th class="num">Total</th>${header}</tr>${rows}</table>`;
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
