import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBrowser, launchBrowser } from './browser.test-helpers.js';
import { ensureBuilt, runCli } from './cli-harness.test-helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'schedkit-demo-report-'));
const report = join(scratch, 'report.html');
let browser: Browser;
let html: string;

beforeAll(async () => {
  ensureBuilt();
  const run = await runCli([
    'simulate',
    '--nodes',
    'fixtures/cluster/nodes.yaml',
    '--pods',
    'fixtures/cluster/pods.yaml',
    '--seed',
    '1',
    '--explain',
    'ml/train-0',
    '--explain',
    'shop/web-6d4cf56db6-m7tqz',
    '--report',
    report,
    '--no-progress',
  ]);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(`Report written to ${report}`);
  html = readFileSync(report, 'utf8');
  browser = await launchBrowser(await chooseBrowser());
});

afterAll(async () => {
  await browser?.close();
});

describe('the HTML report', () => {
  it('is one self-contained file: inline CSS, script and SVG, nothing fetched', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).toContain('<script>');
    expect(html).not.toMatch(/<(link|img|iframe)\b/i);
    expect(html).not.toMatch(/\b(src|href)=/i);
    expect(html).not.toMatch(/url\((?!#)/);
  });

  it('opens in Chromium without console errors and with every chart drawn at a visible size', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`file://${report}`);
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        return { kind: svg.getAttribute('class')!.replace('chart ', ''), width: box.width, height: box.height, shapes: svg.querySelectorAll('rect').length };
      }),
    );
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${report}`]);
    expect(charts.map((c) => c.kind)).toEqual(['heatmap', 'heatmap', 'legend', 'histogram', 'reasons', 'latency', 'rejections', 'rejections', 'scores']);
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(0);
      expect(chart.height).toBeGreaterThan(0);
      expect(chart.shapes).toBeGreaterThan(0);
    }
    // One square per node in the zone heatmaps: eu-west-1a has three nodes, eu-west-1b two.
    expect(charts.filter((c) => c.kind === 'heatmap').map((c) => c.shapes)).toEqual([3, 2]);
    await page.close();
  });

  it('switches the heatmap between cpu and memory with its inline script', async () => {
    const page = await browser.newPage();
    await page.goto(`file://${report}`);
    const fills = () => page.$$eval('rect.node', (cells) => cells.map((cell) => cell.getAttribute('fill')));
    const cpu = await fills();
    await page.click('input[value="memory"]');
    const memory = await fills();
    expect(memory).not.toEqual(cpu);
    await page.click('input[value="cpu"]');
    expect(await fills()).toEqual(cpu);
    await page.close();
  });

  it('shows the explained pods with the score breakdown of the chosen node', async () => {
    const page = await browser.newPage();
    await page.goto(`file://${report}`);
    const headings = await page.$$eval('h2', (h) => h.map((e) => e.textContent));
    expect(headings).toEqual([
      'Node utilization by zone',
      'Utilization distribution',
      'Unschedulable pods by reason',
      'Latency per extension point',
      'Explained: ml/train-0',
      'Explained: shop/web-6d4cf56db6-m7tqz',
      'Input warnings',
    ]);
    const chosen = await page.$$eval('#explain-1 tr.chosen td', (cells) => cells.map((c) => c.textContent));
    expect(chosen[0]).toMatch(/^worker-\w+ ★$/);
    expect(chosen.slice(2).every((cell) => /^\d+ \/ \d+ \/ \d+$/.test(cell ?? ''))).toBe(true);
    await page.close();
  });
});
