/**
 * The buyer strategy we ship: concede evenly over the rounds, from the target up to the budget,
 * and take any quote no dearer than the next counter would be.
 */
export function offerAt(state, round) {
  const t = Math.min(1, round / state.maxRounds);
  return Math.round(state.aspiration + (state.reservation - state.aspiration) * t);
}

export default function createNegotiator() {
  return {
    respond: (state, offer) => (offer <= offerAt(state, state.round) ? 'accept' : 'reject'),
    propose: (state) => offerAt(state, state.round + 1),
  };
}
