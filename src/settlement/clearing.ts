/**
 * The clearing house: a payment rail reached only through the broker. It keeps the ledger and
 * serves settlement instructions one at a time (a service-time distribution, slowed down by the
 * settlement-slowdown fault). Every instruction carries an idempotency key: a duplicated or
 * retried one gets the first answer again. A compensation that arrives before the step it undoes
 * leaves a tombstone, so the late step is refused rather than applied after its undo.
 */
import { Agent, type AgentContext } from '../agents/agent.js';
import { sampleUs, type Distribution } from '../engine/distribution.js';
import { Fifo } from '../engine/fifo.js';
import { Priority } from '../engine/kernel.js';
import type { ErrorCode } from '../protocol/codes.js';
import { toMinor, toWire } from '../protocol/money.js';
import type { CommerceMessage, MessageOf, Party, SettlementResultPayload, SettlementStep } from '../protocol/schemas.js';
import type { SettlementPlan, SimulationPlan } from '../scenario/schema.js';
import { accountName, EXTERNAL, Ledger, type LedgerResult, type Transfer, type TransferListener } from './ledger.js';

const SERVICE_DONE = 1;

type Instruction =
  | MessageOf<'a2a.settlement.escrow'>
  | MessageOf<'a2a.settlement.capture'>
  | MessageOf<'a2a.settlement.post'>
  | MessageOf<'a2a.settlement.void'>
  | MessageOf<'a2a.settlement.refund'>
  | MessageOf<'a2a.settlement.forfeit'>;

interface Escrow {
  readonly transferId: number;
  readonly payer: string;
  readonly payee: string;
  readonly amountMinor: number;
  refunded: boolean;
  /** the pending capture, once there is one */
  captureId: number;
}

type Outcome = Omit<SettlementResultPayload, 'saga_id' | 'idempotency_key' | 'step'>;

/** A ledger that posts a pending transfer twice: a deliberate defect the checker must catch. */
class DoublePostLedger extends Ledger {
  private readonly held = new Map<number, Transfer>();

  override reserve(debit: string, credit: string, amountMinor: number, reference: string, atUs: number): LedgerResult {
    const r = super.reserve(debit, credit, amountMinor, reference, atUs);
    if (r.ok) this.held.set(r.transfer.id, r.transfer);
    return r;
  }

  override post(pendingId: number, reference: string, atUs: number): LedgerResult {
    const r = super.post(pendingId, reference, atUs);
    const p = this.held.get(pendingId);
    if (r.ok && p) this.apply(p, 'post_pending', reference, atUs);
    return r;
  }
}

export class ClearingHouse extends Agent {
  readonly ledger: Ledger;
  private readonly results = new Map<string, SettlementResultPayload>();
  private readonly escrows = new Map<string, Escrow>();
  private readonly queue = new Fifo<Instruction>();
  private busy = false;
  private readonly serviceTime: Distribution;
  /** each organisation's bond per agent */
  private readonly bondPerAgent = new Map<string, number>();

  constructor(
    address: { readonly id: number; readonly localName: string; readonly organisation: string; readonly party: Party },
    plan: SimulationPlan,
    private readonly terms: SettlementPlan,
    ctx: AgentContext,
  ) {
    super(address, ctx);
    this.storeOrganisations = new Set(plan.stores.map((s) => s.organisation));
    this.serviceTime = terms.service_time;
    const listener: TransferListener = (t, ledger) => ctx.settlementChecker.observeTransfer(t, ledger);
    this.ledger = ctx.defects.has('ledger_double_post') ? new DoublePostLedger(listener) : new Ledger(listener);
    // Genesis: every organisation is funded from outside and posts its agents' bonds.
    const fund = (organisation: string, cashMinor: number, bondMinor: number, agents: number) => {
      this.ledger.open(organisation);
      this.bondPerAgent.set(organisation, bondMinor);
      const cash = accountName(organisation, 'cash');
      const total = cashMinor + bondMinor * agents;
      if (total > 0) this.ledger.transfer(EXTERNAL, cash, total, 'genesis', 0);
      if (bondMinor * agents > 0) this.ledger.transfer(cash, accountName(organisation, 'bonds'), bondMinor * agents, 'genesis', 0);
    };
    for (const b of plan.buyers) fund(b.organisation, terms.funding.buyer_cash, terms.bonds.buyer, b.agents);
    for (const s of plan.stores) fund(s.organisation, terms.funding.store_cash, terms.bonds.store, s.agents);
  }

  protected onMessage(message: CommerceMessage): void {
    switch (message.type) {
      case 'a2a.settlement.escrow':
      case 'a2a.settlement.capture':
      case 'a2a.settlement.post':
      case 'a2a.settlement.void':
      case 'a2a.settlement.refund':
      case 'a2a.settlement.forfeit':
        if (this.busy) this.queue.push(message);
        else this.serve(message);
        return;
      default:
        return;
    }
  }

  private serve(m: Instruction): void {
    this.busy = true;
    let us = sampleUs(this.serviceTime, this.rng);
    const slow = this.ctx.faults?.slowdown;
    if (slow && this.nowUs >= slow.fromUs && this.nowUs < slow.toUs) us = Math.round(us * slow.factor);
    this.ctx.kernel.schedule(this.nowUs + Math.max(1, us), Priority.timer, this, this, SERVICE_DONE, m);
  }

  handle(kind: number, data: unknown): void {
    if (kind !== SERVICE_DONE) return;
    this.process(data as Instruction);
    const next = this.queue.shift();
    if (next) this.serve(next);
    else this.busy = false;
  }

  private process(m: Instruction): void {
    const p = m.payload;
    const refusal = this.unauthorised(m);
    if (refusal !== undefined) {
      // Answered, but not kept under the key: the store's own instruction with it must still go through.
      this.ctx.metrics.reason('settlement:unauthorised');
      this.send(m.from, 'a2a.settlement.result', m.conversation_id, { saga_id: p.saga_id, idempotency_key: p.idempotency_key, step: m.type.slice('a2a.settlement.'.length) as SettlementStep, ...failed('invalid_message', refusal) });
      return;
    }
    const first = this.results.get(p.idempotency_key);
    if (first) {
      this.ctx.metrics.duplicateInstructions++;
      this.send(m.from, 'a2a.settlement.result', m.conversation_id, first);
      return;
    }
    const step = m.type.slice('a2a.settlement.'.length) as SettlementStep;
    const outcome = this.apply(m);
    const result: SettlementResultPayload = { saga_id: p.saga_id, idempotency_key: p.idempotency_key, step, ...outcome };
    this.results.set(p.idempotency_key, result);
    this.send(m.from, 'a2a.settlement.result', m.conversation_id, result);
  }

  /**
   * Why the sender may not give this instruction, or undefined when it may: only the store agent
   * that started a saga (its ids begin saga_<agent>_) instructs it, for money owed to its own
   * organisation, and forfeits only its own organisation's bond.
   */
  private unauthorised(m: Instruction): string | undefined {
    const sender = m.from.identifier;
    const organisation = this.ctx.organisationOf(sender);
    const p = m.payload;
    if (!this.storeOrganisations.has(organisation) || !p.saga_id.startsWith(`saga_${sender.slice('agent:'.length)}_`)) return `${sender} did not start ${p.saga_id}`;
    if (m.type === 'a2a.settlement.escrow' && m.payload.payee !== organisation) return `${sender} may not collect for ${m.payload.payee}`;
    if (m.type === 'a2a.settlement.forfeit' && m.payload.party !== organisation) return `${sender} may not forfeit the bond of ${m.payload.party}`;
    if (m.type === 'a2a.settlement.capture' || m.type === 'a2a.settlement.refund') {
      const e = this.escrows.get(m.payload.escrow_key);
      if (e !== undefined && e.payee !== organisation) return `${sender} may not move ${e.payee}'s escrow`;
    }
    if (m.type === 'a2a.settlement.post' || m.type === 'a2a.settlement.void') {
      const payee = this.capturePayee.get(m.payload.capture_key);
      if (payee !== undefined && payee !== organisation) return `${sender} may not settle ${payee}'s capture`;
    }
    return undefined;
  }

  private apply(m: Instruction): Outcome {
    switch (m.type) {
      case 'a2a.settlement.escrow':
        return this.escrow(m);
      case 'a2a.settlement.capture':
        return this.capture(m);
      case 'a2a.settlement.post':
        return this.post(m);
      case 'a2a.settlement.void':
        return this.voidCapture(m);
      case 'a2a.settlement.refund':
        return this.refund(m);
      case 'a2a.settlement.forfeit':
        return { status: 'ok', amount: toWire(this.forfeit(m.payload.party, m.payload.beneficiary, m.payload.saga_id)) };
    }
  }

  /** Holds the buyer's funds in its escrow account. */
  private escrow(m: MessageOf<'a2a.settlement.escrow'>): Outcome {
    const p = m.payload;
    const amountMinor = toMinor(p.amount);
    const f = this.ctx.faults;
    if (f && this.nowUs < f.untilUs && this.rng.chance(f.paymentFailureProbability)) {
      this.forfeit(p.payer, p.payee, p.saga_id);
      return failed('payment_failed', 'the payment instrument was declined');
    }
    const r = this.ledger.transfer(accountName(p.payer, 'cash'), accountName(p.payer, 'escrow'), amountMinor, p.saga_id, this.nowUs);
    if (!r.ok) {
      if (r.reason === 'insufficient_funds') {
        this.forfeit(p.payer, p.payee, p.saga_id);
        return failed('insufficient_funds', `${p.payer} cannot cover ${p.amount}`);
      }
      return failed('invalid_message', `escrow refused: ${r.reason}`);
    }
    this.escrows.set(p.idempotency_key, { transferId: r.transfer.id, payer: p.payer, payee: p.payee, amountMinor, refunded: false, captureId: 0 });
    return { status: 'ok', transfer_id: r.transfer.id, amount: p.amount };
  }

  /** Authorises the seller's capture from escrow: a pending transfer, posted when the goods ship. */
  private capture(m: MessageOf<'a2a.settlement.capture'>): Outcome {
    const e = this.escrows.get(m.payload.escrow_key);
    if (!e || e.refunded) return failed('already_compensated', 'no funds in escrow for this saga');
    const r = this.ledger.reserve(accountName(e.payer, 'escrow'), accountName(e.payee, 'revenue'), e.amountMinor, m.payload.saga_id, this.nowUs);
    if (!r.ok) return failed('insufficient_funds', `capture refused: ${r.reason}`);
    e.captureId = r.transfer.id;
    this.captureOf.set(m.payload.idempotency_key, r.transfer.id);
    this.capturePayee.set(m.payload.idempotency_key, e.payee);
    return { status: 'ok', transfer_id: r.transfer.id, amount: toWire(e.amountMinor) };
  }

  private readonly captureOf = new Map<string, number>();
  /** the organisation each capture pays: only it may post or void the capture */
  private readonly capturePayee = new Map<string, string>();
  private readonly storeOrganisations: ReadonlySet<string>;

  private post(m: MessageOf<'a2a.settlement.post'>): Outcome {
    const id = this.captureOf.get(m.payload.capture_key);
    if (id === undefined) return failed('already_compensated', 'no capture to post');
    const r = this.ledger.post(id, m.payload.saga_id, this.nowUs);
    return r.ok ? { status: 'ok', transfer_id: r.transfer.id } : failed('already_compensated', 'the capture was voided');
  }

  /** Undoes a capture; one that never arrived is refused for good. */
  private voidCapture(m: MessageOf<'a2a.settlement.void'>): Outcome {
    const key = m.payload.capture_key;
    const id = this.captureOf.get(key);
    if (id === undefined) {
      this.tombstone(m.payload.saga_id, key, 'capture');
      return { status: 'ok', amount: 0 };
    }
    if (this.ledger.pendingStatus(id) === 'voided') return { status: 'ok', amount: 0 };
    const r = this.ledger.void(id, m.payload.saga_id, this.nowUs);
    return r.ok ? { status: 'ok', transfer_id: r.transfer.id } : failed('already_compensated', 'the capture was already posted');
  }

  /** Returns escrowed funds to the buyer; an escrow that never arrived is refused for good. */
  private refund(m: MessageOf<'a2a.settlement.refund'>): Outcome {
    const key = m.payload.escrow_key;
    const e = this.escrows.get(key);
    if (!e) {
      this.tombstone(m.payload.saga_id, key, 'escrow');
      return { status: 'ok', amount: 0 };
    }
    if (e.refunded) return { status: 'ok', amount: 0 };
    if (e.captureId !== 0 && this.ledger.pendingStatus(e.captureId) !== 'voided') return failed('already_compensated', 'the funds were captured; void the capture first');
    const r = this.ledger.transfer(accountName(e.payer, 'escrow'), accountName(e.payer, 'cash'), e.amountMinor, m.payload.saga_id, this.nowUs);
    if (!r.ok) return failed('insufficient_funds', `refund refused: ${r.reason}`);
    e.refunded = true;
    return { status: 'ok', transfer_id: r.transfer.id, amount: toWire(e.amountMinor) };
  }

  private tombstone(sagaId: string, key: string, step: SettlementStep): void {
    if (this.results.has(key)) return;
    this.results.set(key, { saga_id: sagaId, idempotency_key: key, step, ...failed('already_compensated', 'this step was compensated before it arrived') });
  }

  /** Moves part of `party`'s bond to `beneficiary`'s cash; returns the amount in minor units. */
  private forfeit(party: string, beneficiary: string, sagaId: string): number {
    const perAgent = this.bondPerAgent.get(party) ?? 0;
    const wanted = Math.round(perAgent * this.terms.bonds.forfeit_fraction);
    const amountMinor = Math.min(wanted, this.ledger.available(accountName(party, 'bonds')));
    if (amountMinor <= 0 || !this.bondPerAgent.has(beneficiary)) return 0;
    const r = this.ledger.transfer(accountName(party, 'bonds'), accountName(beneficiary, 'cash'), amountMinor, sagaId, this.nowUs);
    if (!r.ok) return 0;
    this.ctx.metrics.bondsForfeited++;
    this.ctx.metrics.bondValueForfeitedMinor += amountMinor;
    return amountMinor;
  }
}

function failed(code: ErrorCode, message: string): Outcome {
  return { status: 'failed', code, message };
}
