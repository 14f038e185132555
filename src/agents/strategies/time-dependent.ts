/**
 * Time-dependent concession tactics (Faratin et al.): the share of the negotiation range
 * conceded at progress t ∈ [0, 1] is t^(1/e). Boulware (e < 1) holds firm until late,
 * Linear (e = 1) concedes evenly, Conceder (e > 1) gives ground early.
 */

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
