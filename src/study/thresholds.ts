/**
 * What a comparison looks at: the metrics compared by default, each with its direction of
 * "better", and regression thresholds in the budget style, "negotiation.success_rate: -1%": the
 * largest change tolerated in the worse direction (the sign says which direction is worse).
 */
import type { RegressionThreshold } from '../scenario/regression.js';

export { parseRegression, type RegressionThreshold } from '../scenario/regression.js';

export type Better = 'higher' | 'lower';

export interface ComparedMetric {
  /** a budget metric name */
  readonly name: string;
  readonly better: Better;
  /** the largest relative change in the worse direction that is noise, e.g. 0.01 */
  readonly noise: number;
}

/** The default noise threshold: 1%. */
export const DEFAULT_NOISE = 0.01;

/**
 * A 99th percentile rests on a run's slowest few negotiations, so it moves more between runs than
 * a mean or a rate: its default noise threshold is wider.
 */
export const TAIL_NOISE = 0.05;

/** Metrics every comparison reports, with their direction (and their own noise threshold, for the tails). */
export const DEFAULT_METRICS: readonly { name: string; better: Better; what: string; noise?: number }[] = [
  { name: 'negotiation.success_rate', better: 'higher', what: 'share of negotiations that ended in a deal' },
  { name: 'deals.buyer_surplus', better: 'higher', what: "per deal, the buyer's budget left over (reservation less price)" },
  { name: 'deals.store_surplus', better: 'higher', what: "per deal, the price above the store's floor" },
  { name: 'deals.price_to_reference', better: 'lower', what: "price paid over the market's reference value (a buyer's view)" },
  { name: 'negotiation.rounds.mean', better: 'lower', what: 'counter rounds per negotiation' },
  { name: 'negotiation_latency.p50', better: 'lower', what: 'negotiation latency, median' },
  { name: 'negotiation_latency.p99', better: 'lower', what: 'negotiation latency, 99th percentile', noise: TAIL_NOISE },
  { name: 'settlement_latency.p99', better: 'lower', what: 'settlement latency, 99th percentile', noise: TAIL_NOISE },
  { name: 'breaker.opens', better: 'lower', what: 'times a circuit breaker opened' },
  { name: 'errors.total', better: 'lower', what: 'error replies sent' },
];

/**
 * The metrics of a comparison: the defaults (noise `noise`), then every threshold's metric with
 * its direction and tolerance (a later threshold for a metric replaces an earlier one).
 */
export function comparedMetrics(thresholds: readonly RegressionThreshold[], noise = DEFAULT_NOISE): ComparedMetric[] {
  const metrics = new Map<string, ComparedMetric>(DEFAULT_METRICS.map((m) => [m.name, { name: m.name, better: m.better, noise: Math.max(noise, m.noise ?? 0) }]));
  for (const t of thresholds) metrics.set(t.metric, { name: t.metric, better: t.worse === 'down' ? 'higher' : 'lower', noise: t.tolerance });
  return [...metrics.values()];
}
