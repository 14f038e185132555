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
      return uniformUs(dist.minUs, dist.maxUs, rng);
    case 'exponential':
      return exponentialUs(dist.meanUs, dist.minUs, rng);
    case 'lognormal':
      return lognormalUs(dist.medianUs, dist.p99Us, dist.minUs, rng);
  }
}

// Each kind of draw is rounded in the call that draws it. A draw is a fraction, and a fraction
// returned from a call that V8 did not inline is boxed (16 bytes: one per message for a link's
// latency, one per request for a store's service time), where a whole number of µs that small is
// not.

function uniformUs(minUs: number, maxUs: number, rng: Draws): number {
  return Math.round(rng.uniform(minUs, maxUs));
}

function exponentialUs(meanUs: number, minUs: number, rng: Draws): number {
  return Math.min(DRAW_CEILING_US, Math.max(minUs, Math.round(rng.exponential(meanUs))));
}

function lognormalUs(medianUs: number, p99Us: number, minUs: number, rng: Draws): number {
  return Math.min(DRAW_CEILING_US, Math.max(minUs, Math.round(rng.lognormal(medianUs, p99Us))));
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
