/**
 * A buyer's timers and the end of its negotiations: each negotiation keeps one live timer for
 * what it waits for, and its end is recorded once (metrics, scores, the breaker, exposure, the
 * budget reserved).
 */
import type { Outcome } from '../../metrics/collector.js';
import type { AgentContext } from '../agent.js';
import type { Mandate } from '../mandates.js';
import type { BuyerOrganisation } from '../organisation.js';
import type { StrategyFailure } from '../strategies/host.js';
import type { BuyerHost } from './host.js';
import { TIMEOUT, type Negotiation, type Negotiations, type Timer } from './negotiation.js';

export class BuyerTimers {
  constructor(
    private readonly host: BuyerHost,
    private readonly ctx: AgentContext,
    private readonly org: BuyerOrganisation,
    private readonly mandate: Mandate,
    /** the strategy's name, for its failures */
    private readonly strategyName: string,
    private readonly negotiations: Negotiations,
  ) {}

  private get nowUs(): number {
    return this.ctx.kernel.nowUs;
  }

  /**
   * Waits for a reply until now + delayUs. Each round moves the deadline; rather than one timer
   * event per round (almost all of them stale), a negotiation keeps one live timer that, when it
   * fires early, re-arms itself for the current deadline.
   */
  arm(n: Negotiation, kind: number, delayUs: number): void {
    n.waitKind = kind;
    n.deadlineUs = this.nowUs + delayUs;
    if (n.deadlineUs < n.timerAtUs) this.schedule(n, n.deadlineUs);
  }

  /** Sets the negotiation's one live timer for `atUs` (events set before it go stale). */
  schedule(n: Negotiation, atUs: number): void {
    n.token++;
    n.timerAtUs = atUs;
    this.host.after(atUs - this.nowUs, TIMEOUT, { conversationId: n.conversationId, token: n.token } satisfies Timer);
  }

  /** Ends a negotiation: forgotten, its budget released unless it succeeded, its outcome recorded. */
  end(n: Negotiation, outcome: Outcome): void {
    const now = this.nowUs;
    if (outcome !== 'succeeded' && n.reservedMinor !== undefined) this.org.spending.release(this.mandate, n.reservedAtUs!, n.reservedMinor);
    this.negotiations.delete(n);
    n.token++;
    const negotiator = n.negotiator;
    if (negotiator?.onEnd !== undefined) {
      n.negotiator = undefined;
      const failure = this.host.hook(() => negotiator.onEnd!(n.view, outcome));
      if (failure !== undefined) this.host.noteStrategyFailure(this.strategyName, n.conversationId, failure);
    }
    const scores = this.ctx.metrics.scores;
    if (scores !== undefined && n.counterpart) {
      scores.buyer(n.conversationId, this.ctx.idOf(n.counterpart.from.identifier), { buyerId: this.host.id, reservation: n.reservationMinor, aspiration: n.targetMinor, price: outcome === 'succeeded' ? (n.dealMinor ?? null) : null });
    }
    const storeId = n.counterpart ? this.ctx.idOf(n.counterpart.from.identifier) : -1;
    this.ctx.metrics.ended(this.host.id, storeId, n.category, n.regimeIndex, now - n.startUs, n.rounds, outcome, now);
    this.org.breaker?.record(now, outcome === 'succeeded', n.trialOf);
    const book = this.org.exposure;
    if (book) {
      if (n.phase === 'approving' || n.phase === 'accepting') book.closeUnsettled(n.counterpart!.totalMinor, now);
      else book.closeOpen(n.reservationMinor, now);
    }
  }

  /** A negotiator broke its contract: the negotiation ends with strategy_error (run --strict: the run ends). */
  strategyFailed(n: Negotiation, failure: StrategyFailure): void {
    this.host.noteStrategyFailure(this.strategyName, n.conversationId, failure);
    this.end(n, 'strategy_error');
  }
}
