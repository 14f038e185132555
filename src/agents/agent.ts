/**
 * What every agent shares: an identity, a sequence for the events it schedules, and an outbox
 * that builds envelopes (ids and timestamps from virtual time) and hands them to the broker.
 */
import type { Broker, Endpoint } from '../broker/broker.js';
import type { Directory } from '../broker/directory.js';
import type { TraceSink } from '../broker/trace.js';
import type { DealChecker } from '../checkers/deals.js';
import { Priority, type Kernel } from '../engine/kernel.js';
import type { EventTarget } from '../engine/queue.js';
import { Rng } from '../engine/rng.js';
import type { MarketView } from '../market/market.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { ErrorCode } from '../protocol/codes.js';
import type { CommerceMessage, ErrorPayload, MessageOf, MessageType, Party } from '../protocol/schemas.js';
import { isoTimestamp } from '../protocol/time.js';
import type { MandateRegistry } from './mandates.js';

/** Everything an agent is handed; it reaches for nothing else. */
export interface AgentContext {
  readonly kernel: Kernel;
  readonly broker: Broker;
  readonly directory: Directory;
  readonly market: MarketView;
  readonly metrics: MetricsCollector;
  readonly mandates: MandateRegistry;
  readonly checker: DealChecker;
  readonly trace: TraceSink | undefined;
  readonly seed: string | number;
  readonly epochMs: number;
  readonly currency: string;
  /** numeric id of an agent by its identifier (for per-pair metrics) */
  idOf(identifier: string): number;
}

export abstract class Agent implements Endpoint, EventTarget {
  seq = 0;
  readonly party: Party;
  protected readonly rng: Rng;
  private messageSeq = 0;

  readonly id: number;
  /** short local name, e.g. "globex-procurement-3" */
  readonly localName: string;
  readonly organisation: string;

  constructor(
    address: { readonly id: number; readonly localName: string; readonly organisation: string; readonly party: Party },
    protected readonly ctx: AgentContext,
  ) {
    this.id = address.id;
    this.localName = address.localName;
    this.organisation = address.organisation;
    this.party = address.party;
    this.rng = new Rng(ctx.seed, `agent:${address.localName}`);
  }

  get identifier(): string {
    return this.party.identifier;
  }

  protected get nowUs(): number {
    return this.ctx.kernel.nowUs;
  }

  abstract receive(message: CommerceMessage): void;
  abstract handle(kind: number, data: unknown): void;

  /** Builds and sends one message. */
  protected send<T extends MessageType>(to: Party, type: T, conversationId: string, payload: MessageOf<T>['payload']): MessageOf<T> {
    const message = {
      type,
      id: `msg_${this.localName}_${++this.messageSeq}`,
      from: this.party,
      to,
      conversation_id: conversationId,
      timestamp: isoTimestamp(this.ctx.epochMs, this.nowUs),
      payload,
    } as MessageOf<T>;
    this.ctx.broker.send(this, message);
    return message;
  }

  protected sendError(to: Party, conversationId: string, code: ErrorCode, text: string, reference: string, alternatives?: ErrorPayload['alternatives']): void {
    const payload: ErrorPayload = alternatives && alternatives.length > 0 ? { code, message: text, reference, alternatives } : { code, message: text, reference };
    this.send(to, 'a2a.commerce.error', conversationId, payload);
  }

  replyError(to: Party, conversationId: string, code: 'invalid_message', text: string, reference: string): void {
    this.sendError(to, conversationId, code, text, reference);
  }

  /** Schedules a timer event for this agent. */
  protected after(delayUs: number, kind: number, data: unknown): void {
    this.ctx.kernel.schedule(this.nowUs + delayUs, Priority.timer, this, this, kind, data);
  }
}
