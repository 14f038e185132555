/** One agent process's connection, and the frames it owes answers for. */
import type { WebSocket } from 'ws';
import type { ServerFrame } from './frames.js';
import type { Answer, Outgoing } from './link.js';

/** A frame handed to a connection, until its answer. */
export interface Entry {
  readonly id: string;
  readonly agent: string;
  readonly frame: Outgoing;
  readonly index: number;
  readonly resolve: (answer: Answer) => void;
  sentAtMs: number;
  timer: NodeJS.Timeout | undefined;
}

/** The gateway's party, for errors it sends itself about frames it could not take. */
export const GATEWAY_PARTY = { type: 'agent', identifier: 'agent:a2a-sim-gateway', name: 'a2a-sim gateway' } as const;

/** Envelopes received and not yet claimed by a next, per connection, at most. */
export const MAX_UNCLAIMED = 10_000;

export class Connection {
  readonly agents = new Set<string>();
  organisation: string | undefined;
  /** frames sent and not yet answered, oldest first */
  readonly outstanding: Entry[] = [];
  /** frames waiting for room (backpressure) */
  readonly waiting: Entry[] = [];
  /** envelopes received since the last next */
  unclaimed: Record<string, unknown>[] = [];
  /** ids of frames that timed out: their late answer is dropped */
  readonly expired = new Set<string>();
  helloTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: WebSocket,
    readonly nonce: string,
  ) {}

  send(frame: ServerFrame | Record<string, unknown>): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(frame));
  }
}

