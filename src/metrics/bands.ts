/**
 * The limit-up/limit-down bands of the categories that have them, per time-series bucket: the
 * trailing mean of the reference price over the band's window, ± its width (as market/halts.ts
 * computes them on ticks). Drawn beside the price in report.html; kept beside the results.
 */
import type { MarketView } from '../market/market.js';
import { formatMinor } from '../protocol/money.js';
import type { SimulationPlan } from '../scenario/schema.js';
import { timeseriesBucketUs } from './timeseries.js';

export interface LimitBands {
  readonly category: string;
  /** half-width of the band around the trailing mean, as a fraction */
  readonly width: number;
  /** per bucket of the time series, at its start */
  readonly lower: string[];
  readonly upper: string[];
}

/** Band edges at the start of every bucket of the time series, for each category with bands. */
export function buildLimitBands(plan: SimulationPlan, market: Pick<MarketView, 'referencePriceMinor'>, endUs: number): LimitBands[] {
  const bucketUs = timeseriesBucketUs(plan);
  const tickUs = plan.market.tick;
  return plan.market.categories.flatMap((c) => {
    if (!c.bands) return [];
    const { width, windowUs } = c.bands;
    const w = Math.max(1, Math.round(windowUs / tickUs));
    const lower: string[] = [];
    const upper: string[] = [];
    for (let i = 0; i * bucketUs <= endUs; i++) {
      // The band a tick is judged against: the mean of the ticks before it (the first tick's own price).
      const k = Math.floor((i * bucketUs) / tickUs);
      let sum = 0;
      let count = 0;
      for (let j = Math.max(0, k - w); j < Math.max(1, k); j++) {
        sum += market.referencePriceMinor(c.name, j * tickUs);
        count++;
      }
      const mean = sum / count;
      lower.push(formatMinor(Math.round(mean * (1 - width))));
      upper.push(formatMinor(Math.round(mean * (1 + width))));
    }
    return [{ category: c.name, width, lower, upper }];
  });
}
