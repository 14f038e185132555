/**
 * What every agent shares: an identity, a sequence for the events it schedules, and an outbox
 * that builds envelopes (ids and timestamps from virtual time) and hands them to the broker.
 */
import { IdMaker } from '../protocol/ids.js';
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
import { digestOf, type AuditChain, type AuditEntry } from '../trust/audit.js';
import type { TrustContext } from '../trust/context.js';
import type { SigningKey } from '../trust/jws.js';
import { MessageSigner } from '../trust/signer.js';
import { MessageVerifier, signingPayload, type SeenMessage } from '../trust/verifier.js';
import type { MandateRegistry } from './mandates.js';
import { passesCompiledCheck } from '../protocol/validate.js';
import { callHook, StrategyFailure } from './strategies/host.js';

/** dispatch's default: seal with the current key (one object, not one per message). */
const SEAL_WITH_CURRENT_KEY: { readonly seal?: boolean; readonly key?: SigningKey } = Object.freeze({});

/** A strategy broke its contract under run --strict: the run ends (exit 4). */
export class StrictStrategyError extends Error {
  constructor(
    message: string,
    readonly virtualUs: number,
  ) {
    super(message);
    this.name = 'StrictStrategyError';
  }
}

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
  /** identity, signing and replay protection; undefined runs without the trust layer */
  readonly trust?: TrustContext | undefined;
  /** numeric id of an agent by its identifier (for per-pair metrics) */
  idOf(identifier: string): number;
  /** the party of an agent by its numeric id (undefined when unknown) */
  partyOf?(id: number): Party | undefined;
  /** organisation of an agent by its identifier ('' when unknown) */
  organisationOf(identifier: string): string;
  /** who makes the first offer: the store (its first quote) or the buyer (its intent's max_total) */
  readonly firstMover: 'buyer' | 'store';
  /** run --strict: the first strategy error ends the run */
  readonly strict: boolean;
}

export abstract class Agent implements Endpoint, EventTarget {
  seq = 0;
  readonly party: Party;
  protected readonly rng: Rng;
  private messageSeq = 0;
  private readonly messageIds: IdMaker;
  /** true while crashed: the broker drops what is delivered to it */
  down = false;
  protected readonly signer: MessageSigner | undefined;
  private readonly verifier: MessageVerifier | undefined;
  private readonly auditChain: AuditChain | undefined;
  /** the message being answered (its replies are kept for duplicates of it) */
  private answering: SeenMessage | undefined;
  private readonly seen = new WeakMap<object, SeenMessage>();
  /** pending deliveries prepare() has looked at */
  private readonly consideredAhead = new WeakSet<object>();
  /** message ids of hostile senders acted on (an observer's check that none is processed twice) */
  private hostileProcessed: Set<string> | undefined;

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
    this.messageIds = new IdMaker(`msg_${address.localName}_`);
    const trust = ctx.trust;
    if (trust && trust.policy.signing !== 'off') {
      this.signer = new MessageSigner(trust.keys, address.party.identifier, ctx.seed);
      this.verifier = new MessageVerifier(trust.keys, trust.verifierPolicy, ctx.epochMs, (id) => trust.organisationOf(id));
    }
    if (trust?.policy.audit) this.auditChain = ctx.metrics.audit.chain(address.party.identifier);
  }

  get identifier(): string {
    return this.party.identifier;
  }

  protected get nowUs(): number {
    return this.ctx.kernel.nowUs;
  }

  /** True when this agent has work to do ahead of deliveries (see prepare). */
  get prepares(): boolean {
    return this.verifier !== undefined;
  }

  /**
   * Done while the thread has nothing it may run, for a message on its way here (due at `atUs`,
   * not yet validated): work its delivery will need, done ahead and kept for it: the signature
   * check, and what the agent itself computes (prepareFor). Changes nothing the run can see;
   * true when it did some. Each message is looked at once, so a thread's preparing comes to an end.
   */
  prepare(message: unknown, atUs: number): boolean {
    if (!this.prepares || typeof message !== 'object' || message === null || this.consideredAhead.has(message)) return false;
    this.consideredAhead.add(message);
    if (!passesCompiledCheck(message)) return false;
    const m = message as CommerceMessage;
    const verified = this.verifier?.prepare(m, atUs) ?? false;
    return this.prepareFor(m, atUs) || verified;
  }

  /** What this agent computes on the delivery of `message` at `atUs`, done ahead; true when it did. */
  protected prepareFor(_message: CommerceMessage, _atUs: number): boolean {
    return false;
  }

  /** Acts on a message that passed the trust checks. */
  protected abstract onMessage(message: CommerceMessage): void;
  abstract handle(kind: number, data: unknown): void;

  /**
   * Every delivered message passes here: it is recorded in the audit trail, then verified
   * (signature through the sender organisation's JWK set, freshness, nonce, duplicate id). A
   * rejected message is answered with an error carrying the code; a duplicate id is answered
   * with the reply already given, never processed twice. `fromId` is the true sending endpoint,
   * which only the security metrics look at.
   */
  receive(message: CommerceMessage, fromId = -1): void {
    const trust = this.ctx.trust;
    if (trust === undefined) {
      this.onMessage(message);
      return;
    }
    const now = this.nowUs;
    const security = this.ctx.metrics.security;
    const hostile = trust.adversaryKind(fromId);
    if (this.verifier === undefined) {
      this.record('received', message);
      this.acted(message, fromId, hostile, undefined);
      return;
    }
    // Quarantine and the answer to a rejected message go by where it came from, not by the name
    // it claims: a message forged under another agent's name must not get that agent quarantined
    // or sent errors about conversations it never had.
    const sourceParty = this.ctx.partyOf?.(fromId) ?? message.from;
    const source = sourceParty.identifier;
    const verdict = this.verifier.check(message, now, source);
    security.received(message.from.identifier);
    this.record('received', message, verdict.kind === 'accept' ? verdict.canonical : undefined);
    switch (verdict.kind) {
      case 'quarantined':
        security.quarantinedDrops++;
        return;
      case 'reject':
        security.rejected(message.from.identifier, hostile ?? 'honest', verdict.code);
        // A settlement message refused (a rate limit, say) is retried: its saga's bound restarts.
        if (message.type.startsWith('a2a.settlement.')) this.ctx.settlementChecker.sagaRefused((message.payload as { saga_id: string }).saga_id, now);
        if (this.verifier.isQuarantined(source)) security.quarantines.set(source, (security.quarantines.get(source) ?? 0) + 1);
        // Errors are never answered with errors (no loops).
        if (message.type !== 'a2a.commerce.error') this.sendError(sourceParty, message.conversation_id, verdict.code, verdict.reason.slice(0, 1000), message.id);
        return;
      case 'duplicate':
        security.duplicates++;
        verdict.seen.reply?.();
        return;
      case 'accept':
        security.verified++;
        this.seen.set(message, verdict.seen);
        this.acted(message, fromId, hostile, verdict.seen);
    }
  }

  /** Hands an accepted message to the agent, noting for the metrics a hostile one that got through. */
  private acted(message: CommerceMessage, fromId: number, hostile: string | undefined, seen: SeenMessage | undefined): void {
    if (hostile !== undefined) {
      const security = this.ctx.metrics.security;
      // What counts as an attack getting through depends on the kind: a message sent under
      // another agent's name (impersonation, a forwarded edited quote), anything a forger or a
      // stale key signs, or a message processed twice (replay).
      const underOwnName = this.ctx.idOf(message.from.identifier) === fromId;
      if (hostile === 'flooder') security.floodAdmitted++;
      else if (hostile === 'forger' || hostile === 'stale_key' || !underOwnName) security.acceptedHostile(hostile as 'forger');
      else if (hostile === 'replayer') {
        this.hostileProcessed ??= new Set();
        const key = `${message.from.identifier}\n${message.id}`;
        if (this.hostileProcessed.has(key)) security.acceptedHostile('replayer');
        this.hostileProcessed.add(key);
      }
    }
    this.answering = seen;
    this.onMessage(message);
    this.answering = undefined;
  }

  /** Counts, for the security report, a request of a hostile agent refused by a business check (e.g. its mandate). */
  protected noteRefusal(message: CommerceMessage, code: ErrorCode): void {
    const kind = this.ctx.trust?.adversaryKind(message.from.identifier);
    if (kind !== undefined) this.ctx.metrics.security.rejected(message.from.identifier, kind, code);
  }

  /** Runs `work(message)` as the answer to `message`: what it sends is kept for a duplicate of the message. */
  protected answer<M extends CommerceMessage>(message: M, work: (message: M) => void): void {
    // Without verification no message is remembered, so there is no answer to keep.
    if (this.verifier === undefined) {
      work.call(this, message);
      return;
    }
    this.answering = this.seen.get(message);
    try {
      work.call(this, message);
    } finally {
      this.answering = undefined;
    }
  }

  /** Runs `work` outside the answer being given: what it sends is not replayed for a duplicate. */
  protected detached(work: () => void): void {
    const answering = this.answering;
    this.answering = undefined;
    try {
      work();
    } finally {
      this.answering = answering;
    }
  }

  /** The side this agent's negotiators take. */
  protected get negotiatorRole(): 'buyer' | 'store' {
    return 'buyer';
  }

  /** Runs a negotiator's hook; its failure, if it threw. */
  protected hook(run: () => void): StrategyFailure | undefined {
    return callHook(run);
  }

  /** Counts a negotiator that broke its contract, keeping the first few; under --strict, ends the run. */
  protected noteStrategyFailure(strategy: string, conversationId: string, failure: StrategyFailure): void {
    const sample = { strategy, role: this.negotiatorRole, agent: this.identifier, conversation_id: conversationId, vt_us: this.nowUs, message: failure.message };
    if (this.ctx.strict) throw new StrictStrategyError(`strategy ${strategy} of ${this.identifier} in ${conversationId}: ${failure.message}`, this.nowUs);
    this.ctx.metrics.strategyErrors.add(sample);
  }

  /**
   * Waits for a strategy's Promise without moving virtual time: the kernel runs nothing else
   * until it settles, then `then` carries on as if the answer had come at once (replies still
   * count as the answer to the message being answered).
   */
  protected suspend<T>(pending: Promise<T>, then: (value: T) => void): void {
    const answering = this.answering;
    this.ctx.kernel.block(
      pending.then((value) => {
        this.answering = answering;
        try {
          then(value);
        } finally {
          this.answering = undefined;
        }
      }),
    );
  }

  /** Appends a message to this agent's audit chain (and to the audit log, when one is written). */
  private record(dir: 'sent' | 'received', message: CommerceMessage, canonical?: string): void {
    const chain = this.auditChain;
    if (chain === undefined) return;
    const signature = (message as { signature?: unknown }).signature;
    const entry: AuditEntry = {
      agent: this.identifier,
      seq: chain.count,
      dir,
      vt_us: this.nowUs,
      message_id: message.id,
      digest: digestOf(canonical ?? signingPayload(message)),
      ...(typeof signature === 'string' ? { signature } : {}),
    };
    const head = chain.append(entry);
    this.ctx.trace?.record({ vt_us: this.nowUs, event: 'audit', audit: { ...entry, chain: head.toString('hex'), message } });
  }

  /** Builds and sends one message (`id` reuses a message id: a retransmission). */
  protected send<T extends MessageType>(to: Party, type: T, conversationId: string, payload: MessageOf<T>['payload'], id?: string): MessageOf<T> {
    const answering = this.answering;
    if (answering !== undefined && answering.reply === undefined) {
      // A duplicate of the message being answered gets this answer again, in a fresh envelope.
      answering.reply = () => this.send(to, type, conversationId, payload);
    }
    const message = {
      type,
      id: id ?? this.messageIds.make(++this.messageSeq),
      from: this.party,
      to,
      conversation_id: conversationId,
      timestamp: isoTimestamp(this.ctx.epochMs, this.nowUs),
      payload,
    } as MessageOf<T>;
    this.dispatch(message);
    return message;
  }

  /** Seals a message (nonce and signature, by `key` or the current key), records and sends it. */
  protected dispatch(message: CommerceMessage, options: { readonly seal?: boolean; readonly key?: SigningKey } = SEAL_WITH_CURRENT_KEY): void {
    let canonical: string | undefined;
    if (this.signer !== undefined && options.seal !== false) {
      canonical = this.signer.seal(message, this.nowUs, options.key);
      this.ctx.metrics.security.signed++;
    }
    this.record('sent', message, canonical);
    this.ctx.broker.send(this, message);
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
