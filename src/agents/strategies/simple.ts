/**
 * The two baselines of every tournament. A hardliner never concedes: it offers its aspiration
 * and accepts only an offer at least as good. A random negotiator (as NegMAS's) offers a total
 * drawn uniformly between its aspiration and its reservation, ends the negotiation with
 * probability p_ending at each offer it hears, and otherwise accepts an offer within its
 * reservation with probability p_acceptance.
 */
import type { Negotiator } from './contract.js';
import { acceptable, atLeastAsGood, atShare } from './library.js';

export const hardliner: Negotiator = {
  respond(s, offer) {
    return atLeastAsGood(s.role, offer, s.aspiration) ? 'accept' : 'reject';
  },
  propose(s) {
    return s.aspiration;
  },
};

export interface RandomOptions {
  readonly p_acceptance: number;
  readonly p_ending: number;
}

export function randomNegotiator(o: RandomOptions): Negotiator {
  return {
    respond(s, offer) {
      if (s.random() < o.p_ending) return 'end';
      return acceptable(s, offer) && s.random() < o.p_acceptance ? 'accept' : 'reject';
    },
    propose(s) {
      return atShare(s, s.random());
    },
  };
}
