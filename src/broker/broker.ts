/**
 * The broker: the only path between agents. It applies the network model to each message sent,
 * validates every message against the protocol schemas on delivery, and answers an invalid one
 * with `a2a.commerce.error` / `invalid_message` to its sender. Agents never see each other.
 */
import type { Entity, Kernel } from '../engine/kernel.js';
import { Priority } from '../engine/kernel.js';
import type { EventTarget } from '../engine/queue.js';
import { sampleUs } from '../engine/distribution.js';
import type { Draws } from '../engine/rng.js';
import { partitioned, type FaultSchedule } from '../faults/plan.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { CommerceMessage, Party } from '../protocol/schemas.js';
import { isId } from '../protocol/rules.js';
import { passesCompiledCheck, validateMessage, type ValidationIssue } from '../protocol/validate.js';
import type { NetworkModel } from './network.js';
import type { TraceSink } from './trace.js';

/** What the broker needs from an agent: identity, a sequence for its events, and an inbox. */
export interface Endpoint extends Entity {
  readonly identifier: string;
  readonly organisation: string;
  readonly party: Party;
  /** true while the agent is crashed: messages delivered to it are lost */
  readonly down?: boolean;
  /** `fromId` is the endpoint that really sent the message (ground truth for security metrics). */
  receive(message: CommerceMessage, fromId?: number): void;
  /**
   * Optional: work this endpoint will need for `message`, which is due at `atUs` and not yet
   * validated, done ahead of time and kept by the agent. Must change nothing the run can see.
   * Returns true when it did some.
   */
  prepare?(message: unknown, atUs: number): boolean;
  /** Sends an error on this endpoint's behalf (used to reject an invalid message it was sent). */
  replyError(to: Party, conversationId: string, code: 'invalid_message', text: string, reference: string): void;
}

/** Where an agent lives: enough to route to it from any shard. */
export interface Address {
  readonly id: number;
  readonly organisation: string;
  readonly shard: number;
  readonly party: Party;
}

/** A message on its way to another shard, with the event key it was given when sent. */
export interface RemoteDelivery {
  readonly t: number;
  readonly s: number;
  readonly fromId: number;
  readonly toId: number;
  readonly message: CommerceMessage;
}

// A delivery event carries the receiver's id as its kind and the message as its data; its
// origin is the sender's id.

export interface AddressBook {
  readonly byIdentifier: ReadonlyMap<string, Address>;
  readonly byId: readonly (Address | undefined)[];
}

/** An address book of endpoints that all live on one shard (tests and benchmarks). */
export function addressBookOf(endpoints: readonly Endpoint[], shard = 0): AddressBook {
  const byId: Address[] = [];
  const byIdentifier = new Map<string, Address>();
  for (const e of endpoints) {
    const address: Address = { id: e.id, organisation: e.organisation, shard, party: e.party };
    byId[e.id] = address;
    byIdentifier.set(e.identifier, address);
  }
  return { byIdentifier, byId };
}

export class Broker implements EventTarget {
  private readonly local: (Endpoint | undefined)[] = [];
  /** deliveries for other shards produced since the last takeOutbox() */
  private outbox: RemoteDelivery[] = [];
  /** sees every routable message sent, with its sender's and receiver's ids (the layout pilot counts traffic) */
  observer: ((fromId: number, toId: number, message: CommerceMessage) => void) | undefined;

  constructor(
    private readonly kernel: Kernel,
    private readonly network: NetworkModel,
    private readonly metrics: MetricsCollector,
    private readonly trace: TraceSink | undefined,
    /** every agent of the run, by identifier and by id */
    private readonly addresses: AddressBook,
    private readonly shard = 0,
    /** injected network faults (loss, duplication, reordering, delay spikes, partitions) */
    private readonly faults?: FaultSchedule,
  ) {}

  register(endpoint: Endpoint): void {
    if (this.local[endpoint.id] !== undefined) throw new Error(`duplicate agent ${endpoint.identifier}`);
    this.local[endpoint.id] = endpoint;
  }

  /** Deliveries bound for other shards since the last call, in the order they were sent. */
  takeOutbox(): RemoteDelivery[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }

  /** Schedules deliveries that other shards sent to agents of this one, keeping their keys. */
  acceptRemote(batch: readonly RemoteDelivery[]): void {
    for (const d of batch) {
      this.kernel.insert(d.t, Priority.delivery, d.fromId, d.s, this, d.toId, d.message);
    }
  }

  /** Sends `message` from `from`; delivery happens after the link's latency unless it is lost. */
  send(from: Endpoint, message: CommerceMessage): void {
    this.metrics.messageSent(message.type);
    if (message.type === 'a2a.commerce.error') this.metrics.errorSent(message.payload.code);
    const to = this.addresses.byIdentifier.get(message.to.identifier);
    if (to === undefined) {
      this.metrics.messagesUnroutable++;
      return;
    }
    this.observer?.(from.id, to.id, message);
    const now = this.kernel.nowUs;
    const link = this.network.link(from.id, from.identifier, from.organisation, to.id, to.party.identifier, to.organisation);
    const { model, rng } = link;
    if (rng.chance(model.lossProbability)) {
      this.metrics.messagesDropped++;
      this.trace?.record({ vt_us: now, event: 'dropped', message });
      return;
    }
    const latencyUs = Math.max(1, sampleUs(model.latency, rng));
    let delivered = message;
    // A corrupted message is counted once it is on its way (a fault may still drop it below).
    if (rng.chance(model.corruptProbability)) delivered = corrupt(message, rng);
    const f = this.faults;
    if (f === undefined || now >= f.untilUs) {
      if (delivered !== message) this.metrics.messagesCorrupted++;
      this.deliver(from, to, now + latencyUs, delivered);
      return;
    }
    const cut = partitioned(f, from.organisation, to.organisation, now);
    if (cut || rng.chance(f.messageLossProbability)) {
      if (cut) this.metrics.messagesPartitioned++;
      this.metrics.messagesDropped++;
      this.trace?.record({ vt_us: now, event: 'dropped', message: delivered });
      return;
    }
    if (delivered !== message) this.metrics.messagesCorrupted++;
    let extraUs = 0;
    if (rng.chance(f.reorderProbability)) extraUs += 1 + rng.int(f.reorderDelayMaxUs);
    if (rng.chance(f.delaySpikeProbability)) extraUs += f.delaySpikeUs;
    if (extraUs > 0) this.metrics.messagesDelayed++;
    this.deliver(from, to, now + latencyUs + extraUs, delivered);
    if (rng.chance(f.duplicateProbability)) {
      this.metrics.messagesDuplicated++;
      this.deliver(from, to, now + latencyUs + extraUs + 1 + rng.int(f.reorderDelayMaxUs), delivered);
    }
  }

  private deliver(from: Endpoint, to: Address, atUs: number, message: CommerceMessage): void {
    if (to.shard === this.shard) {
      this.kernel.schedule(atUs, Priority.delivery, from, this, to.id, message);
    } else {
      // Latency is at least the lookahead, so this lands in a later window of the other shard.
      this.outbox.push({ t: atUs, s: from.seq++, fromId: from.id, toId: to.id, message });
    }
  }

  /** Lets the receiver of a pending delivery prepare for it (see Endpoint.prepare). */
  prepare(toId: number, data: unknown, atUs: number): boolean {
    return this.local[toId]?.prepare?.(data, atUs) ?? false;
  }

  handle(toId: number, data: unknown): void {
    const message = data as CommerceMessage;
    const fromId = this.kernel.current.o;
    const to = this.local[toId]!;
    const now = this.kernel.nowUs;
    if (to.down) {
      this.metrics.messagesDropped++;
      this.trace?.record({ vt_us: now, event: 'dropped', message });
      return;
    }
    // Nearly every message passes the compiled check; zod, whose issues say what is wrong, sees
    // only those it refuses (and may still find one valid).
    if (!passesCompiledCheck(message)) {
      const verdict = validateMessage(message);
      if (!verdict.ok) {
        this.refuse(to, fromId, now, message, verdict.issues);
        return;
      }
    }
    this.metrics.messagesDelivered++;
    this.trace?.record({ vt_us: now, event: 'delivered', message });
    to.receive(message, fromId);
  }

  /** Counts and traces a message that failed validation, and answers it with an error to its sender. */
  private refuse(to: Endpoint, fromId: number, now: number, message: CommerceMessage, issues: readonly ValidationIssue[]): void {
    this.metrics.messagesInvalid++;
    const issue = issues[0];
    const where = issue ? `${issue.path.join('.') || '(message)'}: ${issue.message}` : 'invalid';
    this.trace?.record({ vt_us: now, event: 'rejected', reason: where, message });
    const m = (typeof message === 'object' && message !== null ? message : {}) as { type?: unknown; id?: unknown; conversation_id?: unknown };
    // An invalid error is not answered: two agents would trade errors for ever.
    if (m.type === 'a2a.commerce.error') return;
    // The answer must itself be valid: an id that is not one is not echoed back.
    const reference = typeof m.id === 'string' && isId(m.id) ? m.id : 'unknown';
    const conversation = typeof m.conversation_id === 'string' && isId(m.conversation_id) ? m.conversation_id : 'conv_unknown';
    to.replyError(this.addresses.byId[fromId]!.party, conversation, 'invalid_message', `message failed validation at ${where}`.slice(0, 1000), reference);
  }
}

/** A link fault: mangles one field so that the message no longer validates. */
function corrupt(message: CommerceMessage, rng: Draws): CommerceMessage {
  const copy = structuredClone(message) as unknown as Record<string, unknown>;
  switch (rng.int(3)) {
    case 0: {
      const payload = copy.payload as Record<string, unknown>;
      const first = Object.keys(payload)[0];
      if (first !== undefined) delete payload[first];
      break;
    }
    case 1:
      copy.timestamp = 'garbled';
      break;
    default:
      copy.conversation_id = '';
  }
  return copy as unknown as CommerceMessage;
}
