/**
 * A category's reference price on a fixed tick grid, moved by its price process (geometric
 * Brownian motion unless the scenario picks another), its volatility and drift set by the
 * regime in force, plus any scripted shocks. The path depends only on the seed and the scenario,
 * never on who asks or when, so every shard sees the same market.
 */
import { GBM, logReturns, type ProcessSpec, type Shock } from './processes.js';
import type { RegimeTimeline } from './regimes.js';

const US_PER_MINUTE = 60_000_000;

export class PricePath {
  /** price in minor units (real-valued) at tick i, i.e. at time i × tickUs */
  private readonly prices: Float64Array;
  /** realised volatility per minute over the trailing window, at tick i */
  private readonly realised: Float64Array;

  constructor(
    readonly category: string,
    readonly initialPriceMinor: number,
    readonly tickUs: number,
    horizonUs: number,
    windowUs: number,
    timeline: RegimeTimeline,
    seed: string | number,
    process: ProcessSpec = GBM,
    shocks: readonly Shock[] = [],
  ) {
    const n = Math.floor(horizonUs / tickUs) + 2;
    const returns = logReturns(process, shocks, initialPriceMinor, tickUs, n, timeline, seed, category);
    const prices = new Float64Array(n);
    prices[0] = initialPriceMinor;
    const dtMin = tickUs / US_PER_MINUTE;
    for (let i = 1; i < n; i++) prices[i] = prices[i - 1]! * Math.exp(returns[i]!);
    // Trailing standard deviation of log returns, scaled to one minute.
    const w = Math.max(2, Math.round(windowUs / tickUs));
    const realised = new Float64Array(n);
    let sum = 0;
    let sumSq = 0;
    for (let i = 1; i < n; i++) {
      sum += returns[i]!;
      sumSq += returns[i]! * returns[i]!;
      if (i > w) {
        sum -= returns[i - w]!;
        sumSq -= returns[i - w]! * returns[i - w]!;
      }
      const k = Math.min(i, w);
      const variance = k > 1 ? Math.max(0, (sumSq - (sum * sum) / k) / (k - 1)) : 0;
      realised[i] = Math.sqrt(variance / dtMin);
    }
    this.prices = prices;
    this.realised = realised;
  }

  /** Number of ticks on the grid. */
  get ticks(): number {
    return this.prices.length;
  }

  /** Price at tick `i` (real-valued minor units). */
  priceAtTick(i: number): number {
    return this.prices[i]!;
  }

  private index(timeUs: number): number {
    return Math.min(this.prices.length - 1, Math.max(0, Math.floor(timeUs / this.tickUs)));
  }

  /** Reference price (real-valued minor units) in force at `timeUs`. */
  priceAt(timeUs: number): number {
    return this.prices[this.index(timeUs)]!;
  }

  /** Realised volatility per minute over the trailing window at `timeUs`. */
  realisedVolatilityAt(timeUs: number): number {
    return this.realised[this.index(timeUs)]!;
  }
}
