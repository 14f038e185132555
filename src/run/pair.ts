/**
 * Two shards without a barrier. Each shard publishes, after every step, the time of its next
 * event ("head") and how many of the other's chunks of deliveries it had taken in by then; its
 * own deliveries go into a ring of chunks. A shard may run every event before
 *
 *   min(other's bound + L, own next + 2L, own next + step)
 *
 * where the other's bound is the lower of its published head and the earliest delivery this
 * shard sent that the other had not yet taken in when it published: nothing the other does from
 * then on can happen earlier, so nothing it sends can arrive before that bound plus the
 * lookahead L; what this shard is about to send can come back no sooner than 2L after its own
 * next event. Neither waits at window ends: a shard waits only when it has caught up with what
 * the other allows, and wakes when the other publishes. Empty stretches are skipped, since the
 * heads are next event times, not clocks. Small steps (a fraction of L) keep the published
 * heads fresh, so the other is rarely held back.
 *
 * Ordering: a shard writes its chunks, then its head, then its count of chunks taken in; the
 * reader loads the count first, then the head, then takes in every chunk written so far. A
 * head read that way is never older than the count that goes with it, so no delivery in flight
 * is left out of the bound.
 *
 * Waking: a shard that waits spins briefly, then sleeps with its `asleep` flag raised. Waking a
 * sleeper costs a system call on this side and, on the other, a context switch, and when no core
 * is free (another process busy on one) a wait for the scheduler, during which the woken thread
 * may take the core of the one that woke it: woken for every small step, the two threads traded
 * the core step by step. So a step's publication wakes a sleeping shard only when that pays:
 * when it took in the sleeper's chunks (its ring has room again), or, in a run whose lookahead
 * holds much work (`eagerWake`), once the sleeper has a whole lookahead to run (this shard's head
 * has passed its next event), so that it runs beside this one. Otherwise the wake is owed and
 * paid when this shard is about to wait, or at its end. And while the other sleeps, a shard runs
 * as far as the bound allows in one step instead of a quarter lookahead: fresh heads help a
 * partner that spins, not one that sleeps. None of this changes what runs, only when.
 */
import type { RemoteDelivery } from '../broker/broker.js';
import { ASLEEP, Command, COMMAND, CONSUMED, OutboxWriter, PAIR_CHUNKS, PAIR_CHUNK_BYTES, readOutbox, SIGNAL, Waiter, WRITTEN, type Channels } from './wire.js';

/**
 * The least work (µs of one thread, estimated) a lookahead must hold for an early wake to pay:
 * far above what a wake costs (~10 µs between two threads here, much more when no core is free).
 */
export const EAGER_WAKE_MIN_WORK_US = 1_000;

/** Steps per lookahead: how finely a shard publishes its progress. */
export const STEPS_PER_LOOKAHEAD = 4;

const NEVER = 1n << 62n;

/** Raised inside a worker when another one failed and the run is being torn down. */
export class Aborted extends Error {
  constructor() {
    super('run aborted');
    this.name = 'Aborted';
  }
}

export class PairLink {
  private readonly control: Int32Array;
  private readonly heads: BigInt64Array;
  private readonly other: 0 | 1;
  /** earliest delivery in each of this shard's chunks, by chunk number modulo the ring size */
  private readonly earliest = new Float64Array(PAIR_CHUNKS);
  /** chunks this shard has written */
  private written = 0;
  /** the other's chunks this shard has taken in */
  private taken = 0;
  private takenPublished = 0;
  /** the head last published (shared memory starts at zero) */
  private headPublished = 0;
  /** a publication the other has not been woken for (it may be asleep and not see it) */
  private unwoken = false;
  /** notifies sent to a sleeping other */
  wakes = 0;
  /** publications after a step that left a sleeping other asleep (its wake owed) */
  deferredWakes = 0;
  /** how this shard waits for the other's publications */
  readonly waiter: Waiter;

  /**
   * `eagerWake`: wake a sleeping other as soon as it has a lookahead to run, so that it runs
   * beside this shard; for runs whose lookahead holds much work (see EAGER_WAKE_MIN_WORK_US).
   * Otherwise a sleeping other is woken only when this shard is about to wait.
   */
  constructor(
    private readonly channels: Channels,
    private readonly me: 0 | 1,
    spins: number,
    private readonly eagerWake = true,
  ) {
    this.waiter = new Waiter(spins);
    this.control = new Int32Array(channels.control);
    this.heads = new BigInt64Array(channels.heads);
    this.other = me === 0 ? 1 : 0;
  }

  /** The other's publication counter, to wait on. */
  otherSignal(): number {
    return Atomics.load(this.control, SIGNAL + this.other);
  }

  /**
   * Takes in every chunk the other has written and returns a lower bound on the time of
   * anything the other will still do.
   */
  receive(accept: (d: RemoteDelivery) => void): number {
    const mineTaken = Atomics.load(this.control, CONSUMED + this.me);
    const head = Atomics.load(this.heads, this.other);
    this.takeIn(accept);
    let bound = head >= NEVER ? Infinity : Number(head);
    for (let n = mineTaken; n < this.written; n++) bound = Math.min(bound, this.earliest[n % PAIR_CHUNKS]!);
    return bound;
  }

  private takeIn(accept: (d: RemoteDelivery) => void): void {
    const written = Atomics.load(this.control, WRITTEN + this.other);
    const ring = this.channels.outboxes[this.other]!;
    for (; this.taken < written; this.taken++) readOutbox(ring[this.taken % PAIR_CHUNKS]!, { shard: this.me, delivery: accept });
  }

  /**
   * True when the other has not heard the latest: chunks were taken in, or the next event
   * moved, since the last publication. A shard must publish before it waits, or both could
   * wait on each other's stale heads.
   */
  owesPublication(headUs: number): boolean {
    return this.taken !== this.takenPublished || headUs !== this.headPublished;
  }

  /**
   * Tells the other where this shard stands: `headUs` must bound everything it will still do
   * (and, less the lookahead, everything it will still send).
   */
  publish(headUs: number): void {
    this.store(headUs);
    this.wake();
  }

  /**
   * Publishes after a step: wakes a sleeping other only when it has a whole lookahead to run
   * (this shard's head has passed its next event) or when its ring has room again; otherwise
   * the wake is owed, and paid before this shard waits (waitOther).
   */
  publishStep(headUs: number): void {
    const freed = this.taken !== this.takenPublished;
    this.store(headUs);
    if (freed || (this.eagerWake && headUs >= this.otherHead())) {
      this.wake();
    } else {
      this.unwoken = true;
      if (this.otherAsleep()) this.deferredWakes++;
    }
  }

  /** True while the other sleeps waiting for this shard's next publication. */
  otherAsleep(): boolean {
    return Atomics.load(this.control, ASLEEP + this.other) !== 0;
  }

  private otherHead(): number {
    const head = Atomics.load(this.heads, this.other);
    return head >= NEVER ? Infinity : Number(head);
  }

  private store(headUs: number): void {
    Atomics.store(this.heads, this.me, headUs === Infinity ? NEVER : BigInt(headUs));
    Atomics.store(this.control, CONSUMED + this.other, this.taken);
    this.takenPublished = this.taken;
    this.headPublished = headUs;
    Atomics.add(this.control, SIGNAL + this.me, 1);
  }

  /** Notifies the other if it sleeps (the flag is read after the signal was bumped: see Waiter); true if it did. */
  private wake(): boolean {
    this.unwoken = false;
    if (Atomics.load(this.control, ASLEEP + this.other) === 0) return false;
    this.wakes++;
    Atomics.notify(this.control, SIGNAL + this.me);
    return true;
  }

  /**
   * Waits until the other publishes again (after `signal` was read), or the run is aborted. An
   * abort stores its command before it bumps the signals: one that came before `signal` was read
   * is seen here (the other may be gone and never publish again), one after it ends the wait.
   */
  waitOther(signal: number): void {
    this.checkAbort();
    // A partner woken just now needs a context switch before it can publish: no use spinning.
    const woke = this.unwoken && this.wake();
    this.waiter.wait(this.control, SIGNAL + this.other, signal, ASLEEP + this.me, woke);
    this.checkAbort();
  }

  private checkAbort(): void {
    if (Atomics.load(this.control, COMMAND) === Command.abort) throw new Aborted();
  }

  /**
   * Writes deliveries for the other into the ring, a chunk at a time. When the ring is full
   * (the other is far behind), it takes in what the other sent and publishes a head that also
   * covers what is still unsent, so neither side can wait for the other for ever.
   */
  send(deliveries: readonly RemoteDelivery[], accept: (d: RemoteDelivery) => void, nextUs: () => number, lookaheadUs: number): void {
    const ring = this.channels.outboxes[this.me]!;
    let i = 0;
    while (i < deliveries.length) {
      while (this.written - Atomics.load(this.control, CONSUMED + this.me) >= PAIR_CHUNKS) {
        const signal = this.otherSignal();
        this.takeIn(accept);
        let unsent = Infinity;
        for (let k = i; k < deliveries.length; k++) unsent = Math.min(unsent, deliveries[k]!.t);
        this.publish(Math.min(nextUs(), unsent - lookaheadUs));
        if (this.written - Atomics.load(this.control, CONSUMED + this.me) >= PAIR_CHUNKS) this.waitOther(signal);
      }
      const out = new OutboxWriter(ring[this.written % PAIR_CHUNKS]!);
      let earliest = Infinity;
      while (i < deliveries.length && out.tryDelivery(this.other, deliveries[i]!)) earliest = Math.min(earliest, deliveries[i++]!.t);
      if (out.empty) throw new RangeError(`a delivery does not fit in a ${PAIR_CHUNK_BYTES}-byte chunk of cross-shard traffic`);
      out.close();
      this.earliest[this.written % PAIR_CHUNKS] = earliest;
      this.written++;
      Atomics.store(this.control, WRITTEN + this.me, this.written);
    }
  }
}
