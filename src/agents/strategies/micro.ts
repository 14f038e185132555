/**
 * MiCRO (de Jonge, 2022): concede only as far as the other side has. Its range is cut into
 * `steps` equal concessions; it makes a new, less favourable offer only when the other side has
 * made at least as many different offers as it has, and otherwise repeats one of its earlier
 * offers (drawn at random). It accepts an offer at least as good as the next one it would make.
 */
import type { NegotiationState, Negotiator } from './contract.js';
import { atLeastAsGood, atShare, offersBy, other } from './library.js';

export interface MicroOptions {
  readonly steps: number;
}

function distinct(xs: readonly number[]): number {
  return new Set(xs).size;
}

/** The level of its next new offer: one more step of its range than it has offered so far. */
function nextLevel(s: NegotiationState, o: MicroOptions): number {
  const made = distinct(offersBy(s.history, s.role));
  return atShare(s, made / o.steps);
}

export function micro(o: MicroOptions): Negotiator {
  return {
    respond(s, offer) {
      return atLeastAsGood(s.role, offer, nextLevel(s, o)) ? 'accept' : 'reject';
    },
    propose(s) {
      const mine = offersBy(s.history, s.role);
      const received = distinct(offersBy(s.history, other(s.role)));
      if (mine.length === 0 || received >= distinct(mine)) return nextLevel(s, o);
      const earlier = [...new Set(mine)];
      return earlier[Math.floor(s.random() * earlier.length)]!;
    },
  };
}
