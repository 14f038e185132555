/**
 * A buyer (procurement) agent. Purchase intents arrive as a Poisson process whose rate follows
 * the market regime's demand multiplier. For each intent it discovers stores, asks k of them in
 * parallel, picks the best quote, negotiates by counter with a time-dependent strategy, accepts
 * within its mandate, and records the confirmed deal.
 *
 * This file holds the dispatch of messages and timer events; the parts are in buyer/: arrivals
 * and the start of a negotiation, its quotes and rounds, accepting and confirming, timers and
 * the end of a negotiation.
 */
import type { CommerceMessage, Party } from '../protocol/schemas.js';
import type { BuyerPlan } from '../scenario/schema.js';
import { Agent, type AgentContext } from './agent.js';
import type { BuyerOrganisation } from './organisation.js';
import { Strategy } from './strategies/registry.js';
import { BuyerAccepting } from './buyer/accepting.js';
import { BuyerArrivals } from './buyer/arrivals.js';
import type { BuyerHost } from './buyer/host.js';
import { APPROVAL_WAIT, ARRIVAL, BURST, CONFIRM_WAIT, MANDATE_APPROVAL_WAIT, QUOTE_WAIT, RESPONSE_WAIT, Negotiations, type Negotiation, type Timer } from './buyer/negotiation.js';
import { BuyerRounds } from './buyer/rounds.js';
import { BuyerTimers } from './buyer/timers.js';

export class BuyerAgent extends Agent {
  private readonly negotiations = new Negotiations();
  private readonly arrivals: BuyerArrivals;
  private readonly rounds: BuyerRounds;
  private readonly accepting: BuyerAccepting;
  private readonly timers: BuyerTimers;

  constructor(
    address: { readonly id: number; readonly localName: string; readonly organisation: string; readonly party: Party },
    private readonly plan: BuyerPlan,
    org: BuyerOrganisation,
    durationUs: number,
    ctx: AgentContext,
  ) {
    super(address, ctx);
    const mandate = ctx.mandates.forOrganisation(plan.organisation);
    const strategy = new Strategy(plan.strategy);
    const host = this.partsHost();
    this.timers = new BuyerTimers(host, ctx, org, mandate, strategy.name, this.negotiations);
    this.accepting = new BuyerAccepting(host, ctx, plan, org, this.rng, mandate, this.timers);
    this.arrivals = new BuyerArrivals(host, ctx, plan, org, address.localName, durationUs, this.rng, mandate, strategy, this.negotiations, this.timers);
    this.rounds = new BuyerRounds(host, ctx, plan, this.negotiations, this.arrivals, this.accepting, this.timers);
  }

  /** What the buyer's parts use of it: made once, so nothing is made per message to reach it. */
  private partsHost(): BuyerHost {
    return {
      id: this.id,
      identifier: this.identifier,
      organisation: this.organisation,
      isDown: () => this.down,
      send: (to, type, conversationId, payload, id) => this.send(to, type, conversationId, payload, id),
      after: (delayUs, kind, data) => this.after(delayUs, kind, data),
      hook: (run) => this.hook(run),
      suspend: (pending, then) => this.suspend(pending, then),
      noteStrategyFailure: (strategy, conversationId, failure) => this.noteStrategyFailure(strategy, conversationId, failure),
    };
  }

  /** Number of negotiations in flight. */
  get active(): number {
    return this.negotiations.size;
  }

  /** Schedules the first candidate arrival. */
  start(): void {
    this.arrivals.scheduleArrival();
    const burst = this.plan.burst;
    if (burst && this.localName === `${this.plan.organisation}-1`) this.after(burst.at, BURST, burst.negotiations);
  }

  handle(kind: number, data: unknown): void {
    if (this.faultEvent(kind, data)) return;
    if (kind === ARRIVAL) {
      this.arrivals.onArrival();
      return;
    }
    if (kind === BURST) {
      // One agent opening many negotiations at once: the limiters decide how many go ahead.
      for (let i = 0; i < (data as number); i++) this.arrivals.startNegotiation();
      return;
    }
    const timer = data as Timer;
    const n = this.negotiations.get(timer.conversationId);
    if (!n || n.token !== timer.token) return;
    n.timerAtUs = Infinity;
    if (this.nowUs < n.deadlineUs) {
      // The wait was re-armed since this timer was set: sleep until the current deadline.
      this.timers.schedule(n, n.deadlineUs);
      return;
    }
    if (n.waitKind === QUOTE_WAIT) this.rounds.decide(n);
    else if (n.waitKind === RESPONSE_WAIT) this.timers.end(n, 'deadline');
    else if (n.waitKind === CONFIRM_WAIT) this.accepting.retryAccept(n);
    else if (n.waitKind === APPROVAL_WAIT) this.accepting.approved(n);
    else if (n.waitKind === MANDATE_APPROVAL_WAIT) this.accepting.approvalDone(n);
  }

  protected onMessage(message: CommerceMessage): void {
    const n = this.negotiations.get(message.conversation_id);
    if (!n) return; // a late reply to a negotiation that already ended
    switch (message.type) {
      case 'a2a.commerce.quote':
        this.rounds.onQuote(n, message);
        return;
      case 'a2a.commerce.error':
        this.rounds.onError(n, message);
        return;
      case 'a2a.commerce.confirmation':
        this.accepting.onConfirmation(n, message);
        return;
      default:
        return;
    }
  }

  override get prepares(): boolean {
    return super.prepares || this.plan.strategy.opponentModel !== undefined;
  }

  /** For a quote on its way here, the negotiator's work on its delivery, done ahead (see BuyerRounds.prepareFor). */
  protected override prepareFor(m: CommerceMessage, atUs: number): boolean {
    return this.rounds.prepareFor(m, atUs);
  }

  /** A crash loses every negotiation not yet accepted; accepted ones were persisted. */
  protected override crashed(): void {
    this.arrivals.crashed();
    for (const n of this.negotiations.values()) {
      // An accept sent is persisted; one still waiting for approval is not.
      if (n.phase === 'accepting' && n.acceptAttempts > 0) n.token++;
      else this.timers.end(n, 'agent_crashed');
    }
  }

  /** Asks again about every accepted deal. */
  protected override restarted(): void {
    for (const n of this.negotiations.values()) {
      n.timerAtUs = Infinity;
      this.ctx.metrics.acceptRetries++;
      this.accepting.sendAccept(n);
    }
  }
}
