/**
 * report.html of `a2a-sim swarm`, `a2a-sim compare` and `a2a-sim tournament`, written with --out and
 * opened in headless Chromium: no console error or failed request, nothing fetched but the file
 * itself, every chart the report's data calls for drawn, the failing seeds, pairs and runs with
 * their replay commands, light,
 * dark, print and the keyboard; `a2a-sim report` rewrites each page from its JSON, `--no-html`
 * skips it. Screenshots go to reports/screenshots/ (gitignored) for people to look at.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartShapes, launchChromium, luminance, tabThrough, watch, type PageProblems } from './browser.js';
import { cleanup, loadScenarioData, makeTmp, quickstartFile, readJson, root, runCli, writeText, writeYaml, type CliResult } from './helpers.js';

const shots = join(root, 'reports', 'screenshots');
const SPLIT_BUDGET = 'negotiation.success_rate >= 0.86';
let tmp: string;
let browser: Browser;
let swarmRun: CliResult;
let compareRun: CliResult;
let swarm: any;
let comparison: any;
let swarmFile: string;
let tournamentRun: CliResult;
let tournament: any;
let tournamentFile: string;

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

const TWO = ['{ name: boulware, strategy: { kind: boulware } }', '{ name: conceder, strategy: { kind: conceder } }'];

/** A tournament over the calm market cut to 10 s, one seed, with `extra` settings. */
function tinyTournament(name: string, competitors: string[], extra = ''): string {
  const s = loadScenarioData('scenarios/tournament/calm-market.yaml');
  s.duration = '10s';
  s.market.regimes[0].duration = '10s';
  const scenario = writeYaml(tmp, `${name}-market.yaml`, s);
  return writeText(tmp, `${name}.yaml`, `name: ${name}\ncompetitors:\n${competitors.map((c) => `  - ${c}`).join('\n')}\nscenarios:\n  - { file: ${scenario} }\nseeds: 1\n${extra}`);
}

beforeAll(async () => {
  tmp = makeTmp('study-html');
  // quickstart with a budget some of seeds 1 to 5 breach (its success rate spreads from 83% to 90% over them).
  const data = loadScenarioData(quickstartFile);
  data.budgets = [...data.budgets, SPLIT_BUDGET];
  swarmFile = writeYaml(tmp, 'split.yaml', data);
  const base = market('base', 0.35);
  const narrow = market('narrow', 0.25);
  tournamentFile = tinyTournament('tiny', [...TWO, `{ name: stuck, strategy: { module: ${join(root, 'test/fixtures/tournament/stuck.mjs')} } }`], `thresholds: ["boulware rank <= 2", "stuck agreement_rate >= 0.5"]\nlimits: { run_time: 1s }\n`);
  [swarmRun, compareRun, tournamentRun] = await Promise.all([
    runCli(['swarm', swarmFile, '--seeds', '5', '--workers', '1', '--out', join(tmp, 'swarm')], 180_000),
    runCli(['compare', base, narrow, '--seeds', '4', '--workers', '1', '--out', join(tmp, 'compare')], 180_000),
    // A strategy that never answers: its 4 runs are cut off after 1 s each (a pending Promise, cut off inline too).
    runCli(['tournament', tournamentFile, '--workers', '0', '--out', join(tmp, 'tournament')], 180_000),
  ]);
  // The budget is breached by some seeds (exit 1); the candidate regressed (exit 1); a threshold failed (exit 1).
  if (swarmRun.status !== 1 || compareRun.status !== 1 || tournamentRun.status !== 1) throw new Error(`swarm exited ${swarmRun.status}, compare ${compareRun.status}, tournament ${tournamentRun.status}:\n${swarmRun.stderr}${compareRun.stderr}${tournamentRun.stderr}`);
  swarm = readJson(join(tmp, 'swarm', 'swarm.json'));
  comparison = readJson(join(tmp, 'compare', 'compare.json'));
  tournament = readJson(join(tmp, 'tournament', 'tournament.json'));
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
  // The charts redraw for print after the style sheet has switched: wait for them.
  await expect.poll(async () => luminance(await axisText()), { timeout: 10_000 }).toBeLessThan(0.5);
  await expect.poll(async () => (await chartShapes(page)).every((c) => c.paths > 3 && c.width <= 700), { timeout: 10_000 }).toBe(true);
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

describe('report.html of a tournament', () => {
  const htmlFile = () => join(tmp, 'tournament', 'report.html');

  it('is written beside tournament.json and named on the last line', () => {
    expect(existsSync(htmlFile())).toBe(true);
    expect(tournamentRun.stdout).toMatch(/6 runs .*; report: .*tournament\.json, .*runs\.csv, .*summary\.md, .*report\.html\n$/);
  });

  it('draws the ranking, every score and the per-pair matrices; names the failed threshold; counts the runs cut off with their replay commands', async () => {
    const { page, problems } = await open(htmlFile(), 'light');
    const drawn = await expectAllDrawn(page);
    const scores = ['agreement-rate', 'utility', 'advantage', 'partner-welfare', 'welfare', 'pareto-optimality', 'nash-optimality'].map((f) => `score-${f}`);
    expect(drawn.map((c) => c.id)).toEqual(['ranking-chart', ...scores, 'pairs', 'pairs-buyer', 'pairs-store']);
    const ranking = drawn.find((c) => c.id === 'ranking-chart')!;
    for (const s of tournament.ranking) expect(ranking.text).toContain(`${s.rank}. ${s.competitor}`);
    // The heatmap writes each pair's mean in its cell.
    const pairs = drawn.find((c) => c.id === 'pairs')!;
    for (const row of tournament.matrix.rows) for (const v of Object.values(row.against)) if (v !== null) expect(pairs.text).toContain((v as number).toFixed(3));
    expect(await page.textContent('header .verdict')).toBe('1 of 2 thresholds failed: stuck agreement_rate >= 0.5');
    const header = await page.textContent('header');
    expect(header).toContain('6: 2 finished, 4 cut off at the 1,000 ms limit');
    expect(header).toContain(tournament.tool.version);
    const verdicts = await page.$$eval('header table tbody tr', (trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.lastElementChild!.textContent, tr.lastElementChild!.className]));
    expect(verdicts).toEqual([['boulware rank <= 2', 'pass', 'pass'], ['stuck agreement_rate >= 0.5', 'FAIL', 'fail']]);
    const cut = await page.$$eval('#problems tbody tr', (trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.querySelector('code')?.textContent]));
    expect(cut.map((r) => r[0])).toEqual(tournament.problems.map((p: any) => p.key));
    for (const [key, replay] of cut) {
      const run = tournament.runs.find((r: any) => r.key === key);
      expect(replay).toBe(`a2a-sim tournament ${tournamentFile} --shard ${run.index + 1}/6 --out reports/tournament-tiny-run-${run.index + 1}`);
    }
    await page.screenshot({ path: join(shots, 'tournament-light.png'), fullPage: true });
    expectNoProblems(problems, htmlFile());
    await page.close();
  });

  it('replays a run cut off alone, with the command its page gives', async () => {
    const replay = tournament.runs.find((r: any) => r.key === tournament.problems[0].key);
    // The page's command (checked above), with --out in the test's folder.
    const r = await runCli(['tournament', tournamentFile, '--shard', `${replay.index + 1}/6`, '--out', join(tmp, 'replay'), '--json'], 60_000);
    expect(r.status, r.stderr).toBe(0);
    const partial = readJson(JSON.parse(r.stdout).partial);
    expect(partial.items.map((i: any) => [i.position, i.value.key, i.value.status])).toEqual([[replay.index, replay.key, 'timeout']]);
  }, 60_000);

  it('follows a dark colour scheme, prints light and works with the keyboard', async () => {
    const { page, problems } = await open(htmlFile(), 'dark');
    await expectAllDrawn(page);
    await expectDarkAndPrint(page, 'ranking-chart', 'tournament');
    await page.emulateMedia({ media: 'screen' });
    const { reached, problems: focus } = await tabThrough(page, 40);
    expect(focus).toEqual([]);
    expect(reached).toContain('link:#problems');
    for (const id of await page.$$eval('figure[data-chart]', (f) => f.map((x) => x.getAttribute('data-chart')!))) expect(reached, `Tab never reached ${id}`).toContain(id);
    expectNoProblems(problems, htmlFile());
    await page.close();
  });

  it('is rewritten byte for byte from tournament.json by a2a-sim report', async () => {
    const out = join(tmp, 'tournament-again.html');
    const r = await runCli(['report', join(tmp, 'tournament', 'tournament.json'), '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(htmlFile(), 'utf8'));
  });

  it('is written by merge from the shards of a tournament, and left out with --no-html', async () => {
    const file = tinyTournament('two', TWO);
    const partials: string[] = [];
    for (const shard of ['1/2', '2/2']) {
      const r = await runCli(['tournament', file, '--workers', '0', '--shard', shard, '--out', join(tmp, `t-shard-${shard[0]}`), '--json'], 60_000);
      expect(r.status, r.stderr).toBe(0);
      partials.push(JSON.parse(r.stdout).partial);
    }
    const [merged, unmerged] = await Promise.all([runCli(['merge', ...partials, '--out', join(tmp, 't-merged')]), runCli(['merge', ...partials, '--out', join(tmp, 't-no'), '--no-html'])]);
    expect([merged.status, unmerged.status], merged.stderr + unmerged.stderr).toEqual([0, 0]);
    expect(merged.stdout).toContain(`, ${join(tmp, 't-merged', 'report.html')}\n`);
    expect(existsSync(join(tmp, 't-no', 'tournament.json'))).toBe(true);
    expect(existsSync(join(tmp, 't-no', 'report.html'))).toBe(false);
    const { page, problems } = await open(join(tmp, 't-merged', 'report.html'), 'light');
    await expectAllDrawn(page);
    expect(await page.textContent('header .verdict')).toMatch(/^no thresholds; (boulware|conceder) ranks first$/);
    expect(await page.textContent('#problems')).toContain('Every one of the 2 runs finished.');
    expectNoProblems(problems, join(tmp, 't-merged', 'report.html'));
    await page.close();
  }, 90_000);
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
