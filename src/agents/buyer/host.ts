/**
 * What the parts of a buyer agent (arrivals, rounds, accepting, timers) are handed by the agent:
 * its identity, its outbox, its timers and its negotiators' hooks, in one object made when the
 * agent is.
 */
import type { MessageOf, MessageType, Party } from '../../protocol/schemas.js';
import type { StrategyFailure } from '../strategies/host.js';

export interface BuyerHost {
  readonly id: number;
  readonly identifier: string;
  readonly organisation: string;
  /** true while the agent is crashed (a function: an object literal with a getter is kept as a slow dictionary) */
  isDown(): boolean;
  /** builds and sends one message (`id` reuses a message id: a retransmission) */
  send<T extends MessageType>(to: Party, type: T, conversationId: string, payload: MessageOf<T>['payload'], id?: string): MessageOf<T>;
  /** schedules a timer event for the agent */
  after(delayUs: number, kind: number, data: unknown): void;
  /** runs a negotiator's hook; its failure, if it threw */
  hook(run: () => void): StrategyFailure | undefined;
  /** waits for a strategy's Promise without moving virtual time */
  suspend<T>(pending: Promise<T>, then: (value: T) => void): void;
  /** counts a negotiator that broke its contract; under --strict, ends the run */
  noteStrategyFailure(strategy: string, conversationId: string, failure: StrategyFailure): void;
}
