import { describe, expect, it } from 'vitest';
import { PricePath } from '../../src/market/price-path.js';
import { logReturns, type ProcessSpec } from '../../src/market/processes.js';
import { RegimeTimeline } from '../../src/market/regimes.js';

const S = 1_000_000;
const MINUTE = 60 * S;

const timeline = (volatility: number) => new RegimeTimeline([{ name: 'r', duration: 10 * MINUTE, volatility_per_minute: volatility, drift_per_minute: 0, demand_multiplier: 1 }]);

function prices(spec: ProcessSpec, volatility: number, opts: { shocks?: { atUs: number; change: number }[]; seed?: number; minutes?: number } = {}): number[] {
  const p = new PricePath('widgets', 10_000, S, (opts.minutes ?? 10) * MINUTE, 30 * S, timeline(volatility), opts.seed ?? 3, spec, opts.shocks ?? []);
  return Array.from({ length: p.ticks }, (_, i) => p.priceAtTick(i));
}

function stdev(xs: number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

const returnsOf = (ps: number[]) => ps.slice(1).map((p, i) => Math.log(p / ps[i]!));

describe('price processes', () => {
  it('gbm through the process module gives the same path as the default', () => {
    const a = new PricePath('widgets', 10_000, S, 2 * MINUTE, 30 * S, timeline(0.05), 9);
    const b = new PricePath('widgets', 10_000, S, 2 * MINUTE, 30 * S, timeline(0.05), 9, { kind: 'gbm' }, []);
    for (let t = 0; t <= 2 * MINUTE; t += S) expect(b.priceAt(t)).toBe(a.priceAt(t));
  });

  it('a scripted shock moves the price by exactly its change at the first tick at or after it', () => {
    const ps = prices({ kind: 'gbm' }, 0, { shocks: [{ atUs: 4 * MINUTE, change: -0.12 }] });
    expect(ps[239]).toBeCloseTo(10_000, 9);
    expect(ps[240]).toBeCloseTo(8_800, 6);
    expect(ps[241]).toBeCloseTo(8_800, 6);
    const late = prices({ kind: 'gbm' }, 0, { shocks: [{ atUs: 4 * MINUTE + 500_000, change: 0.1 }] });
    expect(late[240]).toBeCloseTo(10_000, 9);
    expect(late[241]).toBeCloseTo(11_000, 6);
  });

  it('jump diffusion adds jumps that plain gbm on the same seed does not have', () => {
    const jumps = prices({ kind: 'jump_diffusion', jumpRatePerUs: 2 / MINUTE, jumpMean: -0.05, jumpStdev: 0.01 }, 0.01);
    const plain = prices({ kind: 'gbm' }, 0.01);
    const big = (ps: number[]) => returnsOf(ps).filter((r) => Math.abs(r) > 0.02).length;
    expect(big(plain)).toBe(0);
    expect(big(jumps)).toBeGreaterThan(5);
    expect(jumps[jumps.length - 1]!).toBeLessThan(plain[plain.length - 1]! * 0.7);
  });

  it('mean reversion pulls the price back to its level after a shock', () => {
    const ps = prices({ kind: 'mean_reversion', speedPerMinute: 2, levelMinor: undefined }, 0, { shocks: [{ atUs: MINUTE, change: -0.2 }] });
    expect(ps[60]).toBeCloseTo(8_000, 3);
    expect(ps[60 + 120]!).toBeGreaterThan(9_900);
    expect(ps[60 + 120]!).toBeLessThanOrEqual(10_000);
    const flat = prices({ kind: 'gbm' }, 0, { shocks: [{ atUs: MINUTE, change: -0.2 }] });
    expect(flat[180]).toBeCloseTo(8_000, 3);
  });

  it('regime switching changes the volatility between its states', () => {
    const spec: ProcessSpec = { kind: 'regime_switching', volatilityMultipliers: [0.2, 8], switchRatePerUs: 1 / MINUTE };
    const rs = returnsOf(prices(spec, 0.01, { minutes: 30 }));
    const windows = Array.from({ length: 30 }, (_, m) => stdev(rs.slice(m * 60, m * 60 + 60)));
    expect(Math.max(...windows) / Math.min(...windows)).toBeGreaterThan(10);
  });

  it('is deterministic per seed and draws jumps from a stream of their own', () => {
    const spec: ProcessSpec = { kind: 'jump_diffusion', jumpRatePerUs: 1 / MINUTE, jumpMean: 0, jumpStdev: 0.05 };
    const tl = timeline(0.02);
    const a = logReturns(spec, [], 10_000, S, 200, tl, 5, 'x');
    expect(Array.from(logReturns(spec, [], 10_000, S, 200, tl, 5, 'x'))).toEqual(Array.from(a));
    expect(Array.from(logReturns(spec, [], 10_000, S, 200, tl, 6, 'x'))).not.toEqual(Array.from(a));
  });
});
