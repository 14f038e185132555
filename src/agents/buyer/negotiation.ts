/**
 * A buyer's negotiation: what it keeps of one purchase from the intent to its end, the offers
 * it holds, and the kinds of its timer events and of what it waits for.
 */
import type { BusinessProfile, Party, QuotePayload } from '../../protocol/schemas.js';
import type { Negotiator } from '../strategies/contract.js';
import type { NegotiationView } from '../strategies/host.js';
import { NumberedTable, trailingNumber } from '../../engine/numbered-table.js';

// Timer events
export const ARRIVAL = 1;
export const TIMEOUT = 2;
export const BURST = 3;
// What a negotiation is waiting for
export const QUOTE_WAIT = 1;
export const RESPONSE_WAIT = 2;
export const CONFIRM_WAIT = 3;
export const APPROVAL_WAIT = 4;
export const MANDATE_APPROVAL_WAIT = 5;

export type Phase = 'quoting' | 'negotiating' | 'approving' | 'accepting';

/** A store's offer; the counterpart's is updated in place as its quotes replace each other. */
export interface Offer {
  from: Party;
  quote: QuotePayload;
  /** the quote's id, kept here: the next quote names it, and the payload it came in is long cold by then */
  quoteId: string;
  totalMinor: number;
  /** when it arrived */
  atUs: number;
}

export interface Negotiation {
  readonly conversationId: string;
  readonly startUs: number;
  readonly category: string;
  readonly regimeIndex: number;
  readonly reservationMinor: number;
  readonly targetMinor: number;
  /** the breaker's half-open period that admitted it as a trial; 0 when it was not one */
  readonly trialOf: number;
  items: { sku: string; quantity: number }[];
  stores: readonly BusinessProfile[];
  phase: Phase;
  /** what happens at `deadlineUs` unless a reply comes first */
  waitKind: number;
  deadlineUs: number;
  /** the one live timer event: its time and token (older events carry stale tokens) */
  timerAtUs: number;
  token: number;
  awaiting: number;
  best?: Offer;
  /** substitutes the stores named in their out_of_stock answers (none until one does) */
  alternatives: { sku: string; name: string }[] | undefined;
  substituted: boolean;
  counterpart?: Offer;
  rounds: number;
  acceptSentUs: number;
  acceptAttempts: number;
  /** a retried accept is a retransmission of the first: the same message id */
  acceptMessageId?: string;
  /** budget reserved for this purchase (released if it fails), and when */
  reservedMinor?: number;
  reservedAtUs?: number;
  /** a human approval, for totals above the mandate's threshold; its simulated delay */
  approval?: string;
  approvalDelayUs?: number;
  transactionHash: string;
  /** id of the last counter or accept sent: an error about an older one is stale */
  lastSentId: string;
  /**
   * which stores asked (as in `stores`) have answered the intent, a duplicated answer counting
   * once: bit i for store i, or past 31 stores a list (a list per negotiation was 56 bytes)
   */
  answered: number | boolean[];
  /** a store answered market_halted while quotes were being gathered */
  halted: boolean;
  /** a store's strategy failed while quotes were being gathered (internal_error) */
  storeFailed: boolean;
  /** an external store's connection was gone (agent_unreachable) */
  unreachable: boolean;
  /** the last total the buyer offered, -1 before its first (an ask at or below it is the store meeting it) */
  lastProposalMinor: number;
  /** the buyer's opening offer, when the buyer moves first (the intent's max_total) */
  openingMinor: number;
  /** the total of the deal confirmed (for the negotiation's scores) */
  dealMinor?: number;
  /** this negotiation's negotiator and what it sees */
  negotiator: Negotiator | undefined;
  view: NegotiationView;
}

export interface Timer {
  readonly conversationId: string;
  readonly token: number;
}

/**
 * A buyer's negotiations in flight, by the number its conversation ids end in: it numbers them
 * 1, 2, 3… as it opens them (`conv_<buyer>_<n>`), so an array indexed by that number holds them,
 * and a message finds its negotiation without hashing its conversation id.
 */
export class Negotiations {
  private readonly table = new NumberedTable<Negotiation>();

  get size(): number {
    return this.table.size;
  }

  /** The negotiation of `conversationId`; undefined for any id this buyer did not give out or that ended. */
  get(conversationId: string): Negotiation | undefined {
    const n = this.table.get(trailingNumber(conversationId));
    return n !== undefined && n.conversationId === conversationId ? n : undefined;
  }

  /** Adds a negotiation whose conversation id is numbered above every one added before. */
  add(n: Negotiation): void {
    this.table.add(trailingNumber(n.conversationId), n);
  }

  delete(n: Negotiation): void {
    this.table.delete(trailingNumber(n.conversationId));
  }

  /** Those in flight, oldest first (a copy). */
  values(): Negotiation[] {
    return this.table.values();
  }
}

/** Nobody has answered yet: the answered field for `stores` stores (see Negotiation.answered). */
export function noneAnswered(stores: number): number | boolean[] {
  return stores <= 31 ? 0 : new Array<boolean>(stores).fill(false);
}
