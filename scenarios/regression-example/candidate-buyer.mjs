/**
 * A candidate buyer strategy: the shipped one, but it never goes past 90% of the way to its
 * budget. The known effect: cheaper deals (more buyer surplus, a lower price against the
 * market) and fewer of them (a lower success rate).
 */
import { offerAt } from './shipped-buyer.mjs';

const CAP = 0.9;

function capped(state, round) {
  const limit = Math.round(state.aspiration + (state.reservation - state.aspiration) * CAP);
  return Math.min(limit, offerAt(state, round));
}

export default function createNegotiator() {
  return {
    respond: (state, offer) => (offer <= capped(state, state.round) ? 'accept' : 'reject'),
    propose: (state) => capped(state, state.round + 1),
  };
}
