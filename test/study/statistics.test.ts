import { describe, expect, it } from 'vitest';
import { compareMetric, relativeChange, verdictOf } from '../../src/study/statistics.js';
import { comparedMetrics, DEFAULT_METRICS, parseRegression } from '../../src/study/thresholds.js';

const options = { confidence: 0.95, resamples: 2000, seed: 'test' };
const higher = { name: 'negotiation.success_rate', better: 'higher' as const, noise: 0.01 };
const lower = { name: 'settlement_latency.p99', better: 'lower' as const, noise: 0.01 };

describe('the verdict on a metric', () => {
  it('is regressed only when the whole interval lies beyond the noise threshold in the worse direction', () => {
    expect(verdictOf(higher, -0.05, -0.02)).toBe('regressed');
    expect(verdictOf(higher, -0.05, -0.005)).toBe('unchanged'); // significant, but not all beyond 1%
    expect(verdictOf(higher, -0.05, 0.01)).toBe('unchanged'); // not significant
    expect(verdictOf(lower, 0.02, 0.05)).toBe('regressed');
    expect(verdictOf(lower, -0.05, -0.02)).toBe('improved');
    expect(verdictOf(higher, 0.02, 0.05)).toBe('improved');
  });

  it('measures change against the baseline, or from nothing as ±100%', () => {
    expect(relativeChange(0.8, 0.88)).toBeCloseTo(0.1);
    expect(relativeChange(0, 3)).toBe(1);
    expect(relativeChange(0, 0)).toBe(0);
  });

  it('finds identical pairs unchanged, with an interval of exactly zero', () => {
    const pairs = Array.from({ length: 20 }, (_, k) => [0.8 + k / 100, 0.8 + k / 100] as const);
    const m = compareMetric(higher, pairs, options);
    expect([m.change, m.low, m.high, m.verdict]).toEqual([0, 0, 0, 'unchanged']);
  });

  it('finds a clear drop in a pair-by-pair metric regressed, and a rise improved, with an interval around the change', () => {
    const drop = Array.from({ length: 20 }, (_, k) => [0.8 + (k % 5) / 100, 0.76 + (k % 5) / 100 + (k % 3) / 1000] as const);
    const m = compareMetric(higher, drop, options);
    expect(m.verdict).toBe('regressed');
    expect(m.low!).toBeLessThanOrEqual(m.change!);
    expect(m.high!).toBeGreaterThanOrEqual(m.change!);
    expect(m.high!).toBeLessThan(-0.01);
    expect(compareMetric(higher, drop.map(([a, b]) => [b, a] as const), options).verdict).toBe('improved');
  });

  it('gives the same interval for the same pairs and seed, and another for another seed', () => {
    const noisy = Array.from({ length: 15 }, (_, k) => [1 + ((k * 7) % 11) / 10, 1 + ((k * 5) % 13) / 10] as const);
    expect(compareMetric(lower, noisy, options)).toEqual(compareMetric(lower, noisy, options));
    expect(compareMetric(lower, noisy, { ...options, seed: 'other' }).low).not.toBe(compareMetric(lower, noisy, options).low);
  });
});

describe('regression thresholds', () => {
  it('reads the worse direction from the sign and the tolerance from the percentage', () => {
    expect(parseRegression('negotiation.success_rate: -1%')).toMatchObject({ metric: 'negotiation.success_rate', worse: 'down', tolerance: 0.01 });
    expect(parseRegression('settlement_latency.p99: +10%')).toMatchObject({ metric: 'settlement_latency.p99', worse: 'up', tolerance: 0.1 });
    expect(parseRegression('nosuch.metric: -1%')).toEqual({ error: 'unknown metric "nosuch.metric"' });
    expect('error' in parseRegression('negotiation.success_rate < 1%')).toBe(true);
  });

  it('compares the default metrics, with a threshold replacing a default and adding any budget metric', () => {
    const metrics = comparedMetrics([parseRegression('settlement_latency.p99: +10%') as never, parseRegression('messages.dropped: +5%') as never]);
    expect(metrics.map((m) => m.name)).toEqual([...DEFAULT_METRICS.map((m) => m.name), 'messages.dropped']);
    expect(metrics.find((m) => m.name === 'settlement_latency.p99')).toEqual({ name: 'settlement_latency.p99', better: 'lower', noise: 0.1 });
    expect(metrics.find((m) => m.name === 'negotiation.success_rate')).toEqual({ name: 'negotiation.success_rate', better: 'higher', noise: 0.01 });
    // A tail moves more between runs: its default noise threshold is wider.
    expect(comparedMetrics([]).find((m) => m.name === 'negotiation_latency.p99')).toEqual({ name: 'negotiation_latency.p99', better: 'lower', noise: 0.05 });
  });
});
