/**
 * A store's quotes: live ones in an array by the number at the end of their id (`q_<store>_<n>`,
 * numbered 1, 2, 3… as issued, so the numbers are dense), executed ones kept for retried
 * accepts, and orders by the number their id ends in. Live quotes are in the order of issue and
 * executed ones in the order of execution, both close to the order of expiry, so forgetting what
 * is due looks at a few entries and stops.
 */
import type { ConfirmationPayload, QuoteItem, QuotePayload } from '../../protocol/schemas.js';
import type { NegotiationView } from '../strategies/host.js';
import type { Negotiator } from '../strategies/contract.js';
import { Fifo } from '../../engine/fifo.js';
import { NumberedTable, trailingNumber } from '../../engine/numbered-table.js';

/** How long an executed order is remembered so that a retried accept gets the same answer. */
export const ORDER_RETENTION_US = 60_000_000;
/** How often a store forgets what it no longer needs to remember. */
const SWEEP_EVERY_US = 100_000;

/** A negotiation's view, with its negotiator, carried from quote to quote. */
export type StoreNegotiation = NegotiationView & { readonly negotiator: Negotiator };

/**
 * One negotiation at a store: what its quotes share, fixed when the store first prices the
 * request, and its live quote. Each quote replaces the last, so a negotiation has one live quote
 * at a time and the quote's own fields are kept here, set anew as each is issued (a record per
 * quote would be made for every quote message).
 */
export interface QuoteTerms {
  readonly conversationId: string;
  /** the buyer's identifier */
  readonly buyer: string;
  readonly items: QuoteItem[];
  /** subtotal and tax as on the wire: the same in every quote of the negotiation (shipping is the store's) */
  readonly subtotal: number;
  readonly tax: number;
  readonly listMinor: number;
  readonly floorMinor: number;
  readonly deliveryEstimate: string;
  /** the category of the first item (the negotiation's) */
  readonly category: string;
  /** the exposure limiter's key of the negotiation ('' when the store has no limiter), made once: a key made per round is hashed anew each time */
  readonly limiterKey: string;
  /** the negotiation and its negotiator; for a stateless built-in, made at the first counter */
  neg: StoreNegotiation | undefined;
  // The live quote ('' and round -1 before the first is issued).
  quoteId: string;
  /** the number at the end of quoteId: its key in the quote book */
  key: number;
  payload: QuotePayload | undefined;
  totalMinor: number;
  validUntilUs: number;
  /** counter rounds answered before this quote (0 for the first) */
  round: number;
  /** when this quote (this round's) was issued */
  issuedUs: number;
}

/** A negotiation whose live quote has been issued: what the quote book holds. */
export interface QuoteState extends QuoteTerms {
  readonly payload: QuotePayload;
}

/**
 * What a store keeps of an executed quote: enough to answer a retried accept with its
 * confirmation and to close the order on the buyer's receipt. The quote's terms and payload are
 * let go: an order is kept for a minute, and they were most of what each one held on to.
 */
export interface ExecutedQuote {
  readonly quoteId: string;
  readonly key: number;
  /** the buyer's identifier */
  readonly buyer: string;
  readonly validUntilUs: number;
  readonly confirmation: ConfirmationPayload;
  /** the buyer returned the confirmation (step 7 on the store's side) */
  acknowledged: boolean;
}

export class QuoteBook {
  /** quotes not executed, oldest first; forgotten once expired for as long again as they were valid */
  private readonly live = new NumberedTable<QuoteState>();
  /** executed quotes by number, kept ORDER_RETENTION_US past their validity */
  private readonly executed = new Map<number, ExecutedQuote>();
  /** the same, oldest first: what a sweep goes through (a walk over the map made an entry per step) */
  private executedInOrder = new Fifo<ExecutedQuote>();
  /** the same by the number their order id ends in (ord_<store>_<n>: numbered as executed, so dense and in order) */
  private readonly orders = new NumberedTable<ExecutedQuote>();
  private nextSweepUs = 0;

  /**
   * The live quote with this id, if it is one of ours: found by the number the id ends in, and
   * then its id compared whole (the same text object, usually: the buyer sends back the id it was
   * given, so the comparison need not read it).
   */
  get(quoteId: string): QuoteState | undefined {
    const q = this.live.get(trailingNumber(quoteId));
    return q !== undefined && q.quoteId === quoteId ? q : undefined;
  }

  /** The executed quote with this id, if it is one of ours and still kept. */
  executedQuote(quoteId: string): ExecutedQuote | undefined {
    const q = this.executed.get(trailingNumber(quoteId));
    return q !== undefined && q.quoteId === quoteId ? q : undefined;
  }

  order(orderId: string): ExecutedQuote | undefined {
    const q = this.orders.get(trailingNumber(orderId));
    return q !== undefined && q.confirmation.order_id === orderId ? q : undefined;
  }

  /**
   * Files a negotiation's new quote under its key. The quote it replaces must be forgotten first,
   * while the negotiation still has that quote's key: from then on a counter or accept naming the
   * old quote is told quote_not_found.
   */
  add(q: QuoteState): void {
    this.live.add(q.key, q);
  }

  /** Forgets a live quote (the negotiation ended), by its number: the store's own, so its id need not be read. */
  forget(q: QuoteState): void {
    this.live.delete(q.key);
  }

  /** A live quote is no longer open (accepted into a saga). */
  close(q: QuoteState): void {
    this.live.delete(q.key);
  }

  /** A quote was executed and confirmed: what is kept of it for retried accepts and the receipt. */
  executedAs(q: QuoteState, confirmation: ConfirmationPayload): ExecutedQuote {
    const done: ExecutedQuote = { quoteId: q.quoteId, key: q.key, buyer: q.buyer, validUntilUs: q.validUntilUs, confirmation, acknowledged: false };
    this.orders.add(trailingNumber(confirmation.order_id), done);
    this.live.delete(q.key);
    this.executed.set(q.key, done);
    this.executedInOrder.push(done);
    return done;
  }

  clear(): void {
    this.live.clear();
    this.executed.clear();
    this.executedInOrder = new Fifo();
    this.orders.clear();
  }

  /**
   * Every so often, forgets quotes expired for as long again as they were valid (until then a
   * late counter or accept is told quote_expired), calling `expired` for each, and executed
   * orders past their retention.
   */
  sweep(now: number, expired: (q: QuoteState) => void): void {
    if (now < this.nextSweepUs) return;
    this.nextSweepUs = now + SWEEP_EVERY_US;
    for (let q = this.live.oldest(); q !== undefined && 2 * q.validUntilUs - q.issuedUs < now; q = this.live.oldest()) {
      // A negotiation filed under a number that is no longer its key would come back here for ever.
      if (!this.live.delete(q.key)) throw new Error(`quote book: ${q.quoteId} is not filed under its number ${q.key}`);
      expired(q);
    }
    for (let q = this.executedInOrder.peek(); q !== undefined && q.validUntilUs + ORDER_RETENTION_US < now; q = this.executedInOrder.peek()) {
      this.executedInOrder.shift();
      this.executed.delete(q.key);
      this.orders.delete(trailingNumber(q.confirmation.order_id));
    }
  }
}
