/**
 * A buyer (procurement) agent. Purchase intents arrive as a Poisson process whose rate follows
 * the market regime's demand multiplier. For each intent it discovers stores, asks k of them in
 * parallel, picks the best quote, negotiates by counter with a time-dependent strategy, accepts
 * within its mandate, and records the confirmed deal.
 */
import { IdMaker } from '../protocol/ids.js';
import { sampleUs } from '../engine/distribution.js';
import type { Outcome } from '../metrics/collector.js';
import { PRICE_DEVIATION_LIMIT } from '../metrics/security.js';
import { transactionHash } from '../protocol/hash.js';
import { toMinor, toWire } from '../protocol/money.js';
import type { BusinessProfile, CommerceMessage, MessageOf, Party, QuotePayload } from '../protocol/schemas.js';
import { isoDate } from '../protocol/time.js';
import type { BuyerPlan } from '../scenario/schema.js';
import { Agent, type AgentContext } from './agent.js';
import type { Mandate } from './mandates.js';
import type { BuyerOrganisation } from './organisation.js';
import { dealTerms } from './store.js';
import type { BuiltinHost, Preparing } from './strategies/bayesian.js';
import type { Negotiator, Response } from './strategies/contract.js';
import { callPropose, callRespond, NegotiationView, StrategyFailure, type ViewContext } from './strategies/host.js';
import { Strategy } from './strategies/registry.js';

// Timer events
const ARRIVAL = 1;
const TIMEOUT = 2;
const BURST = 3;
// What a negotiation is waiting for
const QUOTE_WAIT = 1;
const RESPONSE_WAIT = 2;
const CONFIRM_WAIT = 3;
const APPROVAL_WAIT = 4;
const MANDATE_APPROVAL_WAIT = 5;
const US_PER_DAY = 86_400_000_000;

type Phase = 'quoting' | 'negotiating' | 'approving' | 'accepting';

/** A store's offer; the counterpart's is updated in place as its quotes replace each other. */
interface Offer {
  from: Party;
  quote: QuotePayload;
  totalMinor: number;
  /** when it arrived */
  atUs: number;
}

interface Negotiation {
  readonly conversationId: string;
  readonly startUs: number;
  readonly category: string;
  readonly regimeIndex: number;
  readonly reservationMinor: number;
  readonly targetMinor: number;
  /** the breaker's half-open period that admitted it as a trial; 0 when it was not one */
  readonly trialOf: number;
  items: { sku: string; quantity: number }[];
  stores: readonly BusinessProfile[];
  phase: Phase;
  /** what happens at `deadlineUs` unless a reply comes first */
  waitKind: number;
  deadlineUs: number;
  /** the one live timer event: its time and token (older events carry stale tokens) */
  timerAtUs: number;
  token: number;
  awaiting: number;
  best?: Offer;
  alternatives: { sku: string; name: string }[];
  substituted: boolean;
  counterpart?: Offer;
  rounds: number;
  acceptSentUs: number;
  acceptAttempts: number;
  /** a retried accept is a retransmission of the first: the same message id */
  acceptMessageId?: string;
  /** budget reserved for this purchase (released if it fails), and when */
  reservedMinor?: number;
  reservedAtUs?: number;
  /** a human approval, for totals above the mandate's threshold; its simulated delay */
  approval?: string;
  approvalDelayUs?: number;
  transactionHash: string;
  /** id of the last counter or accept sent: an error about an older one is stale */
  lastSentId: string;
  /** stores that have answered the intent (a duplicated answer counts once) */
  answered: string[];
  /** a store answered market_halted while quotes were being gathered */
  halted: boolean;
  /** a store's strategy failed while quotes were being gathered (internal_error) */
  storeFailed: boolean;
  /** an external store's connection was gone (agent_unreachable) */
  unreachable: boolean;
  /** the last total the buyer offered, -1 before its first (an ask at or below it is the store meeting it) */
  lastProposalMinor: number;
  /** the buyer's opening offer, when the buyer moves first (the intent's max_total) */
  openingMinor: number;
  /** the total of the deal confirmed (for the negotiation's scores) */
  dealMinor?: number;
  /** this negotiation's negotiator and what it sees */
  negotiator: Negotiator | undefined;
  view: NegotiationView;
}

interface Timer {
  readonly conversationId: string;
  readonly token: number;
}

export class BuyerAgent extends Agent {
  private readonly negotiations = new Map<string, Negotiation>();
  private readonly discovered = new Map<string, readonly BusinessProfile[]>();
  /** One frozen party per store addressed (the broker checks a frozen party once). */
  private readonly storeParties = new Map<string, Party>();
  private readonly mandate: Mandate;
  private readonly peakRatePerUs: number;
  private conversationSeq = 0;
  private readonly conversationIds: IdMaker;
  private readonly strategy: Strategy;
  /** what built-in negotiators may use of this agent (a counter of reasons, idle opponent models) */
  private readonly host: BuiltinHost;
  /** what every negotiation's view shares */
  private readonly views: ViewContext;

  constructor(
    address: { readonly id: number; readonly localName: string; readonly organisation: string; readonly party: Party },
    private readonly plan: BuyerPlan,
    private readonly org: BuyerOrganisation,
    private readonly durationUs: number,
    ctx: AgentContext,
  ) {
    super(address, ctx);
    this.conversationIds = new IdMaker(`conv_${address.localName}_`);
    this.mandate = ctx.mandates.forOrganisation(plan.organisation);
    this.peakRatePerUs = plan.intent_rate * ctx.market.maxDemandMultiplier();
    this.strategy = new Strategy(plan.strategy);
    this.host = { reason: (key) => ctx.metrics.reason(key), idleModels: [] };
    const s = plan.strategy;
    this.views = { role: 'buyer', maxRounds: s.maxRounds, deadlineUs: s.deadlineUs, clock: ctx.kernel, market: ctx.market, seed: ctx.seed, agent: this.localName, recordOffers: !this.strategy.stateless };
  }

  /** Number of negotiations in flight. */
  get active(): number {
    return this.negotiations.size;
  }

  /** Schedules the first candidate arrival. */
  start(): void {
    this.scheduleArrival();
    const burst = this.plan.burst;
    if (burst && this.localName === `${this.plan.organisation}-1`) this.after(burst.at, BURST, burst.negotiations);
  }

  handle(kind: number, data: unknown): void {
    if (this.faultEvent(kind, data)) return;
    if (kind === ARRIVAL) {
      this.onArrival();
      return;
    }
    if (kind === BURST) {
      // One agent opening many negotiations at once: the limiters decide how many go ahead.
      for (let i = 0; i < (data as number); i++) this.startNegotiation();
      return;
    }
    const timer = data as Timer;
    const n = this.negotiations.get(timer.conversationId);
    if (!n || n.token !== timer.token) return;
    n.timerAtUs = Infinity;
    if (this.nowUs < n.deadlineUs) {
      // The wait was re-armed since this timer was set: sleep until the current deadline.
      this.schedule(n, n.deadlineUs);
      return;
    }
    if (n.waitKind === QUOTE_WAIT) this.decide(n);
    else if (n.waitKind === RESPONSE_WAIT) this.end(n, 'deadline');
    else if (n.waitKind === CONFIRM_WAIT) this.retryAccept(n);
    else if (n.waitKind === APPROVAL_WAIT) this.approved(n);
    else if (n.waitKind === MANDATE_APPROVAL_WAIT) this.approvalDone(n);
  }

  protected onMessage(message: CommerceMessage): void {
    const n = this.negotiations.get(message.conversation_id);
    if (!n) return; // a late reply to a negotiation that already ended
    switch (message.type) {
      case 'a2a.commerce.quote':
        this.onQuote(n, message);
        return;
      case 'a2a.commerce.error':
        this.onError(n, message);
        return;
      case 'a2a.commerce.confirmation':
        this.onConfirmation(n, message);
        return;
      default:
        return;
    }
  }

  // Arrivals: a Poisson process thinned from the peak rate to the regime's current rate.
  private scheduleArrival(): void {
    if (this.peakRatePerUs <= 0) return;
    const gap = Math.max(1, Math.round(this.rng.exponential(1 / this.peakRatePerUs)));
    if (this.nowUs + gap < this.durationUs) this.after(gap, ARRIVAL, null);
  }

  private onArrival(): void {
    this.scheduleArrival();
    if (this.down) return; // a crashed agent forms no intents
    const rate = this.plan.intent_rate * this.ctx.market.regimeAt(this.nowUs).demandMultiplier;
    if (!this.rng.chance(rate / this.peakRatePerUs)) return;
    this.startNegotiation();
  }

  /** Steps 1–2: discovery, then the intent to k stores in parallel. */
  private startNegotiation(): void {
    const admission = this.org.breaker?.admit() ?? 'allow';
    if (admission === 'reject') {
      this.org.hold('breaker_open');
      return;
    }
    const now = this.nowUs;
    const market = this.ctx.market;
    const category = this.plan.categories[this.rng.int(this.plan.categories.length)]!;
    const skus = market.skusIn(category);
    const picks = this.rng.sample(skus.length, this.plan.items_per_intent);
    const { min, max } = this.plan.quantity;
    let baseMinor = 0;
    let weight = 0;
    let units = 0;
    const items = picks.map((i) => {
      const info = skus[i]!;
      const quantity = min + this.rng.int(max - min + 1);
      baseMinor += market.referencePriceMinor(category, 0) * info.priceFactor * quantity;
      weight += info.priceFactor * quantity;
      units += quantity;
      return { sku: info.sku, quantity };
    });
    // Budgets are set from the price when the run began: they do not follow the market.
    const jitter = 1 + this.plan.budget_spread * (2 * this.rng.next() - 1);
    const reservationMinor = Math.round(baseMinor * (1 + this.plan.budget_margin) * jitter);
    const targetMinor = Math.min(reservationMinor, Math.round(baseMinor * (1 + this.plan.target_margin) * jitter));
    if ((this.org.breaker || this.org.exposure) && this.org.admitValue(admission, market.realisedVolatility(category, now), reservationMinor) !== null) return;
    const candidates = this.discover(category);
    const stores = this.rng.sample(candidates.length, this.plan.stores_per_intent).map((i) => candidates[i]!);
    const conversationId = this.conversationIds.make(++this.conversationSeq);
    const view = new NegotiationView(this.views, reservationMinor, targetMinor, units, category, '', now, weight, conversationId);
    const n: Negotiation = {
      conversationId,
      startUs: now,
      category,
      regimeIndex: this.ctx.market.regimeIndexAt(now),
      reservationMinor,
      targetMinor,
      trialOf: admission === 'trial' ? this.org.breaker!.period : 0,
      items,
      stores,
      phase: 'quoting',
      waitKind: 0,
      deadlineUs: 0,
      timerAtUs: Infinity,
      token: 0,
      awaiting: 0,
      alternatives: [],
      substituted: false,
      rounds: 0,
      acceptSentUs: 0,
      acceptAttempts: 0,
      transactionHash: '',
      lastSentId: '',
      answered: [],
      halted: false,
      storeFailed: false,
      unreachable: false,
      lastProposalMinor: -1,
      openingMinor: reservationMinor,
      negotiator: undefined,
      view,
    };
    this.negotiations.set(n.conversationId, n);
    if (stores.length === 0) {
      this.end(n, 'no_quotes');
      return;
    }
    if (!this.startNegotiator(n)) return;
    if (this.ctx.firstMover !== 'buyer') {
      this.requestQuotes(n);
      return;
    }
    // The buyer moves first: its opening offer is the intent's max_total.
    const opening = callPropose(n.negotiator!, view);
    if (opening instanceof Promise) this.suspend(opening, (total) => this.opened(n, total));
    else this.opened(n, opening);
  }

  /** Creates the negotiation's negotiator; false when the strategy failed (the negotiation then ended). */
  private startNegotiator(n: Negotiation): boolean {
    const made = this.strategy.negotiator('buyer', this.identifier, this.organisation, n.conversationId, n.category, this.host);
    if (made instanceof StrategyFailure) {
      this.strategyFailed(n, made);
      return false;
    }
    n.negotiator = made;
    if (made.onStart !== undefined) {
      const failure = this.hook(() => made.onStart!(n.view));
      if (failure !== undefined) {
        this.strategyFailed(n, failure);
        return false;
      }
    }
    return true;
  }

  private opened(n: Negotiation, total: number | StrategyFailure): void {
    if (total instanceof StrategyFailure) {
      this.strategyFailed(n, total);
      return;
    }
    n.openingMinor = Math.min(total, n.reservationMinor);
    n.lastProposalMinor = n.openingMinor;
    n.view.offered('buyer', n.openingMinor);
    this.requestQuotes(n);
  }

  private discover(category: string): readonly BusinessProfile[] {
    let found = this.discovered.get(category);
    if (found === undefined) {
      found = this.ctx.directory.discover(category, 'negotiation');
      // Known counterparties: an agent that works from a shortlist keeps a fixed few.
      const keep = this.plan.shortlist;
      if (keep !== undefined && keep < found.length) {
        const all = found;
        found = this.rng.sample(all.length, keep).map((i) => all[i]!);
      }
      this.discovered.set(category, found);
      this.ctx.metrics.discoveries++;
      this.ctx.trace?.record({ vt_us: this.nowUs, event: 'discovery', discovery: { agent: this.identifier, category, profiles: [...found] } });
    }
    return found;
  }

  private partyOf(store: BusinessProfile): Party {
    let party = this.storeParties.get(store.agent);
    if (party === undefined || party.name !== store.name) {
      party = Object.freeze({ type: 'agent', identifier: store.agent, name: store.name });
      this.storeParties.set(store.agent, party);
    }
    return party;
  }

  private requestQuotes(n: Negotiation): void {
    const deliveryBy = isoDate(this.ctx.epochMs, this.nowUs + this.plan.delivery_within_days * US_PER_DAY);
    n.awaiting = n.stores.length;
    n.answered = [];
    n.best = undefined;
    for (const store of n.stores) {
      this.send(this.partyOf(store), 'a2a.commerce.intent', n.conversationId, {
        intent: 'purchase',
        items: n.items,
        constraints: { max_total: toWire(n.openingMinor), currency: this.ctx.currency, delivery_by: deliveryBy },
        mandate_ref: this.mandate.mandateId,
      });
    }
    this.arm(n, QUOTE_WAIT, this.plan.quote_timeout);
  }

  private onQuote(n: Negotiation, m: MessageOf<'a2a.commerce.quote'>): void {
    if (this.ctx.trust) this.notePrice(m);
    const totalMinor = toMinor(m.payload.totals.total);
    if (n.phase === 'quoting') {
      if (!this.firstAnswer(n, m.from)) return;
      if (n.best === undefined || totalMinor < n.best.totalMinor) n.best = { from: m.from, quote: m.payload, totalMinor, atUs: this.nowUs };
      if (--n.awaiting === 0) this.decide(n);
    } else if (n.phase === 'negotiating' && n.counterpart && m.from.identifier === n.counterpart.from.identifier && m.payload.replaces === n.counterpart.quote.quote_id) {
      const offer = n.counterpart;
      offer.from = m.from;
      offer.quote = m.payload;
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
    if (n.answered.includes(from.identifier) || !n.stores.some((s) => s.agent === from.identifier)) return false;
    n.answered.push(from.identifier);
    return true;
  }

  private onError(n: Negotiation, m: MessageOf<'a2a.commerce.error'>): void {
    // The store saw that message before (a duplicate on the wire): not an answer to it.
    if (m.payload.code === 'replay_detected') return;
    if (n.phase === 'quoting') {
      if (!this.firstAnswer(n, m.from)) return;
      if (m.payload.alternatives) n.alternatives.push(...m.payload.alternatives);
      if (m.payload.code === 'market_halted') n.halted = true;
      if (m.payload.code === 'internal_error') n.storeFailed = true;
      if (m.payload.code === 'agent_unreachable') n.unreachable = true;
      if (--n.awaiting === 0) this.decide(n);
    } else if (n.counterpart && m.from.identifier === n.counterpart.from.identifier && (m.payload.reference === n.counterpart.quote.quote_id || m.payload.reference === n.lastSentId)) {
      // A store that has run out of rounds ends the negotiation without agreement.
      const code = m.payload.code;
      this.end(n, code === 'negotiation_closed' ? 'no_agreement' : code === 'market_halted' ? 'market_halted' : code === 'internal_error' ? 'strategy_error' : code === 'agent_unreachable' ? 'agent_unreachable' : 'rejected_by_store');
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
  private decide(n: Negotiation): void {
    if (n.phase !== 'quoting') return;
    const best = n.best;
    if (best === undefined) {
      const alternative = n.alternatives[0];
      if (alternative && !n.substituted && n.items.length === 1) {
        n.substituted = true;
        n.alternatives = [];
        n.items = [{ sku: alternative.sku, quantity: n.items[0]!.quantity }];
        this.requestQuotes(n);
      } else {
        this.end(n, n.halted ? 'market_halted' : n.storeFailed ? 'strategy_error' : n.unreachable ? 'agent_unreachable' : 'no_quotes');
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
      this.accept(n);
      return;
    }
    n.view.round = n.rounds;
    const response = callRespond(n.negotiator!, n.view, offer.totalMinor);
    if (response instanceof Promise) this.suspend(response, (r) => this.responded(n, r));
    else this.responded(n, response);
  }

  private responded(n: Negotiation, response: Response | StrategyFailure): void {
    if (response instanceof StrategyFailure) {
      this.strategyFailed(n, response);
      return;
    }
    if (response === 'accept') {
      this.accept(n);
      return;
    }
    if (response === 'end') {
      this.end(n, 'no_agreement');
      return;
    }
    const s = this.plan.strategy;
    const pastDeadline = s.deadlineUs !== undefined && this.nowUs - n.startUs >= s.deadlineUs;
    if (n.rounds >= s.maxRounds || pastDeadline) {
      this.end(n, pastDeadline ? 'deadline' : 'no_agreement');
      return;
    }
    const proposal = callPropose(n.negotiator!, n.view);
    if (proposal instanceof Promise) this.suspend(proposal, (p) => this.counter(n, p));
    else this.counter(n, proposal);
  }

  /** Sends the negotiator's proposal as a counter (never above the buyer's budget). */
  private counter(n: Negotiation, total: number | StrategyFailure): void {
    if (total instanceof StrategyFailure) {
      this.strategyFailed(n, total);
      return;
    }
    const offer = n.counterpart!;
    const proposal = Math.min(total, n.reservationMinor);
    n.rounds++;
    n.lastProposalMinor = proposal;
    n.view.offered('buyer', proposal);
    n.lastSentId = this.send(offer.from, 'a2a.commerce.counter', n.conversationId, {
      quote_id: offer.quote.quote_id,
      proposed_changes: { max_total: toWire(proposal), reason: 'Budget constraint' },
    }).id;
    this.arm(n, RESPONSE_WAIT, this.plan.quote_timeout);
  }

  /** A negotiator broke its contract: the negotiation ends with strategy_error (run --strict: the run ends). */
  private strategyFailed(n: Negotiation, failure: StrategyFailure): void {
    this.noteStrategyFailure(this.strategy.name, n.conversationId, failure);
    this.end(n, 'strategy_error');
  }

  override get prepares(): boolean {
    return super.prepares || this.plan.strategy.opponentModel !== undefined;
  }

  /**
   * For a quote on its way here, work the negotiator's respond() will do on delivery if nothing
   * changes before then, done ahead (an opponent model's consultation) and kept by it.
   */
  protected override prepareFor(m: CommerceMessage, atUs: number): boolean {
    if (m.type !== 'a2a.commerce.quote') return false;
    const n = this.negotiations.get(m.conversation_id);
    const offer = n?.counterpart;
    const negotiator = n?.negotiator as Preparing | undefined;
    if (n === undefined || offer === undefined || negotiator?.prepare === undefined || n.phase !== 'negotiating') return false;
    if (m.from.identifier !== offer.from.identifier || m.payload.replaces !== offer.quote.quote_id) return false;
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

  /** Step 5: confirm within the mandate, binding the proof to the quote's transaction hash. */
  private accept(n: Negotiation): void {
    const offer = n.counterpart!;
    if (offer.totalMinor > this.mandate.maxPerPurchaseMinor) {
      this.end(n, 'mandate_exceeded');
      return;
    }
    // The mandate's budget per period is the organisation's: reserve the amount before accepting.
    const now = this.nowUs;
    if (!this.org.spending.fits(this.mandate, now, offer.totalMinor)) {
      this.end(n, 'mandate_exceeded');
      return;
    }
    this.org.spending.add(this.mandate, now, offer.totalMinor);
    n.reservedMinor = offer.totalMinor;
    n.reservedAtUs = now;
    this.org.exposure?.accepted(n.reservationMinor, offer.totalMinor, now);
    n.transactionHash = transactionHash(offer.quote);
    n.acceptAttempts = 0;
    n.acceptMessageId = undefined;
    const approval = this.plan.approval;
    if (approval && offer.totalMinor > approval.above) {
      // A person of the buying organisation approves the purchase before the accept goes out.
      n.phase = 'approving';
      this.arm(n, APPROVAL_WAIT, approval.delay);
      return;
    }
    this.approved(n);
  }

  /** Approved in-house (or no approval needed): the mandate's own approval threshold, then the accept. */
  private approved(n: Negotiation): void {
    n.phase = 'accepting';
    const total = n.counterpart!.totalMinor;
    const threshold = this.mandate.approvalThresholdMinor;
    const approval = this.mandate.approval;
    if (threshold !== undefined && approval !== undefined && total > threshold) {
      // The mandate's human approver answers (or does not, in time) before the accept goes out.
      n.approvalDelayUs = sampleUs(approval.delay, this.rng);
      this.arm(n, MANDATE_APPROVAL_WAIT, Math.min(n.approvalDelayUs, approval.timeoutUs));
      return;
    }
    n.acceptSentUs = this.nowUs;
    this.sendAccept(n);
  }

  private approvalDone(n: Negotiation): void {
    if (n.approvalDelayUs! > this.mandate.approval!.timeoutUs) {
      this.end(n, 'approval_timeout');
      return;
    }
    n.approval = this.ctx.mandates.approve(this.mandate, n.transactionHash);
    n.acceptSentUs = this.nowUs;
    this.sendAccept(n);
  }

  private sendAccept(n: Negotiation): void {
    const offer = n.counterpart!;
    n.acceptAttempts++;
    const sent = this.send(offer.from, 'a2a.commerce.accept', n.conversationId, {
      quote_id: offer.quote.quote_id,
      mandate_proof: {
        mandate_id: this.mandate.mandateId,
        transaction_hash: n.transactionHash,
        signature: this.ctx.mandates.sign(this.mandate, n.transactionHash),
        ...(n.approval !== undefined ? { approval: n.approval } : {}),
      },
      shipping_address: { line1: '1 Procurement Way', city: 'San Francisco', state: 'CA', postal_code: '94102', country: 'US' },
      // A retry is a retransmission of the first accept (the same id), answered from the reply
      // the store gave; with a clearing house the answer comes later, so each retry is a new ask.
    }, this.ctx.settlement ? undefined : n.acceptMessageId);
    n.acceptMessageId = sent.id;
    n.lastSentId = sent.id;
    this.arm(n, CONFIRM_WAIT, this.confirmationWaitUs(n));
  }

  /** An accept or its confirmation may be lost: retry (the store answers idempotently). */
  private retryAccept(n: Negotiation): void {
    // With a clearing house the store settles or compensates every accepted deal, so the buyer
    // keeps asking until it learns which; without one it gives up after its retries.
    if (n.acceptAttempts > this.plan.accept_retries && this.ctx.settlement === undefined) {
      this.end(n, 'confirmation_timeout');
      return;
    }
    this.ctx.metrics.acceptRetries++;
    this.sendAccept(n);
  }

  /** Wait for a confirmation: doubling per attempt with a clearing house, up to its backoff cap. */
  private confirmationWaitUs(n: Negotiation): number {
    const base = this.plan.confirmation_timeout;
    const terms = this.ctx.settlement;
    if (terms === undefined || n.acceptAttempts <= 1) return base;
    return Math.max(base, Math.min(base * 2 ** Math.min(20, n.acceptAttempts - 1), terms.retry_backoff_max));
  }

  /** A crash loses every negotiation not yet accepted; accepted ones were persisted. */
  protected override crashed(): void {
    this.discovered.clear();
    for (const n of [...this.negotiations.values()]) {
      // An accept sent is persisted; one still waiting for approval is not.
      if (n.phase === 'accepting' && n.acceptAttempts > 0) n.token++;
      else this.end(n, 'agent_crashed');
    }
  }

  /** Asks again about every accepted deal. */
  protected override restarted(): void {
    for (const n of this.negotiations.values()) {
      n.timerAtUs = Infinity;
      this.ctx.metrics.acceptRetries++;
      this.sendAccept(n);
    }
  }

  /** Step 7: record the deal and send the receipt back, so both agents hold the confirmation. */
  private onConfirmation(n: Negotiation, m: MessageOf<'a2a.commerce.confirmation'>): void {
    const offer = n.counterpart;
    if (n.phase !== 'accepting' || !offer || m.from.identifier !== offer.from.identifier) return;
    const now = this.nowUs;
    const totalMinor = toMinor(m.payload.totals.total);
    if (m.payload.status === 'cancelled') {
      // The store could not settle and compensated: no deal, but the answer is acknowledged.
      if (this.ctx.defects.has('buyer_records_cancelled')) this.ctx.checker.buyerConfirmed(n.transactionHash, dealTerms(m.payload.order_id, n.transactionHash, totalMinor), now);
      this.send(m.from, 'a2a.commerce.confirmation', n.conversationId, { ...m.payload, status: 'acknowledged' });
      this.end(n, 'settlement_failed');
      return;
    }
    if (m.payload.status !== 'confirmed') return;
    this.ctx.checker.buyerConfirmed(n.transactionHash, dealTerms(m.payload.order_id, n.transactionHash, totalMinor), now);
    this.ctx.metrics.settlementCompleted(now - n.acceptSentUs, totalMinor);
    const reference = n.view.referencePrice;
    this.ctx.metrics.buyerDeal(n.reservationMinor - totalMinor, reference > 0 ? Math.round((1e6 * totalMinor) / reference) : 0);
    n.dealMinor = totalMinor;
    this.send(m.from, 'a2a.commerce.confirmation', n.conversationId, { ...m.payload, status: 'acknowledged' });
    this.end(n, 'succeeded');
  }

  /**
   * Waits for a reply until now + delayUs. Each round moves the deadline; rather than one timer
   * event per round (almost all of them stale), a negotiation keeps one live timer that, when it
   * fires early, re-arms itself for the current deadline.
   */
  private arm(n: Negotiation, kind: number, delayUs: number): void {
    n.waitKind = kind;
    n.deadlineUs = this.nowUs + delayUs;
    if (n.deadlineUs < n.timerAtUs) this.schedule(n, n.deadlineUs);
  }

  private schedule(n: Negotiation, atUs: number): void {
    n.token++;
    n.timerAtUs = atUs;
    this.after(atUs - this.nowUs, TIMEOUT, { conversationId: n.conversationId, token: n.token } satisfies Timer);
  }

  private end(n: Negotiation, outcome: Outcome): void {
    const now = this.nowUs;
    if (outcome !== 'succeeded' && n.reservedMinor !== undefined) this.org.spending.release(this.mandate, n.reservedAtUs!, n.reservedMinor);
    this.negotiations.delete(n.conversationId);
    n.token++;
    const negotiator = n.negotiator;
    if (negotiator?.onEnd !== undefined) {
      n.negotiator = undefined;
      const failure = this.hook(() => negotiator.onEnd!(n.view, outcome));
      if (failure !== undefined) this.noteStrategyFailure(this.strategy.name, n.conversationId, failure);
    }
    const scores = this.ctx.metrics.scores;
    if (scores !== undefined && n.counterpart) {
      scores.buyer(n.conversationId, this.ctx.idOf(n.counterpart.from.identifier), { buyerId: this.id, reservation: n.reservationMinor, aspiration: n.targetMinor, price: outcome === 'succeeded' ? (n.dealMinor ?? null) : null });
    }
    this.ctx.metrics.negotiationEnded({
      buyerId: this.id,
      storeId: n.counterpart ? this.ctx.idOf(n.counterpart.from.identifier) : -1,
      category: n.category,
      regimeIndex: n.regimeIndex,
      latencyUs: now - n.startUs,
      rounds: n.rounds,
      outcome,
      endUs: now,
    });
    this.org.breaker?.record(now, outcome === 'succeeded', n.trialOf);
    const book = this.org.exposure;
    if (book) {
      if (n.phase === 'approving' || n.phase === 'accepting') book.closeUnsettled(n.counterpart!.totalMinor, now);
      else book.closeOpen(n.reservationMinor, now);
    }
  }
}
