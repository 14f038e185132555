/**
 * report.html of `a2a-sim run scenarios/volatility-spike.yaml`, opened in headless Chromium:
 * no console error or failed request, nothing fetched but the file itself, every chart the
 * report's data calls for drawn, in light, dark and print; screenshots go to
 * reports/screenshots/ (gitignored) for people to look at.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartShapes, launchChromium, luminance, tabThrough, watch, type PageProblems } from './browser.js';
import { cleanup, makeTmp, readJson, root, runCli, volatilityFile } from './helpers.js';

const shots = join(root, 'reports', 'screenshots');
let tmp: string;
let html: string;
let htmlFile: string;
let report: any;
let browser: Browser;

beforeAll(async () => {
  tmp = makeTmp('html');
  const run = await runCli(['run', volatilityFile, '--out', join(tmp, 'out')]);
  if (run.status !== 0) throw new Error(`run exited ${run.status}:\n${run.stderr}`);
  htmlFile = join(tmp, 'out', 'report.html');
  html = readFileSync(htmlFile, 'utf8');
  report = readJson(join(tmp, 'out', 'report.json'));
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  cleanup(tmp);
});

/** The charts report.json calls for: one price chart per category, one exposure chart per limit, the rest when their data is there. */
function expectedCharts(r: any): string[] {
  return [
    ...r.market.map((m: any) => `price-${m.category}`),
    'success-over-time',
    'success-by-regime',
    'success-by-category',
    'latency-negotiation',
    'latency-settlement',
    ...r.risk.exposure.map((e: any) => `exposure-${e.organisation}`),
    'messages-by-type',
    ...(r.errors.total > 0 ? ['errors-by-code'] : []),
    ...(r.negotiation.top_pairs.length > 0 ? ['pairs-heatmap'] : []),
    ...(r.strategies?.by_strategy.length ? ['strategies'] : []),
  ];
}

async function open(options: { colorScheme: 'light' | 'dark'; media?: 'screen' | 'print'; file?: string }): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: options.colorScheme });
  const problems = watch(page);
  if (options.media) await page.emulateMedia({ media: options.media });
  await page.goto(pathToFileURL(options.file ?? htmlFile).href);
  await page.waitForSelector('#report[data-ready="true"]', { timeout: 30_000 });
  return { page, problems };
}

function expectNoProblems(problems: PageProblems, file = htmlFile): void {
  expect(problems.consoleErrors).toEqual([]);
  expect(problems.pageErrors).toEqual([]);
  expect(problems.failedRequests).toEqual([]);
  // Nothing but the file itself: no script, style, font or image from anywhere.
  expect(problems.requests).toEqual([pathToFileURL(file).href]);
}

describe('report.html of volatility-spike', () => {
  it('is one self-contained file beside report.json, a few hundred kB, with the report embedded', () => {
    expect(statSync(htmlFile).size).toBeLessThan(3 * 1024 * 1024);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[^']+'; style-src 'unsafe-inline'; img-src data:">/);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(\s*['"]?https?:/i);
    const embedded = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html);
    expect(embedded).not.toBeNull();
    expect(JSON.parse(embedded![1]!)).toEqual({ kind: 'run', report });
  });

  it('draws every chart the data calls for, with no console error and no request but the file itself', async () => {
    const { page, problems } = await open({ colorScheme: 'light' });
    const drawn = await chartShapes(page);
    expect(drawn.map((c) => c.id)).toEqual(expectedCharts(report.results));
    for (const c of drawn) {
      expect(c.width, c.id).toBeGreaterThan(200);
      expect(c.height, c.id).toBeGreaterThan(100);
      expect(c.paths, `${c.id} drew no shapes`).toBeGreaterThan(3);
    }
    // The data, not just the axes: the regimes and the breaker are named where they are drawn.
    const price = drawn.find((c) => c.id === 'price-components')!;
    expect(price.text).toContain('spike');
    expect(price.text).toContain('breaker initech-procurement');
    expect(drawn.find((c) => c.id === 'success-by-regime')!.text).toMatch(/spike \(\d+\)/);
    expect(drawn.find((c) => c.id === 'latency-settlement')!.text).toContain('settlement_latency.p99 < 1s (passed)');
    for (const pair of report.results.negotiation.top_pairs.slice(0, 3)) expect(drawn.find((c) => c.id === 'pairs-heatmap')!.text).toContain(pair.buyer);
    // No exposure limit in this scenario: the section says so instead of drawing an empty chart.
    expect(await page.textContent('[data-empty="risk"]')).toContain('No organisation has an exposure limit');
    const header = await page.textContent('header');
    expect(header).toContain('volatility-spike');
    expect(header).toContain(`seed${report.results.seed}`);
    expect(header).toContain('all budgets passed');
    expect(header).toContain(report.tool.version);
    await page.screenshot({ path: join(shots, 'volatility-spike-light.png'), fullPage: true });
    expectNoProblems(problems);
    await page.close();
  });

  it('follows a dark colour scheme, and prints light without the navigation', async () => {
    const { page, problems } = await open({ colorScheme: 'dark' });
    // Browser-side code is given as text: the tests are type-checked without the DOM's globals.
    const background = () => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    const axisText = () => page.evaluate<string>(`(() => { const t = document.querySelector('#success-by-regime svg text'); return t.getAttribute('fill') ?? getComputedStyle(t).fill; })()`);
    expect(luminance(await background())).toBeLessThan(0.3);
    expect(luminance(await axisText())).toBeGreaterThan(0.5);
    expect((await chartShapes(page)).every((c) => c.paths > 3)).toBe(true);
    await page.screenshot({ path: join(shots, 'volatility-spike-dark.png'), fullPage: true });

    await page.emulateMedia({ media: 'print' });
    await page.waitForFunction(`getComputedStyle(document.body).backgroundColor === 'rgb(255, 255, 255)'`);
    expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('nav')).display`)).toBe('none');
    // The charts redraw for print after the style sheet has switched: wait for them.
    await expect.poll(async () => luminance(await axisText()), { timeout: 10_000 }).toBeLessThan(0.5);
    await expect.poll(async () => (await chartShapes(page)).every((c) => c.paths > 3 && c.width <= 700), { timeout: 10_000 }).toBe(true);
    await page.screenshot({ path: join(shots, 'volatility-spike-print.png'), fullPage: true });
    expectNoProblems(problems);
    await page.close();
  });

  it('works with the keyboard: Tab reaches the section links and every chart, each with its name', async () => {
    const { page, problems } = await open({ colorScheme: 'light' });
    const { reached, problems: focus } = await tabThrough(page, 80);
    expect(focus).toEqual([]);
    expect(reached).toContain('link:#latency');
    // The figures of each chart are a keyboard-openable table too.
    expect(reached).toContain('SUMMARY');
    for (const id of expectedCharts(report.results)) expect(reached, `Tab never reached ${id}`).toContain(id);
    // A section link moves the reading position there.
    await page.focus('nav a[href="#strategies"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(`location.hash === '#strategies'`);
    expectNoProblems(problems);
    await page.close();
  });

  it('draws the report.json of an older run (no percentile table, bands or tool) rewritten by a2a-sim report', async () => {
    const old = { ...report };
    delete old.latency_percentiles;
    delete old.limit_bands;
    delete old.tool;
    writeFileSync(join(tmp, 'old.json'), JSON.stringify(old));
    const file = join(tmp, 'old.html');
    const r = await runCli(['report', join(tmp, 'old.json'), '--out', file]);
    expect(r.status).toBe(0);
    const { page, problems } = await open({ colorScheme: 'light', file });
    const drawn = await chartShapes(page);
    expect(drawn.map((c) => c.id)).toEqual(expectedCharts(report.results));
    for (const c of drawn) expect(c.paths, c.id).toBeGreaterThan(3);
    expect(await page.textContent('header')).toContain('commit unknown');
    expect(await page.textContent('#latency-settlement figcaption')).toMatch(/^4 percentiles/);
    expectNoProblems(problems, file);
    await page.close();
  });
});
