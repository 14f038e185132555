/**
 * A buyer's arrivals and the start of its negotiations: purchase intents arrive as a Poisson
 * process whose rate follows the market regime's demand multiplier; each discovers stores, makes
 * its negotiator and sends the intent to k stores in parallel.
 */
import type { Rng } from '../../engine/rng.js';
import { IdMaker } from '../../protocol/ids.js';
import { moneyByReference, toWire } from '../../protocol/money.js';
import type { BusinessProfile, Party } from '../../protocol/schemas.js';
import { isoDate } from '../../protocol/time.js';
import type { BuyerPlan } from '../../scenario/schema.js';
import type { AgentContext } from '../agent.js';
import type { Mandate } from '../mandates.js';
import type { BuyerOrganisation } from '../organisation.js';
import type { BuiltinHost } from '../strategies/bayesian.js';
import { callPropose, NegotiationView, StrategyFailure, type ViewContext } from '../strategies/host.js';
import type { Strategy } from '../strategies/registry.js';
import type { BuyerHost } from './host.js';
import { ARRIVAL, noneAnswered, QUOTE_WAIT, type Negotiation, type Negotiations } from './negotiation.js';
import type { BuyerTimers } from './timers.js';

const US_PER_DAY = 86_400_000_000;

/**
 * One frozen party per store profile, shared by every buyer on the thread that addresses it (the
 * broker checks a frozen party once; a party per buyer and store was tens of thousands of them).
 */
const partiesOfProfiles = new WeakMap<BusinessProfile, Party>();

// An intent's opening amount, held by reference (see moneyByReference).
moneyByReference({ max_total: null, currency: null, delivery_by: null });

export class BuyerArrivals {
  private readonly discovered = new Map<string, readonly BusinessProfile[]>();
  private readonly peakRatePerUs: number;
  private conversationSeq = 0;
  private readonly conversationIds: IdMaker;
  /** what built-in negotiators may use of this agent (a counter of reasons, idle opponent models) */
  private readonly builtins: BuiltinHost;
  /** what every negotiation's view shares */
  private readonly views: ViewContext;

  constructor(
    private readonly host: BuyerHost,
    private readonly ctx: AgentContext,
    private readonly plan: BuyerPlan,
    private readonly org: BuyerOrganisation,
    localName: string,
    private readonly durationUs: number,
    private readonly rng: Rng,
    private readonly mandate: Mandate,
    private readonly strategy: Strategy,
    private readonly negotiations: Negotiations,
    private readonly timers: BuyerTimers,
  ) {
    this.conversationIds = new IdMaker(`conv_${localName}_`);
    this.peakRatePerUs = plan.intent_rate * ctx.market.maxDemandMultiplier();
    this.builtins = { reason: (key) => ctx.metrics.reason(key), idleModels: [] };
    const s = plan.strategy;
    this.views = { role: 'buyer', maxRounds: s.maxRounds, deadlineUs: s.deadlineUs, clock: ctx.kernel, market: ctx.market, seed: ctx.seed, agent: localName, recordOffers: strategy.keepsOffers };
  }

  private get nowUs(): number {
    return this.ctx.kernel.nowUs;
  }

  /** A crash forgets the stores discovered. */
  crashed(): void {
    this.discovered.clear();
  }

  /** Schedules the next candidate arrival: a Poisson process thinned from the peak rate to the regime's current rate. */
  scheduleArrival(): void {
    if (this.peakRatePerUs <= 0) return;
    const gap = Math.max(1, Math.round(this.rng.exponential(1 / this.peakRatePerUs)));
    if (this.nowUs + gap < this.durationUs) this.host.after(gap, ARRIVAL, null);
  }

  /** A candidate arrival: an intent forms with the regime's rate as a share of the peak rate. */
  onArrival(): void {
    this.scheduleArrival();
    if (this.host.isDown()) return; // a crashed agent forms no intents
    const rate = this.plan.intent_rate * this.ctx.market.regimeAt(this.nowUs).demandMultiplier;
    if (!this.rng.chance(rate / this.peakRatePerUs)) return;
    this.startNegotiation();
  }

  /** Steps 1–2: discovery, then the intent to k stores in parallel. */
  startNegotiation(): void {
    const admission = this.org.breaker?.admit() ?? 'allow';
    if (admission === 'reject') {
      this.org.hold('breaker_open');
      return;
    }
    const now = this.nowUs;
    const market = this.ctx.market;
    const category = this.plan.categories[this.rng.int(this.plan.categories.length)]!;
    const skus = market.skusIn(category);
    // One item, as most intents ask, is one draw of its index, which is what sample(n, 1) draws:
    // no list of one index is made for it.
    const picks = this.plan.items_per_intent === 1 ? undefined : this.rng.sample(skus.length, this.plan.items_per_intent);
    const count = picks === undefined ? Math.min(1, skus.length) : picks.length;
    const { min, max } = this.plan.quantity;
    let baseMinor = 0;
    let weight = 0;
    let units = 0;
    // (a loop, not a map: its callback would be a closure and a context per negotiation)
    const items = new Array<{ sku: string; quantity: number }>(count);
    for (let i = 0; i < count; i++) {
      const info = skus[picks === undefined ? this.rng.int(skus.length) : picks[i]!]!;
      const quantity = min + this.rng.int(max - min + 1);
      baseMinor += market.referencePriceMinor(category, 0) * info.priceFactor * quantity;
      weight += info.priceFactor * quantity;
      units += quantity;
      items[i] = { sku: info.sku, quantity };
    }
    // Budgets are set from the price when the run began: they do not follow the market.
    const jitter = 1 + this.plan.budget_spread * (2 * this.rng.next() - 1);
    const reservationMinor = Math.round(baseMinor * (1 + this.plan.budget_margin) * jitter);
    const targetMinor = Math.min(reservationMinor, Math.round(baseMinor * (1 + this.plan.target_margin) * jitter));
    if ((this.org.breaker || this.org.exposure) && this.org.admitValue(admission, market.realisedVolatility(category, now), reservationMinor) !== null) return;
    const candidates = this.discover(category);
    const stores = this.rng.pick(candidates, this.plan.stores_per_intent);
    const conversationId = this.conversationIds.make(++this.conversationSeq);
    const view = new NegotiationView(this.views, reservationMinor, targetMinor, units, category, '', now, weight, conversationId);
    // Every field made here, the ones read each round first: a field added later would live in a
    // second block of memory, and negotiations would differ in shape from one another.
    const n: Negotiation = {
      phase: 'quoting',
      counterpart: undefined,
      rounds: 0,
      lastProposalMinor: -1,
      negotiator: undefined,
      view,
      waitKind: 0,
      deadlineUs: 0,
      timerAtUs: Infinity,
      token: 0,
      conversationId,
      lastSentId: '',
      startUs: now,
      awaiting: 0,
      best: undefined,
      answered: noneAnswered(stores.length),
      stores,
      items,
      category,
      regimeIndex: this.ctx.market.regimeIndexAt(now),
      reservationMinor,
      targetMinor,
      trialOf: admission === 'trial' ? this.org.breaker!.period : 0,
      alternatives: undefined,
      substituted: false,
      halted: false,
      storeFailed: false,
      unreachable: false,
      openingMinor: reservationMinor,
      acceptSentUs: 0,
      acceptAttempts: 0,
      acceptMessageId: undefined,
      transactionHash: '',
      reservedMinor: undefined,
      reservedAtUs: undefined,
      approval: undefined,
      approvalDelayUs: undefined,
      dealMinor: undefined,
    };
    this.negotiations.add(n);
    if (stores.length === 0) {
      this.timers.end(n, 'no_quotes');
      return;
    }
    if (!this.startNegotiator(n)) return;
    if (this.ctx.firstMover !== 'buyer') {
      this.requestQuotes(n);
      return;
    }
    // The buyer moves first: its opening offer is the intent's max_total.
    const opening = callPropose(n.negotiator!, view);
    if (opening instanceof Promise) this.host.suspend(opening, (total) => this.opened(n, total));
    else this.opened(n, opening);
  }

  /** Creates the negotiation's negotiator; false when the strategy failed (the negotiation then ended). */
  private startNegotiator(n: Negotiation): boolean {
    const made = this.strategy.negotiator('buyer', this.host.identifier, this.host.organisation, n.conversationId, n.category, this.builtins);
    if (made instanceof StrategyFailure) {
      this.timers.strategyFailed(n, made);
      return false;
    }
    n.negotiator = made;
    if (made.onStart !== undefined) {
      const failure = this.host.hook(() => made.onStart!(n.view));
      if (failure !== undefined) {
        this.timers.strategyFailed(n, failure);
        return false;
      }
    }
    return true;
  }

  private opened(n: Negotiation, total: number | StrategyFailure): void {
    if (total instanceof StrategyFailure) {
      this.timers.strategyFailed(n, total);
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
        found = this.rng.pick(all, keep);
      }
      this.discovered.set(category, found);
      this.ctx.metrics.discoveries++;
      this.ctx.trace?.record({ vt_us: this.nowUs, event: 'discovery', discovery: { agent: this.host.identifier, category, profiles: [...found] } });
    }
    return found;
  }

  private partyOf(store: BusinessProfile): Party {
    let party = partiesOfProfiles.get(store);
    if (party === undefined || party.name !== store.name || party.identifier !== store.agent) {
      party = Object.freeze({ type: 'agent', identifier: store.agent, name: store.name });
      partiesOfProfiles.set(store, party);
    }
    return party;
  }

  /** Sends the intent to each of the negotiation's stores and waits for their answers. */
  requestQuotes(n: Negotiation): void {
    const deliveryBy = isoDate(this.ctx.epochMs, this.nowUs + this.plan.delivery_within_days * US_PER_DAY);
    n.awaiting = n.stores.length;
    n.answered = noneAnswered(n.stores.length);
    n.best = undefined;
    // One payload for every store asked: a message is never changed once sent.
    const payload = {
      intent: 'purchase',
      items: n.items,
      constraints: { max_total: toWire(n.openingMinor), currency: this.ctx.currency, delivery_by: deliveryBy },
      mandate_ref: this.mandate.mandateId,
    } as const;
    for (const store of n.stores) this.host.send(this.partyOf(store), 'a2a.commerce.intent', n.conversationId, payload);
    this.timers.arm(n, QUOTE_WAIT, this.plan.quote_timeout);
  }
}
