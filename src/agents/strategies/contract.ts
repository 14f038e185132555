/**
 * The negotiator contract: what a strategy module exports and what the engine hands it. Buyer
 * and store agents keep the protocol (messages, mandates, floors, rounds, deadlines); a
 * negotiator keeps the decisions, in the style of NegMAS's SAO negotiators: `respond` to the
 * other side's offer, `propose` this side's next one. Built-in strategies and user modules are
 * the same kind of thing.
 */

/** Which side of the negotiation a negotiator is on. */
export type Role = 'buyer' | 'store';

/** What a negotiator answers to an offer. */
export type Response = 'accept' | 'reject' | 'end';

/** One offer made so far: by whom, its total in minor units, and when (µs of virtual time since the run began). */
export interface OfferRecord {
  readonly by: Role;
  readonly total: number;
  readonly atUs: number;
}

/**
 * What a negotiator sees of its negotiation. Money is in integer minor units of the scenario's
 * currency, times in µs of virtual time. Read-only: the engine keeps its own copy of everything.
 */
export interface NegotiationState {
  readonly role: Role;
  /** counter rounds so far: counters the buyer has sent (a buyer) or received, this one included (a store) */
  readonly round: number;
  /** the most counter rounds this side allows */
  readonly maxRounds: number;
  /** time since the negotiation began (a buyer: its intent; a store: its first quote) */
  readonly elapsedUs: number;
  /** this side's deadline, measured like elapsedUs; undefined when it has none */
  readonly deadlineUs: number | undefined;
  /** a buyer: the most it will pay; a store: its floor, the least it will take */
  readonly reservation: number;
  /** a buyer: its first offer (its target); a store: its list total */
  readonly aspiration: number;
  /** every offer so far, oldest first */
  readonly history: readonly OfferRecord[];
  /** the market's reference value of what is negotiated, now (same scale as offers) */
  readonly referencePrice: number;
  /** units negotiated (all items) */
  readonly quantity: number;
  readonly category: string;
  /** the other agent's identifier ('' while a buyer that moves first has not yet picked a store) */
  readonly counterparty: string;
  /** a draw in [0, 1) from this negotiator's own seeded stream */
  random(): number;
}

/**
 * How a negotiation ended, as the negotiator's onEnd hook hears it: for a buyer, the run's
 * outcome ('succeeded', 'no_agreement', 'deadline', 'strategy_error', …); for a store,
 * 'succeeded' (executed), 'no_agreement' (closed), 'strategy_error' or 'expired' (its last quote
 * lapsed unanswered).
 */
export type EndReason = string;

/** A negotiator: one per negotiation. `respond` and `propose` may return a Promise. */
export interface Negotiator {
  /** The other side's offer arrived: accept it, reject it (and make an offer), or end the negotiation. */
  respond(state: NegotiationState, offer: number): Response | Promise<Response>;
  /** This side's next offer: an integer total in minor units. */
  propose(state: NegotiationState): number | Promise<number>;
  onStart?(state: NegotiationState): void;
  onEnd?(state: NegotiationState, outcome: EndReason): void;
}

/** Who a negotiator is created for. */
export interface NegotiatorInfo {
  readonly role: Role;
  /** this agent's identifier */
  readonly agent: string;
  readonly organisation: string;
  readonly conversationId: string;
  readonly category: string;
  /** the strategy's name as the reports show it */
  readonly strategy: string;
}

/** The default export of a strategy module. */
export type NegotiatorFactory<Options = Record<string, unknown>> = (options: Options, info: NegotiatorInfo) => Negotiator;
