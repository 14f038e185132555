import { describe, expect, it } from 'vitest';
import { Market } from '../../src/market/market.js';
import { buildLimitBands } from '../../src/metrics/bands.js';
import { timeseriesBucketUs } from '../../src/metrics/timeseries.js';
import { DRAIN_HORIZON_US } from '../../src/simulation.js';
import { planOf } from '../plans.js';

describe('limit bands per time-series bucket', () => {
  const plan = planOf('scenarios/multi-category.yaml');
  const endUs = plan.duration;
  const market = new Market(plan, plan.duration + DRAIN_HORIZON_US);
  const bands = buildLimitBands(plan, market, endUs);

  it('are given for the categories with bands only, one pair of edges per bucket', () => {
    const withBands = plan.market.categories.filter((c) => c.bands).map((c) => c.name);
    expect(withBands.length).toBeGreaterThan(0);
    expect(bands.map((b) => b.category)).toEqual(withBands);
    const buckets = Math.floor(endUs / timeseriesBucketUs(plan)) + 1;
    for (const b of bands) {
      expect(b.lower).toHaveLength(buckets);
      expect(b.upper).toHaveLength(buckets);
    }
  });

  it('lie the band width either side of the trailing mean of the prices before the bucket', () => {
    const b = bands[0]!;
    const spec = plan.market.categories.find((c) => c.name === b.category)!.bands!;
    const tick = plan.market.tick;
    const i = 5;
    const k = Math.floor((i * timeseriesBucketUs(plan)) / tick);
    const w = Math.round(spec.windowUs / tick);
    let sum = 0;
    for (let j = k - w; j < k; j++) sum += market.referencePriceMinor(b.category, j * tick);
    const mean = sum / w / 100;
    expect(Number(b.lower[i])).toBeCloseTo(mean * (1 - spec.width), 1);
    expect(Number(b.upper[i])).toBeCloseTo(mean * (1 + spec.width), 1);
    expect(Number(b.upper[0]) / Number(b.lower[0])).toBeCloseTo((1 + spec.width) / (1 - spec.width), 3);
  });
});
