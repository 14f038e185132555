/**
 * The gateway's wire: one JSON object per WebSocket text frame. A2A envelopes travel as they are
 * (agent → simulator) or inside an `a2a-sim.deliver` frame that adds the agent they are for and
 * their virtual time (simulator → agent). Everything else the protocol does not define (who the
 * agent is, time, the end of the run, discovery) is a control frame whose type starts with
 * `a2a-sim.`. Frames the simulator sends that need an answer carry an `id`; the agent answers each
 * with one `a2a-sim.next` frame (`re`: that id) after the envelopes it sends for it.
 */
import type { BusinessProfile, CommerceMessage } from '../protocol/schemas.js';

/** Every control frame's type starts with this. */
export const CONTROL_PREFIX = 'a2a-sim.';
/** The wire version the gateway speaks (in the challenge). */
export const GATEWAY_PROTOCOL = '1';
/** WebSocket close code for a refused handshake (RFC 6455: policy violation). */
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_NORMAL = 1000;

// Simulator → agent.

/** Sent as soon as a connection opens: the agent answers with hello. */
export interface ChallengeFrame {
  readonly type: 'a2a-sim.challenge';
  readonly protocol: string;
  readonly nonce: string;
}

/** The answer to a good hello: who the connection speaks for, and the run it joins. */
export interface WelcomeFrame {
  readonly type: 'a2a-sim.welcome';
  readonly organisation: string;
  readonly role: 'store' | 'buyer';
  /** with signing on, `kid` names the key each agent signs with (its organisation's, as published in its JWK set) */
  readonly agents: readonly { readonly identifier: string; readonly name: string; readonly kid?: string }[];
  readonly scenario: string;
  readonly seed: string | number;
  /** how the agents meet virtual time (the scenario's external_clock) */
  readonly clock: 'virtual' | 'realtime';
  /** the scenario's epoch: virtual time 0 */
  readonly start_time: string;
  readonly currency: string;
  readonly categories: readonly string[];
  /** the SKUs of those categories */
  readonly skus: readonly { readonly sku: string; readonly name: string; readonly category: string }[];
  /** a buyer's capability token: its id, the key its accepts are proven with (base64url), its limit */
  readonly mandate?: { readonly mandate_id: string; readonly key: string; readonly max_per_purchase: number };
}

/** A message for one of the connection's agents, delivered at virtual time `vt_us`. */
export interface DeliverFrame {
  readonly type: 'a2a-sim.deliver';
  readonly id: string;
  readonly agent: string;
  readonly vt_us: number;
  readonly message: CommerceMessage;
}

/** Virtual time has reached `vt_us` for `agent` (at the start, and when the agent asked to be woken). */
export interface TimeFrame {
  readonly type: 'a2a-sim.time';
  readonly id: string;
  readonly agent: string;
  readonly vt_us: number;
}

/** The answer to discover. */
export interface ProfilesFrame {
  readonly type: 'a2a-sim.profiles';
  readonly re: string;
  readonly profiles: readonly BusinessProfile[];
}

/** A control frame the gateway could not act on (the connection stays). */
export interface ControlErrorFrame {
  readonly type: 'a2a-sim.error';
  readonly code: 'out_of_turn' | 'unknown_frame' | 'unknown_ref';
  readonly message: string;
}

/** The run is over; the connection closes after it. */
export interface EndFrame {
  readonly type: 'a2a-sim.end';
  readonly vt_us: number;
  readonly reason: string;
}

export type ServerFrame = ChallengeFrame | WelcomeFrame | DeliverFrame | TimeFrame | ProfilesFrame | ControlErrorFrame | EndFrame;

// Agent → simulator.

/** Who the connection speaks for: one agent, or every agent of an organisation; `proof` signs the nonce. */
export interface HelloFrame {
  readonly type: 'a2a-sim.hello';
  readonly agent?: string;
  readonly organisation?: string;
  /** compact JWS (ES256 or EdDSA) over {"nonce": …}, by the organisation's key; needed when the scenario names one */
  readonly proof?: string;
}

/** Done with frame `re`; `at_us`: nothing of the agent's own accord before this virtual time (wake it then). */
export interface NextFrame {
  readonly type: 'a2a-sim.next';
  readonly re: string;
  readonly at_us?: number | null;
}

/** Asks for the business profiles of stores selling `category` (offering `capability`). */
export interface DiscoverFrame {
  readonly type: 'a2a-sim.discover';
  readonly id: string;
  readonly category: string;
  readonly capability?: 'negotiation' | 'multi-item' | 'scheduling';
}

export type AgentControlFrame = HelloFrame | NextFrame | DiscoverFrame;

/** What one text frame from an agent is. */
export type ParsedFrame =
  | { readonly kind: 'control'; readonly frame: AgentControlFrame }
  | { readonly kind: 'envelope'; readonly message: Record<string, unknown> }
  | { readonly kind: 'malformed'; readonly reason: string; readonly value: unknown };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Classifies one text frame (never throws). */
export function parseFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'malformed', reason: 'not JSON', value: undefined };
  }
  if (!isObject(value)) return { kind: 'malformed', reason: 'not a JSON object', value };
  const type = value.type;
  if (typeof type !== 'string') return { kind: 'malformed', reason: 'no type', value };
  if (!type.startsWith(CONTROL_PREFIX)) return { kind: 'envelope', message: value };
  switch (type) {
    case 'a2a-sim.hello':
      if ((value.agent === undefined) === (value.organisation === undefined) || ![value.agent, value.organisation].some((x) => typeof x === 'string')) return { kind: 'malformed', reason: 'hello needs agent or organisation (one of them)', value };
      if (value.proof !== undefined && typeof value.proof !== 'string') return { kind: 'malformed', reason: 'hello proof must be a string', value };
      return { kind: 'control', frame: value as unknown as HelloFrame };
    case 'a2a-sim.next':
      if (typeof value.re !== 'string') return { kind: 'malformed', reason: 'next needs re (the id of the frame it answers)', value };
      if (value.at_us !== undefined && value.at_us !== null && !(Number.isSafeInteger(value.at_us) && (value.at_us as number) >= 0)) return { kind: 'malformed', reason: 'next at_us must be a whole number of µs, or null', value };
      return { kind: 'control', frame: value as unknown as NextFrame };
    case 'a2a-sim.discover':
      if (typeof value.id !== 'string' || typeof value.category !== 'string') return { kind: 'malformed', reason: 'discover needs id and category', value };
      return { kind: 'control', frame: value as unknown as DiscoverFrame };
    default:
      return { kind: 'malformed', reason: `unknown control frame ${type.slice(0, 60)}`, value };
  }
}
