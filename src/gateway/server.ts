/**
 * The gateway: a WebSocket server (ws) where external agent processes take the place of their
 * organisations. A connection says hello for one agent or a whole organisation (proving it holds
 * the organisation's key when the scenario names one); from then on it is the link to those
 * agents (link.ts). This is the only place that touches sockets and the wall clock for them.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { BusinessProfile } from '../protocol/schemas.js';
import { isoTimestamp } from '../protocol/time.js';
import { layOut, type Layout } from '../run/layout.js';
import type { SimulationPlan } from '../scenario/schema.js';
import { publicKeyOf, verifyToken, type PublicJwk } from '../trust/jws.js';
import type { TrustContext } from '../trust/context.js';
import { storeProfiles, trustContext } from '../run/shard.js';
import { Connection, GATEWAY_PARTY, MAX_UNCLAIMED, type Entry } from './connection.js';
import { CLOSE_NORMAL, CLOSE_POLICY_VIOLATION, GATEWAY_PROTOCOL, parseFrame, type ControlErrorFrame, type HelloFrame, type NextFrame, type ServerFrame } from './frames.js';
import type { AgentLink, Answer, Outgoing } from './link.js';
import { GatewayStats } from './stats.js';
import { welcomeFrame } from './welcome.js';

export interface GatewayOptions {
  readonly plan: SimulationPlan;
  /** loopback by default */
  readonly host?: string;
  /** 0 picks a free port */
  readonly port?: number;
  /** how long a connection may take to say hello */
  readonly helloTimeoutMs?: number;
  /** frames handed to one connection and not yet answered, at most (more wait: backpressure) */
  readonly maxOutstanding?: number;
  /** bytes the socket may hold unsent before frames wait (backpressure) */
  readonly maxBufferedBytes?: number;
  /** sees every answer, in the order each agent's frames were handed over (run --record) */
  readonly onAnswer?: (agent: string, index: number, frame: Outgoing, answer: Answer) => void;
}

export class Gateway implements AgentLink {
  readonly stats = new GatewayStats();
  private readonly layout: Layout;
  private readonly served = new Map<string, Connection>();
  private readonly everConnected = new Set<string>();
  private readonly connections = new Set<Connection>();
  private readonly frameCounts = new Map<string, number>();
  private readonly handedAt = new Map<string, number[]>();
  private readonly profiles: BusinessProfile[];
  private readonly trust: TrustContext;
  /** the public keys of external organisations that have one (hello proofs) */
  private readonly keysOf = new Map<string, KeyObject[]>();
  private frameSeq = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  private constructor(
    private readonly server: WebSocketServer,
    private readonly options: GatewayOptions,
    readonly url: string,
  ) {
    const plan = options.plan;
    this.layout = layOut(plan, 1);
    this.trust = trustContext(plan, this.layout);
    // Discovery over the socket: the profiles the run's directory publishes, JWK sets and all.
    this.profiles = storeProfiles(plan, this.layout, this.trust);
    for (const e of plan.external) if (e.jwks !== undefined) this.keysOf.set(e.organisation, e.jwks.map((k) => publicKeyOf(k as PublicJwk)));
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Starts listening; resolves once the port is bound. */
  static listen(options: GatewayOptions): Promise<Gateway> {
    const host = options.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      const server = new WebSocketServer({ host, port: options.port ?? 0, maxPayload: 1024 * 1024 });
      server.once('error', reject);
      server.once('listening', () => {
        server.off('error', reject);
        const address = server.address() as AddressInfo;
        const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        resolve(new Gateway(server, options, `ws://${shown}:${address.port}`));
      });
    });
  }

  /** Every agent identifier of the external organisations. */
  get externalAgents(): string[] {
    const names = new Set(this.options.plan.external.map((e) => e.organisation));
    return this.layout.organisations.filter((o) => names.has(o.name)).flatMap((o) => o.agentIds.map((id) => this.layout.agents[id]!.party.identifier));
  }

  /** Waits until every external agent is connected, or `timeoutMs` passes; returns those still missing. */
  async waitForAgents(timeoutMs: number): Promise<string[]> {
    const missing = () => this.externalAgents.filter((a) => !this.served.has(a));
    const deadline = Date.now() + timeoutMs;
    while (missing().length > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return missing();
  }

  exchange(agent: string, frame: Outgoing): Promise<Answer> {
    const index = this.frameCounts.get(agent) ?? 0;
    this.frameCounts.set(agent, index + 1);
    const handed = this.handedAt.get(agent) ?? [];
    handed.push(performance.now());
    this.handedAt.set(agent, handed);
    return new Promise<Answer>((resolve) => {
      const finish = (answer: Answer) => {
        this.options.onAnswer?.(agent, index, frame, answer);
        resolve(answer);
      };
      const conn = this.served.get(agent);
      if (conn === undefined || this.closed) {
        finish({ status: 'unreachable', messages: [] });
        return;
      }
      const entry: Entry = { id: `f${++this.frameSeq}`, agent, frame, index, resolve: finish, sentAtMs: 0, timer: undefined };
      if (conn.waiting.length > 0 || !this.hasRoom(conn)) {
        this.stats.backpressureWaits++;
        conn.waiting.push(entry);
        // A frame waits for room no longer than for an answer.
        entry.timer = setTimeout(() => {
          const i = conn.waiting.indexOf(entry);
          if (i >= 0) conn.waiting.splice(i, 1);
          this.stats.replyTimeouts++;
          entry.resolve({ status: 'timeout', messages: [] });
        }, this.replyTimeoutMs(agent));
        return;
      }
      this.transmit(conn, entry);
    });
  }

  /** external_clock: realtime. When the pacing started (the first call), on the wall clock. */
  private paceStartMs: number | undefined;

  paceTo(vtUs: number): Promise<void> | undefined {
    const now = performance.now();
    this.paceStartMs ??= now;
    const dueMs = this.paceStartMs + vtUs / 1000 / this.options.plan.realtime_scale;
    if (now >= dueMs) return undefined;
    return new Promise<void>((resolve) => setTimeout(resolve, dueMs - now));
  }

  applied(agent: string): void {
    const at = this.handedAt.get(agent)?.shift();
    if (at !== undefined) this.stats.roundTrip.record((performance.now() - at) * 1000);
  }

  /** Sends the end of the run to every connection, closes them and stops listening. */
  async close(vtUs: number, reason: string): Promise<void> {
    this.closed = true;
    for (const conn of this.connections) {
      for (const e of [...conn.outstanding, ...conn.waiting]) this.settle(e, { status: 'unreachable', messages: [] });
      conn.send({ type: 'a2a-sim.end', vt_us: vtUs, reason });
      conn.socket.close(CLOSE_NORMAL, 'run over');
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const conn of this.connections) conn.socket.terminate();
  }

  private replyTimeoutMs(agent: string): number {
    const org = this.layout.byIdentifier.get(agent)?.organisation;
    const us = this.options.plan.external.find((e) => e.organisation === org)?.reply_timeout ?? 2_000_000;
    return Math.max(1, Math.round(us / 1000));
  }

  private hasRoom(conn: Connection): boolean {
    return conn.outstanding.length < (this.options.maxOutstanding ?? 4096) && conn.socket.bufferedAmount <= (this.options.maxBufferedBytes ?? 8 * 1024 * 1024);
  }

  private transmit(conn: Connection, entry: Entry): void {
    const f = entry.frame;
    const frame: ServerFrame =
      f.kind === 'deliver'
        ? { type: 'a2a-sim.deliver', id: entry.id, agent: entry.agent, vt_us: f.vtUs, message: f.message as never }
        : { type: 'a2a-sim.time', id: entry.id, agent: entry.agent, vt_us: f.vtUs };
    conn.outstanding.push(entry);
    entry.sentAtMs = performance.now();
    this.stats.framesSent++;
    conn.send(frame);
    entry.timer = setTimeout(() => {
      const i = conn.outstanding.indexOf(entry);
      if (i < 0) return;
      conn.outstanding.splice(i, 1);
      conn.expired.add(entry.id);
      if (conn.expired.size > MAX_UNCLAIMED) conn.expired.delete(conn.expired.values().next().value!);
      this.stats.replyTimeouts++;
      entry.resolve({ status: 'timeout', messages: [] });
      this.flush(conn);
    }, this.replyTimeoutMs(entry.agent));
  }

  /** Sends frames that waited for room, while there is room. */
  private flush(conn: Connection): void {
    while (conn.waiting.length > 0 && this.hasRoom(conn)) {
      const entry = conn.waiting.shift()!;
      clearTimeout(entry.timer);
      this.transmit(conn, entry);
    }
  }

  private settle(entry: Entry, answer: Answer): void {
    clearTimeout(entry.timer);
    entry.resolve(answer);
  }

  private accept(socket: WebSocket): void {
    const conn = new Connection(socket, randomBytes(16).toString('base64url'));
    this.connections.add(conn);
    conn.send({ type: 'a2a-sim.challenge', protocol: GATEWAY_PROTOCOL, nonce: conn.nonce });
    conn.helloTimer = setTimeout(() => {
      this.stats.refusedUnidentified++;
      this.refuse(conn, 'no hello in time');
    }, this.options.helloTimeoutMs ?? 10_000);
    socket.on('message', (data: RawData, isBinary: boolean) => this.onFrame(conn, data, isBinary));
    socket.on('close', () => this.disconnected(conn));
    socket.on('error', () => socket.terminate());
    // A slow reader's buffer drains: frames that waited for room go out.
    (socket as unknown as { _socket?: NodeJS.EventEmitter })._socket?.on('drain', () => this.flush(conn));
  }

  private refuse(conn: Connection, reason: string): void {
    clearTimeout(conn.helloTimer);
    conn.socket.close(CLOSE_POLICY_VIOLATION, reason.slice(0, 120));
  }

  private disconnected(conn: Connection): void {
    clearTimeout(conn.helloTimer);
    this.connections.delete(conn);
    if (conn.organisation === undefined) return;
    if (!this.closed) this.stats.disconnects++;
    for (const agent of conn.agents) if (this.served.get(agent) === conn) this.served.delete(agent);
    // What the agent was answering is lost with it: its counterparts hear agent_unreachable.
    for (const e of [...conn.outstanding, ...conn.waiting]) this.settle(e, { status: 'unreachable', messages: [] });
    conn.outstanding.length = 0;
    conn.waiting.length = 0;
  }

  private onFrame(conn: Connection, data: RawData, isBinary: boolean): void {
    this.stats.framesReceived++;
    if (isBinary) {
      this.malformed(conn, 'a binary frame (expected one JSON object per text frame)');
      return;
    }
    const parsed = parseFrame(data.toString());
    if (parsed.kind === 'malformed') {
      this.malformed(conn, parsed.reason, parsed.value);
      return;
    }
    if (conn.organisation === undefined) {
      if (parsed.kind === 'control' && parsed.frame.type === 'a2a-sim.hello') this.hello(conn, parsed.frame);
      else {
        this.stats.refusedUnidentified++;
        this.refuse(conn, 'say hello first');
      }
      return;
    }
    if (parsed.kind === 'envelope') {
      this.envelope(conn, parsed.message);
      return;
    }
    const frame = parsed.frame;
    switch (frame.type) {
      case 'a2a-sim.next':
        this.next(conn, frame);
        break;
      case 'a2a-sim.discover': {
        const profiles = this.profiles.filter((p) => p.categories.includes(frame.category) && (frame.capability === undefined || p.transports.a2a.capabilities.includes(frame.capability)));
        conn.send({ type: 'a2a-sim.profiles', re: frame.id, profiles });
        break;
      }
      case 'a2a-sim.hello':
        this.controlError(conn, 'unknown_frame', 'this connection has said hello already');
    }
  }

  private hello(conn: Connection, hello: HelloFrame): void {
    const plan = this.options.plan;
    const organisation = hello.organisation ?? this.layout.byIdentifier.get(hello.agent ?? '')?.organisation;
    const external = plan.external.find((e) => e.organisation === organisation);
    if (organisation === undefined || external === undefined) {
      this.stats.refusedUnknown++;
      this.refuse(conn, `unknown ${hello.agent !== undefined ? `agent ${hello.agent}` : `organisation ${hello.organisation}`}: not an external agent of this scenario`);
      return;
    }
    const keys = this.keysOf.get(organisation);
    if (keys !== undefined && keys.length > 0) {
      const proven = hello.proof !== undefined && keys.some((k) => verifyToken<{ nonce?: unknown }>(hello.proof!, k)?.nonce === conn.nonce);
      if (!proven) {
        this.stats.refusedKey++;
        this.refuse(conn, `${organisation}: the proof does not verify with the organisation's key`);
        return;
      }
    }
    const slot = this.layout.organisations.find((o) => o.name === organisation)!;
    const agents = slot.agentIds.map((id) => this.layout.agents[id]!.party).filter((p) => hello.agent === undefined || p.identifier === hello.agent);
    const taken = agents.find((p) => this.served.has(p.identifier));
    if (taken !== undefined) {
      this.stats.refusedDuplicate++;
      this.refuse(conn, `${taken.identifier} is connected already`);
      return;
    }
    clearTimeout(conn.helloTimer);
    conn.organisation = organisation;
    for (const p of agents) {
      conn.agents.add(p.identifier);
      this.served.set(p.identifier, conn);
      if (this.everConnected.has(p.identifier)) this.stats.reconnects++;
      this.everConnected.add(p.identifier);
    }
    this.stats.connects++;
    conn.send(welcomeFrame(plan, external, agents));
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private envelope(conn: Connection, message: Record<string, unknown>): void {
    const from = (message.from as { identifier?: unknown } | undefined)?.identifier;
    const to = (message.to as { identifier?: unknown } | undefined)?.identifier;
    if (typeof from !== 'string' || !conn.agents.has(from)) {
      this.malformed(conn, `from.identifier must be one of this connection's agents (${[...conn.agents].slice(0, 3).join(', ')})`, message);
      return;
    }
    if (typeof to !== 'string') {
      this.malformed(conn, 'to.identifier: expected the identifier of the agent it is for', message);
      return;
    }
    if (conn.outstanding.length === 0) {
      this.stats.outOfTurn++;
      this.controlError(conn, 'out_of_turn', `an envelope while no frame waits for an answer: send in answer to a2a-sim.deliver or a2a-sim.time (virtual time), message ${String(message.id).slice(0, 80)} dropped`);
      return;
    }
    if (conn.unclaimed.length >= MAX_UNCLAIMED) {
      this.stats.outOfTurn++;
      this.controlError(conn, 'out_of_turn', `more than ${MAX_UNCLAIMED} envelopes without a2a-sim.next: dropped`);
      return;
    }
    conn.unclaimed.push(message);
  }

  private next(conn: Connection, frame: NextFrame): void {
    const claimed = conn.unclaimed;
    conn.unclaimed = [];
    if (conn.expired.delete(frame.re)) {
      this.stats.lateAnswers++;
      return;
    }
    const i = conn.outstanding.findIndex((e) => e.id === frame.re);
    if (i < 0) {
      this.stats.unknownRefs++;
      this.controlError(conn, 'unknown_ref', `next for ${frame.re.slice(0, 80)}, which is no frame waiting for an answer`);
      return;
    }
    // Frames before it that the agent skipped are answered with nothing.
    const done = conn.outstanding.splice(0, i + 1);
    const entry = done.pop()!;
    for (const e of done) this.settle(e, { status: 'answered', messages: [] });
    const now = performance.now();
    this.stats.replyLatency.record((now - entry.sentAtMs) * 1000);
    const mine = claimed.filter((m) => (m.from as { identifier: string }).identifier === entry.agent);
    for (const m of claimed) if (!mine.includes(m)) this.malformed(conn, `from.identifier: the answer to ${entry.id} is ${entry.agent}'s`, m);
    this.settle(entry, { status: 'answered', messages: mine, ...(frame.at_us !== undefined ? { nextAtUs: frame.at_us } : {}) });
    this.flush(conn);
  }

  /** A frame the gateway cannot take: an a2a.commerce.error (invalid_message) back, counted; the connection stays. */
  private malformed(conn: Connection, reason: string, value?: unknown): void {
    this.stats.malformed++;
    const m = (typeof value === 'object' && value !== null ? value : {}) as { id?: unknown; conversation_id?: unknown };
    const to = [...conn.agents][0];
    conn.send({
      type: 'a2a.commerce.error',
      id: `msg_gateway_${++this.frameSeq}`,
      from: GATEWAY_PARTY,
      to: { type: 'agent', identifier: to ?? 'agent:unknown', name: to ?? 'unknown' },
      conversation_id: typeof m.conversation_id === 'string' && m.conversation_id !== '' ? m.conversation_id.slice(0, 200) : 'conv_unknown',
      timestamp: isoTimestamp(Date.parse(this.options.plan.start_time), 0),
      payload: { code: 'invalid_message', message: `frame refused: ${reason}`.slice(0, 1000), reference: typeof m.id === 'string' && m.id !== '' ? m.id.slice(0, 200) : 'unknown' },
    });
  }

  private controlError(conn: Connection, code: ControlErrorFrame['code'], message: string): void {
    conn.send({ type: 'a2a-sim.error', code, message });
  }
}
