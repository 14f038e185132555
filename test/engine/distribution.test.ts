import { describe, expect, it } from 'vitest';
import { DRAW_CEILING_US, meanUs, minimumUs, sampleUs, type Distribution } from '../../src/engine/distribution.js';
import { Rng } from '../../src/engine/rng.js';

const N = 20_000;

function samples(dist: Distribution, seed = 11): number[] {
  const rng = new Rng(seed, `test:${dist.kind}`);
  return Array.from({ length: N }, () => sampleUs(dist, rng));
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

const dists: Distribution[] = [
  { kind: 'constant', valueUs: 2_500 },
  { kind: 'uniform', minUs: 1_000, maxUs: 3_000 },
  { kind: 'exponential', meanUs: 3_000, minUs: 500 },
  { kind: 'lognormal', medianUs: 2_000, p99Us: 12_000, minUs: 500 },
];

describe('sampleUs', () => {
  it.each(dists)('draws integers never below the minimum of a $kind', (dist) => {
    const values = samples(dist);
    const min = minimumUs(dist);
    expect(values.every(Number.isInteger)).toBe(true);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(min);
  });

  it.each(dists)('draws the same values from the same stream ($kind)', (dist) => {
    expect(samples(dist, 5).slice(0, 100)).toEqual(samples(dist, 5).slice(0, 100));
  });

  it('a constant is always its value', () => {
    expect(new Set(samples({ kind: 'constant', valueUs: 2_500 }))).toEqual(new Set([2_500]));
  });

  it('a uniform spreads over [min, max] with the middle as mean', () => {
    const dist: Distribution = { kind: 'uniform', minUs: 1_000, maxUs: 3_000 };
    const values = samples(dist);
    expect(Math.max(...values)).toBeLessThanOrEqual(3_000);
    expect(Math.max(...values)).toBeGreaterThan(2_950);
    expect(Math.min(...values)).toBeLessThan(1_050);
    expect(Math.abs(mean(values) - meanUs(dist))).toBeLessThan(30);
  });

  it('an exponential without a minimum has the given mean', () => {
    const dist: Distribution = { kind: 'exponential', meanUs: 3_000, minUs: 0 };
    const m = mean(samples(dist));
    expect(m / meanUs(dist)).toBeGreaterThan(0.95);
    expect(m / meanUs(dist)).toBeLessThan(1.05);
  });

  it("draws an exponential exactly as the stream's own exponential() does, rounded and clamped", () => {
    for (const dist of [{ kind: 'exponential', meanUs: 3_000, minUs: 500 }, { kind: 'exponential', meanUs: 7_777, minUs: 0 }] as const) {
      const a = new Rng(5, 'same');
      const b = new Rng(5, 'same');
      for (let i = 0; i < 5_000; i++) expect(sampleUs(dist, a)).toBe(Math.min(DRAW_CEILING_US, Math.max(dist.minUs, Math.round(b.exponential(dist.meanUs)))));
    }
  });

  it('an exponential with a minimum clamps the short draws to it', () => {
    const values = samples({ kind: 'exponential', meanUs: 3_000, minUs: 500 });
    // P(X < 500) = 1 - exp(-1/6) ≈ 15% of the draws land on the minimum
    const atMinimum = values.filter((v) => v === 500).length / N;
    expect(atMinimum).toBeGreaterThan(0.13);
    expect(atMinimum).toBeLessThan(0.17);
  });

  it('a lognormal matches its median and p99', () => {
    const values = samples({ kind: 'lognormal', medianUs: 2_000, p99Us: 12_000, minUs: 500 });
    expect(quantile(values, 0.5) / 2_000).toBeGreaterThan(0.95);
    expect(quantile(values, 0.5) / 2_000).toBeLessThan(1.05);
    expect(quantile(values, 0.99) / 12_000).toBeGreaterThan(0.9);
    expect(quantile(values, 0.99) / 12_000).toBeLessThan(1.1);
  });

  it('a lognormal without a minimum has the mean meanUs reports', () => {
    const dist: Distribution = { kind: 'lognormal', medianUs: 2_000, p99Us: 8_000, minUs: 0 };
    const m = mean(samples(dist));
    expect(meanUs(dist)).toBeGreaterThan(2_000);
    expect(m / meanUs(dist)).toBeGreaterThan(0.95);
    expect(m / meanUs(dist)).toBeLessThan(1.05);
  });
});

describe('minimumUs and meanUs', () => {
  it.each([
    [{ kind: 'constant', valueUs: 2_500 }, 2_500, 2_500],
    [{ kind: 'uniform', minUs: 1_000, maxUs: 3_000 }, 1_000, 2_000],
    [{ kind: 'exponential', meanUs: 3_000, minUs: 500 }, 500, 3_000],
  ] as [Distribution, number, number][])('%j has minimum %s and mean %s', (dist, min, m) => {
    expect(minimumUs(dist)).toBe(min);
    expect(meanUs(dist)).toBe(m);
  });

  it('gives a lognormal the mean median · exp(σ²/2) with σ from the p99', () => {
    const sigma = Math.log(6) / 2.3263478740408408;
    expect(meanUs({ kind: 'lognormal', medianUs: 2_000, p99Us: 12_000, minUs: 500 })).toBeCloseTo(2_000 * Math.exp((sigma * sigma) / 2), 6);
    expect(minimumUs({ kind: 'lognormal', medianUs: 2_000, p99Us: 12_000, minUs: 500 })).toBe(500);
  });
});

describe('sampleUs of a distribution with a far tail', () => {
  it('never draws past DRAW_CEILING_US, however wide the lognormal or long the exponential', () => {
    const rng = new Rng(8, 'test:tail');
    const wide: Distribution = { kind: 'lognormal', medianUs: 2_000, p99Us: 8_640_000_000_000_000, minUs: 0 };
    const long: Distribution = { kind: 'exponential', meanUs: 8_640_000_000_000_000, minUs: 0 };
    const values = Array.from({ length: 2_000 }, (_, i) => sampleUs(i % 2 === 0 ? wide : long, rng));
    expect(Math.max(...values)).toBe(DRAW_CEILING_US);
    expect(values.every(Number.isSafeInteger)).toBe(true);
  });
});
