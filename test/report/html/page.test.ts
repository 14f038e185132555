/** The page's charts as data: what each draws from a report, without a browser. */
import { describe, expect, it } from 'vitest';
import { pageOf } from '../../../src/report/html/page/page-spec.js';
import { breakerIntervals, clockLabel, priceCharts, successOverTime } from '../../../src/report/html/page/time-options.js';
import { latencyChart, latencyPoints, MAX_NINES, nines, ninesLabel, pairsHeatmap } from '../../../src/report/html/page/tally-options.js';
import { buildReport, type Report } from '../../../src/report/report.js';
import { runSimulation } from '../../../src/simulation.js';
import { planOf } from '../../plans.js';

const wallclock = { started_at: '2026-01-01T00:00:00.000Z', elapsed_ms: 1, events_per_s: 1, messages_per_s: 1, negotiations_per_s: 1, peak_rss_bytes: 1, node: '20', workers: 0 };
const plan = planOf('scenarios/quickstart.yaml');
const report: Report = buildReport('scenarios/quickstart.yaml', runSimulation({ ...plan, duration: 20_000_000 }), wallclock);

const series = (option: any): any[] => option.series;

describe('time axes and breaker intervals', () => {
  it('label virtual time in minutes and seconds', () => {
    expect(clockLabel(0)).toBe('0:00');
    expect(clockLabel(90)).toBe('1:30');
    expect(clockLabel(600)).toBe('10:00');
  });

  it('shade every interval out of the closed state, the last to the end of the run', () => {
    const transitions = [
      { time_us: 10, to: 'open' },
      { time_us: 30, to: 'half_open' },
      { time_us: 35, to: 'open' },
      { time_us: 50, to: 'half_open' },
      { time_us: 60, to: 'closed' },
      { time_us: 80, to: 'open' },
    ];
    expect(breakerIntervals(transitions, 100)).toEqual([
      [10, 30, 'open'],
      [30, 35, 'half_open'],
      [35, 50, 'open'],
      [50, 60, 'half_open'],
      [80, 100, 'open'],
    ]);
  });
});

describe('the price chart of a category', () => {
  const withRisk: Report = {
    ...report,
    results: {
      ...report.results,
      halts: [
        { kind: 'limit_down', category: 'headphones', start_us: 2_000_000, end_us: 5_000_000, move: -0.04 },
        { kind: 'limit_up', category: 'another', start_us: 1_000_000, end_us: 2_000_000, move: 0.04 },
        { kind: 'level_1', category: null, start_us: 6_000_000, end_us: 8_000_000, move: -0.07 },
      ],
      breakers: [{ organisation: 'acme', final_state: 'closed', opens: 1, time_open_us: 0, time_half_open_us: 0, time_closed_us: 0, trips_by_cause: {}, transitions: [{ time_us: 3_000_000, from: 'closed', to: 'open', reason: 'x' }, { time_us: 4_000_000, from: 'open', to: 'closed', reason: 'y' }] }],
    },
    limit_bands: [{ category: 'headphones', width: 0.05, lower: ['9.50'], upper: ['10.50'] }],
  };

  it('shades the halts of its category and the market-wide ones, and each breaker, and draws its bands', () => {
    const category = withRisk.results.market[0]!.category;
    expect(category).toBe('headphones');
    const chart = priceCharts(withRisk)[0]!;
    const s = series(chart.option);
    const halts = s.find((x) => x.name === 'halts and limit-band pauses');
    expect(halts.markArea.data.map((a: any) => [a[0].name, a[0].xAxis, a[1].xAxis])).toEqual([
      ['limit down', 2, 5],
      ['level 1', 6, 8],
    ]);
    const breaker = s.find((x) => x.name === 'breaker acme');
    expect(breaker.markArea.data.map((a: any) => [a[0].xAxis, a[1].xAxis])).toEqual([[3, 4]]);
    expect(s.filter((x) => String(x.name).startsWith('limit band')).map((x) => x.data)).toEqual([[[0, 10.5]], [[0, 9.5]]]);
    const price = s[0];
    expect(price.data).toHaveLength(withRisk.results.timeseries.buckets.length);
    expect(price.data[0]).toEqual([0, Number(withRisk.results.timeseries.buckets[0]!.reference_price[category])]);
  });

  it('marks the start of every regime but the first', () => {
    const twoRegimes: Report = { ...report, results: { ...report.results, negotiation: { ...report.results.negotiation, by_regime: [{ regime: 'calm', start_us: 0, end_us: 10_000_000, count: 1, succeeded: 1, success_rate: 1 }, { regime: 'storm', start_us: 10_000_000, end_us: 20_000_000, count: 1, succeeded: 0, success_rate: 0 }] } } };
    for (const chart of [priceCharts(twoRegimes)[0]!, successOverTime(twoRegimes)]) {
      const lines = series(chart.option).find((x) => x.name === 'regime boundaries');
      expect(lines.markLine.data).toEqual([{ name: 'storm', xAxis: 10 }]);
    }
  });
});

describe('latency percentile curves', () => {
  it('spread the nines evenly and put the maximum last', () => {
    expect([0, 90, 99, 99.9, 99.99].map(nines).map((x) => Math.round(x * 1e9) / 1e9)).toEqual([0, 1, 2, 3, 4]);
    expect(nines(100)).toBe(MAX_NINES);
    expect([0, 1, 2, 3, 4, MAX_NINES].map(ninesLabel)).toEqual(['0%', '90%', '99%', '99.9%', '99.99%', 'max']);
  });

  it('use the percentile table of the report, and p50/p90/p99/max of a report without one', () => {
    const table = report.latency_percentiles!;
    expect(latencyPoints(report, 'settlement')).toEqual(table.percentiles.map((p, i) => [p, table.settlement_us[i]]));
    const old: Report = { ...report, latency_percentiles: undefined };
    const s = report.results.settlement.latency;
    expect(latencyPoints(old, 'settlement')).toEqual([[50, s.p50_us], [90, s.p90_us], [99, s.p99_us], [100, s.max_us]]);
  });

  it('draw the budgets on that latency as lines at their thresholds, green when passed and red when breached', () => {
    const budgets = [
      { expression: 'settlement_latency.p99 < 500ms', metric: 'settlement_latency.p99', value: 1, passed: true },
      { expression: 'settlement_latency.max <= 2s', metric: 'settlement_latency.max', value: 1, passed: false },
      { expression: 'negotiation_latency.p99 < 1s', metric: 'negotiation_latency.p99', value: 1, passed: true },
    ];
    const lines = series(latencyChart({ ...report, budgets }, 'settlement').option)[0].markLine.data;
    expect(lines.map((l: any) => [l.yAxis, l.lineStyle.color])).toEqual([[500, '#2ca02c'], [2000, '#d62728']]);
    expect(lines[1].label.formatter).toBe('settlement_latency.max <= 2s (breached)');
  });
});

describe('the busiest pairs', () => {
  it('are a heatmap of success by buyer and store, each cell labelled with its count', () => {
    const chart = pairsHeatmap(report)!;
    const pairs = report.results.negotiation.top_pairs;
    const option: any = chart.option;
    const cells = option.series[0].data;
    expect(cells).toHaveLength(pairs.length);
    const first = cells[0];
    expect(option.xAxis.data[first.value[0]]).toBe(pairs[0]!.store);
    expect(option.yAxis.data[first.value[1]]).toBe(pairs[0]!.buyer);
    expect(first.value[2]).toBeCloseTo(pairs[0]!.success_rate! * 100, 1);
    expect(first.count).toBe(pairs[0]!.count);
  });

  it('give no chart when no negotiation reached a store', () => {
    expect(pairsHeatmap({ ...report, results: { ...report.results, negotiation: { ...report.results.negotiation, top_pairs: [] } } })).toBeUndefined();
  });
});

describe('the page of a run', () => {
  it('names what ran and its budgets in the header, and gives every chart a unique id', () => {
    const page = pageOf({ kind: 'run', report: { ...report, tool: { name: 'a2a-market-sim', version: '9.9.9', commit: 'abcdef0123456789', dirty: false } } });
    const facts = Object.fromEntries(page.facts);
    expect(facts.scenario).toBe('quickstart');
    expect(facts.seed).toBe(String(report.results.seed));
    expect(facts.tool).toBe('a2a-market-sim 9.9.9 (commit abcdef012345)');
    expect(page.summary?.rows.map((row) => row[0])).toEqual(report.budgets.map((b) => b.expression));
    expect(page.verdict.state).toBe(report.passed ? 'pass' : 'fail');
    const ids = page.sections.flatMap((s) => s.charts.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['success-over-time', 'latency-negotiation', 'latency-settlement', 'messages-by-type', 'strategies']));
  });

  it('refuses a kind it does not know', () => {
    expect(() => pageOf({ kind: 'partial' } as never)).toThrow(/unknown kind of report: partial/);
  });
});
