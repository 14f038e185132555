/**
 * A buyer's accepting and confirming: it accepts within its mandate (after a person's approval
 * where one is needed), binding the proof to the quote's transaction hash, retries an accept
 * that goes unanswered, and records the confirmed deal with a receipt back to the store.
 */
import { sampleUs } from '../../engine/distribution.js';
import type { Rng } from '../../engine/rng.js';
import { transactionHash } from '../../protocol/hash.js';
import { toMinor } from '../../protocol/money.js';
import type { MessageOf } from '../../protocol/schemas.js';
import type { BuyerPlan } from '../../scenario/schema.js';
import type { AgentContext } from '../agent.js';
import { dealTerms } from '../deal-terms.js';
import type { Mandate } from '../mandates.js';
import type { BuyerOrganisation } from '../organisation.js';
import type { BuyerHost } from './host.js';
import { APPROVAL_WAIT, CONFIRM_WAIT, MANDATE_APPROVAL_WAIT, type Negotiation } from './negotiation.js';
import type { BuyerTimers } from './timers.js';

/** Where every buyer's goods go: one frozen address (a message is never changed once sent). */
const SHIPPING_ADDRESS = Object.freeze({ line1: '1 Procurement Way', city: 'San Francisco', state: 'CA', postal_code: '94102', country: 'US' });

export class BuyerAccepting {
  constructor(
    private readonly host: BuyerHost,
    private readonly ctx: AgentContext,
    private readonly plan: BuyerPlan,
    private readonly org: BuyerOrganisation,
    private readonly rng: Rng,
    private readonly mandate: Mandate,
    private readonly timers: BuyerTimers,
  ) {}

  private get nowUs(): number {
    return this.ctx.kernel.nowUs;
  }

  /** Step 5: confirm within the mandate, binding the proof to the quote's transaction hash. */
  accept(n: Negotiation): void {
    const offer = n.counterpart!;
    if (offer.totalMinor > this.mandate.maxPerPurchaseMinor) {
      this.timers.end(n, 'mandate_exceeded');
      return;
    }
    // The mandate's budget per period is the organisation's: reserve the amount before accepting.
    const now = this.nowUs;
    if (!this.org.spending.fits(this.mandate, now, offer.totalMinor)) {
      this.timers.end(n, 'mandate_exceeded');
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
      this.timers.arm(n, APPROVAL_WAIT, approval.delay);
      return;
    }
    this.approved(n);
  }

  /** Approved in-house (or no approval needed): the mandate's own approval threshold, then the accept. */
  approved(n: Negotiation): void {
    n.phase = 'accepting';
    const total = n.counterpart!.totalMinor;
    const threshold = this.mandate.approvalThresholdMinor;
    const approval = this.mandate.approval;
    if (threshold !== undefined && approval !== undefined && total > threshold) {
      // The mandate's human approver answers (or does not, in time) before the accept goes out.
      n.approvalDelayUs = sampleUs(approval.delay, this.rng);
      this.timers.arm(n, MANDATE_APPROVAL_WAIT, Math.min(n.approvalDelayUs, approval.timeoutUs));
      return;
    }
    n.acceptSentUs = this.nowUs;
    this.sendAccept(n);
  }

  /** The mandate's approver answered, or the wait for it ran out. */
  approvalDone(n: Negotiation): void {
    if (n.approvalDelayUs! > this.mandate.approval!.timeoutUs) {
      this.timers.end(n, 'approval_timeout');
      return;
    }
    n.approval = this.ctx.mandates.approve(this.mandate, n.transactionHash);
    n.acceptSentUs = this.nowUs;
    this.sendAccept(n);
  }

  /** Sends the accept (a retry: again) and waits for the confirmation. */
  sendAccept(n: Negotiation): void {
    const offer = n.counterpart!;
    n.acceptAttempts++;
    const mandateId = this.mandate.mandateId;
    const transactionHash = n.transactionHash;
    const signature = this.ctx.mandates.sign(this.mandate, transactionHash);
    const approval = n.approval;
    const sent = this.host.send(offer.from, 'a2a.commerce.accept', n.conversationId, {
      quote_id: offer.quoteId,
      mandate_proof: approval === undefined ? { mandate_id: mandateId, transaction_hash: transactionHash, signature } : { mandate_id: mandateId, transaction_hash: transactionHash, signature, approval },
      shipping_address: SHIPPING_ADDRESS,
      // A retry is a retransmission of the first accept (the same id), answered from the reply
      // the store gave; with a clearing house the answer comes later, so each retry is a new ask.
    }, this.ctx.settlement ? undefined : n.acceptMessageId);
    n.acceptMessageId = sent.id;
    n.lastSentId = sent.id;
    this.timers.arm(n, CONFIRM_WAIT, this.confirmationWaitUs(n));
  }

  /** An accept or its confirmation may be lost: retry (the store answers idempotently). */
  retryAccept(n: Negotiation): void {
    // With a clearing house the store settles or compensates every accepted deal, so the buyer
    // keeps asking until it learns which; without one it gives up after its retries.
    if (n.acceptAttempts > this.plan.accept_retries && this.ctx.settlement === undefined) {
      this.timers.end(n, 'confirmation_timeout');
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

  /** Step 7: record the deal and send the receipt back, so both agents hold the confirmation. */
  onConfirmation(n: Negotiation, m: MessageOf<'a2a.commerce.confirmation'>): void {
    const offer = n.counterpart;
    if (n.phase !== 'accepting' || !offer || m.from.identifier !== offer.from.identifier) return;
    const now = this.nowUs;
    const totalMinor = toMinor(m.payload.totals.total);
    if (m.payload.status === 'cancelled') {
      // The store could not settle and compensated: no deal, but the answer is acknowledged.
      if (this.ctx.defects.has('buyer_records_cancelled')) this.ctx.checker.buyerConfirmed(n.transactionHash, dealTerms(m.payload.order_id, n.transactionHash, totalMinor), now);
      this.host.send(m.from, 'a2a.commerce.confirmation', n.conversationId, { ...m.payload, status: 'acknowledged' });
      this.timers.end(n, 'settlement_failed');
      return;
    }
    if (m.payload.status !== 'confirmed') return;
    this.ctx.checker.buyerConfirmed(n.transactionHash, dealTerms(m.payload.order_id, n.transactionHash, totalMinor), now);
    this.ctx.metrics.settlementCompleted(now - n.acceptSentUs, totalMinor);
    const reference = n.view.referencePrice;
    this.ctx.metrics.buyerDeal(n.reservationMinor - totalMinor, reference > 0 ? Math.round((1e6 * totalMinor) / reference) : 0);
    n.dealMinor = totalMinor;
    this.host.send(m.from, 'a2a.commerce.confirmation', n.conversationId, { ...m.payload, status: 'acknowledged' });
    this.timers.end(n, 'succeeded');
  }
}
