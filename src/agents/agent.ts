/**
 * What every agent shares: an identity, a sequence for the events it schedules, and an outbox
 * that builds envelopes (ids and timestamps from virtual time) and hands them to the broker.
 */
import type { Broker, Endpoint } from '../broker/broker.js';
import type { Directory } from '../broker/directory.js';
import type { TraceSink } from '../broker/trace.js';
import type { DealChecker } from '../checkers/deals.js';
import type { SettlementChecker } from '../checkers/settlement.js';
import type { FaultSchedule } from '../faults/plan.js';
import { Priority, type Kernel } from '../engine/kernel.js';
import type { EventTarget } from '../engine/queue.js';
import { Rng } from '../engine/rng.js';
import type { MarketView } from '../market/market.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { ErrorCode } from '../protocol/codes.js';
import type { CommerceMessage, ErrorPayload, MessageOf, MessageType, Party } from '../protocol/schemas.js';
import { isoTimestamp } from '../protocol/time.js';
import type { Defect, SettlementPlan } from '../scenario/schema.js';
import type { MandateRegistry } from './mandates.js';

/** Timer kinds every agent understands; agents' own kinds stay below these. */
const CRASH = 9001;
const RESTART = 9002;

/** Everything an agent is handed; it reaches for nothing else. */
export interface AgentContext {
  readonly kernel: Kernel;
  readonly broker: Broker;
  readonly directory: Directory;
  readonly market: MarketView;
  readonly metrics: MetricsCollector;
  readonly mandates: MandateRegistry;
  readonly checker: DealChecker;
  /** settlement: the clearing house's terms, and the checker of sagas and the ledger */
  readonly settlement: SettlementPlan | undefined;
  readonly settlementChecker: SettlementChecker;
  readonly faults: FaultSchedule | undefined;
  /** deliberately broken behaviour (to show that the checkers fire) */
  readonly defects: ReadonlySet<Defect>;
  /** agent identifier of the clearing house, when there is one */
  readonly clearingHouse: Party | undefined;
  readonly trace: TraceSink | undefined;
  readonly seed: string | number;
  readonly epochMs: number;
  readonly currency: string;
  /** numeric id of an agent by its identifier (for per-pair metrics) */
  idOf(identifier: string): number;
  /** organisation of an agent by its identifier ('' when unknown) */
  organisationOf(identifier: string): string;
}

export abstract class Agent implements Endpoint, EventTarget {
  seq = 0;
  readonly party: Party;
  protected readonly rng: Rng;
  private messageSeq = 0;
  /** true while crashed: the broker drops what is delivered to it */
  down = false;

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

  /** Schedules a crash at `atUs` and the restart `downtimeUs` later. */
  scheduleCrash(atUs: number, downtimeUs: number): void {
    this.ctx.kernel.schedule(atUs, Priority.timer, this, this, CRASH, downtimeUs);
  }

  /**
   * Handles the crash and restart timers; agents call it first in handle(). A crash loses what
   * the agent keeps only in memory (see crashed()); what it persisted survives the restart.
   */
  protected faultEvent(kind: number, data: unknown): boolean {
    if (kind === CRASH) {
      if (this.down) return true;
      this.down = true;
      this.ctx.metrics.crashes++;
      this.crashed();
      this.ctx.kernel.schedule(this.nowUs + (data as number), Priority.timer, this, this, RESTART, null);
      return true;
    }
    if (kind === RESTART) {
      this.down = false;
      this.restarted();
      return true;
    }
    return false;
  }

  /** Drops volatile state at a crash. */
  protected crashed(): void {}

  /** Resumes from persisted state after a restart. */
  protected restarted(): void {}

  /** Schedules a timer event for this agent. */
  protected after(delayUs: number, kind: number, data: unknown): void {
    this.ctx.kernel.schedule(this.nowUs + delayUs, Priority.timer, this, this, kind, data);
  }
}
