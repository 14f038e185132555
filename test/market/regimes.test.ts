import { describe, expect, it } from 'vitest';
import { RegimeTimeline } from '../../src/market/regimes.js';

const S = 1_000_000;

function timeline(): RegimeTimeline {
  return new RegimeTimeline([
    { name: 'calm', duration: 10 * S, volatility_per_minute: 0.01, drift_per_minute: 0, demand_multiplier: 1 },
    { name: 'spike', duration: 20 * S, volatility_per_minute: 0.2, drift_per_minute: -0.05, demand_multiplier: 4 },
    { name: 'recovery', duration: 5 * S, volatility_per_minute: 0.02, drift_per_minute: 0.01, demand_multiplier: 0.5 },
  ]);
}

describe('RegimeTimeline', () => {
  it('lays regimes end to end from time zero', () => {
    const rs = timeline().regimes;
    expect(rs.map((r) => [r.name, r.startUs, r.endUs])).toEqual([
      ['calm', 0, 10 * S],
      ['spike', 10 * S, 30 * S],
      ['recovery', 30 * S, 35 * S],
    ]);
  });

  it('carries each regime parameter across under its own name', () => {
    const spike = timeline().regimes[1]!;
    expect(spike.volatilityPerMinute).toBe(0.2);
    expect(spike.driftPerMinute).toBe(-0.05);
    expect(spike.demandMultiplier).toBe(4);
  });

  it('switches regime exactly at the boundary (end is exclusive)', () => {
    const t = timeline();
    expect(t.at(0).name).toBe('calm');
    expect(t.at(10 * S - 1).name).toBe('calm');
    expect(t.at(10 * S).name).toBe('spike');
    expect(t.at(30 * S - 1).name).toBe('spike');
    expect(t.at(30 * S).name).toBe('recovery');
  });

  it('indexAt agrees with at at every boundary', () => {
    const t = timeline();
    const probes = [0, 1, 10 * S - 1, 10 * S, 10 * S + 1, 30 * S - 1, 30 * S, 35 * S - 1, 35 * S, 1e12];
    for (const p of probes) expect(t.regimes[t.indexAt(p)]).toBe(t.at(p));
    expect(probes.map((p) => t.indexAt(p))).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
  });

  it('extends the last regime past the end of the timeline', () => {
    const t = timeline();
    expect(t.at(35 * S).name).toBe('recovery');
    expect(t.at(3_600 * S).name).toBe('recovery');
    expect(t.indexAt(3_600 * S)).toBe(2);
  });

  it('with a single regime, every time maps to it', () => {
    const t = new RegimeTimeline([{ name: 'only', duration: S, volatility_per_minute: 0, drift_per_minute: 0, demand_multiplier: 1 }]);
    expect(t.at(0).name).toBe('only');
    expect(t.at(5 * S).name).toBe('only');
    expect(t.indexAt(5 * S)).toBe(0);
  });

  it('maxDemandMultiplier is the highest multiplier of any regime', () => {
    expect(timeline().maxDemandMultiplier()).toBe(4);
  });
});
