/**
 * The engine's side of the negotiator contract: the state a negotiator reads (one view per
 * negotiation, kept up to date by its agent) and calls that hold a negotiator's answers to the
 * contract. A throw, or an answer of the wrong kind, is a StrategyFailure: the negotiation ends
 * with outcome strategy_error and the run goes on. An answer may be a Promise; the agent then
 * suspends the kernel until it settles (agent.ts).
 */
import type { Clock } from '../../engine/kernel.js';
import { Rng } from '../../engine/rng.js';
import type { MarketView } from '../../market/market.js';
import type { NegotiationState, Negotiator, OfferRecord, Response, Role } from './contract.js';

/** A negotiator broke the contract: it threw, or answered something it may not. */
export class StrategyFailure {
  constructor(readonly message: string) {}
}

/** What every negotiation of one agent shares: its side, limits, clock, market and seed. */
export interface ViewContext {
  readonly role: Role;
  readonly maxRounds: number;
  readonly deadlineUs: number | undefined;
  readonly clock: Clock;
  readonly market: MarketView;
  readonly seed: string | number;
  /** the agent's local name, which with the conversation names the negotiator's random stream */
  readonly agent: string;
  /** false for a built-in that never reads its history (Strategy.keepsOffers): only the counts of offers are kept */
  readonly recordOffers: boolean;
}

const BY: readonly Role[] = ['buyer', 'store'];

/**
 * What a negotiator reads of its negotiation; the agent moves `round` and records offers. The
 * offers are kept as numbers and made into records only when a negotiator reads `history`, and
 * the random stream is created on the first draw: a strategy pays for what it reads.
 */
export class NegotiationView implements NegotiationState {
  round = 0;
  /** set while work is done ahead of a delivery: the time it will be delivered */
  atUs: number | undefined;
  /** (side, total, time) per offer; made when the first offer is */
  private offers: number[] | undefined;
  /** offers made so far by each side, kept whether or not the offers are */
  private buyerOffers = 0;
  private storeOffers = 0;
  private records: OfferRecord[] | undefined;
  private rng: Rng | undefined;
  /** the negotiator this view is for (the engine's: a store keeps the view with its quote) */
  negotiator: Negotiator | undefined;

  constructor(
    private readonly ctx: ViewContext,
    readonly reservation: number,
    readonly aspiration: number,
    readonly quantity: number,
    readonly category: string,
    /** a buyer asks several stores at once: '' until it picks the one to negotiate with */
    public counterparty: string,
    private readonly startUs: number,
    /** Σ price factor × quantity over the items: the reference price times this is their value */
    private readonly referenceWeight: number,
    readonly conversationId: string,
  ) {}

  get role(): Role {
    return this.ctx.role;
  }

  get maxRounds(): number {
    return this.ctx.maxRounds;
  }

  get deadlineUs(): number | undefined {
    return this.ctx.deadlineUs;
  }

  get elapsedUs(): number {
    return (this.atUs ?? this.ctx.clock.nowUs) - this.startUs;
  }

  get referencePrice(): number {
    return Math.round(this.ctx.market.referencePriceMinor(this.category, this.atUs ?? this.ctx.clock.nowUs) * this.referenceWeight);
  }

  get history(): readonly OfferRecord[] {
    const o = this.offers ?? [];
    const records = (this.records ??= []);
    for (let i = records.length * 3; i < o.length; i += 3) records.push({ by: BY[o[i]!]!, total: o[i + 1]!, atUs: o[i + 2]! });
    return records;
  }

  /** How many offers `by` has made, without making records of them (for built-ins that need only that). */
  offersMadeBy(by: Role): number {
    return by === 'buyer' ? this.buyerOffers : this.storeOffers;
  }

  random(): number {
    this.rng ??= new Rng(this.ctx.seed, `negotiator:${this.ctx.agent}:${this.conversationId}`);
    return this.rng.next();
  }

  /** Records an offer made at `atUs` (default: now). */
  offered(by: Role, total: number, atUs = this.ctx.clock.nowUs): void {
    const side = by === 'buyer' ? 0 : 1;
    if (side === 0) this.buyerOffers++;
    else this.storeOffers++;
    if (!this.ctx.recordOffers) return;
    if (this.offers === undefined) this.offers = [side, total, atUs];
    else this.offers.push(side, total, atUs);
  }
}

const describe = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 500);

function checkResponse(value: unknown): Response | StrategyFailure {
  if (value === 'accept' || value === 'reject' || value === 'end') return value;
  return new StrategyFailure(`respond returned ${shown(value)}, not 'accept', 'reject' or 'end'`);
}

function checkTotal(value: unknown): number | StrategyFailure {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  return new StrategyFailure(`propose returned ${shown(value)}, not a whole, non-negative total in minor units`);
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  return typeof value;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** negotiator.respond(view, offer), held to the contract. */
export function callRespond(n: Negotiator, view: NegotiationState, offer: number): Response | StrategyFailure | Promise<Response | StrategyFailure> {
  let value: unknown;
  try {
    value = n.respond(view, offer);
  } catch (err) {
    return new StrategyFailure(`respond threw ${describe(err)}`);
  }
  if (isThenable(value)) return Promise.resolve(value).then(checkResponse, (err: unknown) => new StrategyFailure(`respond rejected with ${describe(err)}`));
  return checkResponse(value);
}

/** negotiator.propose(view), held to the contract. */
export function callPropose(n: Negotiator, view: NegotiationState): number | StrategyFailure | Promise<number | StrategyFailure> {
  let value: unknown;
  try {
    value = n.propose(view);
  } catch (err) {
    return new StrategyFailure(`propose threw ${describe(err)}`);
  }
  if (isThenable(value)) return Promise.resolve(value).then(checkTotal, (err: unknown) => new StrategyFailure(`propose rejected with ${describe(err)}`));
  return checkTotal(value);
}

/** An optional hook (onStart, onEnd); a throw there is a failure too. */
export function callHook(run: () => void): StrategyFailure | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    return new StrategyFailure(`a hook threw ${describe(err)}`);
  }
}
