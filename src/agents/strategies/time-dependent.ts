/**
 * Time-dependent concession tactics (Faratin et al.): the share of the negotiation range
 * conceded at progress t ∈ [0, 1] is t^(1/e). Boulware (e < 1) holds firm until late,
 * Linear (e = 1) concedes evenly, Conceder (e > 1) gives ground early.
 */
import type { NegotiationState, Negotiator, NegotiatorFactory } from './contract.js';

/** Share of the range conceded at `progress` (clamped to [0, 1]). */
export function concession(progress: number, e: number): number {
  const t = progress <= 0 ? 0 : progress >= 1 ? 1 : progress;
  return Math.pow(t, 1 / e);
}

/**
 * Negotiation progress: the larger of elapsed/deadline and rounds/maxRounds, so the offer
 * reaches its limit at whichever bound comes first.
 */
export function progress(elapsedUs: number, deadlineUs: number | undefined, round: number, maxRounds: number): number {
  const byTime = deadlineUs !== undefined && deadlineUs > 0 ? elapsedUs / deadlineUs : 0;
  return Math.max(byTime, round / maxRounds);
}

/** A buyer's offer: from its target up towards its reservation (the most it will pay). */
export function buyerOffer(targetMinor: number, reservationMinor: number, t: number, e: number): number {
  return Math.round(targetMinor + (reservationMinor - targetMinor) * concession(t, e));
}

/** A store's asking total: from its list total down towards its floor. */
export function storeAsk(listMinor: number, floorMinor: number, t: number, e: number): number {
  return Math.round(listMinor - (listMinor - floorMinor) * concession(t, e));
}

/**
 * The offer a Faratin tactic of exponent `e` makes at counter round `round`: a buyer from its
 * aspiration up, a store from its list down, by the progress of time or rounds.
 */
export function faratinLevel(s: NegotiationState, round: number, e: number): number {
  // progress, concession and buyerOffer or storeAsk, written out (the same expressions, in the same
  // order): fractions passed to and returned from calls that V8 did not inline were boxed, 16
  // bytes each, several per round.
  const elapsedUs = s.elapsedUs;
  const deadlineUs = s.deadlineUs;
  const byTime = deadlineUs !== undefined && deadlineUs > 0 ? elapsedUs / deadlineUs : 0;
  const t = Math.max(byTime, round / s.maxRounds);
  const share = Math.pow(t <= 0 ? 0 : t >= 1 ? 1 : t, 1 / e);
  const aspiration = s.aspiration;
  const reservation = s.reservation;
  return s.role === 'buyer' ? Math.round(aspiration + (reservation - aspiration) * share) : Math.max(reservation, Math.round(aspiration - (aspiration - reservation) * share));
}

/**
 * A Faratin time-dependent negotiator. A buyer accepts a quote at or below what it would offer
 * now and proposes its level at the next round; a store accepts a counter at or above its ask
 * at this round, and asks that.
 */
export function faratin(e: number): Negotiator {
  // A store asks, at a counter, the level it just weighed the counter against: kept, not recomputed.
  let lastState: NegotiationState | undefined;
  let lastRound = -1;
  let lastElapsedUs = -1;
  let lastLevel = 0;
  const level = (s: NegotiationState, round: number): number => {
    const elapsed = s.elapsedUs;
    if (s === lastState && round === lastRound && elapsed === lastElapsedUs) return lastLevel;
    lastState = s;
    lastRound = round;
    lastElapsedUs = elapsed;
    lastLevel = faratinLevel(s, round, e);
    return lastLevel;
  };
  return {
    respond(s, offer) {
      if (s.role === 'buyer') return offer <= level(s, s.round) ? 'accept' : 'reject';
      return offer >= level(s, s.round) ? 'accept' : 'reject';
    },
    propose(s) {
      return level(s, s.role === 'buyer' ? s.round + 1 : s.round);
    },
  };
}

/** The module form: `{ e }` in options. Stateless, so one negotiator serves every negotiation of an exponent. */
export const createFaratin: NegotiatorFactory<{ e: number }> = (options) => faratin(options.e);
