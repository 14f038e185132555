/**
 * report.html of `a2a-sim swarm` and `a2a-sim compare`, written with --out and opened in headless
 * Chromium: no console error or failed request, nothing fetched but the file itself, every chart
 * the report's data calls for drawn, the failing seeds and pairs with their replay commands, light,
 * dark, print and the keyboard; `a2a-sim report` rewrites each page from its JSON, `--no-html`
 * skips it. Screenshots go to reports/screenshots/ (gitignored) for people to look at.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartShapes, launchChromium, luminance, tabThrough, watch, type PageProblems } from './browser.js';
import { cleanup, loadScenarioData, makeTmp, quickstartFile, readJson, root, runCli, writeYaml, type CliResult } from './helpers.js';

const shots = join(root, 'reports', 'screenshots');
const SPLIT_BUDGET = 'negotiation.success_rate >= 0.86';
let tmp: string;
let browser: Browser;
let swarmRun: CliResult;
let compareRun: CliResult;
let swarm: any;
let comparison: any;
let swarmFile: string;

/** An id as the pages make them from a metric's name. */
const idOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');

/** quickstart for 30 s in one calm regime, its buyers' budget margin `margin` (0.35 in the file). */
function market(name: string, margin: number): string {
  const data = loadScenarioData(quickstartFile);
  data.duration = '30s';
  data.regimes = undefined;
  data.market.regimes = [{ name: 'calm', duration: '30s', volatility_per_minute: 0.005 }];
  data.budgets = [];
  data.buyers[0].budget_margin = margin;
  return writeYaml(tmp, `${name}.yaml`, data);
}

beforeAll(async () => {
  tmp = makeTmp('study-html');
  // quickstart with a budget some of seeds 1 to 5 breach (its success rate spreads from 83% to 90% over them).
  const data = loadScenarioData(quickstartFile);
  data.budgets = [...data.budgets, SPLIT_BUDGET];
  swarmFile = writeYaml(tmp, 'split.yaml', data);
  const base = market('base', 0.35);
  const narrow = market('narrow', 0.25);
  [swarmRun, compareRun] = await Promise.all([
    runCli(['swarm', swarmFile, '--seeds', '5', '--workers', '1', '--out', join(tmp, 'swarm')], 180_000),
    runCli(['compare', base, narrow, '--seeds', '4', '--workers', '1', '--out', join(tmp, 'compare')], 180_000),
  ]);
  // The budget is breached by some seeds (exit 1); the candidate regressed (exit 1).
  if (swarmRun.status !== 1 || compareRun.status !== 1) throw new Error(`swarm exited ${swarmRun.status}, compare ${compareRun.status}:\n${swarmRun.stderr}${compareRun.stderr}`);
  swarm = readJson(join(tmp, 'swarm', 'swarm.json'));
  comparison = readJson(join(tmp, 'compare', 'compare.json'));
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  cleanup(tmp);
});

async function open(file: string, colorScheme: 'light' | 'dark'): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
  const problems = watch(page);
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('#report[data-ready="true"]', { timeout: 30_000 });
  return { page, problems };
}

function expectNoProblems(problems: PageProblems, file: string): void {
  expect(problems.consoleErrors).toEqual([]);
  expect(problems.pageErrors).toEqual([]);
  expect(problems.failedRequests).toEqual([]);
  expect(problems.requests).toEqual([pathToFileURL(file).href]);
}

/** Every chart drew: a sized SVG with shapes in it, and as many as the page counted. */
async function expectAllDrawn(page: Page): Promise<Awaited<ReturnType<typeof chartShapes>>> {
  const drawn = await chartShapes(page);
  expect(drawn.length).toBe(Number(await page.getAttribute('#report', 'data-charts')));
  for (const c of drawn) {
    expect(c.width, c.id).toBeGreaterThan(200);
    expect(c.height, c.id).toBeGreaterThan(100);
    expect(c.paths, `${c.id} drew no shapes`).toBeGreaterThan(3);
  }
  return drawn;
}

/** Dark: a dark page with light chart text; print: white, the navigation hidden, charts at the paper's width. */
async function expectDarkAndPrint(page: Page, chartId: string, name: string): Promise<void> {
  const axisText = () => page.evaluate<string>(`(() => { const t = document.querySelector('#${chartId} svg text'); return t.getAttribute('fill') ?? getComputedStyle(t).fill; })()`);
  expect(luminance(await page.evaluate<string>('getComputedStyle(document.body).backgroundColor'))).toBeLessThan(0.3);
  expect(luminance(await axisText())).toBeGreaterThan(0.5);
  await page.screenshot({ path: join(shots, `${name}-dark.png`), fullPage: true });
  await page.emulateMedia({ media: 'print' });
  await page.waitForFunction(`getComputedStyle(document.body).backgroundColor === 'rgb(255, 255, 255)'`);
  expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('nav')).display`)).toBe('none');
  expect(luminance(await axisText())).toBeLessThan(0.5);
  expect((await chartShapes(page)).every((c) => c.paths > 3 && c.width <= 700)).toBe(true);
  await page.screenshot({ path: join(shots, `${name}-print.png`), fullPage: true });
}

describe('report.html of a swarm', () => {
  const htmlFile = () => join(tmp, 'swarm', 'report.html');

  it('is written beside swarm.json and named on the last line', () => {
    expect(existsSync(htmlFile())).toBe(true);
    expect(swarmRun.stdout).toMatch(/5 seeds in .*; report: .*swarm\.json, .*summary\.md, .*report\.html\n$/);
    expect(swarm.budgets).toContain(SPLIT_BUDGET);
  });

  it('draws every budgeted metric and every metric that varied over the seeds, and lists the failing seeds with their replay commands', async () => {
    const { page, problems } = await open(htmlFile(), 'light');
    const drawn = await expectAllDrawn(page);
    const ids = drawn.map((c) => c.id);
    const varied = Object.entries(swarm.summary.metrics as Record<string, { min: number; max: number }>).filter(([, s]) => s.min !== s.max).map(([m]) => m);
    for (const metric of ['negotiation.success_rate', 'settlement_latency.p99', ...varied]) expect(ids, metric).toContain(`dist-${idOf(metric)}`);
    // The budget some seeds breached is drawn with them apart; its legend says how many.
    const breaching = swarm.outcomes.filter((o: any) => o.budgets_breached.includes(SPLIT_BUDGET)).map((o: any) => o.seed);
    expect(breaching.length).toBeGreaterThan(0);
    expect(breaching.length).toBeLessThan(5);
    expect(drawn.find((c) => c.id === 'dist-negotiation-success-rate')!.text).toContain(`${SPLIT_BUDGET} (breached by ${breaching.length})`);
    expect(drawn.find((c) => c.id === 'dist-settlement-latency-p99')!.text).toContain('settlement_latency.p99 < 1s (held)');
    const header = await page.textContent('header');
    expect(header).toContain(`quickstart: swarm of 5 seeds`);
    expect(header).toContain(`${breaching.length} of 5 seeds failed`);
    expect(header).toContain(swarm.tool.version);
    const rows = await page.$$eval('#failing-seeds tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows).toEqual(breaching.map((seed: number) => [String(seed), 'budget breached', SPLIT_BUDGET, `a2a-sim run ${swarmFile} --seed ${seed}`]));
    await page.screenshot({ path: join(shots, 'swarm-light.png'), fullPage: true });
    expectNoProblems(problems, htmlFile());
    await page.close();
  });

  it('follows a dark colour scheme and prints light', async () => {
    const { page, problems } = await open(htmlFile(), 'dark');
    await expectAllDrawn(page);
    await expectDarkAndPrint(page, 'dist-negotiation-success-rate', 'swarm');
    expectNoProblems(problems, htmlFile());
    await page.close();
  });

  it('is rewritten byte for byte from swarm.json by a2a-sim report', async () => {
    const out = join(tmp, 'swarm-again.html');
    const r = await runCli(['report', join(tmp, 'swarm', 'swarm.json'), '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(htmlFile(), 'utf8'));
  });
});

describe('report.html of a comparison', () => {
  const htmlFile = () => join(tmp, 'compare', 'report.html');

  it('is written beside compare.json and named on the last line', () => {
    expect(existsSync(htmlFile())).toBe(true);
    expect(compareRun.stdout).toMatch(/4 seeds × 2 in .*; report: .*compare\.json, .*summary\.md, .*report\.html\n$/);
  });

  it('draws the forest plot and every metric seed by seed, names what regressed and lists the pairs to replay', async () => {
    const { page, problems } = await open(htmlFile(), 'light');
    const drawn = await expectAllDrawn(page);
    const withPairs = comparison.metrics.filter((m: any) => m.pairs > 0).map((m: any) => `pairs-${idOf(m.metric)}`);
    expect(drawn.map((c) => c.id)).toEqual(['forest', ...withPairs]);
    expect(comparison.regressed).toContain('negotiation.success_rate');
    const forest = drawn.find((c) => c.id === 'forest')!;
    for (const m of comparison.metrics) expect(forest.text).toContain(m.verdict === 'unchanged' ? m.metric : `${m.metric} (${m.verdict})`);
    expect(await page.textContent('header .verdict')).toBe(`${comparison.regressed.length} metric${comparison.regressed.length === 1 ? '' : 's'} regressed: ${comparison.regressed.join(', ')}`);
    // The table's verdict cells say the verdict and are coloured by it.
    const verdicts = await page.$$eval('#changes table tbody tr', (trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.lastElementChild!.textContent, tr.lastElementChild!.className]));
    expect(verdicts).toEqual(comparison.metrics.map((m: any) => [m.metric, m.verdict, m.verdict === 'regressed' ? 'fail' : m.verdict === 'improved' ? 'pass' : '']));
    const replays = await page.$$eval('#outliers tbody code', (codes) => codes.map((c) => c.textContent));
    expect(replays.length).toBe(2 * comparison.outliers.length);
    for (const o of comparison.outliers) expect(replays).toContain(`a2a-sim run ${comparison.candidate.file} --seed ${o.seed}`);
    await page.screenshot({ path: join(shots, 'compare-light.png'), fullPage: true });
    expectNoProblems(problems, htmlFile());
    await page.close();
  });

  it('follows a dark colour scheme and prints light', async () => {
    const { page, problems } = await open(htmlFile(), 'dark');
    await expectAllDrawn(page);
    await expectDarkAndPrint(page, 'forest', 'compare');
    expectNoProblems(problems, htmlFile());
    await page.close();
  });

  it('works with the keyboard: Tab reaches the section links, every chart and its table, each with its name', async () => {
    const { page, problems } = await open(htmlFile(), 'light');
    const { reached, problems: focus } = await tabThrough(page, 60);
    expect(focus).toEqual([]);
    expect(reached).toContain('link:#outliers');
    expect(reached).toContain('SUMMARY');
    for (const id of await page.$$eval('figure[data-chart]', (f) => f.map((x) => x.getAttribute('data-chart')!))) expect(reached, `Tab never reached ${id}`).toContain(id);
    expectNoProblems(problems, htmlFile());
    await page.close();
  });

  it('is rewritten byte for byte from compare.json by a2a-sim report, beside it without --out', async () => {
    const before = readFileSync(htmlFile(), 'utf8');
    const r = await runCli(['report', join(tmp, 'compare', 'compare.json')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`report: ${htmlFile()}\n`);
    expect(readFileSync(htmlFile(), 'utf8')).toBe(before);
  });
});

describe('a2a-sim merge', () => {
  it('writes the page of a swarm joined from its shards, as the unsplit swarm does', async () => {
    const one = market('shards', 0.35);
    const partials: string[] = [];
    for (const shard of ['1/2', '2/2']) {
      const r = await runCli(['swarm', one, '--seeds', '2', '--workers', '0', '--shard', shard, '--out', join(tmp, `shard-${shard[0]}`), '--json'], 120_000);
      expect(r.status, r.stderr).toBe(0);
      partials.push(JSON.parse(r.stdout).partial);
    }
    const merged = await runCli(['merge', ...partials, '--out', join(tmp, 'merged')]);
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`, ${join(tmp, 'merged', 'report.html')}\n`);
    const { page, problems } = await open(join(tmp, 'merged', 'report.html'), 'light');
    await expectAllDrawn(page);
    expect(await page.textContent('header .verdict')).toBe('all 2 seeds passed');
    expectNoProblems(problems, join(tmp, 'merged', 'report.html'));
    await page.close();
  }, 150_000);
});

describe('--no-html', () => {
  it('leaves report.html out of swarm --out and compare --out', async () => {
    const one = market('one', 0.35);
    const [s, c] = await Promise.all([
      runCli(['swarm', one, '--seeds', '1', '--workers', '0', '--out', join(tmp, 's-no'), '--no-html'], 120_000),
      runCli(['compare', one, one, '--seeds', '1', '--workers', '0', '--out', join(tmp, 'c-no'), '--no-html'], 120_000),
    ]);
    expect([s.status, c.status], s.stderr + c.stderr).toEqual([0, 0]);
    expect(existsSync(join(tmp, 's-no', 'swarm.json'))).toBe(true);
    expect(existsSync(join(tmp, 'c-no', 'compare.json'))).toBe(true);
    expect(existsSync(join(tmp, 's-no', 'report.html'))).toBe(false);
    expect(existsSync(join(tmp, 'c-no', 'report.html'))).toBe(false);
    expect(s.stdout + c.stdout).not.toContain('report.html');
  }, 150_000);
});
