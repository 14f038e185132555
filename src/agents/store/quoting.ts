/**
 * A store's negotiation and quoting: it prices a request from the category's market reference,
 * its negotiator answers the buyer's counters within the store's rounds, and each answer goes
 * out as a quote replacing the last, kept between the store's floor and the quote it replaces.
 */
import type { ExposureLimiter } from '../../risk/limiter.js';
import { IdMaker } from '../../protocol/ids.js';
import { moneyByReference, roundMinor, toMinor, toWire } from '../../protocol/money.js';
import type { MessageOf, Party, QuoteItem, QuotePayload, Totals } from '../../protocol/schemas.js';
import { isoDate, isoTimestamp } from '../../protocol/time.js';
import type { StorePlan } from '../../scenario/schema.js';
import type { AgentContext } from '../agent.js';
import type { QuoteBook, QuoteState, QuoteTerms, StoreNegotiation } from './quote-book.js';
import type { BuiltinHost } from '../strategies/bayesian.js';
import type { Negotiator, Response } from '../strategies/contract.js';
import { callPropose, callRespond, NegotiationView, StrategyFailure, type ViewContext } from '../strategies/host.js';
import { Strategy } from '../strategies/registry.js';
import { limiterKey, type StoreHost } from './host.js';
import type { StoreOrders } from './orders.js';

const US_PER_DAY = 86_400_000_000;
/** The round a quote replacing `prev` is in: 0 for the first quote. */
const roundAfter = (prev: QuoteState | undefined): number => (prev === undefined ? 0 : prev.round + 1);
/** The most a quote replacing `prev` may ask: the list, then the quote it replaces. */
const capOf = (terms: QuoteTerms, prev: QuoteState | undefined): number => (prev === undefined ? terms.listMinor : prev.totalMinor);

/**
 * "Applied 12.5% discount" per thousandth of the list price: made once each, not once per quote.
 * (Filled with undefined from the start: an array written first at a high index is sparse, and
 * every read of a sparse array takes V8's slow path.)
 */
const discountNotes: (string | undefined)[] = Array.from({ length: 1001 }, () => undefined);
function discountNote(perMille: number): string {
  return (discountNotes[perMille] ??= `Applied ${perMille / 10}% discount`);
}

// A quote's totals and its negotiation's terms share amounts (see moneyByReference). The terms'
// shape lists every key of the literal in onIntent (a literal with other keys has another
// layout); the numbers rewritten at every quote start as 0, so that they are written in place
// rather than boxed anew each time. A quoted item's price is held by reference too: the
// validation of every quote and confirmation passes it to the money rule.
moneyByReference(
  { availability: null, name: null, quantity: null, sku: null, unit_price: null },
  { discount: null, shipping: null, subtotal: null, tax: null, total: null },
  { shipping: null, subtotal: null, tax: null, total: null },
  { conversationId: null, buyer: null, items: null, subtotal: null, tax: null, listMinor: null, floorMinor: null, deliveryEstimate: null, category: null, limiterKey: null, neg: null, quoteId: null, key: 0, payload: null, totalMinor: 0, validUntilUs: 0, round: 0, issuedUs: 0 },
);

export class StoreQuoting {
  private quoteSeq = 0;
  private readonly quoteIds: IdMaker;
  /** the shipping charge as on the wire, the same in every quote */
  private readonly shipping: number;
  private readonly strategy: Strategy;
  /** what built-in negotiators may use of this store (a counter of reasons, idle opponent models) */
  private readonly builtins: BuiltinHost;
  /** what every negotiation's view shares */
  private readonly views: ViewContext;

  constructor(
    private readonly host: StoreHost,
    private readonly ctx: AgentContext,
    private readonly plan: StorePlan,
    localName: string,
    private readonly quotes: QuoteBook,
    private readonly limiter: ExposureLimiter | undefined,
    private readonly orders: StoreOrders,
  ) {
    this.quoteIds = new IdMaker(`q_${localName}_`);
    this.shipping = toWire(plan.shipping);
    this.strategy = new Strategy(plan.strategy);
    this.builtins = { reason: (key) => ctx.metrics.reason(key), idleModels: [] };
    this.views = { role: 'store', maxRounds: plan.strategy.maxRounds, deadlineUs: plan.strategy.deadlineUs, clock: ctx.kernel, market: ctx.market, seed: ctx.seed, agent: localName, recordOffers: this.strategy.keepsOffers };
  }

  private get nowUs(): number {
    return this.ctx.kernel.nowUs;
  }

  /** Steps 2–3: price the requested items from the market and quote, or explain why not. */
  onIntent(m: MessageOf<'a2a.commerce.intent'> | MessageOf<'a2a.commerce.request'>): void {
    const now = this.nowUs;
    if (!this.orders.mandateAllows(m, m.payload.items[0]?.sku)) return;
    const lines = m.payload.items;
    // Made to length: a list grown by push keeps room for 16 more.
    const items = new Array<QuoteItem>(lines.length);
    let weight = 0;
    let units = 0;
    let listSubtotal = 0;
    let floorSubtotal = 0;
    /** the first item's category: the negotiation's */
    let category = '';
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const info = this.ctx.market.sku(line.sku);
      if (!info || !this.plan.categories.includes(info.category)) {
        this.host.sendError(m.from, m.conversation_id, 'item_unavailable', `${this.plan.organisation} does not sell ${line.sku}`, m.id);
        return;
      }
      if (category === '') category = info.category;
      const onHand = this.orders.stock(line.sku);
      if (onHand < line.quantity) {
        this.host.sendError(m.from, m.conversation_id, 'out_of_stock', `${line.sku}: ${onHand} on hand, ${line.quantity} requested`, m.id, this.orders.alternatives(info.category, line.sku, line.quantity));
        return;
      }
      const reference = this.ctx.market.referencePriceMinor(info.category, now) * info.priceFactor;
      const premium = this.plan.volatility_premium * this.ctx.market.realisedVolatility(info.category, now);
      const unit = roundMinor(reference * (1 + this.plan.margin + premium));
      const floorUnit = roundMinor(reference * (1 + this.plan.floor_margin + premium));
      listSubtotal += unit * line.quantity;
      floorSubtotal += floorUnit * line.quantity;
      weight += info.priceFactor * line.quantity;
      units += line.quantity;
      // Keys in RFC 8785 order, as in every part of a quote: the transaction hash is then one JSON.stringify.
      // Frozen, with the list: every quote of the negotiation and the confirmation carry them.
      items[i] = Object.freeze({ availability: onHand >= 4 * line.quantity ? 'in_stock' : 'limited', name: info.name, quantity: line.quantity, sku: line.sku, unit_price: toWire(unit) });
    }
    const deliveryUs = now + this.plan.delivery_days * US_PER_DAY;
    const deliveryBy = m.payload.constraints?.delivery_by;
    const estimate = isoDate(this.ctx.epochMs, deliveryUs);
    if (deliveryBy !== undefined && estimate > deliveryBy) {
      this.host.sendError(m.from, m.conversation_id, 'delivery_unavailable', `earliest delivery is ${estimate}`, m.id);
      return;
    }
    const tax = roundMinor(listSubtotal * this.plan.tax_rate);
    const listTotal = listSubtotal + this.plan.shipping + tax;
    const floorTotal = floorSubtotal + this.plan.shipping + tax;
    const key = this.limiter ? limiterKey(m.from.identifier, m.conversation_id) : '';
    if (this.limiter) {
      const reason = this.limiter.admit(key, m.from.identifier, listTotal, now + this.validityUs(category), this.ctx.market.realisedVolatility(category, now), now);
      if (reason !== null) {
        this.ctx.metrics.reason(`refused:${reason}`);
        this.host.sendError(m.from, m.conversation_id, 'rate_limited', reason === 'open_value' ? `${this.plan.organisation} has too much value in open negotiations` : `${m.from.identifier} holds its share of ${this.plan.organisation}'s open negotiations`, m.id);
        return;
      }
    }
    this.ctx.metrics.scores?.store(m.conversation_id, this.host.id, { floor: floorTotal, list: listTotal });
    Object.freeze(items);
    const terms: QuoteTerms = {
      conversationId: m.conversation_id,
      buyer: m.from.identifier,
      items,
      subtotal: toWire(listSubtotal),
      tax: toWire(tax),
      listMinor: listTotal,
      floorMinor: floorTotal,
      deliveryEstimate: estimate,
      category,
      limiterKey: key,
      neg: undefined,
      quoteId: '',
      key: 0,
      payload: undefined,
      totalMinor: 0,
      validUntilUs: 0,
      round: -1,
      issuedUs: 0,
    };
    if (this.strategy.stateless && this.ctx.firstMover !== 'buyer') {
      // Its first ask is the list total; its view is made if a counter comes (viewOf).
      this.issueQuote(m.from, terms, undefined, listTotal);
      return;
    }
    const view = new NegotiationView(this.views, floorTotal, listTotal, units, terms.category, m.from.identifier, now, weight, m.conversation_id);
    const made = this.strategy.negotiator('store', this.host.identifier, this.host.organisation, m.conversation_id, terms.category, this.builtins);
    if (made instanceof StrategyFailure) {
      this.strategyFailed(m.from, terms, undefined, m.id, made);
      return;
    }
    view.negotiator = made;
    terms.neg = view as StoreNegotiation;
    if (made.onStart !== undefined) {
      const failure = this.host.hook(() => made.onStart!(view));
      if (failure !== undefined) {
        this.strategyFailed(m.from, terms, undefined, m.id, failure);
        return;
      }
    }
    const opening = m.payload.constraints?.max_total;
    if (this.ctx.firstMover === 'buyer' && opening !== undefined) {
      // The buyer moved first: its intent's max_total is its opening offer.
      this.respondTo(m.from, terms, undefined, m.id, toMinor(opening));
      return;
    }
    this.propose(m.from, terms, undefined, m.id);
  }

  // From here to issueQuote, a round is told by who asked (`to`), the negotiation's terms, the
  // quote being countered (`prev`: the same negotiation, with its live quote; none for the first
  // quote) and the message answered (`requestId`): passed along rather than gathered into an
  // object per round. A negotiator that answers with a Promise holds `prev` across the wait; its
  // quote cannot change meanwhile, because the kernel runs nothing else until the Promise settles
  // (Agent.suspend).

  /** The negotiator answers the buyer's offer: meet it, close the negotiation, or make an offer. */
  private respondTo(to: Party, terms: QuoteTerms, prev: QuoteState | undefined, requestId: string, offerMinor: number): void {
    const neg = terms.neg!;
    neg.round = roundAfter(prev);
    neg.offered('buyer', offerMinor);
    const response = callRespond(neg.negotiator, neg, offerMinor);
    if (response instanceof Promise) this.host.suspend(response, (r) => this.responded(to, terms, prev, requestId, offerMinor, r));
    else this.responded(to, terms, prev, requestId, offerMinor, response);
  }

  private responded(to: Party, terms: QuoteTerms, prev: QuoteState | undefined, requestId: string, offerMinor: number, response: Response | StrategyFailure): void {
    if (response instanceof StrategyFailure) {
      this.strategyFailed(to, terms, prev, requestId, response);
      return;
    }
    // Meeting an offer below the floor is not the store's to do: it makes an offer instead.
    if (response === 'accept' && offerMinor >= terms.floorMinor) {
      this.issueQuote(to, terms, prev, Math.min(offerMinor, capOf(terms, prev)));
      return;
    }
    if (response === 'end') {
      this.close(to, terms, prev, requestId, 'the store ended the negotiation');
      return;
    }
    this.propose(to, terms, prev, requestId);
  }

  private propose(to: Party, terms: QuoteTerms, prev: QuoteState | undefined, requestId: string): void {
    const neg = terms.neg!;
    neg.round = roundAfter(prev);
    const total = callPropose(neg.negotiator, neg);
    if (total instanceof Promise) this.host.suspend(total, (t) => this.proposed(to, terms, prev, requestId, t));
    else this.proposed(to, terms, prev, requestId, total);
  }

  /** The store's offer, kept between its floor and the quote it replaces (or its list). */
  private proposed(to: Party, terms: QuoteTerms, prev: QuoteState | undefined, requestId: string, total: number | StrategyFailure): void {
    if (total instanceof StrategyFailure) {
      this.strategyFailed(to, terms, prev, requestId, total);
      return;
    }
    this.issueQuote(to, terms, prev, Math.min(Math.max(total, terms.floorMinor), capOf(terms, prev)));
  }

  /** Ends the negotiation without agreement: negotiation_closed to the buyer. */
  private close(to: Party, terms: QuoteTerms, prev: QuoteState | undefined, requestId: string, text: string): void {
    this.limiter?.release(terms.limiterKey);
    if (prev !== undefined) this.quotes.forget(prev);
    this.ended(terms.neg!, 'no_agreement');
    this.host.sendError(to, terms.conversationId, 'negotiation_closed', text, prev?.quoteId ?? requestId);
  }

  /** A negotiator broke its contract: internal_error to the buyer (whose outcome is strategy_error). */
  private strategyFailed(to: Party, terms: QuoteTerms, prev: QuoteState | undefined, requestId: string, failure: StrategyFailure): void {
    this.host.noteStrategyFailure(this.strategy.name, terms.conversationId, failure);
    this.limiter?.release(terms.limiterKey);
    if (prev !== undefined) this.quotes.forget(prev);
    if (terms.neg !== undefined) this.ended(terms.neg, 'strategy_error');
    this.host.sendError(to, terms.conversationId, 'internal_error', `${this.plan.organisation} could not decide on an offer`, prev?.quoteId ?? requestId);
  }

  /** A quote that lapsed unanswered: its negotiation is over. */
  private readonly expired = (q: QuoteState): void => {
    const neg = q.neg;
    if (neg?.negotiator.onEnd !== undefined) this.ended(neg, 'expired');
  };

  /** The negotiator's onEnd hook, once the negotiation is over for this store. */
  ended(neg: StoreNegotiation, outcome: string): void {
    const negotiator = neg.negotiator;
    if (negotiator.onEnd === undefined) return;
    const failure = this.host.hook(() => negotiator.onEnd!(neg, outcome));
    if (failure !== undefined) this.host.noteStrategyFailure(this.strategy.name, neg.conversationId, failure);
  }

  /** Step 4: the negotiator answers the buyer's counter, within the store's rounds. */
  onCounter(m: MessageOf<'a2a.commerce.counter'>): void {
    const q = this.orders.lookup(m.payload.quote_id, m);
    if (!q) return;
    const terms: QuoteTerms = q;
    const maxRounds = this.plan.strategy.maxRounds;
    if (roundAfter(q) > maxRounds) {
      this.limiter?.release(terms.limiterKey);
      if (terms.neg !== undefined) this.ended(terms.neg, 'no_agreement');
      this.host.sendError(m.from, m.conversation_id, 'negotiation_closed', `no more than ${maxRounds} counter rounds`, q.quoteId);
      return;
    }
    terms.neg ??= this.viewOf(q);
    this.respondTo(m.from, terms, q, m.id, toMinor(m.payload.proposed_changes.max_total));
  }

  /** The view of a stateless built-in's negotiation, made at its first counter from its first quote. */
  private viewOf(q: QuoteState): StoreNegotiation {
    const terms: QuoteTerms = q;
    let weight = 0;
    let units = 0;
    const items = terms.items;
    // (indexed: for-of over a frozen list makes an object per step)
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      weight += (this.ctx.market.sku(item.sku)?.priceFactor ?? 1) * item.quantity;
      units += item.quantity;
    }
    const category = terms.category;
    // (q is the negotiation's first quote, issued when the request was priced: the negotiation's start)
    const view = new NegotiationView(this.views, terms.floorMinor, terms.listMinor, units, category, terms.buyer, q.issuedUs, weight, terms.conversationId);
    view.offered('store', q.totalMinor, q.issuedUs);
    // A shared built-in: making it cannot fail.
    view.negotiator = this.strategy.negotiator('store', this.host.identifier, this.host.organisation, terms.conversationId, category, this.builtins) as Negotiator;
    return view as StoreNegotiation;
  }

  /** Issues the negotiation's quote at `totalMinor`, replacing `prev` (its live quote) if there is one. */
  private issueQuote(to: Party, terms: QuoteTerms, prev: QuoteState | undefined, totalMinor: number): void {
    terms.neg?.offered('store', totalMinor);
    const now = this.nowUs;
    const conversationId = terms.conversationId;
    const items = terms.items;
    const quoteId = this.quoteIds.make(++this.quoteSeq);
    const validUntilUs = now + this.validityUs(terms.category);
    this.limiter?.update(terms.limiterKey, totalMinor, validUntilUs);
    const discount = terms.listMinor - totalMinor;
    // Keys in RFC 8785 order (see onIntent).
    const totals: Totals =
      discount > 0
        ? { discount: toWire(discount), shipping: this.shipping, subtotal: terms.subtotal, tax: terms.tax, total: toWire(totalMinor) }
        : { shipping: this.shipping, subtotal: terms.subtotal, tax: terms.tax, total: toWire(totalMinor) };
    const currency = this.ctx.currency;
    const deliveryEstimate = terms.deliveryEstimate;
    const validUntil = isoTimestamp(this.ctx.epochMs, validUntilUs);
    const replaces = prev?.quoteId;
    // One literal per shape, keys in RFC 8785 order: adding keys one by one grew each payload's
    // property store several times over.
    let payload: QuotePayload;
    if (discount > 0) {
      const note = discountNote(Math.round((1000 * discount) / terms.listMinor));
      payload = replaces
        ? { currency, delivery_estimate: deliveryEstimate, items, note, quote_id: quoteId, replaces, totals, valid_until: validUntil }
        : { currency, delivery_estimate: deliveryEstimate, items, note, quote_id: quoteId, totals, valid_until: validUntil };
    } else {
      payload = replaces
        ? { currency, delivery_estimate: deliveryEstimate, items, quote_id: quoteId, replaces, totals, valid_until: validUntil }
        : { currency, delivery_estimate: deliveryEstimate, items, quote_id: quoteId, totals, valid_until: validUntil };
    }
    // A replaced quote is dead: forget it now, by its key (a counter or accept naming it is told quote_not_found).
    const round = roundAfter(prev);
    if (prev !== undefined) this.quotes.forget(prev);
    terms.quoteId = quoteId;
    terms.key = this.quoteSeq;
    terms.payload = payload;
    terms.totalMinor = totalMinor;
    terms.validUntilUs = validUntilUs;
    terms.round = round;
    terms.issuedUs = now;
    this.quotes.add(terms as QuoteState);
    this.quotes.sweep(now, this.expired);
    this.host.send(to, 'a2a.commerce.quote', conversationId, payload);
  }

  /** Quote validity, shorter as the category's realised volatility rises (quote_validity_shrink). */
  private validityUs(category: string): number {
    const shrink = this.plan.quote_validity_shrink;
    if (shrink === 0) return this.plan.quote_validity;
    return Math.max(1, Math.round(this.plan.quote_validity / (1 + shrink * this.ctx.market.realisedVolatility(category, this.nowUs))));
  }
}
