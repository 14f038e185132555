/**
 * An external agent's place in a shard: to the broker an agent like any other, which hands what
 * is delivered to it over its link and sends what the agent answers. Conservative
 * co-simulation: a frame handed over at virtual time t is answered no earlier than t plus the
 * smallest think time, so the kernel runs on up to then and waits there (a barrier event) until
 * the answer has come, holding virtual time still. The answer is sent at t plus a think time
 * drawn from the scenario's distribution, never at wall time: a deterministic agent gives the same
 * run every time. Under external_clock: realtime the kernel is paced to the wall clock instead
 * (pacer.ts), and an answer is sent when it arrives. With a clearing house, what an external
 * store confirms is settled for it by the simulator (custodian.ts).
 */
import { Agent, type AgentContext } from '../agents/agent.js';
import { minimumUs, sampleUs } from '../engine/distribution.js';
import { Priority } from '../engine/kernel.js';
import { Rng } from '../engine/rng.js';
import type { CommerceMessage, MessageOf } from '../protocol/schemas.js';
import { isoTimestamp } from '../protocol/time.js';
import { toMinor } from '../protocol/money.js';
import { validateMessage } from '../protocol/validate.js';
import { dealTerms } from '../agents/deal-terms.js';
import type { Outcome } from '../metrics/collector.js';
import type { ExternalPlan } from '../scenario/schema.js';
import { settledAnswer, type AgentLink, type Answer, type Outgoing, type SettledAnswer } from './link.js';
import type { Pacer } from './pacer.js';
import { Custodian, type AcceptSeen } from './custodian.js';
import { track } from './tracked.js';

const BARRIER = 1;
const SEND = 2;
const WAKE = 3;
const SAGA_TIMER = 4;

interface Pending {
  readonly atUs: number;
  readonly frame: Outgoing;
  readonly answer: SettledAnswer;
}

/** Counts of what external agents did, in virtual time (deterministic for a deterministic agent). */
export interface ExternalTally {
  frames: number;
  answers: number;
  timeouts: number;
  unreachable: number;
  /** accepts an external store (with settlement) left unanswered past saga_bound: refused for it */
  unanswered_accepts: number;
}

export class ExternalAgent extends Agent {
  private readonly minThinkUs: number;
  /** accepts received, by conversation, until the agent confirms them (a store) */
  private readonly accepts = new Map<string, AcceptSeen>();
  /** with a clearing house, settles what an external store confirms (custodian.ts) */
  private readonly custodian: Custodian | undefined;
  /** accepts sent, by conversation, until they are confirmed (a buyer) */
  private readonly acceptsSent = new Map<string, string>();
  /** an external buyer's open negotiations, by conversation (the ones it lets lapse are not counted) */
  private readonly negotiations = new Map<string, { startUs: number; rounds: number; category: string; regimeIndex: number; storeId: number; acceptUs: number | undefined }>();
  /** the wake the agent asked for last (older ones are stale) */
  private wakeToken = 0;

  constructor(
    address: { readonly id: number; readonly localName: string; readonly organisation: string; readonly party: CommerceMessage['from'] },
    private readonly plan: ExternalPlan,
    private readonly link: AgentLink,
    ctx: AgentContext,
    /** the agent's own sends are not asked for at or after this virtual time (the scenario's end) */
    private readonly durationUs: number,
    private readonly tally: ExternalTally,
    /** external_clock: realtime: answers take effect when they arrive, at the pacer's next step */
    private readonly pacer?: Pacer,
  ) {
    super(address, ctx);
    this.minThinkUs = minimumUs(plan.think_time);
    if (plan.role === 'store' && ctx.settlement !== undefined && ctx.clearingHouse !== undefined) {
      const agent = this;
      const port = {
        get nowUs() {
          return agent.nowUs;
        },
        localName: this.localName,
        identifier: this.identifier,
        organisation: this.organisation,
        party: this.party,
        send: this.send.bind(this),
        timer: (delayUs: number, sagaId: string, token: number) => this.after(delayUs, SAGA_TIMER, { sagaId, token }),
        unanswered: () => this.tally.unanswered_accepts++,
        handOver: (message: CommerceMessage) => this.handOver({ kind: 'deliver', vtUs: this.nowUs, message }),
      };
      this.custodian = new Custodian(port, ctx, ctx.clearingHouse, new Rng(ctx.seed, `custodian:${this.localName}`), ctx.settlement);
    }
  }

  /** Time 0 is the first time the agent may act of its own accord. */
  start(): void {
    this.ctx.kernel.schedule(0, Priority.timer, this, this, WAKE, this.wakeToken);
  }

  protected onMessage(message: CommerceMessage): void {
    if (this.custodian?.intercepts(message)) return;
    // The deal checker holds both sides of every deal: the external side's record is what it
    // said on the wire (an accept received and the confirmation sent, or the other way round).
    if (message.type === 'a2a.commerce.accept') {
      const proof = message.payload.mandate_proof;
      track(this.accepts, message.conversation_id, { hash: proof.transaction_hash, quoteId: message.payload.quote_id, buyer: message.from, mandateId: proof.mandate_id });
    }
    if (message.type === 'a2a.commerce.confirmation' && message.payload.status === 'confirmed') {
      const hash = this.acceptsSent.get(message.conversation_id);
      if (hash !== undefined) {
        this.acceptsSent.delete(message.conversation_id);
        const totalMinor = toMinor(message.payload.totals.total);
        this.ctx.checker.buyerConfirmed(hash, dealTerms(message.payload.order_id, hash, totalMinor), this.nowUs);
        const n = this.negotiations.get(message.conversation_id);
        if (n?.acceptUs !== undefined) this.ctx.metrics.settlementCompleted(this.nowUs - n.acceptUs, totalMinor);
        this.ended(message.conversation_id, 'succeeded');
      }
    }
    // The store could not settle the deal and compensated it: no deal (a simulated buyer's outcome too).
    if (message.type === 'a2a.commerce.confirmation' && message.payload.status === 'cancelled' && this.acceptsSent.delete(message.conversation_id)) {
      this.ended(message.conversation_id, 'settlement_failed');
    }
    if (message.type === 'a2a.commerce.error' && message.payload.code !== 'replay_detected') {
      const code = message.payload.code;
      this.ended(message.conversation_id, code === 'negotiation_closed' ? 'no_agreement' : code === 'market_halted' ? 'market_halted' : 'rejected_by_store');
    }
    this.handOver({ kind: 'deliver', vtUs: this.nowUs, message });
  }

  /** A buyer's negotiation as its messages show it: started by its intent, ended by the store's answer. */
  private noteOwn(message: CommerceMessage): void {
    const now = this.nowUs;
    if ((message.type === 'a2a.commerce.intent' || message.type === 'a2a.commerce.request') && !this.negotiations.has(message.conversation_id)) {
      const category = this.ctx.market.sku(message.payload.items[0]?.sku ?? '')?.category ?? this.plan.categories[0]!;
      track(this.negotiations, message.conversation_id, { startUs: now, rounds: 0, category, regimeIndex: this.ctx.market.regimeIndexAt(now), storeId: this.ctx.idOf(message.to.identifier), acceptUs: undefined });
    }
    const n = this.negotiations.get(message.conversation_id);
    if (n === undefined) return;
    if (message.type === 'a2a.commerce.counter') n.rounds++;
    if (message.type === 'a2a.commerce.accept') n.acceptUs ??= now;
  }

  private ended(conversationId: string, outcome: Outcome): void {
    const n = this.negotiations.get(conversationId);
    if (n === undefined) return;
    this.negotiations.delete(conversationId);
    const now = this.nowUs;
    this.ctx.metrics.negotiationEnded({ buyerId: this.id, storeId: n.storeId, category: n.category, regimeIndex: n.regimeIndex, latencyUs: now - n.startUs, rounds: n.rounds, outcome, endUs: now });
  }

  /** Sends a message of the agent's; a confirmation or accept it sends is its side of a deal. */
  private sendOwn(message: CommerceMessage): void {
    if (validateMessage(message).ok) {
      if (this.plan.role === 'buyer') this.noteOwn(message);
      if (message.type === 'a2a.commerce.accept') track(this.acceptsSent, message.conversation_id, message.payload.mandate_proof.transaction_hash);
      if (message.type === 'a2a.commerce.error') {
        // A hostile sender refused by the agent's own checks, counted as a simulated agent's refusal is.
        const kind = this.ctx.trust?.adversaryKind(message.to.identifier);
        if (kind !== undefined) this.ctx.metrics.security.rejected(message.to.identifier, kind, message.payload.code);
        this.custodian?.answered(message.conversation_id);
      }
      if (message.type === 'a2a.commerce.confirmation' && message.payload.status === 'confirmed' && this.executed(message)) return;
    }
    // The agent signed it (or left it unsigned): the gateway adds nothing.
    this.dispatch(message, { seal: false });
  }

  /**
   * The agent confirmed a deal: its side of it, recorded as it said it on the wire. With a
   * clearing house the custodian settles it and answers the buyer: true when it holds the
   * confirmation back.
   */
  private executed(message: MessageOf<'a2a.commerce.confirmation'>): boolean {
    const accepted = this.accepts.get(message.conversation_id);
    if (accepted !== undefined) {
      this.accepts.delete(message.conversation_id);
      if (this.ctx.trust?.adversaryKind(accepted.buyer.identifier) === 'mandate_exceeder') this.ctx.metrics.security.acceptedHostile('mandate_exceeder');
    }
    // (a quote id alone need not be unique across the organisation's agents)
    const deal = accepted && { accepted, dealKey: `${this.identifier}/${message.conversation_id}/${accepted.quoteId}` };
    if (this.custodian !== undefined) return this.custodian.takes(message, deal);
    if (deal !== undefined) {
      this.ctx.metrics.executions++;
      this.ctx.checker.storeExecuted(deal.accepted.hash, dealTerms(message.payload.order_id, deal.accepted.hash, toMinor(message.payload.totals.total)), this.nowUs, deal.dealKey);
    }
    return false;
  }

  private handOver(frame: Outgoing): void {
    this.tally.frames++;
    const pending: Pending = { atUs: this.nowUs, frame, answer: settledAnswer(this.link.exchange(this.identifier, frame)) };
    const pacer = this.pacer;
    if (pacer !== undefined) void pending.answer.promise.then((answer) => pacer.arrive(() => this.apply(pending, answer)));
    else this.ctx.kernel.schedule(this.nowUs + this.minThinkUs, Priority.timer, this, this, BARRIER, pending);
  }

  handle(kind: number, data: unknown): void {
    switch (kind) {
      case BARRIER: {
        const pending = data as Pending;
        if (pending.answer.answer !== undefined) this.apply(pending, pending.answer.answer);
        else this.ctx.kernel.block(pending.answer.promise.then((answer) => this.apply(pending, answer)));
        break;
      }
      case SEND:
        this.sendOwn(data as CommerceMessage);
        break;
      case WAKE:
        if (data === this.wakeToken) this.handOver({ kind: 'time', vtUs: this.nowUs });
        break;
      case SAGA_TIMER: {
        const t = data as { sagaId: string; token: number };
        this.custodian?.onTimer(t.sagaId, t.token);
        break;
      }
    }
  }

  /** The answer enters the simulation: its messages go out after the think time, its wake is set. */
  private apply(pending: Pending, answer: Answer): void {
    this.link.applied?.(this.identifier);
    this.tally.answers++;
    // realtime: the answer is sent now, when it arrived (to within the pacer's step); virtual: after a modeled think time
    const sendUs = this.pacer !== undefined ? this.nowUs : Math.max(this.nowUs, pending.atUs + Math.max(this.minThinkUs, sampleUs(this.plan.think_time, this.rng)));
    const kernel = this.ctx.kernel;
    // Stamped with the virtual time it is sent at, whatever the agent wrote; a signed message
    // keeps the agent's own stamp (its signature covers it, and freshness is checked on it).
    const signed = this.ctx.trust !== undefined && this.ctx.trust.policy.signing !== 'off';
    for (const raw of answer.messages) {
      const message = (signed ? raw : { ...(raw as CommerceMessage), timestamp: isoTimestamp(this.ctx.epochMs, sendUs) }) as CommerceMessage;
      kernel.schedule(sendUs, Priority.timer, this, this, SEND, message);
    }
    if (answer.status === 'timeout') this.tally.timeouts++;
    if (answer.status === 'unreachable') {
      this.tally.unreachable++;
      // The gateway answers for an agent it cannot reach, as a proxy does (an error is not answered).
      // (nor is the custodian's notice of a cancelled deal: it is the simulator's own)
      const m = pending.frame.kind === 'deliver' ? (pending.frame.message as CommerceMessage) : undefined;
      if (m !== undefined && m.type !== 'a2a.commerce.error' && m.from.identifier !== this.ctx.clearingHouse?.identifier) {
        this.sendError(m.from, m.conversation_id, 'agent_unreachable', `${this.identifier} is not connected`, m.id);
        this.custodian?.answered(m.conversation_id);
      }
    }
    if (answer.nextAtUs === null) this.wakeToken++;
    else if (answer.nextAtUs !== undefined && answer.nextAtUs < this.durationUs) {
      this.wakeToken++;
      kernel.schedule(Math.max(this.nowUs, answer.nextAtUs), Priority.timer, this, this, WAKE, this.wakeToken);
    }
  }
}
