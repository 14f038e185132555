/**
 * Settlement for an external store. Its agent negotiates and confirms as any store does; with a
 * clearing house in the scenario, the simulator settles each deal the agent confirms on the
 * organisation's behalf, as a custodian holding its ledger accounts would: the store's saga
 * (settlement/store-sagas.ts) under the agent's identity, with the agent's order id, items and
 * totals, its instructions signed with the organisation's simulator-held key (published in its
 * JWK set, as for the gateway's agent_unreachable answers). The buyer hears the saga's outcome in
 * place of the agent's confirmation: `confirmed` once settled, `cancelled` once compensated; a
 * cancelled deal is also handed to the agent, as the clearing house's confirmation with status
 * `cancelled`, so that it can undo its side. Inventory stays the agent's own: the saga's reserve
 * and release steps move nothing here.
 *
 * A buyer that has accepted waits for the outcome of its deal (settled or compensated), asking
 * again until it hears it, as the settlement section promises within its saga_bound. The
 * custodian keeps that promise for the agent: an accept the agent has neither confirmed nor
 * refused within saga_bound of its delivery is refused for it (`settlement_timeout`) when the
 * buyer asks again, and a confirmation that comes after that is not settled: the agent hears it
 * cancelled. (Checked when the buyer asks again, so no timer outlives a deal that went well.)
 */
import type { AgentContext } from '../agents/agent.js';
import type { Rng } from '../engine/rng.js';
import { toMinor } from '../protocol/money.js';
import type { CommerceMessage, ConfirmationPayload, MessageOf, MessageType, Party } from '../protocol/schemas.js';
import type { SettlementPlan } from '../scenario/schema.js';
import { isoTimestamp } from '../protocol/time.js';
import { StoreSagas, type Deal } from '../settlement/store-sagas.js';
import { track } from './tracked.js';

/** An accept the agent was handed, until it answers it. */
export interface AcceptSeen {
  readonly hash: string;
  readonly quoteId: string;
  readonly buyer: Party;
  readonly mandateId: string;
}

/** What the custodian needs from the external agent it settles for. */
export interface CustodianPort {
  readonly nowUs: number;
  readonly localName: string;
  readonly identifier: string;
  readonly organisation: string;
  readonly party: Party;
  /** sends a message under the agent's identity, signed with the organisation's simulator-held key */
  send<T extends MessageType>(to: Party, type: T, conversationId: string, payload: MessageOf<T>['payload']): void;
  /** a timer for a saga step, back through onTimer */
  timer(delayUs: number, sagaId: string, token: number): void;
  /** counts an accept the agent left unanswered past the deadline */
  unanswered(): void;
  /** hands the agent a message (in virtual time, like any delivery) */
  handOver(message: CommerceMessage): void;
}

/** An accept handed to the agent and not yet answered, or refused for it at the deadline. */
interface Waiting {
  readonly sinceUs: number;
  readonly quoteId: string;
  readonly buyer: Party;
  refused: boolean;
}

export class Custodian {
  private readonly sagas: StoreSagas;
  private notices = 0;
  /** by conversation: accepts the agent has not answered yet, and those refused for it */
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly port: CustodianPort,
    private readonly ctx: AgentContext,
    private readonly clearingHouse: Party,
    rng: Rng,
    private readonly terms: SettlementPlan,
  ) {
    this.sagas = new StoreSagas(
      {
        get nowUs() {
          return port.nowUs;
        },
        localName: port.localName,
        identifier: port.identifier,
        organisation: port.organisation,
        sendMessage: (to, type, conversationId, payload) => port.send(to, type, conversationId, payload),
        adjustStock: () => {},
        chance: (p) => rng.chance(p),
        sagaTimer: (delayUs, sagaId, token) => port.timer(delayUs, sagaId, token),
        trackingUrl: (orderId) => `https://a2a.${port.organisation}.example/track/${orderId}`,
        compensated: (deal) => this.notify(deal),
      },
      ctx,
      terms,
      clearingHouse,
    );
  }

  /**
   * A message for the agent that is the custodian's to answer: the clearing house's results and
   * refusals, and a retried accept of a deal in settlement (answered with its outcome, once there
   * is one, as a simulated store does). True when it is not to be handed to the agent.
   */
  intercepts(message: CommerceMessage): boolean {
    const sagas = this.sagas;
    switch (message.type) {
      case 'a2a.settlement.result':
        sagas.onResult(message);
        return true;
      case 'a2a.commerce.error':
        if (message.from.identifier !== this.clearingHouse.identifier) return false;
        sagas.onRefused(message);
        return true;
      case 'a2a.commerce.accept': {
        const deal = sagas.forQuote(message.payload.quote_id);
        if (deal !== undefined) {
          sagas.answerAgain(deal, message.from);
          return true;
        }
        const w = this.waiting.get(message.conversation_id);
        if (w === undefined) {
          track(this.waiting, message.conversation_id, { sinceUs: this.port.nowUs, quoteId: message.payload.quote_id, buyer: message.from, refused: false });
          return false;
        }
        if (w.buyer.identifier !== message.from.identifier || (!w.refused && this.port.nowUs - w.sinceUs < this.terms.saga_bound)) return false;
        if (!w.refused) {
          w.refused = true;
          this.port.unanswered();
        }
        this.refuse(message.conversation_id, w);
        return true;
      }
      case 'a2a.commerce.confirmation': {
        // The buyer's receipt closes the deal here, and goes on to the agent.
        const deal = message.payload.status === 'acknowledged' ? sagas.forOrder(message.payload.order_id) : undefined;
        if (deal && sagas.acknowledged(deal, message.from) && deal.answer?.status === 'confirmed') this.ctx.metrics.receipts++;
        return false;
      }
      default:
        return false;
    }
  }

  /**
   * The agent confirmed a deal: its saga starts (once per order), and the buyer is answered when
   * it ends. False when the confirmation answers no accept the agent was handed: it goes out as it is.
   */
  takes(confirmation: MessageOf<'a2a.commerce.confirmation'>, accept: { readonly accepted: AcceptSeen; readonly dealKey: string } | undefined): boolean {
    const p = confirmation.payload;
    const running = this.sagas.forOrder(p.order_id) ?? (accept && this.sagas.forQuote(accept.accepted.quoteId));
    if (running !== undefined) {
      // The agent confirmed again (a retried accept reached it first): the saga answers.
      this.sagas.answerAgain(running, confirmation.to);
      return true;
    }
    if (accept === undefined || accept.accepted.buyer.identifier !== confirmation.to.identifier) return false;
    const { accepted, dealKey } = accept;
    const w = this.waiting.get(confirmation.conversation_id);
    this.waiting.delete(confirmation.conversation_id);
    if (w?.refused) {
      // Too late: the buyer was told the deal would not be settled.
      this.port.handOver(this.notice(confirmation.conversation_id, { ...p, status: 'cancelled', cancellation: { code: 'settlement_timeout', message: LATE } }));
      return true;
    }
    const buyer = accepted.buyer;
    this.sagas.start(accepted.quoteId, confirmation.conversation_id, buyer, this.ctx.organisationOf(buyer.identifier), toMinor(p.totals.total), accepted.hash, p.items, p.totals, accepted.mandateId, {
      orderId: p.order_id,
      trackingUrl: p.tracking.url,
      dealKey,
    });
    return true;
  }

  /** The buyer had an answer to its accept other than a confirmation (an error, from the agent or the gateway for it). */
  answered(conversationId: string): void {
    if (this.waiting.get(conversationId)?.refused === false) this.waiting.delete(conversationId);
  }

  onTimer(sagaId: string, token: number): void {
    this.sagas.onTimer(sagaId, token);
  }

  private refuse(conversationId: string, w: Waiting): void {
    const text = `${this.port.identifier} neither confirmed nor refused the accept within the settlement's saga_bound`;
    this.port.send(w.buyer, 'a2a.commerce.error', conversationId, { code: 'settlement_timeout', message: text, reference: w.quoteId });
  }

  /** A compensated deal: the agent hears it as the clearing house's cancelled confirmation. */
  private notify(deal: Deal): void {
    this.port.handOver(this.notice(deal.conversationId, deal.answer!));
  }

  private notice(conversationId: string, payload: ConfirmationPayload): CommerceMessage {
    return {
      type: 'a2a.commerce.confirmation',
      id: `msg_${this.clearingHouse.identifier.slice('agent:'.length)}_for_${this.port.localName}_${++this.notices}`,
      from: this.clearingHouse,
      to: this.port.party,
      conversation_id: conversationId,
      timestamp: isoTimestamp(this.ctx.epochMs, this.port.nowUs),
      payload,
    };
  }
}

const LATE = 'confirmed after the settlement\'s saga_bound: the buyer had been told the deal would not be settled';
