/**
 * A store's execution and orders: on accept it verifies the accepted terms and the mandate
 * proof, reserves inventory and confirms to the buyer (or, with a clearing house, starts a saga
 * that confirms later); it closes an order once the buyer returns its confirmation.
 */
import { IdMaker } from '../../protocol/ids.js';
import { toWire } from '../../protocol/money.js';
import { transactionHash } from '../../protocol/hash.js';
import type { ErrorCode } from '../../protocol/codes.js';
import type { ExecutionRecord } from '../../protocol/records.js';
import type { ErrorPayload, MessageOf } from '../../protocol/schemas.js';
import type { ExposureLimiter } from '../../risk/limiter.js';
import type { StorePlan } from '../../scenario/schema.js';
import type { StoreSagas } from '../../settlement/store-sagas.js';
import type { AgentContext } from '../agent.js';
import { dealTerms } from '../deal-terms.js';
import { mandateScope, type MandateSpending } from '../mandates.js';
import type { QuoteBook, QuoteState } from './quote-book.js';
import { type StoreHost, type StoreRequest as Request } from './host.js';

export class StoreOrders {
  private readonly inventory = new Map<string, number>();
  private orderSeq = 0;
  private readonly orderIds: IdMaker;
  /** `${endpoint}/track/${orderId}`, made flat with the same number (a joined text is flattened anew by its first reader) */
  private readonly trackingUrls: IdMaker;

  constructor(
    private readonly host: StoreHost,
    private readonly ctx: AgentContext,
    private readonly plan: StorePlan,
    localName: string,
    /** where tracking links point */
    endpoint: string,
    private readonly quotes: QuoteBook,
    private readonly limiter: ExposureLimiter | undefined,
    /** what this store has taken per mandate and budget period */
    private readonly spending: MandateSpending,
    /** with a clearing house, accepted quotes settle through sagas */
    private readonly sagas: StoreSagas | undefined,
  ) {
    this.orderIds = new IdMaker(`ord_${localName}_`);
    this.trackingUrls = new IdMaker(`${endpoint}/track/ord_${localName}_`);
    for (const [sku, n] of Object.entries(plan.stock)) this.inventory.set(sku, n);
  }

  private get nowUs(): number {
    return this.ctx.kernel.nowUs;
  }

  /** Units of `sku` on hand. */
  stock(sku: string): number {
    return this.inventory.get(sku) ?? 0;
  }

  /** Moves the stock of `sku` by `delta` (a saga's reservation or its compensation). */
  adjustStock(sku: string, delta: number): void {
    const level = this.stock(sku) + delta;
    this.inventory.set(sku, level);
    this.ctx.checker.inventory(this.host.identifier, sku, level, this.nowUs);
  }

  /** Steps 5–7 on the store's side: verify, execute (reserve inventory), confirm. Idempotent per quote. */
  onAccept(m: MessageOf<'a2a.commerce.accept'>): void {
    const deal = this.sagas?.forQuote(m.payload.quote_id);
    if (deal) {
      this.sagas!.answerAgain(deal, m.from);
      return;
    }
    const done = this.quotes.executedQuote(m.payload.quote_id);
    if (done !== undefined && done.buyer === m.from.identifier) {
      this.host.send(m.from, 'a2a.commerce.confirmation', m.conversation_id, done.confirmation);
      return;
    }
    const q = this.lookup(m.payload.quote_id, m);
    if (!q) return;
    const proof = m.payload.mandate_proof;
    const hash = transactionHash(q.payload);
    if (proof.transaction_hash !== hash) {
      this.refuse(m, q, 'quote_mismatch', 'transaction_hash does not match the quote as issued');
      return;
    }
    const mandate = this.ctx.mandates.get(proof.mandate_id);
    if (!mandate || !this.ctx.mandates.verify(proof.mandate_id, hash, proof.signature)) {
      this.refuse(m, q, 'mandate_invalid_signature', 'mandate proof does not verify');
      return;
    }
    if (!this.mandateAllows(m, q.payload.items[0]?.sku, proof.mandate_id)) return;
    if (q.totalMinor > mandate.maxPerPurchaseMinor || !this.spending.fits(mandate, this.nowUs, q.totalMinor)) {
      this.refuse(m, q, 'mandate_exceeded', q.totalMinor > mandate.maxPerPurchaseMinor ? `total exceeds the mandate's limit per purchase` : `total exceeds what is left of the mandate's budget for this period`);
      return;
    }
    if (mandate.approvalThresholdMinor !== undefined && q.totalMinor > mandate.approvalThresholdMinor && !this.ctx.mandates.approved(mandate, hash, proof.approval)) {
      this.refuse(m, q, 'approval_required', `a total above ${toWire(mandate.approvalThresholdMinor)} needs a human approval`);
      return;
    }
    const items = q.payload.items;
    // (indexed: for-of over a frozen list makes an object per step)
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (this.stock(item.sku) < item.quantity) {
        const category = this.ctx.market.sku(item.sku)?.category ?? '';
        this.refuse(m, q, 'out_of_stock', `${item.sku} sold out before the accept arrived`, this.alternatives(category, item.sku, item.quantity));
        return;
      }
    }
    if (this.sagas) {
      const sagas = this.sagas;
      this.spending.add(mandate, this.nowUs, q.totalMinor);
      this.limiter?.release(q.limiterKey);
      this.quotes.close(q);
      if (this.ctx.trust?.adversaryKind(m.from.identifier) === 'mandate_exceeder') this.ctx.metrics.security.acceptedHostile('mandate_exceeder');
      if (q.neg !== undefined) this.host.ended(q.neg, 'succeeded');
      this.ctx.metrics.storeDeal(q.totalMinor - q.floorMinor);
      // The saga answers later, with a confirmation; its steps are not a reply to this accept.
      this.host.detached(() => sagas.start(q.quoteId, m.conversation_id, m.from, this.ctx.organisationOf(m.from.identifier), q.totalMinor, hash, q.payload.items, q.payload.totals, proof.mandate_id));
      return;
    }
    const now = this.nowUs;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const level = this.stock(item.sku) - item.quantity;
      this.inventory.set(item.sku, level);
      this.ctx.checker.inventory(this.host.identifier, item.sku, level, now);
    }
    this.spending.add(mandate, now, q.totalMinor);
    const orderSeq = ++this.orderSeq;
    const orderId = this.orderIds.make(orderSeq);
    this.ctx.metrics.executions++;
    this.ctx.metrics.storeDeal(q.totalMinor - q.floorMinor);
    // Observer only: a hostile agent's order must never execute.
    if (this.ctx.trust?.adversaryKind(m.from.identifier) === 'mandate_exceeder') this.ctx.metrics.security.acceptedHostile('mandate_exceeder');
    this.ctx.checker.storeExecuted(hash, dealTerms(orderId, hash, q.totalMinor), now, q.quoteId);
    if (this.ctx.trace !== undefined) {
      const execution: ExecutionRecord = { order_id: orderId, quote_id: q.quoteId, store: this.host.identifier, buyer: m.from.identifier, transaction_hash: hash, items: q.payload.items, totals: q.payload.totals };
      this.ctx.trace.record({ vt_us: now, event: 'execution', execution });
    }
    const confirmation = { order_id: orderId, status: 'confirmed', items: q.payload.items, totals: q.payload.totals, tracking: { url: this.trackingUrls.make(orderSeq) } } as const;
    this.quotes.executedAs(q, confirmation);
    this.limiter?.release(q.limiterKey);
    if (q.neg !== undefined) this.host.ended(q.neg, 'succeeded');
    this.host.send(m.from, 'a2a.commerce.confirmation', m.conversation_id, confirmation);
  }

  /** Refuses to execute an accept of quote `q`: counted, and answered with an error. */
  private refuse(m: MessageOf<'a2a.commerce.accept'>, q: QuoteState, code: ErrorCode, text: string, alternatives?: ErrorPayload['alternatives']): void {
    this.ctx.metrics.executionRefused(code);
    this.host.noteRefusal(m, code);
    this.host.sendError(m.from, m.conversation_id, code, text, q.quoteId, alternatives);
  }

  /** Step 7: the buyer returns the confirmation; the order is closed once its terms match ours. */
  onReceipt(m: MessageOf<'a2a.commerce.confirmation'>): void {
    if (this.sagas && m.payload.status === 'acknowledged') {
      const deal = this.sagas.forOrder(m.payload.order_id);
      // A receipt is a confirmed deal acknowledged; a cancelled one is acknowledged too, but is no deal.
      if (deal && this.sagas.acknowledged(deal, m.from) && deal.answer?.status === 'confirmed') this.ctx.metrics.receipts++;
      return;
    }
    const q = this.quotes.order(m.payload.order_id);
    if (!q || q.acknowledged || m.payload.status !== 'acknowledged' || q.buyer !== m.from.identifier) return;
    const total = q.confirmation.totals.total;
    if (m.payload.totals.total !== total) {
      this.host.sendError(m.from, m.conversation_id, 'quote_mismatch', `order ${m.payload.order_id} was confirmed at ${total}`, m.id);
      return;
    }
    q.acknowledged = true;
    this.ctx.metrics.receipts++;
  }

  /** Finds a live quote for `m`, answering with the right error when there is none. */
  lookup(quoteId: string, m: Request): QuoteState | undefined {
    const q = this.quotes.get(quoteId);
    if (q !== undefined && q.buyer === m.from.identifier) {
      if (q.validUntilUs >= this.nowUs) return q;
      this.host.sendError(m.from, m.conversation_id, 'quote_expired', `quote ${quoteId} expired at ${q.payload.valid_until}`, quoteId);
      return undefined;
    }
    if (this.quotes.executedQuote(quoteId)?.buyer === m.from.identifier) {
      this.host.sendError(m.from, m.conversation_id, 'quote_not_found', `quote ${quoteId} was already accepted`, quoteId);
      return undefined;
    }
    this.host.sendError(m.from, m.conversation_id, 'quote_not_found', `no quote ${quoteId} for ${m.from.identifier}`, quoteId);
    return undefined;
  }

  /**
   * Checks the mandate a request names: its token, validity window and scope (category of
   * `sku`, this merchant). Answers with the matching error and returns false when it fails.
   */
  mandateAllows(m: Request, sku: string | undefined, mandateId?: string): boolean {
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
    this.host.noteRefusal(m, code);
    this.host.sendError(m.from, m.conversation_id, code, text, m.id);
    return false;
  }

  /** Substitutes in the same category with enough stock, for an out_of_stock answer. */
  alternatives(category: string, sku: string, quantity: number): { sku: string; name: string }[] {
    return this.ctx.market
      .skusIn(category)
      .filter((s) => s.sku !== sku && this.stock(s.sku) >= quantity)
      .slice(0, 3)
      .map((s) => ({ sku: s.sku, name: s.name }));
  }
}
