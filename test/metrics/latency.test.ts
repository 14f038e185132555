import fc from 'fast-check';
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram, PERCENTILE_TABLE, valuesAtPercentiles } from '../../src/metrics/latency.js';

function histogramOf(values: Iterable<number>): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const v of values) h.record(v);
  return h;
}

const range = (from: number, to: number, step = 1) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

describe('LatencyHistogram', () => {
  it('summarises an empty histogram as nulls', () => {
    const h = new LatencyHistogram();
    expect(h.count).toBe(0);
    expect(h.summary()).toEqual({ count: 0, mean_us: null, p50_us: null, p90_us: null, p99_us: null, max_us: null });
  });

  it('gives exact percentiles for small values', () => {
    const s = histogramOf(range(1, 100)).summary();
    expect(s).toEqual({ count: 100, mean_us: 51, p50_us: 50, p90_us: 90, p99_us: 99, max_us: 100 });
  });

  it('keeps mean and max exact for large values', () => {
    const values = [1_234_567, 7_654_321, 3_000_001];
    const s = histogramOf(values).summary();
    expect(s.max_us).toBe(7_654_321);
    expect(s.mean_us).toBe(Math.round((1_234_567 + 7_654_321 + 3_000_001) / 3));
  });

  it('keeps percentiles within 0.1% for large values', () => {
    const s = histogramOf(range(1_000, 1_000_000, 1_000)).summary();
    expect(s.count).toBe(1_000);
    expect(s.mean_us).toBe(500_500);
    expect(Math.abs(s.p50_us! - 500_000) / 500_000).toBeLessThan(0.001);
    expect(Math.abs(s.p90_us! - 900_000) / 900_000).toBeLessThan(0.001);
    expect(Math.abs(s.p99_us! - 990_000) / 990_000).toBeLessThan(0.001);
  });

  it('orders its percentiles', () => {
    const values = range(0, 999).map((i) => Math.round(1_000 * Math.exp(i / 200)));
    const s = histogramOf(values).summary();
    expect(s.p50_us!).toBeLessThanOrEqual(s.p90_us!);
    expect(s.p90_us!).toBeLessThanOrEqual(s.p99_us!);
    expect(s.p50_us!).toBeLessThan(s.p99_us!);
  });

  it('rounds fractional samples and clamps negative ones to zero', () => {
    const s = histogramOf([1.4, 2.6, -5]).summary();
    expect(s.count).toBe(3);
    expect(s.max_us).toBe(3);
    expect(s.mean_us).toBe(Math.round((1 + 3 + 0) / 3));
  });

  it('merges to the same summary as recording everything into one', () => {
    const all = range(1, 5_000, 7).map((v) => v * 37);
    const a = histogramOf(all.filter((_, i) => i % 3 === 0));
    const b = histogramOf(all.filter((_, i) => i % 3 !== 0));
    a.merge(b);
    expect(a.summary()).toEqual(histogramOf(all).summary());
  });

  it('merges in either order to the same summary', () => {
    const x = [5, 50, 500, 5_000, 50_000];
    const y = [7, 70, 700_000];
    const ab = histogramOf(x);
    ab.merge(histogramOf(y));
    const ba = histogramOf(y);
    ba.merge(histogramOf(x));
    expect(ab.summary()).toEqual(ba.summary());
    expect(ab.summary().max_us).toBe(700_000);
    expect(ab.count).toBe(8);
  });

  it('merging an empty histogram changes nothing', () => {
    const h = histogramOf([10, 20, 30]);
    const before = h.summary();
    h.merge(new LatencyHistogram());
    expect(h.summary()).toEqual(before);
  });

  it('reports a lone sample as every percentile, not the top of its bucket', () => {
    // The HDR bucket holding 512 327 µs tops out at 512 511 µs.
    const s = histogramOf([512_327]).summary();
    expect(s).toEqual({ count: 1, mean_us: 512_327, p50_us: 512_327, p90_us: 512_327, p99_us: 512_327, max_us: 512_327 });
  });
});

describe('LatencyHistogram percentiles stay within the recorded range', () => {
  it('never reports a percentile above the exact maximum', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 10; i++) h.record(1_000);
    h.record(27_027); // its HDR bucket tops out above the value itself
    const s = h.summary();
    expect(s.max_us).toBe(27_027);
    expect(s.p99_us).toBeLessThanOrEqual(s.max_us!);
    expect(s.p50_us).toBeGreaterThanOrEqual(1_000);
  });
});

describe('LatencyHistogram.percentiles', () => {
  it('gives the minimum at 0, the maximum at 100 and exact small values between', () => {
    const h = histogramOf(range(1, 1000));
    expect(h.percentiles([0, 50, 99, 99.9, 100])).toEqual([1, 500, 990, 999, 1000]);
  });

  it('follows the tail: one slow sample in ten thousand shows at p99.99 and max only', () => {
    const h = histogramOf([...Array.from({ length: 9_999 }, () => 1_000), 5_000_000]);
    const [p99, p999, p9999, max] = h.percentiles([99, 99.9, 99.99, 100]);
    expect(p99).toBe(1_000);
    expect(p999).toBe(1_000);
    expect(p9999).toBe(1_000);
    expect(max).toBe(5_000_000);
    expect(h.percentiles([99.995])[0]).toBeGreaterThan(4_990_000);
  });

  it('is empty without samples, and the default table runs from p0 to the maximum in order', () => {
    expect(new LatencyHistogram().percentiles()).toEqual([]);
    expect(PERCENTILE_TABLE[0]).toBe(0);
    expect(PERCENTILE_TABLE[PERCENTILE_TABLE.length - 1]).toBe(100);
    expect(PERCENTILE_TABLE).toContain(99.99);
    const values = histogramOf(range(1, 50_000, 7)).percentiles();
    expect(values).toHaveLength(PERCENTILE_TABLE.length);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
  });
});

describe('valuesAtPercentiles', () => {
  it("gives, in one pass, what the histogram's own getValueAtPercentile gives for each percentile", () => {
    const samples = fc.oneof(
      fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 300 }),
      fc.array(fc.integer({ min: 0, max: 3_600_000_000 }), { minLength: 1, maxLength: 300 }),
      fc.tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 1_000 })).map(([v, n]) => Array.from({ length: n }, () => v)),
    );
    const percentiles = fc.array(fc.oneof(fc.constantFrom(0, 50, 99.99, 100, 33.3333), fc.double({ min: 0, max: 100, noNaN: true })), { maxLength: 40 });
    fc.assert(
      fc.property(samples, percentiles, (values, ps) => {
        const h = hdr.build({ bitBucketSize: 32, numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, autoResize: true }) as hdr.JsHistogram;
        for (const v of values) h.recordValue(v);
        for (const table of [ps, [...PERCENTILE_TABLE]]) expect(valuesAtPercentiles(h, table)).toEqual(table.map((p) => h.getValueAtPercentile(p)));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the percentile table as the summary does, clamped to the exact minimum and maximum', () => {
    const h = histogramOf([...range(1, 10_000, 7), 123_456_789, 250]);
    const table = h.percentiles();
    const s = h.summary();
    expect(table[PERCENTILE_TABLE.indexOf(50)]).toBe(s.p50_us);
    expect(table[PERCENTILE_TABLE.indexOf(90)]).toBe(s.p90_us);
    expect(table[PERCENTILE_TABLE.indexOf(99)]).toBe(s.p99_us);
    expect(table[0]).toBe(1);
    expect(table.at(-1)).toBe(123_456_789);
  });
});
