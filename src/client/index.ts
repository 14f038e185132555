/**
 * a2a-market-sim/client: connect an agent process to a run's gateway (`a2a-sim run … --listen`)
 * without handling the control frames. Give handlers for messages and for virtual time; return
 * the envelopes to send. The client answers every frame with its `a2a-sim.next`, proves the
 * organisation's key when given one, and offers discovery.
 *
 *   import { connect } from 'a2a-market-sim/client';
 *   const agent = await connect('ws://127.0.0.1:8765', { organisation: 'open-store', onMessage: (m, turn) => [...] });
 *   await agent.closed;
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../protocol/canonical.js';
import WebSocket from 'ws';
import type { BusinessProfile, CommerceMessage, MessageOf, MessageType, Party } from '../protocol/schemas.js';
import type { DeliverFrame, ServerFrame, TimeFrame, WelcomeFrame } from '../gateway/frames.js';

export type { BusinessProfile, CommerceMessage, WelcomeFrame };

/** One turn of one agent: the frame being answered, and helpers to answer it. */
export interface AgentTurn {
  /** the agent this turn is for */
  readonly agent: Party;
  /** virtual time of the frame (µs since the scenario's start) */
  readonly vtUs: number;
  /** the same instant as an RFC 3339 timestamp */
  readonly timestamp: string;
  /** builds an envelope from this agent (the gateway stamps its time when it is sent) */
  envelope<T extends MessageType>(to: Party, type: T, conversationId: string, payload: MessageOf<T>['payload']): MessageOf<T>;
  /** asks to be woken at virtual time `atUs` (null: only when a message comes) */
  wakeAt(atUs: number | null): void;
}

type Answer = readonly CommerceMessage[] | void | Promise<readonly CommerceMessage[] | void>;

export interface ConnectOptions {
  /** serve every agent of this organisation … */
  readonly organisation?: string;
  /** … or one agent */
  readonly agent?: string;
  /** the organisation's private key, when the scenario names its public key (ES256 or EdDSA) */
  readonly key?: KeyObject;
  /** a message for one of the agents: the envelopes to send in answer */
  onMessage(message: CommerceMessage, turn: AgentTurn): Answer;
  /** virtual time reached a time the agent asked for (and time 0): what it sends of its own accord */
  onTime?(turn: AgentTurn): Answer;
}

export interface ExternalConnection {
  readonly welcome: WelcomeFrame;
  /** business profiles of stores selling `category` */
  discover(category: string, capability?: 'negotiation' | 'multi-item' | 'scheduling'): Promise<BusinessProfile[]>;
  /** settles when the run is over (code 1000) or the connection is refused or lost */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** A compact JWS over {"nonce"}: the proof that the agent holds the organisation's key. */
function proofOf(key: KeyObject, nonce: string): string {
  const alg = key.asymmetricKeyType === 'ed25519' ? 'EdDSA' : 'ES256';
  const input = `${Buffer.from(JSON.stringify({ alg, kid: 'hello' })).toString('base64url')}.${Buffer.from(JSON.stringify({ nonce })).toString('base64url')}`;
  const signature = alg === 'EdDSA' ? sign(null, Buffer.from(input), key) : sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * Signs an envelope as the simulated agents do: a nonce, then a detached JWS over the RFC 8785
 * JSON of the envelope without its signature, by the organisation's key under the agent's kid.
 */
function seal(message: CommerceMessage, key: KeyObject, kid: string, nonce: string): CommerceMessage {
  const alg = key.asymmetricKeyType === 'ed25519' ? 'EdDSA' : 'ES256';
  const { signature: _drop, ...rest } = { ...message, nonce } as CommerceMessage & { nonce: string; signature?: string };
  const header = Buffer.from(JSON.stringify({ alg, kid })).toString('base64url');
  const input = `${header}.${Buffer.from(canonicalJson(rest)).toString('base64url')}`;
  const signature = alg === 'EdDSA' ? sign(null, Buffer.from(input), key) : sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return { ...rest, signature: `${header}..${signature.toString('base64url')}` } as CommerceMessage;
}

/** Connects, says hello, and resolves once welcomed (rejects when the gateway refuses). */
export function connect(url: string, options: ConnectOptions): Promise<ExternalConnection> {
  if ((options.organisation === undefined) === (options.agent === undefined)) throw new Error('connect: give organisation or agent (one of them)');
  const ws = new WebSocket(url);
  let seq = 0;
  let queryIds = 0;
  const queries = new Map<string, (profiles: BusinessProfile[]) => void>();
  // Frames are answered one after another, in the order they came: the gateway attributes
  // envelopes to the frame whose next follows them.
  let chain: Promise<void> = Promise.resolve();
  let welcome: WelcomeFrame | undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));

  const turnFor = (frame: DeliverFrame | TimeFrame, wake: { at?: number | null }): AgentTurn => {
    const party = welcome!.agents.find((a) => a.identifier === frame.agent) ?? { identifier: frame.agent, name: frame.agent };
    const agent: Party = { type: 'agent', identifier: party.identifier, name: party.name };
    const timestamp = new Date(Date.parse(welcome!.start_time) + Math.floor(frame.vt_us / 1000)).toISOString();
    return {
      agent,
      vtUs: frame.vt_us,
      timestamp,
      envelope: (to, type, conversationId, payload) => ({ type, id: `msg_${agent.identifier.slice(6)}_${++seq}`, from: agent, to, conversation_id: conversationId, timestamp, payload }) as never,
      wakeAt: (atUs) => (wake.at = atUs),
    };
  };

  const answer = async (frame: DeliverFrame | TimeFrame): Promise<void> => {
    const wake: { at?: number | null } = {};
    const turn = turnFor(frame, wake);
    let replies: readonly CommerceMessage[] | void = [];
    try {
      replies = frame.type === 'a2a-sim.deliver' ? await options.onMessage(frame.message, turn) : await options.onTime?.(turn);
    } finally {
      // With signing on (the welcome names each agent's kid), every envelope is signed.
      const kid = welcome!.agents.find((a) => a.identifier === frame.agent)?.kid;
      for (const m of replies ?? []) {
        const nonce = createHash('sha256').update(`${frame.agent}\u0000${++seq}`).digest('base64url').slice(0, 22);
        ws.send(JSON.stringify(options.key !== undefined && kid !== undefined ? seal(m, options.key, kid, nonce) : m));
      }
      ws.send(JSON.stringify({ type: 'a2a-sim.next', re: frame.id, ...(wake.at !== undefined ? { at_us: wake.at } : frame.type === 'a2a-sim.time' ? { at_us: null } : {}) }));
    }
  };

  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    void closed.then(({ code, reason }) => {
      if (welcome === undefined) reject(new Error(`the gateway closed the connection (${code}${reason ? `: ${reason}` : ''})`));
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      switch (frame.type) {
        case 'a2a-sim.challenge':
          ws.send(JSON.stringify({ type: 'a2a-sim.hello', ...(options.organisation !== undefined ? { organisation: options.organisation } : { agent: options.agent }), ...(options.key ? { proof: proofOf(options.key, frame.nonce) } : {}) }));
          break;
        case 'a2a-sim.welcome':
          welcome = frame;
          resolve({
            welcome,
            closed,
            close: () => ws.close(),
            discover: (category, capability) =>
              new Promise((done) => {
                const id = `q${++queryIds}`;
                queries.set(id, done);
                ws.send(JSON.stringify({ type: 'a2a-sim.discover', id, category, ...(capability ? { capability } : {}) }));
              }),
          });
          break;
        case 'a2a-sim.profiles':
          queries.get(frame.re)?.([...frame.profiles]);
          queries.delete(frame.re);
          break;
        case 'a2a-sim.deliver':
        case 'a2a-sim.time':
          chain = chain.then(() => answer(frame)).catch((err: unknown) => process.emitWarning(`a2a-market-sim/client: a handler failed: ${String(err)}`));
          break;
        case 'a2a-sim.end':
          ws.close(1000);
          break;
      }
    });
  });
}
