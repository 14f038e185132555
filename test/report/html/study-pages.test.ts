/** The pages of a swarm and of a comparison as data: what each draws from its report, without a browser. */
import { describe, expect, it } from 'vitest';
import { kindOfFormat, pageDataOf, REPORT_KINDS } from '../../../src/report/html/kinds.js';
import { forestChart, forestLimit, niceCeiling, pairedChart } from '../../../src/report/html/page/compare-options.js';
import { comparePage } from '../../../src/report/html/page/compare-page.js';
import { pageOf } from '../../../src/report/html/page/page-spec.js';
import type { ChartSpec, PageSpec } from '../../../src/report/html/page/spec.js';
import { swarmPage } from '../../../src/report/html/page/swarm-page.js';
import type { CompareReport } from '../../../src/report/compare-report.js';
import { buildSwarmReport, type SwarmReport } from '../../../src/report/swarm-report.js';
import { failedSeed, type SeedOutcome } from '../../../src/run/swarm-worker.js';
import type { SeedFigures } from '../../../src/study/compare.js';
import type { MetricComparison } from '../../../src/study/statistics.js';

const series = (c: ChartSpec): any[] => c.option.series as any[];
const charts = (page: PageSpec) => page.sections.flatMap((s) => s.charts);
const chart = (page: PageSpec, id: string) => charts(page).find((c) => c.id === id)!;
const section = (page: PageSpec, id: string) => page.sections.find((s) => s.id === id)!;

const P99_BUDGET = 'settlement_latency.p99 < 25ms';
const RATE_BUDGET = 'negotiation.success_rate >= 0.5';

/** Seed n: success rate 0.8, p99 10n ms (so seeds 3 and 4 breach the 25 ms budget), messages 100n, errors 0, rounds 4 always. */
const ok = (seed: number): SeedOutcome => ({
  seed,
  status: 'ok',
  metrics: { 'negotiation.success_rate': 0.8, 'settlement_latency.p99': 10_000 * seed, 'messages.total': 100 * seed, 'errors.total': 0, 'negotiation.rounds.mean': 4 },
  deals: { count: 3, value: 30 * seed, mean_value: 10 * seed },
  sagas_compensated_by_cause: seed === 2 ? { payment_failed: 2 } : {},
  budgets_breached: 10_000 * seed < 25_000 ? [] : [P99_BUDGET],
});

const swarm: SwarmReport = buildSwarmReport({
  scenario: 'unit',
  file: 'scenarios/unit.yaml',
  firstSeed: 1,
  budgets: [P99_BUDGET, RATE_BUDGET],
  outcomes: [ok(1), ok(2), ok(3), ok(4), failedSeed(5, 'violation', 'money not conserved', 1234)],
  wallclock: { started_at: '2026-01-01T00:00:00.000Z', elapsed_ms: 10, workers: 2, node: '20' },
});

describe('the page of a swarm', () => {
  const page = swarmPage(swarm);

  it('says what ran and how many seeds failed, and how each budget fared over the seeds', () => {
    expect(page.title).toBe('unit: swarm of 5 seeds');
    expect(page.verdict).toEqual({ text: '3 of 5 seeds failed', state: 'fail' });
    const facts = Object.fromEntries(page.facts);
    expect(facts.seeds).toBe('1 to 5 (5)');
    expect(facts.outcome).toBe('2 passed, 2 breached a budget, 1 violated an invariant, 0 failed to run');
    expect(facts.tool).toMatch(/not recorded/);
    expect(page.summary!.rows).toEqual([
      [P99_BUDGET, '10ms to 40ms', '2 of 5', 'breached'],
      [RATE_BUDGET, '80% to 80%', '0 of 5', 'held in every seed'],
    ]);
    expect(page.summary!.states).toEqual(['fail', 'pass']);
  });

  it('draws each budgeted metric over the seeds that finished, the breaching seeds apart and the budget at its threshold', () => {
    const p99 = chart(page, 'dist-settlement-latency-p99');
    const [box, seeds, breaching, budget] = series(p99);
    expect(box.type).toBe('boxplot');
    expect(box.data).toEqual([[10, 17.5, 25, 32.5, 40]]);
    expect(seeds.data.map((d: any) => d.seed)).toEqual([1, 2]);
    expect(breaching.data.map((d: any) => [d.seed, d.value[0]])).toEqual([[3, 30], [4, 40]]);
    expect(budget.name).toBe(`${P99_BUDGET} (breached by 2)`);
    expect(budget.markLine.data).toEqual([{ name: P99_BUDGET, xAxis: 25 }]);
    expect(p99.caption).toContain('breached by 2 seeds');
    // A rate is drawn in %, and its axis reaches the budget even far below every seed.
    const rate = chart(page, 'dist-negotiation-success-rate');
    expect(series(rate)[3].markLine.data[0].xAxis).toBe(50);
    expect((rate.option.xAxis as any).min).toBeLessThan(50);
    expect(section(page, 'budgets').charts.map((c) => c.id)).toEqual(['dist-settlement-latency-p99', 'dist-negotiation-success-rate']);
  });

  it('draws the other metrics that varied, by group, and names those that did not', () => {
    expect(section(page, 'messages').charts.map((c) => c.id)).toEqual(['dist-messages-total']);
    expect(section(page, 'messages').notes).toEqual(['0 in every seed: errors.total.']);
    expect(series(chart(page, 'dist-messages-total')).map((x) => x.name)).toEqual(['quartiles', 'seeds']);
    expect(section(page, 'negotiation').charts).toEqual([]);
    expect(section(page, 'negotiation').notes).toEqual(['The same in every seed: negotiation.rounds.mean 4.']);
    // The deals' value from each seed's deals, and the compensations by cause.
    expect(section(page, 'deals').charts.map((c) => c.id)).toEqual(['dist-deals-mean-value', 'dist-deals-value', 'compensated-by-cause']);
    const ids = charts(page).map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+$/);
  });

  it('lists every failing seed with what went wrong and the command that replays it', () => {
    const [failing] = section(page, 'failing-seeds').tables!;
    expect(failing!.rows).toEqual([
      ['3', 'budget breached', P99_BUDGET, 'a2a-sim run scenarios/unit.yaml --seed 3'],
      ['4', 'budget breached', P99_BUDGET, 'a2a-sim run scenarios/unit.yaml --seed 4'],
      ['5', 'invariant violated', 'money not conserved (at 1234 µs of virtual time)', 'a2a-sim run scenarios/unit.yaml --seed 5'],
    ]);
    expect(failing!.code).toEqual([3]);
  });

  it('passes with every seed passing, and says so where the failing seeds would be', () => {
    const good = swarmPage(buildSwarmReport({ ...swarm, file: 'u.yaml', firstSeed: 1, budgets: [], outcomes: [ok(1), ok(2)], wallclock: swarm.wallclock }));
    expect(good.verdict).toEqual({ text: 'all 2 seeds passed', state: 'pass' });
    expect(good.summary).toBeUndefined();
    expect(section(good, 'failing-seeds').empty).toMatch(/^Every seed passed/);
    expect(section(good, 'budgets').empty).toBe('The scenario has no budgets.');
  });

  it('draws a swarm.json written before the budgets were recorded, from the budgets its seeds breached', () => {
    const { budgets: _, ...old } = swarm;
    expect(section(swarmPage(old as SwarmReport), 'budgets').charts.map((c) => c.id)).toEqual(['dist-settlement-latency-p99']);
  });

  it('spreads latencies far below their budget on a log axis', () => {
    const far = swarmPage(buildSwarmReport({ scenario: 'u', file: 'u.yaml', firstSeed: 1, budgets: ['settlement_latency.p99 < 10s'], outcomes: [ok(1), ok(2)], wallclock: swarm.wallclock }));
    expect((chart(far, 'dist-settlement-latency-p99').option.xAxis as any).type).toBe('log');
    expect((chart(page, 'dist-settlement-latency-p99').option.xAxis as any).type).toBe('value');
  });
});

const metric = (name: string, better: 'higher' | 'lower', change: number, low: number, high: number, verdict: MetricComparison['verdict'], noise = 0.01): MetricComparison => ({
  metric: name,
  better,
  noise,
  pairs: 3,
  baseline_mean: 100,
  candidate_mean: 100 * (1 + change),
  change,
  low,
  high,
  verdict,
});

const seeds = (side: 'b' | 'c'): SeedFigures[] =>
  [1, 2, 3, 4].map((seed): SeedFigures =>
    seed === 4 && side === 'c'
      ? { seed, status: 'violation' as const, problem: { message: 'broken', virtual_us: 9 }, metrics: {} }
      : { seed, status: 'ok' as const, metrics: { 'negotiation.success_rate': side === 'b' ? 0.9 : 0.7, 'errors.total': seed * (side === 'b' ? 10 : 11) } },
  );

const comparison: CompareReport = {
  format: 'a2a-market-sim/compare@1',
  baseline: { scenario: 'base', file: 'base.yaml', saved: false },
  candidate: { scenario: 'cand', file: 'cand.yaml' },
  seeds: [1, 2, 3, 4],
  confidence: 0.95,
  resamples: 2000,
  thresholds: ['negotiation.success_rate: -2%', 'negotiation.success_rate: -2%'],
  metrics: [
    metric('negotiation.success_rate', 'higher', -0.22, -0.25, -0.2, 'regressed', 0.02),
    metric('errors.total', 'lower', 0.1, 0.05, 0.15, 'regressed'),
    metric('deals.buyer_surplus', 'higher', 0.4, 0.3, 3.5, 'improved'),
    { ...metric('breaker.opens', 'lower', 0, 0, 0, 'unchanged'), pairs: 0, baseline_mean: null, candidate_mean: null, change: null, low: null, high: null },
  ],
  regressed: ['negotiation.success_rate', 'errors.total'],
  improved: ['deals.buyer_surplus'],
  outliers: [{ seed: 2, metric: 'negotiation.success_rate', baseline: 0.9, candidate: 0.7, worse_by: 0.22 }],
  failures: [{ side: 'candidate', seed: 4, status: 'violation', message: 'broken' }],
  baseline_seeds: seeds('b'),
  candidate_seeds: seeds('c'),
  passed: false,
  wallclock: { elapsed_ms: 5, workers: 0, node: '20' },
};

describe('the page of a comparison', () => {
  const page = comparePage(comparison);

  it('says what was compared and which metrics regressed', () => {
    expect(page.title).toBe('cand against base: comparison');
    expect(page.verdict).toEqual({ text: '2 metrics regressed: negotiation.success_rate, errors.total', state: 'fail' });
    const facts = Object.fromEntries(page.facts);
    expect(facts.baseline).toBe('base (base.yaml)');
    expect(facts.seeds).toMatch(/^1 to 4 \(4\), paired/);
    expect(facts.thresholds).toBe('negotiation.success_rate: -2% (the other metrics at their defaults)');
    expect(facts.ran).toBe('5 ms on Node 20, on the main thread');
  });

  it('draws each metric with a change as a dot, its interval and its noise band, in % of the baseline, in the order compared', () => {
    const forest = forestChart(comparison);
    const [custom] = series(forest);
    expect((forest.option.yAxis as any).data).toEqual(['negotiation.success_rate (regressed)', 'errors.total (regressed)', 'deals.buyer_surplus (improved)', 'breaker.opens (no pairs)']);
    expect(custom.data.map((d: any) => [d.value.map((x: number) => Number(x.toFixed(6))), d.verdict])).toEqual([
      [[0, -22, -25, -20, 2], 'regressed'],
      [[1, 10, 5, 15, 1], 'regressed'],
      [[2, 40, 30, 350, 1], 'improved'],
    ]);
    // An interval reaching +350% would squash the rest: the axis stops at 100% and says the interval is cut.
    expect((forest.option.xAxis as any).max).toBe(100);
    expect(forest.caption).toContain('cut at the edge');
    expect(section(page, 'changes').tables![0]!.states).toEqual(['fail', 'fail', 'pass', 'none']);
  });

  it('ends its axis on a round figure that reaches every interval when none is wild', () => {
    expect(forestLimit([metric('a', 'higher', -0.22, -0.25, -0.2, 'regressed')])).toEqual({ limit: 30, clipped: false });
    expect([0.7, 1, 13, 26.25, 55, 101].map(niceCeiling)).toEqual([0.8, 1, 15, 30, 60, 120]);
  });

  it('draws every metric seed by seed, over the seeds that finished on both sides', () => {
    const rate = pairedChart(comparison, comparison.metrics[0]!);
    expect((rate.option.xAxis as any).data).toEqual(['1', '2', '3']);
    expect(series(rate).map((s) => [s.name, s.data])).toEqual([
      ['baseline', [90, 90, 90]],
      ['candidate', [70, 70, 70]],
    ]);
    expect(rate.caption).toContain('regressed');
    // A metric no pair has gets no chart.
    expect(section(page, 'per-seed').charts.map((c) => c.id)).toEqual(['pairs-negotiation-success-rate', 'pairs-errors-total', 'pairs-deals-buyer-surplus']);
  });

  it('lists the pairs to replay and the runs that did not finish, with their commands', () => {
    expect(section(page, 'outliers').tables![0]!.rows).toEqual([['negotiation.success_rate', '2', '90%', '70%', '+22.0%', 'a2a-sim run base.yaml --seed 2', 'a2a-sim run cand.yaml --seed 2']]);
    expect(section(page, 'failures').tables![0]!.rows).toEqual([['candidate', '4', 'invariant violated', 'broken', 'a2a-sim run cand.yaml --seed 4']]);
    const saved = comparePage({ ...comparison, baseline: { ...comparison.baseline, saved: true } });
    expect(section(saved, 'outliers').tables![0]!.rows[0]![5]).toBe('(saved figures)');
  });

  it('passes when nothing regressed and every run finished', () => {
    const fine = comparePage({ ...comparison, regressed: [], improved: [], failures: [] });
    expect(fine.verdict).toEqual({ text: 'nothing regressed', state: 'pass' });
    expect(section(fine, 'failures').empty).toBe('Every run finished, on both sides.');
  });
});

describe('the kinds of report', () => {
  it('are recognised by their format, each drawn by its own page', () => {
    expect(kindOfFormat('a2a-market-sim/swarm@1')).toBe('swarm');
    expect(kindOfFormat('a2a-market-sim/compare@1')).toBe('compare');
    expect(kindOfFormat('a2a-market-sim/report@1')).toBe('run');
    expect(kindOfFormat('a2a-market-sim/tournament@1')).toBe('tournament');
    expect(kindOfFormat('a2a-market-sim/partial@1')).toBeUndefined();
    expect(pageOf(pageDataOf(swarm)!).title).toBe(REPORT_KINDS.swarm.title(swarm));
    expect(pageOf(pageDataOf(comparison)!).title).toBe(REPORT_KINDS.compare.title(comparison));
  });
});
