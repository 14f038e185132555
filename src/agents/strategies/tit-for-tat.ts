/**
 * Behaviour-dependent (imitative) tactics of Faratin, Sierra and Jennings (1998): a side
 * reproduces the other's concessions.
 * - relative: concedes in proportion, the other's offer δ steps back over its newer one times
 *   its own last offer;
 * - random_absolute: concedes the same amount the other did δ steps back, plus a random amount
 *   up to `noise` of its range (in the direction of conceding);
 * - averaged: the proportion over the other's last γ offers.
 * Until the other has conceded enough to imitate, it repeats its own last offer (its aspiration
 * at first). It accepts an offer at least as good as what it would propose next.
 */
import type { NegotiationState, Negotiator } from './contract.js';
import { atLeastAsGood, offersBy, other, withinRange } from './library.js';

export interface TitForTatOptions {
  readonly mode: 'relative' | 'random_absolute' | 'averaged';
  /** steps back whose concession is imitated (relative, random_absolute) */
  readonly delta: number;
  /** offers of the other averaged over (averaged) */
  readonly gamma: number;
  /** largest random extra concession, as a share of the range (random_absolute) */
  readonly noise: number;
}

/** What the imitator proposes next. */
export function imitate(s: NegotiationState, o: TitForTatOptions): number {
  const mine = offersBy(s.history, s.role);
  const theirs = offersBy(s.history, other(s.role));
  const last = mine.length > 0 ? mine[mine.length - 1]! : s.aspiration;
  const m = theirs.length - 1;
  if (o.mode === 'averaged') {
    if (m < o.gamma || theirs[m] === 0) return last;
    return withinRange(s, (theirs[m - o.gamma]! / theirs[m]!) * last);
  }
  const older = theirs[m - o.delta];
  const newer = theirs[m - o.delta + 1];
  if (older === undefined || newer === undefined) return last;
  if (o.mode === 'relative') return newer === 0 ? last : withinRange(s, (older / newer) * last);
  const range = Math.abs(s.reservation - s.aspiration);
  const extra = o.noise * range * s.random();
  return withinRange(s, last + (older - newer) + (s.role === 'buyer' ? extra : -extra));
}

export function titForTat(o: TitForTatOptions): Negotiator {
  return {
    respond(s, offer) {
      return atLeastAsGood(s.role, offer, imitate(s, o)) ? 'accept' : 'reject';
    },
    propose(s) {
      return imitate(s, o);
    },
  };
}
