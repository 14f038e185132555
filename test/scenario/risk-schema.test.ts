/** Scenario fields of the risk controls: price processes, shocks, halts, bands, limits, exposure. */
import { describe, expect, it } from 'vitest';
import { validate } from '../../src/scenario/load.js';
import { baseScenario, planOf, problemsOf } from './fixtures.js';

function problems(edit: (s: Record<string, any>) => void): { path: string; message: string }[] {
  const s = baseScenario();
  edit(s);
  return problemsOf(validate(s)).map((p) => ({ path: p.path, message: p.message }));
}

const paths = (edit: (s: Record<string, any>) => void) => problems(edit).map((p) => p.path).sort();

describe('valid risk settings', () => {
  it('reads processes, shocks, bands and halts with their defaults', () => {
    const s = baseScenario();
    const c = s.market.categories[0];
    c.process = { kind: 'jump_diffusion', jump_rate: '2/m', jump_mean: -0.01, jump_stdev: 0.02 };
    c.shocks = [{ at: '4m', change: -0.12 }];
    c.bands = { width: 0.05 };
    s.market.halts = {};
    const plan = planOf(validate(s));
    const pc = plan.market.categories[0]!;
    expect(pc.process).toEqual({ kind: 'jump_diffusion', jumpRatePerUs: 2 / 60_000_000, jumpMean: -0.01, jumpStdev: 0.02 });
    expect(pc.shocks).toEqual([{ atUs: 240_000_000, change: -0.12 }]);
    expect(pc.bands).toEqual({ width: 0.05, windowUs: 300_000_000, limitStateUs: 15_000_000, pauseUs: 300_000_000 });
    expect(plan.market.halts!.levels.map((l) => l.drop)).toEqual([0.07, 0.13, 0.2]);
  });

  it('leaves every risk control off unless asked for', () => {
    const plan = planOf(validate(baseScenario()));
    expect(plan.market.halts).toBeUndefined();
    expect(plan.market.categories[0]!.process).toBeUndefined();
    expect(plan.stores[0]!.limits).toBeUndefined();
    expect(plan.stores[0]!.outages).toEqual([]);
    expect(plan.stores[0]!.quote_validity_shrink).toBe(0);
    expect(plan.buyers[0]!.exposure_limit).toBeUndefined();
  });

  it('reads store limits, buyer exposure, approval, burst and breaker trips', () => {
    const s = baseScenario();
    s.stores[0].limits = { max_open_value: '5000.00', counterparty_share: 0.25, volatility_tightening: 5 };
    s.stores[0].outages = [{ from: '1m', to: '2m' }];
    s.buyers[0].exposure_limit = 2500.5;
    s.buyers[0].approval = { above: 500, delay: '20s' };
    s.buyers[0].burst = { at: '30s', negotiations: 1000 };
    s.buyers[0].breaker = { window: '20s', failure_threshold: 0.5, min_volume: 5, cooldown: '5s', half_open_trials: 2, volatility_trip: 0.05 };
    const plan = planOf(validate(s));
    expect(plan.stores[0]!.limits).toEqual({ max_open_value: 500_000, counterparty_share: 0.25, volatility_tightening: 5 });
    expect(plan.stores[0]!.outages).toEqual([{ from: 60_000_000, to: 120_000_000 }]);
    expect(plan.buyers[0]!.exposure_limit).toBe(250_050);
    expect(plan.buyers[0]!.approval).toEqual({ above: 50_000, delay: 20_000_000 });
    expect(plan.buyers[0]!.burst).toEqual({ at: 30_000_000, negotiations: 1000 });
    expect(plan.buyers[0]!.breaker).toMatchObject({ trip_on_exposure: true, volatility_trip: 0.05 });
  });
});

describe('bad risk settings, each named by its path', () => {
  it('rejects an unknown process kind and bad process parameters', () => {
    expect(paths((s) => (s.market.categories[0].process = { kind: 'brownian' }))).toEqual(['market.categories[0].process.kind']);
    expect(paths((s) => (s.market.categories[0].process = { kind: 'mean_reversion', speed_per_minute: -1 }))).toEqual(['market.categories[0].process.speed_per_minute']);
    expect(paths((s) => (s.market.categories[0].process = { kind: 'regime_switching', volatility_multipliers: [1], switch_rate: '1/m' }))).toEqual([
      'market.categories[0].process.volatility_multipliers',
    ]);
    expect(paths((s) => (s.market.categories[0].process = { kind: 'jump_diffusion', jump_rate: '-1/m', jump_mean: 0, jump_stdev: 0.1, extra: 1 }))).toEqual([
      'market.categories[0].process.extra',
      'market.categories[0].process.jump_rate',
    ]);
  });

  it('rejects a shock of -100% or worse and a shock without a duration', () => {
    expect(paths((s) => (s.market.categories[0].shocks = [{ at: '1m', change: -1 }]))).toEqual(['market.categories[0].shocks[0].change']);
    expect(paths((s) => (s.market.categories[0].shocks = [{ at: 60, change: -0.1 }]))).toEqual(['market.categories[0].shocks[0].at']);
  });

  it('rejects halt levels out of order or out of range, and bad bands', () => {
    const levels = (ls: unknown) => (s: Record<string, any>) => (s.market.halts = { levels: ls });
    expect(problems(levels([{ drop: 0.13, duration: '15m' }, { drop: 0.07, duration: '15m' }]))).toEqual([
      { path: 'market.halts.levels', message: 'level drops must increase from one level to the next' },
    ]);
    expect(paths(levels([{ drop: 1.5, duration: '15m' }]))).toEqual(['market.halts.levels[0].drop']);
    expect(paths(levels([{ drop: 0.07, duration: '0s' }]))).toEqual(['market.halts.levels[0].duration']);
    expect(paths(levels([]))).toEqual(['market.halts.levels']);
    expect(paths((s) => (s.market.categories[0].bands = { width: 0, pause: 'soon' }))).toEqual(['market.categories[0].bands.pause', 'market.categories[0].bands.width']);
  });

  it('rejects bad store limits and outages', () => {
    expect(paths((s) => (s.stores[0].limits = { max_open_value: 0, counterparty_share: 1.5 }))).toEqual(['stores[0].limits.counterparty_share', 'stores[0].limits.max_open_value']);
    expect(paths((s) => (s.stores[0].limits = { counterparty_share: 0.5 }))).toEqual(['stores[0].limits.max_open_value']);
    expect(problems((s) => (s.stores[0].outages = [{ from: '2m', to: '1m' }]))).toEqual([{ path: 'stores[0].outages[0].to', message: 'to must be after from' }]);
    expect(paths((s) => (s.stores[0].quote_validity_shrink = -1))).toEqual(['stores[0].quote_validity_shrink']);
  });

  it('rejects bad exposure limits, approvals, bursts and breaker trips', () => {
    expect(paths((s) => (s.buyers[0].exposure_limit = '12.345'))).toEqual(['buyers[0].exposure_limit']);
    expect(paths((s) => (s.buyers[0].exposure_limit = 0))).toEqual(['buyers[0].exposure_limit']);
    expect(paths((s) => (s.buyers[0].approval = { above: 100 }))).toEqual(['buyers[0].approval.delay']);
    expect(paths((s) => (s.buyers[0].burst = { at: '10s', negotiations: 0 }))).toEqual(['buyers[0].burst.negotiations']);
    expect(
      paths((s) => (s.buyers[0].breaker = { window: '20s', failure_threshold: 0.5, min_volume: 5, cooldown: '5s', half_open_trials: 2, volatility_trip: 0, trip_on_exposure: 'yes' })),
    ).toEqual(['buyers[0].breaker.trip_on_exposure', 'buyers[0].breaker.volatility_trip']);
  });

  it('rejects a time-series bucket of zero', () => {
    expect(paths((s) => (s.report = { timeseries_bucket: '0s' }))).toEqual(['report.timeseries_bucket']);
  });
});
