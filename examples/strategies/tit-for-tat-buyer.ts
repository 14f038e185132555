/**
 * A tit-for-tat procurement agent: it opens halfway between its target and its budget, then
 * concedes exactly as much, in proportion, as the store conceded in its last move (Faratin's
 * relative tit-for-tat), never past its budget. It accepts a quote no dearer than what it would offer next, and walks away
 * when the store has not moved for `patience` quotes in a row.
 *
 * Written only against the negotiator contract: `a2a-sim run` transpiles it on load.
 */
import type { NegotiationState, NegotiatorFactory, Response } from 'a2a-market-sim';

interface Options {
  /** quotes in a row without a concession before walking away (default 3) */
  readonly patience?: number;
}

function offers(state: NegotiationState, by: 'buyer' | 'store'): number[] {
  return state.history.filter((h) => h.by === by).map((h) => h.total);
}

/** The store's last move as a ratio (older over newer ask), applied to our own last offer. */
function nextOffer(state: NegotiationState): number {
  const asks = offers(state, 'store');
  const mine = offers(state, 'buyer');
  const last = mine.length > 0 ? mine[mine.length - 1]! : Math.round((state.aspiration + state.reservation) / 2);
  if (asks.length < 2) return last;
  const ratio = asks[asks.length - 2]! / asks[asks.length - 1]!;
  return Math.min(state.reservation, Math.round(last * ratio));
}

/** Quotes at the end of the history that did not move from the one before. */
function standstill(state: NegotiationState): number {
  const asks = offers(state, 'store');
  let n = 0;
  for (let i = asks.length - 1; i > 0 && asks[i] === asks[i - 1]; i--) n++;
  return n;
}

const createNegotiator: NegotiatorFactory<Options> = (options) => {
  const patience = options.patience ?? 3;
  return {
    respond(state, offer): Response {
      if (offer <= nextOffer(state)) return 'accept';
      if (standstill(state) >= patience) return 'end';
      return 'reject';
    },
    propose(state) {
      return nextOffer(state);
    },
  };
};

export default createNegotiator;
