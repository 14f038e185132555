/**
 * A store (supplier sales) agent. It prices from the category's market reference, concedes
 * towards a floor over counter rounds, serves requests through a capacity model (c servers,
 * a service-time distribution, a bounded queue), and on accept executes the order: verifies the
 * accepted terms and the mandate proof, reserves inventory and confirms to the buyer.
 *
 * This file holds the capacity model and the dispatch of messages; the negotiation and quoting
 * are in store/quoting.ts, execution and orders in store/orders.ts.
 */
import { sampleUs, type Distribution } from '../engine/distribution.js';
import { Fifo } from '../engine/fifo.js';
import { Priority } from '../engine/kernel.js';
import type { BusinessProfile, CommerceMessage, Party } from '../protocol/schemas.js';
import { isoTimestamp } from '../protocol/time.js';
import { ExposureLimiter } from '../risk/limiter.js';
import type { StorePlan } from '../scenario/schema.js';
import { StoreSagas, type SagaHost } from '../settlement/store-sagas.js';
import { Agent, type AgentContext } from './agent.js';
import { QuoteBook } from './store/quote-book.js';
import { MandateSpending } from './mandates.js';
import type { StoreHost, StoreRequest as Request } from './store/host.js';
import { StoreOrders } from './store/orders.js';
import { StoreQuoting } from './store/quoting.js';

/** A service done is the kind -(epoch + 1): the request alone is the event's data, nothing built to carry the epoch. */
const serviceDone = (epoch: number) => -(epoch + 1);
const SAGA_TIMER = 2;

export class StoreAgent extends Agent {
  readonly profile: BusinessProfile;
  private readonly quotes: QuoteBook;
  private readonly queue = new Fifo<Request>();
  private busyServers = 0;
  private readonly serviceTime: Distribution;
  private readonly endpoint: string;
  /** with a clearing house, accepted quotes settle through sagas */
  private readonly sagas: StoreSagas | undefined;
  /** bumped at a crash: service in progress then is lost */
  private epoch = 0;
  private readonly limiter: ExposureLimiter | undefined;
  /** what this store has taken per mandate and budget period */
  private readonly spending = new MandateSpending();
  /** pricing, the negotiator's rounds and the quotes they issue */
  private readonly quoting: StoreQuoting;
  /** accepts executed, inventory and orders */
  private readonly orders: StoreOrders;

  constructor(address: StoreAddress, private readonly plan: StorePlan, ctx: AgentContext) {
    super(address, ctx);
    const l = plan.limits;
    this.limiter = l ? new ExposureLimiter({ maxOpenValueMinor: l.max_open_value, counterpartyShare: l.counterparty_share, volatilityTightening: l.volatility_tightening }) : undefined;
    this.serviceTime = plan.capacity.service_time;
    this.profile = storeProfile(plan, address);
    this.endpoint = this.profile.transports.a2a.endpoint;
    this.quotes = new QuoteBook();
    if (ctx.settlement && ctx.clearingHouse) this.sagas = new StoreSagas(this.sagaHost(), ctx, ctx.settlement, ctx.clearingHouse);
    const host = this.partsHost();
    this.orders = new StoreOrders(host, ctx, plan, this.localName, this.endpoint, this.quotes, this.limiter, this.spending, this.sagas);
    this.quoting = new StoreQuoting(host, ctx, plan, this.localName, this.quotes, this.limiter, this.orders);
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
      adjustStock: (sku, delta) => this.orders.adjustStock(sku, delta),
      chance: (p) => this.rng.chance(p),
      sagaTimer: (delayUs, sagaId, token) => this.after(delayUs, SAGA_TIMER, { sagaId, token }),
      trackingUrl: (orderId) => `${this.endpoint}/track/${orderId}`,
      compensated: (deal) => {
        const mandate = this.ctx.mandates.get(deal.mandateId);
        if (mandate) this.spending.release(mandate, deal.acceptedUs, deal.amountMinor);
      },
    };
  }

  /** What the store's parts use of it: made once, so nothing is made per message to reach it. */
  private partsHost(): StoreHost {
    return {
      id: this.id,
      identifier: this.identifier,
      organisation: this.organisation,
      send: (to, type, conversationId, payload) => {
        this.send(to, type, conversationId, payload);
      },
      sendError: (to, conversationId, code, text, reference, alternatives) => this.sendError(to, conversationId, code, text, reference, alternatives),
      noteRefusal: (message, code) => this.noteRefusal(message, code),
      detached: (work) => this.detached(work),
      hook: (run) => this.hook(run),
      suspend: (pending, then) => this.suspend(pending, then),
      noteStrategyFailure: (strategy, conversationId, failure) => this.noteStrategyFailure(strategy, conversationId, failure),
      ended: (neg, outcome) => this.quoting.ended(neg, outcome),
    };
  }

  protected override get negotiatorRole(): 'store' {
    return 'store';
  }

  /** Units of `sku` on hand. */
  stock(sku: string): number {
    return this.orders.stock(sku);
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
        this.orders.onReceipt(message);
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
        this.quoting.onIntent(request);
        return;
      case 'a2a.commerce.counter':
        this.quoting.onCounter(request);
        return;
      case 'a2a.commerce.accept':
        this.orders.onAccept(request);
    }
  }

  /** While the market or the request's category is halted, requests are refused with market_halted. */
  private refuseWhileHalted(request: Request): boolean {
    const sku = request.type === 'a2a.commerce.intent' || request.type === 'a2a.commerce.request' ? request.payload.items[0]?.sku : this.quotedSku(request.payload.quote_id);
    const category = sku === undefined ? undefined : this.ctx.market.sku(sku)?.category;
    if (category === undefined) return false;
    const halt = this.ctx.market.haltAt(category, this.nowUs);
    if (!halt) return false;
    // An accept of a deal already executed is answered from the order, halt or not.
    if (request.type === 'a2a.commerce.accept' && this.quotes.executedQuote(request.payload.quote_id) !== undefined) return false;
    this.ctx.metrics.reason('refused:market_halted');
    const until = isoTimestamp(this.ctx.epochMs, halt.endUs);
    this.sendError(request.from, request.conversation_id, 'market_halted', `${halt.category ?? 'the market'} is halted (${halt.kind}) until ${until}`, request.id);
    return true;
  }

  /** The first SKU of a quote of ours, live or executed. */
  private quotedSku(quoteId: string): string | undefined {
    return (this.quotes.get(quoteId)?.payload ?? this.quotes.executedQuote(quoteId)?.confirmation)?.items[0]?.sku;
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
export { ORDER_RETENTION_US } from './store/quote-book.js';
