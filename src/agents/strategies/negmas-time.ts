/**
 * Time-based tactics with NegMAS's semantics (BoulwareTBNegotiator, LinearTBNegotiator,
 * ConcederTBNegotiator, and the AspirationNegotiator they share): a side's utility threshold at
 * relative time t is (1 − t^e) − ε on a utility that runs linearly from 1 at its aspiration to
 * 0 at its reservation. It offers the total of lowest utility still at or above the threshold,
 * and accepts an offer whose utility reaches it. NegMAS's exponent convention: e > 1 holds firm
 * (Boulware, e = 4), e < 1 gives ground early (Conceder, e = 0.25).
 *
 * Relative time counts steps as NegMAS's stacked alternating offers do: a side that has made k
 * offers decides and offers at t = (k + 1) / (n + 1), where n = max_rounds + 1 offers each (or
 * by elapsed / deadline, whichever is later). Past its last step (t ≥ 1) it accepts nothing.
 */
import type { NegotiationState, Negotiator } from './contract.js';
import { NegotiationView } from './host.js';
import { countOffersBy } from './library.js';

export const NEGMAS_EXPONENTS = { tb_boulware: 4, tb_linear: 1, tb_conceder: 0.25 } as const;

export interface TimeBasedOptions {
  /** the concession exponent, NegMAS convention */
  readonly e: number;
  /** tolerance on the threshold, in utility (the range aspiration → reservation is 1) */
  readonly epsilon: number;
}

/** NegMAS's relative time for the side whose state this is. */
export function relativeTime(s: NegotiationState): number {
  // The engine's own view counts without making the history's records.
  const own = s instanceof NegotiationView ? s.offersMadeBy(s.role) : countOffersBy(s.history, s.role);
  const steps = s.maxRounds + 1;
  const byStep = (own + 1) / (steps + 1);
  const byTime = s.deadlineUs !== undefined && s.deadlineUs > 0 ? s.elapsedUs / s.deadlineUs : 0;
  return Math.max(byStep, byTime);
}

/** This side's utility of `total`: 1 at its aspiration, 0 at its reservation. */
export function utility(s: NegotiationState, total: number): number {
  const span = s.reservation - s.aspiration;
  return span === 0 ? (total === s.aspiration ? 1 : 0) : (s.reservation - total) / span;
}

function threshold(t: number, o: TimeBasedOptions): number {
  return 1 - Math.pow(t, o.e) - o.epsilon;
}

/**
 * `threshold` with the last answer kept: negotiations that run in step ask for the same relative
 * time one after another, and a fractional power costs more than the rest of a decision. Each
 * negotiator keeps its own (its options are fixed); the numbers sit in a typed array, as plain
 * variables would box them.
 */
function thresholds(o: TimeBasedOptions): (t: number) => number {
  const last = new Float64Array([NaN, 0]);
  return (t) => {
    if (t !== last[0]) {
      last[0] = t;
      last[1] = threshold(t, o);
    }
    return last[1]!;
  };
}

/** The total of lowest utility to this side whose utility is still at or above `level`. */
export function lowestAtOrAbove(s: NegotiationState, level: number): number {
  const a = s.aspiration;
  const r = s.reservation;
  if (level <= 0) return r;
  if (level > 1) return a;
  // utility(p) = (r − p)/(r − a) ≥ level ⇔ p ≤ r − level·(r − a) for a buyer (r > a), ≥ for a store.
  const exact = r - level * (r - a);
  const buyer = r >= a;
  let p = buyer ? Math.floor(exact) : Math.ceil(exact);
  // Step back to the first whole total that reaches the level, as an enumeration would find it.
  const step = buyer ? -1 : 1;
  while (utility(s, p) < level && (buyer ? p > a : p < a)) p += step;
  while (utility(s, p - step) >= level && (buyer ? p - step <= r : p - step >= r)) p -= step;
  return p;
}

export function timeBased(options: TimeBasedOptions): Negotiator {
  const thresholdAt = thresholds(options);
  return {
    respond(s, offer) {
      const t = relativeTime(s);
      if (t >= 1) return 'reject';
      return utility(s, offer) >= thresholdAt(t) ? 'accept' : 'reject';
    },
    propose(s) {
      return lowestAtOrAbove(s, thresholdAt(Math.min(1, relativeTime(s))));
    },
  };
}
