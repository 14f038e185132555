import { describe, expect, it } from 'vitest';
import { Market } from '../../src/market/market.js';
import { buildExposure, buildTimeseries, exposureKey, openIntervals, timeseriesBucketUs } from '../../src/metrics/timeseries.js';
import { HALT_KINDS, HELD_REASONS, metricValues, REFUSED_REASONS } from '../../src/metrics/results.js';
import { budgetMetricNames } from '../../src/scenario/budgets.js';
import { validate } from '../../src/scenario/load.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';
import { runSimulation } from '../../src/simulation.js';
import { baseScenario } from '../scenario/fixtures.js';

const S = 1_000_000;

function plan(edit: (s: Record<string, any>) => void = () => {}): SimulationPlan {
  const s = baseScenario();
  edit(s);
  const r = validate(s);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}

describe('time-series buckets', () => {
  it('default to a thirtieth of the duration in whole seconds, at least one second', () => {
    expect(timeseriesBucketUs(plan((s) => (s.duration = '5m')))).toBe(10 * S);
    expect(timeseriesBucketUs(plan((s) => (s.duration = '10s')))).toBe(S);
    expect(timeseriesBucketUs(plan((s) => (s.report = { timeseries_bucket: '250ms' })))).toBe(250_000);
  });

  it('turn breaker transitions into intervals not closed, open to the end if never closed', () => {
    expect(openIntervals([{ timeUs: 10, to: 'open' }, { timeUs: 20, to: 'half_open' }, { timeUs: 25, to: 'closed' }, { timeUs: 40, to: 'open' }], 100)).toEqual([
      [10, 25],
      [40, 101],
    ]);
  });

  it('count breakers and halts in force in each bucket, and success per bucket', () => {
    const p = plan((s) => {
      s.duration = '30s';
      s.report = { timeseries_bucket: '10s' };
      s.market.categories[0].shocks = [{ at: '12s', change: -0.1 }];
      s.market.halts = { levels: [{ drop: 0.07, duration: '5s' }] };
      for (const r of s.market.regimes) r.volatility_per_minute = 0;
    });
    const market = new Market(p, 60 * S);
    const buckets = buildTimeseries({
      plan: p,
      market,
      halts: market.halts,
      endUs: 30 * S,
      byBucket: new Map([[1, { count: 4, succeeded: 3 }]]),
      breakers: [[[5 * S, 11 * S]]],
    });
    expect(buckets.map((b) => [b.start_us / S, b.open_breakers, b.halts, b.negotiations, b.success_rate])).toEqual([
      [0, 1, [], 0, null],
      [10, 1, ['level_1'], 4, 0.75],
      [20, 0, [], 0, null],
      [30, 0, [], 0, null],
    ]);
    const name = p.market.categories[0]!.name;
    expect(buckets[0]!.reference_price[name]).toBe('150.00');
    expect(buckets[2]!.reference_price[name]).toBe('135.00');
    expect(buckets[0]!.realised_volatility[name]).toBe(0);
    expect(buckets[1]!.realised_volatility[name]).toBeGreaterThan(0);
  });

  it('carry an organisation exposure into buckets without changes', () => {
    const p = plan((s) => {
      s.duration = '40s';
      s.report = { timeseries_bucket: '10s' };
      s.buyers[0].exposure_limit = 100;
    });
    const org = p.buyers[0]!.organisation;
    const peaks = new Map([[exposureKey(org, 0), 6_000], [exposureKey(org, 3), 500]]);
    const lasts = new Map([[exposureKey(org, 0), 4_000], [exposureKey(org, 3), 0]]);
    const [e] = buildExposure(p, 40 * S, peaks, lasts);
    expect(e).toEqual({ organisation: org, limit: '100.00', peak: '60.00', peaks: ['60.00', '40.00', '40.00', '40.00', '0.00'] });
  });
});

describe('budget metrics of the risk controls', () => {
  it('every risk metric the results give is a budget metric name', () => {
    const names = new Set(budgetMetricNames().map((m) => m.name));
    for (const k of HALT_KINDS) expect(names).toContain(`halts.${k}`);
    for (const r of HELD_REASONS) expect(names).toContain(`held.${r}`);
    for (const r of REFUSED_REASONS) expect(names).toContain(`refused.${r}`);
    expect(names).toContain('exposure.peak_ratio');
    expect(names).toContain('halts.count');
  });

  it('takes halts, held and refused counts and the exposure ratio from a run', () => {
    const r = runSimulation(
      plan((s) => {
        s.market.categories[0].shocks = [{ at: '3s', change: -0.1 }];
        s.market.halts = {};
        s.buyers[0].exposure_limit = 600;
        s.buyers[0].intent_rate = '600/m';
      }),
    ).results;
    const v = metricValues(r);
    expect(v.get('halts.count')).toBe(1);
    expect(v.get('halts.level_1')).toBe(1);
    expect(v.get('halts.level_2')).toBe(0);
    expect(v.get('held.exposure_limit')).toBe(r.risk.held_by_reason.exposure_limit);
    expect(v.get('held.exposure_limit')).toBeGreaterThan(0);
    expect(v.get('refused.market_halted')).toBeGreaterThan(0);
    expect(v.get('exposure.peak_ratio')).toBeGreaterThan(0);
    expect(v.get('exposure.peak_ratio')).toBeLessThanOrEqual(1);
  });
});

describe('buildExposure over many buckets', () => {
  it('finds the peak of a series longer than a call can spread (250,000 buckets)', () => {
    const p = plan((s) => {
      s.duration = '1s';
      s.market.regimes = [{ name: 'calm', duration: '1s', volatility_per_minute: 0.005 }];
      s.buyers[0].exposure_limit = 1000;
      s.report = { timeseries_bucket: '4us' };
    });
    const org = p.buyers[0]!.organisation;
    const series = buildExposure(p, 1_000_000, new Map([[exposureKey(org, 177_777), 12_345]]), new Map());
    expect(series[0]!.peaks).toHaveLength(250_001);
    expect(series[0]!.peak).toBe('123.45');
  });
});
