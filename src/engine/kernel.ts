/**
 * The discrete-event kernel: a virtual clock and an event queue. Entities schedule events with
 * their own id and sequence number, which makes the ordering independent of shard layout.
 */
import { EventQueue, type EventTarget } from './queue.js';

/** Anything that schedules events: an agent, an organisation, a market process. */
export interface Entity {
  readonly id: number;
  seq: number;
}

/** Read access to virtual time, handed to whatever needs it. */
export interface Clock {
  readonly nowUs: number;
}

/** Event priorities: lower runs first at equal times. */
export const Priority = {
  delivery: 10,
  timer: 20,
} as const;

/** Raised when the model breaks one of its own invariants (exit code 3). */
export class InvariantViolation extends Error {
  constructor(
    message: string,
    readonly virtualUs: number,
  ) {
    super(message);
    this.name = 'InvariantViolation';
  }
}

/** The ordering key of the event being processed (used to merge trace lines across shards). */
export interface EventKey {
  t: number;
  p: number;
  o: number;
  s: number;
}

export class Kernel implements Clock {
  nowUs = 0;
  eventsProcessed = 0;
  /** key of the event being processed; (0, -1, -1, -1) before the first (one object, updated in place: copy what you keep) */
  readonly current: EventKey = { t: 0, p: -1, o: -1, s: -1 };
  /**
   * Set while an event's handler waits for a Promise (a strategy's answer): runUntil stops after
   * that event, and virtual time stands still until the Promise settles (see resume()).
   */
  blocked: Promise<unknown> | undefined;
  private readonly queue = new EventQueue();

  /** Stops the run after the current event until `work` settles; `work` carries the event's remainder. */
  block(work: Promise<unknown>): void {
    this.blocked = this.blocked === undefined ? work : this.blocked.then(() => work);
  }

  /** Waits until no handler is waiting any more (what it waits for may block again). */
  async resume(): Promise<void> {
    while (this.blocked !== undefined) {
      const waiting = this.blocked;
      await waiting;
      if (this.blocked === waiting) this.blocked = undefined;
    }
  }

  /** Schedules `target.handle(kind, data)` at `timeUs`; time never runs backwards. */
  schedule(timeUs: number, priority: number, origin: Entity, target: EventTarget, kind: number, data: unknown): void {
    this.check(timeUs);
    this.queue.add(timeUs, priority, origin.id, origin.seq++, target, kind, data);
  }

  /** Inserts an event whose key was drawn elsewhere (a message from another shard). */
  insert(timeUs: number, priority: number, originId: number, sequence: number, target: EventTarget, kind: number, data: unknown): void {
    this.check(timeUs);
    this.queue.add(timeUs, priority, originId, sequence, target, kind, data);
  }

  private check(timeUs: number): void {
    if (!(timeUs >= this.nowUs) || !Number.isSafeInteger(timeUs)) {
      throw new InvariantViolation(`event scheduled at ${timeUs} µs, before now or not an integer`, this.nowUs);
    }
  }

  /** Time of the next event, or Infinity when the queue is empty. */
  nextTimeUs(): number {
    return this.queue.nextTime();
  }

  /** Calls `visit` on pending events, roughly earliest first, until it returns true; returns whether it did. */
  somePending(visit: (target: EventTarget, kind: number, data: unknown, t: number) => boolean): boolean {
    return this.queue.some(visit);
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Runs every event with time < `endUs` (or until the queue is empty); returns how many ran. */
  runUntil(endUs: number): number {
    let ran = 0;
    const queue = this.queue;
    const current = this.current;
    while (queue.nextTime() < endUs) {
      const slot = queue.take();
      const t = queue.time(slot);
      this.nowUs = t;
      current.t = t;
      current.p = queue.priority(slot);
      current.o = queue.origin(slot);
      current.s = queue.sequence(slot);
      const target = queue.target(slot);
      const kind = queue.kind(slot);
      const data = queue.dataOf(slot);
      queue.release(slot);
      target.handle(kind, data);
      ran++;
      if (this.blocked !== undefined) break;
    }
    this.eventsProcessed += ran;
    return ran;
  }
}
