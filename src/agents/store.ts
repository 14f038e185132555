/**
 * A store (supplier sales) agent. It prices from the category's market reference, concedes
 * towards a floor over counter rounds, serves requests through a capacity model (c servers,
 * a service-time distribution, a bounded queue), and on accept executes the order: verifies the
 * accepted terms and the mandate proof, reserves inventory and confirms to the buyer.
 */
import { IdMaker } from '../protocol/ids.js';
import { sampleUs, type Distribution } from '../engine/distribution.js';
import { Fifo } from '../engine/fifo.js';
import { Priority } from '../engine/kernel.js';
import { roundMinor, toMinor, toWire } from '../protocol/money.js';
import { transactionHash } from '../protocol/hash.js';
import type { ErrorCode } from '../protocol/codes.js';
import type { ExecutionRecord } from '../protocol/records.js';
import type { BusinessProfile, CommerceMessage, ErrorPayload, MessageOf, Party, QuoteItem, QuotePayload, Totals } from '../protocol/schemas.js';
import { isoDate, isoTimestamp } from '../protocol/time.js';
import { ExposureLimiter } from '../risk/limiter.js';
import type { StorePlan } from '../scenario/schema.js';
import { StoreSagas, type SagaHost } from '../settlement/store-sagas.js';
import { Agent, type AgentContext } from './agent.js';
import { QuoteBook, type QuoteState, type QuoteTerms, type StoreNegotiation } from './quote-book.js';
import { dealTerms } from './deal-terms.js';
import { mandateScope, MandateSpending } from './mandates.js';
import type { BuiltinHost } from './strategies/bayesian.js';
import type { Negotiator, Response } from './strategies/contract.js';
import { callPropose, callRespond, NegotiationView, StrategyFailure, type ViewContext } from './strategies/host.js';
import { Strategy } from './strategies/registry.js';

/** A service done is the kind -(epoch + 1): the request alone is the event's data, nothing built to carry the epoch. */
const serviceDone = (epoch: number) => -(epoch + 1);
const SAGA_TIMER = 2;
const US_PER_DAY = 86_400_000_000;
/** The round a quote replacing `prev` is in: 0 for the first quote. */
const roundAfter = (prev: QuoteState | undefined): number => (prev === undefined ? 0 : prev.round + 1);
/** The most a quote replacing `prev` may ask: the list, then the quote it replaces. */
const capOf = (terms: QuoteTerms, prev: QuoteState | undefined): number => (prev === undefined ? terms.listMinor : prev.totalMinor);

type Request = MessageOf<'a2a.commerce.intent'> | MessageOf<'a2a.commerce.request'> | MessageOf<'a2a.commerce.counter'> | MessageOf<'a2a.commerce.accept'>;

/** "Applied 12.5% discount" per thousandth of the list price: made once each, not once per quote. */
const discountNotes: string[] = [];
function discountNote(perMille: number): string {
  return (discountNotes[perMille] ??= `Applied ${perMille / 10}% discount`);
}

export class StoreAgent extends Agent {
  readonly profile: BusinessProfile;
  private readonly inventory = new Map<string, number>();
  private readonly quotes: QuoteBook;
  private readonly queue = new Fifo<Request>();
  private busyServers = 0;
  private quoteSeq = 0;
  private orderSeq = 0;
  private readonly quoteIds: IdMaker;
  private readonly orderIds: IdMaker;
  private readonly serviceTime: Distribution;
  private readonly endpoint: string;
  /** the shipping charge as on the wire, the same in every quote */
  private readonly shipping: number;
  /** with a clearing house, accepted quotes settle through sagas */
  private readonly sagas: StoreSagas | undefined;
  /** bumped at a crash: service in progress then is lost */
  private epoch = 0;
  private readonly limiter: ExposureLimiter | undefined;
  /** what this store has taken per mandate and budget period */
  private readonly spending = new MandateSpending();
  private readonly strategy: Strategy;
  private readonly host: BuiltinHost;
  /** what every negotiation's view shares */
  private readonly views: ViewContext;

  constructor(address: StoreAddress, private readonly plan: StorePlan, ctx: AgentContext) {
    super(address, ctx);
    this.quoteIds = new IdMaker(`q_${address.localName}_`);
    this.orderIds = new IdMaker(`ord_${address.localName}_`);
    const l = plan.limits;
    this.limiter = l ? new ExposureLimiter({ maxOpenValueMinor: l.max_open_value, counterpartyShare: l.counterparty_share, volatilityTightening: l.volatility_tightening }) : undefined;
    this.serviceTime = plan.capacity.service_time;
    this.profile = storeProfile(plan, address);
    this.endpoint = this.profile.transports.a2a.endpoint;
    this.shipping = toWire(plan.shipping);
    this.quotes = new QuoteBook(`q_${this.localName}_`);
    this.strategy = new Strategy(plan.strategy);
    this.host = { reason: (key) => ctx.metrics.reason(key), idleModels: [] };
    this.views = { role: 'store', maxRounds: plan.strategy.maxRounds, deadlineUs: plan.strategy.deadlineUs, clock: ctx.kernel, market: ctx.market, seed: ctx.seed, agent: this.localName, recordOffers: !this.strategy.stateless };
    for (const [sku, n] of Object.entries(plan.stock)) this.inventory.set(sku, n);
    if (ctx.settlement && ctx.clearingHouse) this.sagas = new StoreSagas(this.sagaHost(), ctx, ctx.settlement, ctx.clearingHouse);
  }

  private sagaHost(): SagaHost {
    const store = this;
    return {
      get nowUs() {
        return store.nowUs;
      },
      localName: this.localName,
      identifier: this.identifier,
      organisation: this.organisation,
      sendMessage: (to, type, conversationId, payload) => {
        this.send(to, type, conversationId, payload);
      },
      adjustStock: (sku, delta) => {
        const level = this.stock(sku) + delta;
        this.inventory.set(sku, level);
        this.ctx.checker.inventory(this.identifier, sku, level, this.nowUs);
      },
      chance: (p) => this.rng.chance(p),
      sagaTimer: (delayUs, sagaId, token) => this.after(delayUs, SAGA_TIMER, { sagaId, token }),
      trackingUrl: (orderId) => `${this.endpoint}/track/${orderId}`,
      compensated: (deal) => {
        const mandate = this.ctx.mandates.get(deal.mandateId);
        if (mandate) this.spending.release(mandate, deal.acceptedUs, deal.amountMinor);
      },
    };
  }

  protected override get negotiatorRole(): 'store' {
    return 'store';
  }

  /** Units of `sku` on hand. */
  stock(sku: string): number {
    return this.inventory.get(sku) ?? 0;
  }

  protected onMessage(message: CommerceMessage): void {
    switch (message.type) {
      case 'a2a.commerce.intent':
      case 'a2a.commerce.request':
      case 'a2a.commerce.counter':
      case 'a2a.commerce.accept':
        this.admit(message);
        return;
      case 'a2a.commerce.confirmation':
        this.onReceipt(message);
        return;
      case 'a2a.settlement.result':
        this.sagas?.onResult(message);
        return;
      case 'a2a.commerce.error':
        // Errors need no answer; one from the clearing house refused a saga's instruction.
        this.sagas?.onRefused(message);
        return;
      default:
        // Quotes addressed to a store need no answer.
        return;
    }
  }

  /** Capacity model: start service on a free server, queue, or refuse when the queue is full. */
  private admit(request: Request): void {
    if (this.plan.outages.length > 0 && this.plan.outages.some((o) => this.nowUs >= o.from && this.nowUs < o.to)) {
      this.ctx.metrics.reason('refused:outage');
      this.sendError(request.from, request.conversation_id, 'service_unavailable', `${this.plan.organisation} is unavailable`, request.id);
      return;
    }
    if (this.busyServers < this.plan.capacity.servers) {
      this.busyServers++;
      this.startService(request);
    } else if (this.queue.length < this.plan.capacity.queue_limit) {
      this.queue.push(request);
    } else {
      this.ctx.metrics.reason('refused:capacity');
      this.sendError(request.from, request.conversation_id, 'rate_limited', `${this.plan.organisation} is at capacity; retry later`, request.id);
    }
  }

  private startService(request: Request): void {
    this.ctx.kernel.schedule(this.nowUs + sampleUs(this.serviceTime, this.rng), Priority.timer, this, this, serviceDone(this.epoch), request);
  }

  handle(kind: number, data: unknown): void {
    if (this.faultEvent(kind, data)) return;
    if (kind === SAGA_TIMER) {
      const t = data as { sagaId: string; token: number };
      this.sagas?.onTimer(t.sagaId, t.token);
      return;
    }
    if (kind >= 0) return;
    if (kind !== serviceDone(this.epoch)) return; // begun before a crash: lost with it
    this.answer(data as Request, this.process);
    const next = this.queue.shift();
    if (next) this.startService(next);
    else this.busyServers--;
  }

  /** A crash loses quotes, the queue and the work in service; inventory and sagas are persisted. */
  protected override crashed(): void {
    this.epoch++;
    this.busyServers = 0;
    while (this.queue.shift() !== undefined);
    this.quotes.clear();
    this.limiter?.clear();
    this.sagas?.crashed();
  }

  protected override restarted(): void {
    this.sagas?.restarted();
  }

  private process(request: Request): void {
    if (this.ctx.market.halts.length > 0 && this.refuseWhileHalted(request)) return;
    switch (request.type) {
      case 'a2a.commerce.intent':
      case 'a2a.commerce.request':
        this.onIntent(request);
        return;
      case 'a2a.commerce.counter':
        this.onCounter(request);
        return;
      case 'a2a.commerce.accept':
        this.onAccept(request);
    }
  }

  /** While the market or the request's category is halted, requests are refused with market_halted. */
  private refuseWhileHalted(request: Request): boolean {
    const sku = request.type === 'a2a.commerce.intent' || request.type === 'a2a.commerce.request' ? request.payload.items[0]?.sku : this.quote(request.payload.quote_id)?.payload.items[0]?.sku;
    const category = sku === undefined ? undefined : this.ctx.market.sku(sku)?.category;
    if (category === undefined) return false;
    const halt = this.ctx.market.haltAt(category, this.nowUs);
    if (!halt) return false;
    // An accept of a deal already executed is answered from the order, halt or not.
    if (request.type === 'a2a.commerce.accept' && this.quote(request.payload.quote_id)?.confirmation) return false;
    this.ctx.metrics.reason('refused:market_halted');
    const until = isoTimestamp(this.ctx.epochMs, halt.endUs);
    this.sendError(request.from, request.conversation_id, 'market_halted', `${halt.category ?? 'the market'} is halted (${halt.kind}) until ${until}`, request.id);
    return true;
  }

  /** Steps 2–3: price the requested items from the market and quote, or explain why not. */
  private onIntent(m: MessageOf<'a2a.commerce.intent'> | MessageOf<'a2a.commerce.request'>): void {
    const now = this.nowUs;
    if (!this.mandateAllows(m, m.payload.items[0]?.sku)) return;
    const items: QuoteItem[] = [];
    let weight = 0;
    let units = 0;
    let listSubtotal = 0;
    let floorSubtotal = 0;
    for (const line of m.payload.items) {
      const info = this.ctx.market.sku(line.sku);
      if (!info || !this.plan.categories.includes(info.category)) {
        this.sendError(m.from, m.conversation_id, 'item_unavailable', `${this.plan.organisation} does not sell ${line.sku}`, m.id);
        return;
      }
      const onHand = this.stock(line.sku);
      if (onHand < line.quantity) {
        this.sendError(m.from, m.conversation_id, 'out_of_stock', `${line.sku}: ${onHand} on hand, ${line.quantity} requested`, m.id, this.alternatives(info.category, line.sku, line.quantity));
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
      // Frozen, with the list: every quote of the negotiation and the confirmation carry them, checked once.
      items.push(Object.freeze({ availability: onHand >= 4 * line.quantity ? 'in_stock' : 'limited', name: info.name, quantity: line.quantity, sku: line.sku, unit_price: toWire(unit) }));
    }
    const deliveryUs = now + this.plan.delivery_days * US_PER_DAY;
    const deliveryBy = m.payload.constraints?.delivery_by;
    const estimate = isoDate(this.ctx.epochMs, deliveryUs);
    if (deliveryBy !== undefined && estimate > deliveryBy) {
      this.sendError(m.from, m.conversation_id, 'delivery_unavailable', `earliest delivery is ${estimate}`, m.id);
      return;
    }
    const tax = roundMinor(listSubtotal * this.plan.tax_rate);
    const listTotal = listSubtotal + this.plan.shipping + tax;
    const floorTotal = floorSubtotal + this.plan.shipping + tax;
    if (this.limiter) {
      const category = this.ctx.market.sku(m.payload.items[0]!.sku)!.category;
      const reason = this.limiter.admit(this.limiterKey(m.from.identifier, m.conversation_id), m.from.identifier, listTotal, now + this.validityUs(category), this.ctx.market.realisedVolatility(category, now), now);
      if (reason !== null) {
        this.ctx.metrics.reason(`refused:${reason}`);
        this.sendError(m.from, m.conversation_id, 'rate_limited', reason === 'open_value' ? `${this.plan.organisation} has too much value in open negotiations` : `${m.from.identifier} holds its share of ${this.plan.organisation}'s open negotiations`, m.id);
        return;
      }
    }
    this.ctx.metrics.scores?.store(m.conversation_id, this.id, { floor: floorTotal, list: listTotal });
    Object.freeze(items);
    const terms: QuoteTerms = {
      conversationId: m.conversation_id,
      buyer: m.from.identifier,
      items,
      subtotal: toWire(listSubtotal),
      tax: toWire(tax),
      shipping: this.shipping,
      listMinor: listTotal,
      floorMinor: floorTotal,
      firstQuotedUs: now,
      deliveryEstimate: estimate,
      neg: undefined,
    };
    if (this.strategy.stateless && this.ctx.firstMover !== 'buyer') {
      // Its first ask is the list total; its view is made if a counter comes (viewOf).
      this.issueQuote(m.from, terms, undefined, listTotal);
      return;
    }
    const category = this.ctx.market.sku(m.payload.items[0]!.sku)!.category;
    const view = new NegotiationView(this.views, floorTotal, listTotal, units, category, m.from.identifier, now, weight, m.conversation_id);
    const made = this.strategy.negotiator('store', this.identifier, this.organisation, m.conversation_id, category, this.host);
    if (made instanceof StrategyFailure) {
      this.strategyFailed(m.from, terms, undefined, m.id, made);
      return;
    }
    view.negotiator = made;
    terms.neg = view as StoreNegotiation;
    if (made.onStart !== undefined) {
      const failure = this.hook(() => made.onStart!(view));
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
  // quote being countered (`prev`, none for the first quote) and the message answered
  // (`requestId`): passed along rather than gathered into an object per round.

  /** The negotiator answers the buyer's offer: meet it, close the negotiation, or make an offer. */
  private respondTo(to: Party, terms: QuoteTerms, prev: QuoteState | undefined, requestId: string, offerMinor: number): void {
    const neg = terms.neg!;
    neg.round = roundAfter(prev);
    neg.offered('buyer', offerMinor);
    const response = callRespond(neg.negotiator, neg, offerMinor);
    if (response instanceof Promise) this.suspend(response, (r) => this.responded(to, terms, prev, requestId, offerMinor, r));
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
    if (total instanceof Promise) this.suspend(total, (t) => this.proposed(to, terms, prev, requestId, t));
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
    this.limiter?.release(this.limiterKey(to.identifier, terms.conversationId));
    if (prev !== undefined) this.quotes.forget(prev.quoteId);
    this.ended(terms.neg!, 'no_agreement');
    this.sendError(to, terms.conversationId, 'negotiation_closed', text, prev?.quoteId ?? requestId);
  }

  /** A negotiator broke its contract: internal_error to the buyer (whose outcome is strategy_error). */
  private strategyFailed(to: Party, terms: QuoteTerms, prev: QuoteState | undefined, requestId: string, failure: StrategyFailure): void {
    this.noteStrategyFailure(this.strategy.name, terms.conversationId, failure);
    this.limiter?.release(this.limiterKey(to.identifier, terms.conversationId));
    if (prev !== undefined) this.quotes.forget(prev.quoteId);
    if (terms.neg !== undefined) this.ended(terms.neg, 'strategy_error');
    this.sendError(to, terms.conversationId, 'internal_error', `${this.plan.organisation} could not decide on an offer`, prev?.quoteId ?? requestId);
  }

  /** A quote that lapsed unanswered: its negotiation is over. */
  private readonly expired = (q: QuoteState): void => {
    const neg = q.terms.neg;
    if (neg?.negotiator.onEnd !== undefined) this.ended(neg, 'expired');
  };

  /** The negotiator's onEnd hook, once the negotiation is over for this store. */
  private ended(neg: StoreNegotiation, outcome: string): void {
    const negotiator = neg.negotiator;
    if (negotiator.onEnd === undefined) return;
    const failure = this.hook(() => negotiator.onEnd!(neg, outcome));
    if (failure !== undefined) this.noteStrategyFailure(this.strategy.name, neg.conversationId, failure);
  }

  /** Step 4: the negotiator answers the buyer's counter, within the store's rounds. */
  private onCounter(m: MessageOf<'a2a.commerce.counter'>): void {
    const q = this.lookup(m.payload.quote_id, m);
    if (!q) return;
    const terms = q.terms;
    const maxRounds = this.plan.strategy.maxRounds;
    if (roundAfter(q) > maxRounds) {
      this.limiter?.release(this.limiterKey(terms.buyer, terms.conversationId));
      if (terms.neg !== undefined) this.ended(terms.neg, 'no_agreement');
      this.sendError(m.from, m.conversation_id, 'negotiation_closed', `no more than ${maxRounds} counter rounds`, q.quoteId);
      return;
    }
    terms.neg ??= this.viewOf(q);
    this.respondTo(m.from, terms, q, m.id, toMinor(m.payload.proposed_changes.max_total));
  }

  /** The view of a stateless built-in's negotiation, made at its first counter from its first quote. */
  private viewOf(q: QuoteState): StoreNegotiation {
    const terms = q.terms;
    let weight = 0;
    let units = 0;
    const items = terms.items;
    // (indexed: for-of over a frozen list makes an object per step)
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      weight += (this.ctx.market.sku(item.sku)?.priceFactor ?? 1) * item.quantity;
      units += item.quantity;
    }
    const category = this.ctx.market.sku(terms.items[0]!.sku)?.category ?? '';
    const view = new NegotiationView(this.views, terms.floorMinor, terms.listMinor, units, category, terms.buyer, terms.firstQuotedUs, weight, terms.conversationId);
    view.offered('store', q.totalMinor, q.issuedUs);
    // A shared built-in: making it cannot fail.
    view.negotiator = this.strategy.negotiator('store', this.identifier, this.organisation, terms.conversationId, category, this.host) as Negotiator;
    return view as StoreNegotiation;
  }

  /** Issues a quote at `totalMinor`, replacing `prev` if there is one. */
  private issueQuote(to: Party, terms: QuoteTerms, prev: QuoteState | undefined, totalMinor: number): void {
    terms.neg?.offered('store', totalMinor);
    const now = this.nowUs;
    const conversationId = terms.conversationId;
    const items = terms.items;
    const quoteId = this.quoteIds.make(++this.quoteSeq);
    const validUntilUs = now + this.validityUs(this.ctx.market.sku(items[0]!.sku)?.category);
    this.limiter?.update(this.limiterKey(to.identifier, conversationId), totalMinor, validUntilUs);
    const discount = terms.listMinor - totalMinor;
    // Keys in RFC 8785 order (see onIntent).
    const totals: Totals =
      discount > 0
        ? { discount: toWire(discount), shipping: terms.shipping, subtotal: terms.subtotal, tax: terms.tax, total: toWire(totalMinor) }
        : { shipping: terms.shipping, subtotal: terms.subtotal, tax: terms.tax, total: toWire(totalMinor) };
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
    // A replaced quote is dead: forget it now (a counter or accept naming it is told quote_not_found).
    this.quotes.add({ quoteId, key: this.quoteSeq, terms, payload, totalMinor, validUntilUs, round: roundAfter(prev), issuedUs: now }, replaces);
    this.quotes.sweep(now, this.expired);
    this.send(to, 'a2a.commerce.quote', conversationId, payload);
  }

  /** Steps 5–7 on the store's side: verify, execute (reserve inventory), confirm. Idempotent per quote. */
  private onAccept(m: MessageOf<'a2a.commerce.accept'>): void {
    const deal = this.sagas?.forQuote(m.payload.quote_id);
    if (deal) {
      this.sagas!.answerAgain(deal, m.from);
      return;
    }
    const q = this.lookup(m.payload.quote_id, m, true);
    if (!q) return;
    if (q.confirmation) {
      this.send(m.from, 'a2a.commerce.confirmation', m.conversation_id, q.confirmation);
      return;
    }
    const refuse = (code: ErrorCode, text: string, alternatives?: ErrorPayload['alternatives']) => {
      this.ctx.metrics.executionRefused(code);
      this.noteRefusal(m, code);
      this.sendError(m.from, m.conversation_id, code, text, q.quoteId, alternatives);
    };
    const proof = m.payload.mandate_proof;
    const hash = transactionHash(q.payload);
    if (proof.transaction_hash !== hash) {
      refuse('quote_mismatch', 'transaction_hash does not match the quote as issued');
      return;
    }
    const mandate = this.ctx.mandates.get(proof.mandate_id);
    if (!mandate || !this.ctx.mandates.verify(proof.mandate_id, hash, proof.signature)) {
      refuse('mandate_invalid_signature', 'mandate proof does not verify');
      return;
    }
    if (!this.mandateAllows(m, q.payload.items[0]?.sku, proof.mandate_id)) return;
    if (q.totalMinor > mandate.maxPerPurchaseMinor || !this.spending.fits(mandate, this.nowUs, q.totalMinor)) {
      refuse('mandate_exceeded', q.totalMinor > mandate.maxPerPurchaseMinor ? `total exceeds the mandate's limit per purchase` : `total exceeds what is left of the mandate's budget for this period`);
      return;
    }
    if (mandate.approvalThresholdMinor !== undefined && q.totalMinor > mandate.approvalThresholdMinor && !this.ctx.mandates.approved(mandate, hash, proof.approval)) {
      refuse('approval_required', `a total above ${toWire(mandate.approvalThresholdMinor)} needs a human approval`);
      return;
    }
    const items = q.payload.items;
    // (indexed: for-of over a frozen list makes an object per step)
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (this.stock(item.sku) < item.quantity) {
        const category = this.ctx.market.sku(item.sku)?.category ?? '';
        refuse('out_of_stock', `${item.sku} sold out before the accept arrived`, this.alternatives(category, item.sku, item.quantity));
        return;
      }
    }
    if (this.sagas) {
      const sagas = this.sagas;
      this.spending.add(mandate, this.nowUs, q.totalMinor);
      this.limiter?.release(this.limiterKey(q.terms.buyer, q.terms.conversationId));
      this.quotes.close(q);
      if (this.ctx.trust?.adversaryKind(m.from.identifier) === 'mandate_exceeder') this.ctx.metrics.security.acceptedHostile('mandate_exceeder');
      if (q.terms.neg !== undefined) this.ended(q.terms.neg, 'succeeded');
      this.ctx.metrics.storeDeal(q.totalMinor - q.terms.floorMinor);
      // The saga answers later, with a confirmation; its steps are not a reply to this accept.
      this.detached(() => sagas.start(q.quoteId, m.conversation_id, m.from, this.ctx.organisationOf(m.from.identifier), q.totalMinor, hash, q.payload.items, q.payload.totals, proof.mandate_id));
      return;
    }
    const now = this.nowUs;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const level = this.stock(item.sku) - item.quantity;
      this.inventory.set(item.sku, level);
      this.ctx.checker.inventory(this.identifier, item.sku, level, now);
    }
    this.spending.add(mandate, now, q.totalMinor);
    const orderId = this.orderIds.make(++this.orderSeq);
    const execution: ExecutionRecord = {
      order_id: orderId,
      quote_id: q.quoteId,
      store: this.identifier,
      buyer: m.from.identifier,
      transaction_hash: hash,
      items: q.payload.items,
      totals: q.payload.totals,
    };
    this.ctx.metrics.executions++;
    this.ctx.metrics.storeDeal(q.totalMinor - q.terms.floorMinor);
    // Observer only: a hostile agent's order must never execute.
    if (this.ctx.trust?.adversaryKind(m.from.identifier) === 'mandate_exceeder') this.ctx.metrics.security.acceptedHostile('mandate_exceeder');
    this.ctx.checker.storeExecuted(hash, dealTerms(orderId, hash, q.totalMinor), now, q.quoteId);
    this.ctx.trace?.record({ vt_us: now, event: 'execution', execution });
    this.quotes.executedAs(q, orderId);
    this.limiter?.release(this.limiterKey(q.terms.buyer, q.terms.conversationId));
    q.confirmation = { order_id: orderId, status: 'confirmed', items: q.payload.items, totals: q.payload.totals, tracking: { url: `${this.endpoint}/track/${orderId}` } };
    if (q.terms.neg !== undefined) this.ended(q.terms.neg, 'succeeded');
    this.send(m.from, 'a2a.commerce.confirmation', m.conversation_id, q.confirmation);
  }

  /** Step 7: the buyer returns the confirmation; the order is closed once its terms match ours. */
  private onReceipt(m: MessageOf<'a2a.commerce.confirmation'>): void {
    if (this.sagas && m.payload.status === 'acknowledged') {
      const deal = this.sagas.forOrder(m.payload.order_id);
      // A receipt is a confirmed deal acknowledged; a cancelled one is acknowledged too, but is no deal.
      if (deal && this.sagas.acknowledged(deal, m.from) && deal.answer?.status === 'confirmed') this.ctx.metrics.receipts++;
      return;
    }
    const q = this.quotes.order(m.payload.order_id);
    if (!q || q.acknowledged || m.payload.status !== 'acknowledged' || q.terms.buyer !== m.from.identifier) return;
    if (m.payload.totals.total !== q.payload.totals.total) {
      this.sendError(m.from, m.conversation_id, 'quote_mismatch', `order ${m.payload.order_id} was confirmed at ${q.payload.totals.total}`, m.id);
      return;
    }
    q.acknowledged = true;
    this.ctx.metrics.receipts++;
  }

  /** Finds a live quote for `m`, answering with the right error when there is none. */
  private lookup(quoteId: string, m: Request, allowExecuted = false): QuoteState | undefined {
    const q = this.quote(quoteId);
    if (!q || q.terms.buyer !== m.from.identifier) {
      this.sendError(m.from, m.conversation_id, 'quote_not_found', `no quote ${quoteId} for ${m.from.identifier}`, quoteId);
      return undefined;
    }
    if (q.confirmation && allowExecuted) return q;
    if (q.confirmation) {
      this.sendError(m.from, m.conversation_id, 'quote_not_found', `quote ${quoteId} was already accepted`, quoteId);
      return undefined;
    }
    if (q.validUntilUs < this.nowUs) {
      this.sendError(m.from, m.conversation_id, 'quote_expired', `quote ${quoteId} expired at ${q.payload.valid_until}`, quoteId);
      return undefined;
    }
    return q;
  }

  /** The live quote with this id, if it is one of ours. */
  private quote(quoteId: string): QuoteState | undefined {
    return this.quotes.get(quoteId);
  }

  /** Quote validity, shorter as the category's realised volatility rises (quote_validity_shrink). */
  private validityUs(category: string | undefined): number {
    const shrink = this.plan.quote_validity_shrink;
    if (shrink === 0 || category === undefined) return this.plan.quote_validity;
    return Math.max(1, Math.round(this.plan.quote_validity / (1 + shrink * this.ctx.market.realisedVolatility(category, this.nowUs))));
  }

  private limiterKey(buyer: string, conversationId: string): string {
    return `${buyer}|${conversationId}`;
  }

  /**
   * Checks the mandate a request names: its token, validity window and scope (category of
   * `sku`, this merchant). Answers with the matching error and returns false when it fails.
   */
  private mandateAllows(m: Request, sku: string | undefined, mandateId?: string): boolean {
    const ref = mandateId ?? (m.type === 'a2a.commerce.intent' || m.type === 'a2a.commerce.request' ? m.payload.mandate_ref : undefined);
    if (ref === undefined) return true;
    const mandate = this.ctx.mandates.get(ref);
    let code: ErrorCode | undefined;
    let text: string;
    if (mandate === undefined || !this.ctx.mandates.tokenValid(mandate)) {
      code = 'mandate_invalid_signature';
      text = `mandate ${ref} is unknown or its token does not verify`;
    } else {
      const category = (sku !== undefined ? this.ctx.market.sku(sku)?.category : undefined) ?? '';
      code = mandateScope(mandate, this.nowUs, category, this.plan.organisation);
      // (the text only for a refusal: most requests pass)
      if (code === undefined) return true;
      text = code === 'mandate_expired' ? `mandate ${ref} is not valid now` : `mandate ${ref} does not cover ${category} from ${this.plan.organisation}`;
    }
    this.noteRefusal(m, code);
    this.sendError(m.from, m.conversation_id, code, text, m.id);
    return false;
  }

  /** Substitutes in the same category with enough stock, for an out_of_stock answer. */
  private alternatives(category: string, sku: string, quantity: number): { sku: string; name: string }[] {
    return this.ctx.market
      .skusIn(category)
      .filter((s) => s.sku !== sku && this.stock(s.sku) >= quantity)
      .slice(0, 3)
      .map((s) => ({ sku: s.sku, name: s.name }));
  }
}

type StoreAddress = { readonly id: number; readonly localName: string; readonly organisation: string; readonly party: Party };

/** The business profile a store publishes (step 1: what buyers discover). */
export function storeProfile(plan: StorePlan, address: StoreAddress): BusinessProfile {
  return {
    name: plan.organisation,
    agent: address.party.identifier,
    categories: [...plan.categories],
    transports: {
      a2a: { endpoint: `https://a2a.${plan.organisation}.example/agents/${address.localName}`, protocol_version: '1.0', capabilities: ['negotiation', 'multi-item'] },
    },
  };
}

export { dealTerms } from './deal-terms.js';
export { ORDER_RETENTION_US } from './quote-book.js';
