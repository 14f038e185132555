/**
 * Helpers the library strategies share. Offers live between a side's aspiration (its best: a
 * buyer's lowest total, a store's list) and its reservation (its worst acceptable); a share s of
 * that range conceded is the total aspiration + (reservation − aspiration) · s, for either role.
 */
import type { NegotiationState, OfferRecord, Role } from './contract.js';

/** The total at `share` of the way from aspiration to reservation (rounded to a minor unit). */
export function atShare(s: NegotiationState, share: number): number {
  const t = share <= 0 ? 0 : share >= 1 ? 1 : share;
  return Math.round(s.aspiration + (s.reservation - s.aspiration) * t);
}

/** True when `offer` is at least as good for this side as `level`. */
export function atLeastAsGood(role: Role, offer: number, level: number): boolean {
  return role === 'buyer' ? offer <= level : offer >= level;
}

/** True when `offer` is within this side's reservation. */
export function acceptable(s: NegotiationState, offer: number): boolean {
  return atLeastAsGood(s.role, offer, s.reservation);
}

/** The offers made by `by`, oldest first. */
export function offersBy(history: readonly OfferRecord[], by: Role): number[] {
  const out: number[] = [];
  for (const h of history) if (h.by === by) out.push(h.total);
  return out;
}

/** How many offers `by` has made (offersBy(…).length, without making the list). */
export function countOffersBy(history: readonly OfferRecord[], by: Role): number {
  let n = 0;
  for (let i = 0; i < history.length; i++) if (history[i]!.by === by) n++;
  return n;
}

/** The other side's role. */
export function other(role: Role): Role {
  return role === 'buyer' ? 'store' : 'buyer';
}

/** Keeps `total` within [aspiration, reservation] (either order). */
export function withinRange(s: NegotiationState, total: number): number {
  const lo = Math.min(s.aspiration, s.reservation);
  const hi = Math.max(s.aspiration, s.reservation);
  return Math.round(Math.min(hi, Math.max(lo, total)));
}
