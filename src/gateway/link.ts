/**
 * What the simulation sees of an external agent: a link that takes a frame at a virtual time and
 * promises the agent's answer. The gateway's connections (server.ts) and a recording (replay.ts)
 * are the two kinds; the simulation never knows which, nor reads the wall clock.
 */

/** A frame the simulation has for an agent: a message delivered to it, or a time it asked to be woken at. */
export type Outgoing = { readonly kind: 'deliver'; readonly vtUs: number; readonly message: unknown } | { readonly kind: 'time'; readonly vtUs: number };

/**
 * The agent's answer to one frame: the envelopes it sent for it (as they came, unchecked), and
 * the time it asked to be woken at (undefined: unchanged; null: not of its own accord).
 * `timeout`: no answer within reply_timeout (wall clock), so it is silent for that frame;
 * `unreachable`: no connection for the agent.
 */
export interface Answer {
  readonly status: 'answered' | 'timeout' | 'unreachable';
  readonly messages: readonly unknown[];
  readonly nextAtUs?: number | null;
}

export interface AgentLink {
  /** Hands the agent a frame; the answer settles when it has answered (or could not). Never rejects. */
  exchange(agent: string, frame: Outgoing): Promise<Answer>;
  /** The oldest answer of `agent` not yet applied has entered the simulation (answers are applied in the order of their frames). */
  applied?(agent: string): void;
  /**
   * external_clock: realtime. Settles once the wall clock, from the first call and at the
   * scenario's scale, has reached virtual time `vtUs`; undefined when it already has. The
   * simulation never reads the clock itself: the link does, outside it.
   */
  paceTo?(vtUs: number): Promise<void> | undefined;
}

/** An answer that is already there, so the simulation need not wait for it. */
export interface SettledAnswer {
  answer: Answer | undefined;
  readonly promise: Promise<Answer>;
}

/** Wraps a promised answer so that the simulation can see, without waiting, whether it has come. */
export function settledAnswer(promise: Promise<Answer>): SettledAnswer {
  const s: SettledAnswer = { answer: undefined, promise: promise.then((a) => (s.answer = a)) };
  return s;
}
