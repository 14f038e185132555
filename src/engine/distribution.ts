/** Durations drawn from a distribution, in integer microseconds. */
import type { Draws } from './rng.js';

export type Distribution =
  | { kind: 'constant'; valueUs: number }
  | { kind: 'uniform'; minUs: number; maxUs: number }
  | { kind: 'exponential'; meanUs: number; minUs: number }
  | { kind: 'lognormal'; medianUs: number; p99Us: number; minUs: number };

/**
 * The largest draw of an unbounded distribution (exponential, lognormal): one hour. A wide
 * lognormal's far tail reaches past what virtual time can count exactly (2^53 µs); a draw is cut
 * here instead, far beyond any quantile a scenario names (their parameters are at most 10m).
 */
export const DRAW_CEILING_US = 3_600_000_000;

/** Draws one duration (integer µs, never below the distribution's minimum nor above DRAW_CEILING_US). */
export function sampleUs(dist: Distribution, rng: Draws): number {
  switch (dist.kind) {
    case 'constant':
      return dist.valueUs;
    case 'uniform':
      return Math.round(rng.uniform(dist.minUs, dist.maxUs));
    case 'exponential':
      // rng.exponential's expression, written here: a number returned from a call that is not
      // inlined is boxed, 16 bytes per draw (a store's service time is one per request).
      return Math.min(DRAW_CEILING_US, Math.max(dist.minUs, Math.round(-dist.meanUs * Math.log(1 - rng.next()))));
    case 'lognormal':
      return Math.min(DRAW_CEILING_US, Math.max(dist.minUs, Math.round(rng.lognormal(dist.medianUs, dist.p99Us))));
  }
}

/** The smallest value `sampleUs` can return. */
export function minimumUs(dist: Distribution): number {
  switch (dist.kind) {
    case 'constant':
      return dist.valueUs;
    case 'uniform':
      return dist.minUs;
    case 'exponential':
    case 'lognormal':
      return dist.minUs;
  }
}

/** The distribution's mean, for documentation and sanity checks. */
export function meanUs(dist: Distribution): number {
  switch (dist.kind) {
    case 'constant':
      return dist.valueUs;
    case 'uniform':
      return (dist.minUs + dist.maxUs) / 2;
    case 'exponential':
      return dist.meanUs;
    case 'lognormal': {
      const sigma = Math.log(dist.p99Us / dist.medianUs) / 2.3263478740408408;
      return dist.medianUs * Math.exp((sigma * sigma) / 2);
    }
  }
}
