/**
 * The broker: the only path between agents. It applies the network model to each message sent,
 * validates every message against the protocol schemas on delivery, and answers an invalid one
 * with `a2a.commerce.error` / `invalid_message` to its sender. Agents never see each other.
 */
import type { Entity, Kernel } from '../engine/kernel.js';
import { Priority } from '../engine/kernel.js';
import type { EventTarget } from '../engine/queue.js';
import { sampleUs } from '../engine/distribution.js';
import type { Rng } from '../engine/rng.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { CommerceMessage, Party } from '../protocol/schemas.js';
import { validateMessage } from '../protocol/validate.js';
import type { NetworkModel } from './network.js';
import type { TraceSink } from './trace.js';

/** What the broker needs from an agent: identity, a sequence for its events, and an inbox. */
export interface Endpoint extends Entity {
  readonly identifier: string;
  readonly organisation: string;
  readonly party: Party;
  receive(message: CommerceMessage): void;
  /** Sends an error on this endpoint's behalf (used to reject an invalid message it was sent). */
  replyError(to: Party, conversationId: string, code: 'invalid_message', text: string, reference: string): void;
}

interface Delivery {
  readonly message: CommerceMessage;
  readonly from: Endpoint;
  readonly to: Endpoint;
}

const DELIVER = 1;

export class Broker implements EventTarget {
  private readonly endpoints = new Map<string, Endpoint>();

  constructor(
    private readonly kernel: Kernel,
    private readonly network: NetworkModel,
    private readonly metrics: MetricsCollector,
    private readonly trace: TraceSink | undefined,
  ) {}

  register(endpoint: Endpoint): void {
    if (this.endpoints.has(endpoint.identifier)) throw new Error(`duplicate agent ${endpoint.identifier}`);
    this.endpoints.set(endpoint.identifier, endpoint);
  }

  /** Sends `message` from `from`; delivery happens after the link's latency unless it is lost. */
  send(from: Endpoint, message: CommerceMessage): void {
    this.metrics.messageSent(message.type);
    if (message.type === 'a2a.commerce.error') this.metrics.errorSent(message.payload.code);
    const to = this.endpoints.get(message.to.identifier);
    if (to === undefined) {
      this.metrics.messagesUnroutable++;
      return;
    }
    const now = this.kernel.nowUs;
    const link = this.network.link(from.id, from.identifier, from.organisation, to.id, to.identifier, to.organisation);
    const { model, rng } = link;
    if (rng.chance(model.lossProbability)) {
      this.metrics.messagesDropped++;
      this.trace?.record({ vt_us: now, event: 'dropped', message });
      return;
    }
    const latencyUs = Math.max(1, sampleUs(model.latency, rng));
    let delivered = message;
    if (rng.chance(model.corruptProbability)) {
      delivered = corrupt(message, rng);
      this.metrics.messagesCorrupted++;
    }
    this.kernel.schedule(now + latencyUs, Priority.delivery, from, this, DELIVER, { message: delivered, from, to } satisfies Delivery);
  }

  handle(_kind: number, data: unknown): void {
    const { message, from, to } = data as Delivery;
    const now = this.kernel.nowUs;
    const verdict = validateMessage(message);
    if (!verdict.ok) {
      this.metrics.messagesInvalid++;
      const issue = verdict.issues[0];
      const where = issue ? `${issue.path.join('.') || '(message)'}: ${issue.message}` : 'invalid';
      this.trace?.record({ vt_us: now, event: 'rejected', reason: where, message });
      const m = message as { id?: unknown; conversation_id?: unknown };
      const reference = typeof m.id === 'string' ? m.id : 'unknown';
      const conversation = typeof m.conversation_id === 'string' && m.conversation_id !== '' ? m.conversation_id : 'conv_unknown';
      to.replyError(from.party, conversation, 'invalid_message', `message failed validation at ${where}`.slice(0, 1000), reference);
      return;
    }
    this.metrics.messagesDelivered++;
    this.trace?.record({ vt_us: now, event: 'delivered', message });
    to.receive(message);
  }
}

/** A link fault: mangles one field so that the message no longer validates. */
function corrupt(message: CommerceMessage, rng: Rng): CommerceMessage {
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
