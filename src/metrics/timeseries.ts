/**
 * The run as a time series: per fixed bucket of virtual time, the reference price and realised
 * volatility of each category, negotiations ended and their success rate, breakers open and
 * halts in force; and each organisation's peak exposure per bucket against its limit.
 */
import type { Halt } from '../market/halts.js';
import type { MarketView } from '../market/market.js';
import { formatMinor } from '../protocol/money.js';
import type { SimulationPlan } from '../scenario/schema.js';
import type { Tally } from './collector.js';

export interface TimeseriesBucket {
  readonly start_us: number;
  readonly end_us: number;
  /** per category, at the start of the bucket */
  readonly reference_price: Record<string, string>;
  /** per category, per minute, at the end of the bucket */
  readonly realised_volatility: Record<string, number>;
  readonly negotiations: number;
  readonly succeeded: number;
  readonly success_rate: number | null;
  /** organisations whose breaker was open or half-open at some time in the bucket */
  readonly open_breakers: number;
  /** halts in force at some time in the bucket, as "kind" or "kind:category" */
  readonly halts: string[];
}

export interface ExposureSeries {
  readonly organisation: string;
  readonly limit: string;
  readonly peak: string;
  /** peak exposure per bucket (same buckets as the time series) */
  readonly peaks: string[];
}

/** Width of the time-series buckets: the scenario's, or a thirtieth of the duration in whole seconds. */
export function timeseriesBucketUs(plan: SimulationPlan): number {
  return plan.report.timeseries_bucket ?? Math.max(1_000_000, Math.ceil(plan.duration / 30 / 1_000_000) * 1_000_000);
}

/** Intervals [from, to) in which a breaker was not closed, from its transitions. */
export type OpenIntervals = readonly (readonly [number, number])[];

export function openIntervals(transitions: readonly { timeUs: number; to: string }[], endUs: number): OpenIntervals {
  const out: [number, number][] = [];
  let since = -1;
  for (const t of transitions) {
    if (t.to !== 'closed' && since < 0) since = t.timeUs;
    if (t.to === 'closed' && since >= 0) {
      out.push([since, t.timeUs]);
      since = -1;
    }
  }
  if (since >= 0) out.push([since, endUs + 1]);
  return out;
}

export function buildTimeseries(input: {
  plan: SimulationPlan;
  market: MarketView;
  halts: readonly Halt[];
  endUs: number;
  byBucket: ReadonlyMap<number, Tally>;
  breakers: readonly OpenIntervals[];
}): TimeseriesBucket[] {
  const { plan, market, endUs } = input;
  const bucketUs = timeseriesBucketUs(plan);
  const buckets: TimeseriesBucket[] = [];
  const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
  for (let i = 0; i * bucketUs <= endUs; i++) {
    const from = i * bucketUs;
    const to = from + bucketUs;
    const reference: Record<string, string> = {};
    const volatility: Record<string, number> = {};
    for (const c of plan.market.categories) {
      reference[c.name] = formatMinor(Math.round(market.referencePriceMinor(c.name, from)));
      volatility[c.name] = round6(market.realisedVolatility(c.name, Math.min(to, endUs + 1) - 1));
    }
    const t = input.byBucket.get(i) ?? { count: 0, succeeded: 0 };
    const overlaps = (a: number, b: number) => a < to && b > from;
    buckets.push({
      start_us: from,
      end_us: to,
      reference_price: reference,
      realised_volatility: volatility,
      negotiations: t.count,
      succeeded: t.succeeded,
      success_rate: t.count > 0 ? round6(t.succeeded / t.count) : null,
      open_breakers: input.breakers.filter((list) => list.some(([a, b]) => overlaps(a, b))).length,
      halts: input.halts.filter((h) => overlaps(h.startUs, h.endUs)).map((h) => (h.category === null ? h.kind : `${h.kind}:${h.category}`)),
    });
  }
  return buckets;
}

/** Exposure per organisation with a limit: peak per bucket from the merged samples. */
export function buildExposure(plan: SimulationPlan, endUs: number, peaks: ReadonlyMap<string, number>, lasts: ReadonlyMap<string, number>): ExposureSeries[] {
  const bucketUs = timeseriesBucketUs(plan);
  const n = Math.floor(endUs / bucketUs) + 1;
  return plan.buyers
    .filter((b) => b.exposure_limit !== undefined)
    .map((b) => b.organisation)
    .sort()
    .map((org) => {
      const limit = plan.buyers.find((b) => b.organisation === org)!.exposure_limit!;
      // A bucket without changes holds the exposure the previous one ended with.
      let carry = 0;
      const series = Array.from({ length: n }, (_, i) => {
        const peak = Math.max(carry, peaks.get(exposureKey(org, i)) ?? 0);
        carry = lasts.get(exposureKey(org, i)) ?? carry;
        return peak;
      });
      // (a loop, not Math.max(...series): a long series would overflow the call stack)
      let peak = 0;
      for (const p of series) if (p > peak) peak = p;
      return { organisation: org, limit: formatMinor(limit), peak: formatMinor(peak), peaks: series.map(formatMinor) };
    });
}

/** Key of an organisation's exposure sample in a bucket. */
export function exposureKey(organisation: string, bucket: number): string {
  return `${organisation}|${bucket}`;
}
