import { describe, expect, it } from 'vitest';
import { PricePath } from '../../src/market/price-path.js';
import { RegimeTimeline } from '../../src/market/regimes.js';

const S = 1_000_000;
const MINUTE = 60 * S;

interface RegimeSpec {
  name: string;
  duration: number;
  volatility_per_minute: number;
  drift_per_minute?: number;
}

function regimes(...specs: RegimeSpec[]): RegimeTimeline {
  return new RegimeTimeline(specs.map((s) => ({ drift_per_minute: 0, demand_multiplier: 1, ...s })));
}

function path(timeline: RegimeTimeline, opts: { seed?: string | number; horizonUs?: number; tickUs?: number; windowUs?: number; category?: string } = {}): PricePath {
  return new PricePath(opts.category ?? 'widgets', 10_000, opts.tickUs ?? S, opts.horizonUs ?? 2 * MINUTE, opts.windowUs ?? 30 * S, timeline, opts.seed ?? 42);
}

function samples(p: PricePath, untilUs: number, stepUs = S): number[] {
  const out: number[] = [];
  for (let t = 0; t <= untilUs; t += stepUs) out.push(p.priceAt(t));
  return out;
}

const volatile = () => regimes({ name: 'wild', duration: 2 * MINUTE, volatility_per_minute: 0.1 });

describe('PricePath', () => {
  it('starts at the initial price', () => {
    expect(path(volatile()).priceAt(0)).toBe(10_000);
  });

  it('is identical for the same seed', () => {
    expect(samples(path(volatile(), { seed: 7 }), 2 * MINUTE)).toEqual(samples(path(volatile(), { seed: 7 }), 2 * MINUTE));
  });

  it('differs for a different seed', () => {
    const a = samples(path(volatile(), { seed: 7 }), 2 * MINUTE);
    const b = samples(path(volatile(), { seed: 8 }), 2 * MINUTE);
    expect(a).not.toEqual(b);
    // Not just one tick: the paths diverge from the first step on.
    expect(a[1]).not.toBe(b[1]);
  });

  it('differs between categories under the same seed (separate streams)', () => {
    const a = samples(path(volatile(), { category: 'widgets' }), MINUTE);
    const b = samples(path(volatile(), { category: 'gadgets' }), MINUTE);
    expect(a).not.toEqual(b);
  });

  it('stays exactly constant with zero volatility and zero drift', () => {
    const p = path(regimes({ name: 'flat', duration: 2 * MINUTE, volatility_per_minute: 0 }));
    for (const price of samples(p, 3 * MINUTE, 7 * S)) expect(price).toBe(10_000);
    expect(p.realisedVolatilityAt(MINUTE)).toBe(0);
  });

  it('follows the drift exactly when volatility is zero', () => {
    const p = path(regimes({ name: 'trend', duration: 2 * MINUTE, volatility_per_minute: 0, drift_per_minute: 0.01 }));
    expect(p.priceAt(MINUTE)).toBeCloseTo(10_000 * Math.exp(0.01), 6);
    expect(p.priceAt(2 * MINUTE)).toBeCloseTo(10_000 * Math.exp(0.02), 6);
  });

  it('holds each price for a whole tick', () => {
    const p = path(volatile());
    expect(p.priceAt(S - 1)).toBe(p.priceAt(0));
    expect(p.priceAt(S)).not.toBe(p.priceAt(0));
    expect(p.priceAt(5 * S + 999_999)).toBe(p.priceAt(5 * S));
  });

  it('applies a regime from the first tick that starts inside it', () => {
    // 10 s flat, then volatile: the step that starts at 10 s is the first to move.
    const p = path(regimes({ name: 'flat', duration: 10 * S, volatility_per_minute: 0 }, { name: 'wild', duration: MINUTE, volatility_per_minute: 0.3 }));
    expect(p.priceAt(10 * S)).toBe(10_000);
    expect(p.priceAt(11 * S)).not.toBe(10_000);
  });

  it('measures realised volatility near 0 in a calm regime and clearly higher in a volatile one', () => {
    const p = path(
      regimes({ name: 'calm', duration: MINUTE, volatility_per_minute: 0.001 }, { name: 'spike', duration: MINUTE, volatility_per_minute: 0.2 }),
      { windowUs: 30 * S },
    );
    const calm = p.realisedVolatilityAt(MINUTE - S);
    const spike = p.realisedVolatilityAt(2 * MINUTE - S);
    expect(calm).toBeGreaterThan(0);
    expect(calm).toBeLessThan(0.005);
    expect(spike).toBeGreaterThan(0.1);
    expect(spike).toBeLessThan(0.35);
    expect(spike).toBeGreaterThan(20 * calm);
  });

  it('holds the last price after the horizon', () => {
    const horizonUs = MINUTE;
    const p = path(volatile(), { horizonUs });
    const last = p.priceAt(horizonUs + S);
    expect(p.priceAt(horizonUs + 10 * S)).toBe(last);
    expect(p.priceAt(100 * MINUTE)).toBe(last);
    expect(p.realisedVolatilityAt(100 * MINUTE)).toBe(p.realisedVolatilityAt(horizonUs + S));
    // Before the horizon the path still moves.
    expect(p.priceAt(horizonUs - S)).not.toBe(p.priceAt(horizonUs - 2 * S));
  });

  it('treats negative times as time zero', () => {
    const p = path(volatile());
    expect(p.priceAt(-5 * S)).toBe(10_000);
  });

  it('keeps prices positive (geometric motion)', () => {
    const p = path(regimes({ name: 'extreme', duration: 2 * MINUTE, volatility_per_minute: 1 }), { seed: 'neg' });
    for (const price of samples(p, 2 * MINUTE)) expect(price).toBeGreaterThan(0);
  });
});
