/**
 * What the parts of a store agent (quoting, orders) are handed by the agent: its identity, its
 * outbox and its negotiators' hooks, in one object made when the agent is.
 */
import type { ErrorCode } from '../../protocol/codes.js';
import type { CommerceMessage, ErrorPayload, MessageOf, MessageType, Party } from '../../protocol/schemas.js';
import type { StoreNegotiation } from './quote-book.js';
import type { StrategyFailure } from '../strategies/host.js';

/** A request a store serves through its capacity model. */
export type StoreRequest = MessageOf<'a2a.commerce.intent'> | MessageOf<'a2a.commerce.request'> | MessageOf<'a2a.commerce.counter'> | MessageOf<'a2a.commerce.accept'>;

export interface StoreHost {
  readonly id: number;
  readonly identifier: string;
  readonly organisation: string;
  send<T extends MessageType>(to: Party, type: T, conversationId: string, payload: MessageOf<T>['payload']): void;
  sendError(to: Party, conversationId: string, code: ErrorCode, text: string, reference: string, alternatives?: ErrorPayload['alternatives']): void;
  /** counts, for the security report, a hostile agent's request refused by a business check */
  noteRefusal(message: CommerceMessage, code: ErrorCode): void;
  /** runs `work` outside the answer being given (what it sends is not replayed for a duplicate) */
  detached(work: () => void): void;
  /** runs a negotiator's hook; its failure, if it threw */
  hook(run: () => void): StrategyFailure | undefined;
  /** waits for a strategy's Promise without moving virtual time */
  suspend<T>(pending: Promise<T>, then: (value: T) => void): void;
  /** counts a negotiator that broke its contract; under --strict, ends the run */
  noteStrategyFailure(strategy: string, conversationId: string, failure: StrategyFailure): void;
  /** the negotiator's onEnd hook, once the negotiation is over for this store */
  ended(neg: StoreNegotiation, outcome: string): void;
}

/** The exposure limiter's key of a negotiation. */
export function limiterKey(buyer: string, conversationId: string): string {
  return `${buyer}|${conversationId}`;
}
