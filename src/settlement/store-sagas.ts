/**
 * A store's sagas: after an accept, the store drives each accepted quote through its saga,
 * sending the clearing-house steps through the broker with idempotency keys, retrying on virtual
 * time, and answering the buyer with a confirmation once the saga has settled (status
 * `confirmed`) or been compensated (status `cancelled`). Sagas are persisted: a crash loses the
 * timers, not the sagas, and a restart resends each saga's current step under the same key.
 */
import type { AgentContext } from '../agents/agent.js';
import { dealTerms } from '../agents/deal-terms.js';
import type { ErrorCode } from '../protocol/codes.js';
import { toWire } from '../protocol/money.js';
import type { ConfirmationPayload, MessageOf, MessageType, Party, QuoteItem, Totals } from '../protocol/schemas.js';
import type { SettlementPlan } from '../scenario/schema.js';
import { REMOTE_STEPS, Saga } from './saga.js';

/** What the sagas need from the store that owns them. */
export interface SagaHost {
  readonly nowUs: number;
  readonly localName: string;
  readonly identifier: string;
  readonly organisation: string;
  sendMessage<T extends MessageType>(to: Party, type: T, conversationId: string, payload: MessageOf<T>['payload']): void;
  adjustStock(sku: string, delta: number): void;
  chance(p: number): boolean;
  sagaTimer(delayUs: number, sagaId: string, token: number): void;
  trackingUrl(orderId: string): string;
  /** a saga was compensated (its answer, cancelled, is set): the store gives back what it counted against the buyer's mandate */
  compensated(deal: Deal): void;
}

/** An accepted quote on its way to settlement. */
export interface Deal {
  readonly saga: Saga;
  readonly quoteId: string;
  readonly orderId: string;
  readonly conversationId: string;
  readonly buyer: Party;
  readonly payer: string;
  readonly amountMinor: number;
  readonly transactionHash: string;
  readonly items: readonly QuoteItem[];
  readonly totals: Totals;
  /** the mandate the accept was made under, and when (the budget period it counts in) */
  readonly mandateId: string;
  readonly acceptedUs: number;
  /** the tracking link of the order and the deal checker's key, when the store numbered the order itself (an external store) */
  readonly trackingUrl?: string;
  readonly dealKey?: string;
  /** the answer the buyer gets (again, on a retried accept) once the saga has ended */
  answer?: ConfirmationPayload;
}

/** An order the store numbered itself (an external store's confirmation): its id, tracking link and deal key. */
export interface OwnOrder {
  readonly orderId: string;
  readonly trackingUrl: string;
  /** what the deal checker knows the deal by (a quote id alone may not be unique across agents) */
  readonly dealKey: string;
}

const CAUSE_TEXT: Record<string, string> = {
  payment_failed: 'payment failed',
  insufficient_funds: 'the buyer could not cover the total',
  back_office_rejected: "the supplier's back office rejected the order",
  settlement_timeout: 'the clearing house did not answer in time',
  already_compensated: 'the settlement was already compensated',
};

export class StoreSagas {
  private readonly byId = new Map<string, Deal>();
  private readonly byQuote = new Map<string, Deal>();
  private readonly byOrder = new Map<string, Deal>();
  /** by the buyer's conversation, which the deal's instructions carry (a refusal names it) */
  private readonly byConversation = new Map<string, Deal>();
  private seq = 0;

  constructor(
    private readonly host: SagaHost,
    private readonly ctx: AgentContext,
    private readonly terms: SettlementPlan,
    private readonly clearingHouse: Party,
  ) {}

  /** Deals not yet acknowledged by their buyers. */
  get size(): number {
    return this.byId.size;
  }

  forQuote(quoteId: string): Deal | undefined {
    return this.byQuote.get(quoteId);
  }

  forOrder(orderId: string): Deal | undefined {
    return this.byOrder.get(orderId);
  }

  /** Starts the saga of an accepted quote (the checks of the accept have passed); `own`: the store numbered the order. */
  start(quoteId: string, conversationId: string, buyer: Party, payer: string, amountMinor: number, transactionHash: string, items: readonly QuoteItem[], totals: Totals, mandateId: string, own?: OwnOrder): void {
    const n = ++this.seq;
    const saga = new Saga(`saga_${this.host.localName}_${n}`);
    const orderId = own?.orderId ?? `ord_${this.host.localName}_${n}`;
    const deal: Deal = { saga, quoteId, orderId, conversationId, buyer, payer, amountMinor, transactionHash, items, totals, mandateId, acceptedUs: this.host.nowUs, ...(own ? { trackingUrl: own.trackingUrl, dealKey: own.dealKey } : {}) };
    this.byId.set(saga.id, deal);
    this.byQuote.set(quoteId, deal);
    this.byOrder.set(deal.orderId, deal);
    this.byConversation.set(conversationId, deal);
    this.ctx.metrics.sagasStarted++;
    this.ctx.settlementChecker.sagaStarted(saga.id, amountMinor, this.host.nowUs);
    this.drive(deal);
  }

  /** A retried accept: the answer again once there is one (meanwhile the saga is still running). */
  answerAgain(deal: Deal, from: Party): void {
    if (deal.answer && from.identifier === deal.buyer.identifier) this.host.sendMessage(deal.buyer, 'a2a.commerce.confirmation', deal.conversationId, deal.answer);
  }

  /** The buyer acknowledged the answer: the deal is closed and forgotten. */
  acknowledged(deal: Deal, from: Party): boolean {
    if (!deal.answer || from.identifier !== deal.buyer.identifier) return false;
    this.byId.delete(deal.saga.id);
    this.byQuote.delete(deal.quoteId);
    this.byOrder.delete(deal.orderId);
    this.byConversation.delete(deal.conversationId);
    return true;
  }

  /**
   * The clearing house refused one of our instructions with an error (a message spoiled on the
   * way, answered invalid_message by the network; or its rate limit per sender): the step's
   * timer retries it; the checker notes the refusal.
   */
  onRefused(m: MessageOf<'a2a.commerce.error'>): void {
    if (m.from.identifier !== this.ctx.clearingHouse?.identifier) return;
    const deal = this.byConversation.get(m.conversation_id);
    if (deal && !deal.saga.finished) this.ctx.settlementChecker.sagaRefused(deal.saga.id, this.host.nowUs);
  }

  onResult(m: MessageOf<'a2a.settlement.result'>): void {
    // Only the clearing house answers for a saga.
    if (m.from.identifier !== this.ctx.clearingHouse?.identifier) return;
    const deal = this.byId.get(m.payload.saga_id);
    if (!deal) return;
    const s = deal.saga;
    // A duplicate, or the answer to a step the saga has moved past.
    if (s.finished || m.payload.idempotency_key !== s.key()) return;
    s.token++;
    if (m.payload.status === 'ok') {
      s.succeeded();
      this.drive(deal);
    } else if (s.state === 'running' && (s.step === 'escrow' || s.step === 'capture')) {
      s.failed(m.payload.code ?? 'payment_failed', false, false);
      this.drive(deal);
    } else {
      // A step that must complete was refused (e.g. a refund before its capture was voided): try again later.
      this.arm(deal);
    }
  }

  onTimer(sagaId: string, token: number): void {
    const deal = this.byId.get(sagaId);
    if (!deal || deal.saga.token !== token || deal.saga.finished) return;
    const s = deal.saga;
    if (s.state === 'running' && (s.step === 'escrow' || s.step === 'capture') && s.attempts > this.terms.step_retries) {
      s.failed('settlement_timeout', true, false);
      this.drive(deal);
      return;
    }
    this.ctx.metrics.stepRetries++;
    this.send(deal);
  }

  /** A crash: every pending timer is lost. */
  crashed(): void {
    for (const d of this.byId.values()) d.saga.token++;
  }

  /** After a restart: resend the current step of every saga still running, under the same key. */
  restarted(): void {
    for (const d of this.byId.values()) if (!d.saga.finished) this.send(d);
  }

  /** Runs local steps at once and sends the next remote one. */
  private drive(deal: Deal): void {
    const s = deal.saga;
    const now = this.host.nowUs;
    for (;;) {
      if (s.finished) {
        this.finish(deal);
        return;
      }
      if (REMOTE_STEPS.has(s.step)) {
        if (s.step === 'refund' && this.ctx.defects.has('saga_skips_compensation')) {
          s.succeeded();
          continue;
        }
        this.send(deal);
        return;
      }
      switch (s.step) {
        case 'reserve':
          for (const item of deal.items) this.host.adjustStock(item.sku, -item.quantity);
          this.ctx.settlementChecker.inventoryReserved(s.id);
          s.succeeded();
          break;
        case 'release':
          for (const item of deal.items) this.host.adjustStock(item.sku, item.quantity);
          this.ctx.settlementChecker.inventoryReleased(s.id);
          s.succeeded();
          break;
        case 'ship': {
          const f = this.ctx.faults;
          if (f && now < f.untilUs && this.host.chance(f.backOfficeRejectionProbability)) s.failed('back_office_rejected', false, true);
          else s.succeeded();
          break;
        }
        default:
          throw new Error(`saga ${s.id}: unexpected step ${s.step}`);
      }
    }
  }

  private send(deal: Deal): void {
    const s = deal.saga;
    const k = (step: 'escrow' | 'capture') => s.key(step);
    const base = { saga_id: s.id, idempotency_key: s.key() };
    const to = this.clearingHouse;
    const conv = deal.conversationId;
    s.attempts++;
    switch (s.step) {
      case 'escrow':
        this.host.sendMessage(to, 'a2a.settlement.escrow', conv, {
          ...base,
          transaction_hash: deal.transactionHash,
          payer: deal.payer,
          payee: this.host.organisation,
          amount: toWire(deal.amountMinor),
          currency: this.ctx.currency,
        });
        break;
      case 'capture':
        this.host.sendMessage(to, 'a2a.settlement.capture', conv, { ...base, escrow_key: k('escrow') });
        break;
      case 'post':
        this.host.sendMessage(to, 'a2a.settlement.post', conv, { ...base, capture_key: k('capture') });
        break;
      case 'void':
        this.host.sendMessage(to, 'a2a.settlement.void', conv, { ...base, capture_key: k('capture'), reason: s.cause });
        break;
      case 'refund':
        this.host.sendMessage(to, 'a2a.settlement.refund', conv, { ...base, escrow_key: k('escrow'), reason: s.cause });
        break;
      case 'forfeit':
        this.host.sendMessage(to, 'a2a.settlement.forfeit', conv, { ...base, party: this.host.organisation, beneficiary: deal.payer, reason: s.cause });
        break;
      default:
        throw new Error(`saga ${s.id}: ${s.step} is not a clearing-house step`);
    }
    this.arm(deal);
  }

  /** Waits for the step's result: forward steps a fixed timeout, the rest with a growing backoff. */
  private arm(deal: Deal): void {
    const s = deal.saga;
    const forward = s.state === 'running' && s.step !== 'post';
    const delayUs = forward ? this.terms.step_timeout : Math.min(this.terms.step_timeout * 2 ** Math.min(20, Math.max(0, s.attempts - 1)), this.terms.retry_backoff_max);
    s.token++;
    this.host.sagaTimer(delayUs, s.id, s.token);
  }

  private finish(deal: Deal): void {
    const s = deal.saga;
    const now = this.host.nowUs;
    s.endUs = now;
    const base = { order_id: deal.orderId, items: [...deal.items], totals: deal.totals, tracking: { url: deal.trackingUrl ?? this.host.trackingUrl(deal.orderId) } };
    if (s.state === 'settled') {
      this.ctx.metrics.sagasSettled++;
      this.ctx.metrics.executions++;
      this.ctx.settlementChecker.sagaEnded(s.id, 'settled', '', now);
      this.ctx.checker.storeExecuted(deal.transactionHash, dealTerms(deal.orderId, deal.transactionHash, deal.amountMinor), now, deal.dealKey ?? deal.quoteId);
      this.ctx.trace?.record({
        vt_us: now,
        event: 'execution',
        execution: { order_id: deal.orderId, quote_id: deal.quoteId, store: this.host.identifier, buyer: deal.buyer.identifier, transaction_hash: deal.transactionHash, items: [...deal.items], totals: deal.totals },
      });
      deal.answer = { ...base, status: 'confirmed' };
    } else {
      this.ctx.metrics.sagaCompensated(s.cause);
      this.ctx.settlementChecker.sagaEnded(s.id, 'compensated', s.cause, now);
      deal.answer = { ...base, status: 'cancelled', cancellation: { code: s.cause as ErrorCode, message: CAUSE_TEXT[s.cause] ?? s.cause } };
      this.host.compensated(deal);
    }
    this.host.sendMessage(deal.buyer, 'a2a.commerce.confirmation', deal.conversationId, deal.answer);
  }
}
