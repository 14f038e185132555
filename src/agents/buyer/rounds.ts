/**
 * A buyer's quotes and rounds: it gathers the stores' answers to its intent, takes the best
 * quote (or tries a substitute), and its negotiator answers each quote: accept it, end the
 * negotiation, or counter, within the rounds and the deadline.
 */
import { PRICE_DEVIATION_LIMIT } from '../../metrics/security.js';
import { moneyByReference, toMinor, toWire } from '../../protocol/money.js';
import type { CommerceMessage, MessageOf, Party } from '../../protocol/schemas.js';
import type { BuyerPlan } from '../../scenario/schema.js';
import type { AgentContext } from '../agent.js';
import type { Preparing } from '../strategies/bayesian.js';
import type { Response } from '../strategies/contract.js';
import { callPropose, callRespond, StrategyFailure } from '../strategies/host.js';
import type { BuyerAccepting } from './accepting.js';
import type { BuyerArrivals } from './arrivals.js';
import type { BuyerHost } from './host.js';
import { RESPONSE_WAIT, type Negotiation, type Negotiations } from './negotiation.js';
import type { BuyerTimers } from './timers.js';

// A counter's amount, held by reference (see moneyByReference).
moneyByReference({ max_total: null, reason: null });

export class BuyerRounds {
  constructor(
    private readonly host: BuyerHost,
    private readonly ctx: AgentContext,
    private readonly plan: BuyerPlan,
    private readonly negotiations: Negotiations,
    private readonly arrivals: BuyerArrivals,
    private readonly accepting: BuyerAccepting,
    private readonly timers: BuyerTimers,
  ) {}

  private get nowUs(): number {
    return this.ctx.kernel.nowUs;
  }

  /** A store's quote: an answer to the intent while quotes are gathered, then the counterpart's next offer. */
  onQuote(n: Negotiation, m: MessageOf<'a2a.commerce.quote'>): void {
    if (this.ctx.trust) this.notePrice(m);
    const totalMinor = toMinor(m.payload.totals.total);
    if (n.phase === 'quoting') {
      if (!this.firstAnswer(n, m.from)) return;
      const best = n.best;
      if (best === undefined) n.best = { from: m.from, quote: m.payload, quoteId: m.payload.quote_id, totalMinor, atUs: this.nowUs };
      else if (totalMinor < best.totalMinor) {
        // The best so far is nobody else's yet: overwritten, not made anew.
        best.from = m.from;
        best.quote = m.payload;
        best.quoteId = m.payload.quote_id;
        best.totalMinor = totalMinor;
        best.atUs = this.nowUs;
      }
      if (--n.awaiting === 0) this.decide(n);
    } else if (n.phase === 'negotiating' && n.counterpart && m.from.identifier === n.counterpart.from.identifier && m.payload.replaces === n.counterpart.quoteId) {
      const offer = n.counterpart;
      offer.from = m.from;
      offer.quote = m.payload;
      offer.quoteId = m.payload.quote_id;
      offer.totalMinor = totalMinor;
      offer.atUs = this.nowUs;
      n.view.offered('store', totalMinor);
      this.evaluate(n);
    }
  }

  /**
   * True for a store's first answer to the intent; a duplicated answer is ignored, and so is an
   * answer from anyone the intent was not sent to (a quote nobody asked for is no offer).
   */
  private firstAnswer(n: Negotiation, from: Party): boolean {
    const stores = n.stores;
    for (let i = 0; i < stores.length; i++) {
      if (stores[i]!.agent !== from.identifier) continue;
      const answered = n.answered;
      if (typeof answered === 'number') {
        if ((answered & (1 << i)) !== 0) return false;
        n.answered = answered | (1 << i);
        return true;
      }
      if (answered[i]) return false;
      answered[i] = true;
      return true;
    }
    return false;
  }

  /** A store's error: an answer to the intent while quotes are gathered, then the end of the negotiation. */
  onError(n: Negotiation, m: MessageOf<'a2a.commerce.error'>): void {
    // The store saw that message before (a duplicate on the wire): not an answer to it.
    if (m.payload.code === 'replay_detected') return;
    if (n.phase === 'quoting') {
      if (!this.firstAnswer(n, m.from)) return;
      if (m.payload.alternatives) (n.alternatives ??= []).push(...m.payload.alternatives);
      if (m.payload.code === 'market_halted') n.halted = true;
      if (m.payload.code === 'internal_error') n.storeFailed = true;
      if (m.payload.code === 'agent_unreachable') n.unreachable = true;
      if (--n.awaiting === 0) this.decide(n);
    } else if (n.counterpart && m.from.identifier === n.counterpart.from.identifier && (m.payload.reference === n.counterpart.quoteId || m.payload.reference === n.lastSentId)) {
      // A store that has run out of rounds ends the negotiation without agreement.
      const code = m.payload.code;
      this.timers.end(n, code === 'negotiation_closed' ? 'no_agreement' : code === 'market_halted' ? 'market_halted' : code === 'internal_error' ? 'strategy_error' : code === 'agent_unreachable' ? 'agent_unreachable' : 'rejected_by_store');
    }
  }

  /** Counterparty risk signal: how far the quoted unit prices are from the market reference. */
  private notePrice(m: MessageOf<'a2a.commerce.quote'>): void {
    let outlier = false;
    // (indexed: for-of over a frozen list, as a store's are, makes an object per step)
    const items = m.payload.items;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const info = this.ctx.market.sku(item.sku);
      if (!info) continue;
      const reference = this.ctx.market.referencePriceMinor(info.category, this.nowUs) * info.priceFactor;
      if (reference > 0 && Math.abs(toMinor(item.unit_price) / reference - 1) > PRICE_DEVIATION_LIMIT) outlier = true;
    }
    this.ctx.metrics.security.quoted(m.from.identifier, outlier);
  }

  /** Step 3: every store answered (or time ran out): take the best quote, or try a substitute. */
  decide(n: Negotiation): void {
    if (n.phase !== 'quoting') return;
    const best = n.best;
    if (best === undefined) {
      const alternative = n.alternatives?.[0];
      if (alternative && !n.substituted && n.items.length === 1) {
        n.substituted = true;
        n.alternatives = undefined;
        n.items = [{ sku: alternative.sku, quantity: n.items[0]!.quantity }];
        this.arrivals.requestQuotes(n);
      } else {
        this.timers.end(n, n.halted ? 'market_halted' : n.storeFailed ? 'strategy_error' : n.unreachable ? 'agent_unreachable' : 'no_quotes');
      }
      return;
    }
    n.phase = 'negotiating';
    n.counterpart = best;
    n.view.counterparty = best.from.identifier;
    n.view.offered('store', best.totalMinor, best.atUs);
    this.evaluate(n);
  }

  /**
   * Step 4: the negotiator answers the quote: accept it, end the negotiation, or reject it and
   * counter with its proposal, within the rounds and the deadline. A quote at or below the last
   * counter is the store meeting it: the buyer holds to its word.
   */
  private evaluate(n: Negotiation): void {
    const offer = n.counterpart!;
    if (offer.totalMinor <= n.lastProposalMinor) {
      this.accepting.accept(n);
      return;
    }
    n.view.round = n.rounds;
    const response = callRespond(n.negotiator!, n.view, offer.totalMinor);
    if (response instanceof Promise) this.host.suspend(response, (r) => this.responded(n, r));
    else this.responded(n, response);
  }

  private responded(n: Negotiation, response: Response | StrategyFailure): void {
    if (response instanceof StrategyFailure) {
      this.timers.strategyFailed(n, response);
      return;
    }
    if (response === 'accept') {
      this.accepting.accept(n);
      return;
    }
    if (response === 'end') {
      this.timers.end(n, 'no_agreement');
      return;
    }
    const s = this.plan.strategy;
    const pastDeadline = s.deadlineUs !== undefined && this.nowUs - n.startUs >= s.deadlineUs;
    if (n.rounds >= s.maxRounds || pastDeadline) {
      this.timers.end(n, pastDeadline ? 'deadline' : 'no_agreement');
      return;
    }
    const proposal = callPropose(n.negotiator!, n.view);
    if (proposal instanceof Promise) this.host.suspend(proposal, (p) => this.counter(n, p));
    else this.counter(n, proposal);
  }

  /** Sends the negotiator's proposal as a counter (never above the buyer's budget). */
  private counter(n: Negotiation, total: number | StrategyFailure): void {
    if (total instanceof StrategyFailure) {
      this.timers.strategyFailed(n, total);
      return;
    }
    const offer = n.counterpart!;
    const proposal = Math.min(total, n.reservationMinor);
    n.rounds++;
    n.lastProposalMinor = proposal;
    n.view.offered('buyer', proposal);
    n.lastSentId = this.host.send(offer.from, 'a2a.commerce.counter', n.conversationId, {
      quote_id: offer.quoteId,
      proposed_changes: { max_total: toWire(proposal), reason: 'Budget constraint' },
    }).id;
    this.timers.arm(n, RESPONSE_WAIT, this.plan.quote_timeout);
  }

  /**
   * For a quote on its way here, work the negotiator's respond() will do on delivery if nothing
   * changes before then, done ahead (an opponent model's consultation) and kept by it.
   */
  prepareFor(m: CommerceMessage, atUs: number): boolean {
    if (m.type !== 'a2a.commerce.quote') return false;
    const n = this.negotiations.get(m.conversation_id);
    const offer = n?.counterpart;
    const negotiator = n?.negotiator as Preparing | undefined;
    if (n === undefined || offer === undefined || negotiator?.prepare === undefined || n.phase !== 'negotiating') return false;
    if (m.from.identifier !== offer.from.identifier || m.payload.replaces !== offer.quoteId) return false;
    const ask = toMinor(m.payload.totals.total);
    if (ask <= n.lastProposalMinor) return false;
    const view = n.view;
    view.round = n.rounds;
    view.atUs = atUs;
    try {
      return negotiator.prepare(view, ask);
    } finally {
      view.atUs = undefined;
    }
  }
}
