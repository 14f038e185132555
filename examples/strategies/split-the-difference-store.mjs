/**
 * A store that meets the buyer halfway: each counter moves its ask to the midpoint between its
 * last quote and the buyer's offer, but never below its floor (the engine would hold it there
 * anyway) and never more than `max_step` of its list price in one move. It accepts a counter that
 * reaches what it would ask next. Plain JavaScript, no build step: the negotiator contract only.
 *
 * It keeps a little state of its own per negotiation (how many concessions it made), which is
 * safe: the engine creates one negotiator per negotiation.
 */

/** @type {import('a2a-market-sim').NegotiatorFactory<{ max_step?: number }>} */
export default function createNegotiator(options, info) {
  const maxStep = options.max_step ?? 0.05;
  let concessions = 0;

  /** @param {import('a2a-market-sim').NegotiationState} state */
  function nextAsk(state) {
    const quotes = state.history.filter((h) => h.by === 'store');
    const counters = state.history.filter((h) => h.by === 'buyer');
    const lastAsk = quotes.length > 0 ? quotes[quotes.length - 1].total : state.aspiration;
    if (counters.length === 0) return lastAsk;
    const bid = counters[counters.length - 1].total;
    const midpoint = Math.round((lastAsk + bid) / 2);
    const floor = Math.max(state.reservation, lastAsk - Math.round(maxStep * state.aspiration));
    return Math.max(floor, midpoint);
  }

  return {
    onStart(state) {
      concessions = 0;
    },
    respond(state, offer) {
      return offer >= nextAsk(state) ? 'accept' : 'reject';
    },
    propose(state) {
      const ask = nextAsk(state);
      const quotes = state.history.filter((h) => h.by === 'store');
      if (quotes.length > 0 && ask < quotes[quotes.length - 1].total) concessions++;
      return ask;
    },
    onEnd(state, outcome) {
      // A real agent might log `info.conversationId`, `outcome` and `concessions` here.
    },
  };
}
