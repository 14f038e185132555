/**
 * The shard wire protocol: everything that crosses the thread boundary, in one file.
 *
 * Control lives in a SharedArrayBuffer: the coordinator opens a window by writing its end and
 * bumping `epoch`; each worker runs the window, writes what it produced into its outbox and
 * bumps `done`. Outboxes are double-buffered by window parity, so a worker reads the others'
 * previous outboxes while writing its own new one. Records are length-prefixed: deliveries for
 * other shards (with the event key they were given when sent) and trace lines (with the key of
 * the event that produced them). Per window there are two atomic waits, never a message post.
 * Two workers without a trace use the same records without a barrier (pair.ts): each shard's
 * outbox is then a ring of chunks, and the control slots hold each one's publication counter,
 * chunks written and chunks taken in.
 */
import type { RemoteDelivery } from '../broker/broker.js';
import type { SimulationPlan } from '../scenario/schema.js';
import type { Traffic } from './layout.js';
import type { KeyedTraceLine } from './shard.js';

export const Command = { run: 0, finish: 1, abort: 2 } as const;

// Int32 control slots
export const EPOCH = 0;
export const DONE = 1;
export const COMMAND = 2;
export const FAILED = 3;
/** set when events were still pending past the drain limit (an invariant violation) */
export const NOT_DRAINED = 4;
/** two shards without a barrier (see pair.ts): per shard, bumped on each publication */
export const SIGNAL = 5;
/** per shard, chunks it has written to the other */
export const WRITTEN = 7;
/** per shard, how many of its chunks the other had taken in when it last published */
export const CONSUMED = 9;
/** per shard, raised while it sleeps waiting for the other's publication */
export const ASLEEP = 11;
const CONTROL_INTS = 13;

// Float64 slots: [0] end of the run (on finish); then per shard: horizon, next event in its own
// queue, now, events, negotiations, and the earliest delivery it sent to each shard
export const WINDOW_END = 0;
const FIXED_PER_SHARD = 5;

/** Bytes per outbox half; a window producing more than this is refused with a clear error. */
export const OUTBOX_BYTES = 32 * 1024 * 1024;

export interface Channels {
  readonly control: SharedArrayBuffer;
  readonly numbers: SharedArrayBuffer;
  /** per shard: two halves (window parity), or a ring of chunks for two shards without a barrier */
  readonly outboxes: readonly (readonly SharedArrayBuffer[])[];
  /** two shards without a barrier: each one's next event time (BigInt64) */
  readonly heads: SharedArrayBuffer;
  /** per shard (Int32): 1 once it runs its loop (for the main thread's probe: fallback.ts) */
  readonly started: SharedArrayBuffer;
}

/**
 * Waiting on a shared slot until it changes: spin while spinning pays, else sleep on the atomic.
 * Spinning pays when the other thread is running and answers within microseconds (a sleeping
 * thread costs a context switch to wake); it does not when that thread has no core (more threads
 * than cores, or another process busy on one), and then every spin steals the core it needs.
 * So the spin budget halves each time a wait ends asleep and doubles each time spinning caught
 * the change; every PROBE_EVERY-th wait spins in full, so a core that frees up is noticed again.
 * A wake-up is not a change: a notify meant for an earlier value can arrive late, so check again.
 * With an `asleep` slot, the waiter raises it while it sleeps, so that the thread it waits for
 * knows a store alone will not be seen and can choose when a notify is worth its cost (pair.ts).
 */
export class Waiter {
  private budget: number;
  private waits = 0;
  /** loads spent spinning, over every wait (for tests and diagnostics) */
  spun = 0;
  /** waits that ended asleep */
  slept = 0;

  constructor(private readonly maxSpins: number) {
    this.budget = maxSpins;
  }

  /**
   * Waits until `array[index]` is no longer `value`; `asleep`, a slot of `array` raised while
   * asleep. `brief`: the change cannot come within a spin (the thread that makes it was just
   * woken from its sleep), so spin the least, and leave the budget as it is.
   */
  wait(array: Int32Array, index: number, value: number, asleep?: number, brief = false): void {
    const spins = brief ? Math.min(MIN_SPINS, this.maxSpins) : ++this.waits % PROBE_EVERY === 0 ? this.maxSpins : this.budget;
    for (let i = 0; i < spins; i++) {
      if (Atomics.load(array, index) !== value) {
        this.spun += i + 1;
        if (!brief) this.budget = Math.min(this.maxSpins, Math.max(MIN_SPINS, spins * 2));
        return;
      }
    }
    this.spun += spins;
    if (!brief) this.budget = Math.min(this.maxSpins, Math.max(MIN_SPINS, this.budget >> 1));
    // Raised before the last check, and a thread that changes the slot reads the flag after it:
    // so either this check sees the change or that thread sees the flag (and may notify).
    if (asleep !== undefined) Atomics.store(array, asleep, 1);
    if (Atomics.load(array, index) === value) this.slept++;
    while (Atomics.load(array, index) === value) Atomics.wait(array, index, value);
    if (asleep !== undefined) Atomics.store(array, asleep, 0);
  }
}

/** Waits until `array[index]` is no longer `value`, spinning at most `spins` loads first. */
export function waitChange(array: Int32Array, index: number, value: number, spins = SPINS): void {
  new Waiter(spins).wait(array, index, value);
}

/** Most spins before sleeping, when every thread has a core of its own. */
export const SPINS = 20_000;
/** Fewest spins once spinning stopped paying (a few hundred nanoseconds). */
const MIN_SPINS = 64;
/** One wait in this many spins in full whatever the budget. */
const PROBE_EVERY = 32;

/** Chunks in each shard's ring, and bytes per chunk, when two shards run without a barrier. */
export const PAIR_CHUNKS = 8;
export const PAIR_CHUNK_BYTES = 8 * 1024 * 1024;

/** Two workers that coordinate themselves (no trace to merge) run without a barrier (pair.ts). */
export function runsPaired(shards: number, selfCoordinated: boolean): boolean {
  return shards === 2 && selfCoordinated;
}

/** `paired`: two shards that run without a barrier (pair.ts); otherwise windows with a barrier. */
export function createChannels(shards: number, paired = false): Channels {
  const [count, bytes] = paired ? [PAIR_CHUNKS, PAIR_CHUNK_BYTES] : [2, OUTBOX_BYTES];
  return {
    control: new SharedArrayBuffer(CONTROL_INTS * 4),
    numbers: new SharedArrayBuffer((1 + (FIXED_PER_SHARD + shards) * shards) * 8),
    outboxes: Array.from({ length: shards }, () => Array.from({ length: count }, () => new SharedArrayBuffer(bytes))),
    heads: new SharedArrayBuffer(2 * 8),
    started: new SharedArrayBuffer(shards * 4),
  };
}

/** A failure to inject into the thread layer (for testing that failures end a run cleanly). */
export interface ThreadFault {
  readonly shard: number;
  /** once the shard's virtual time passes this, it fails */
  readonly atUs: number;
  /** throw an error, raise an invariant violation, or end the thread abruptly */
  readonly kind: 'throw' | 'invariant' | 'exit';
}

/** What a worker is given to build its shard. */
export interface ShardTask {
  readonly plan: SimulationPlan;
  readonly shards: number;
  /** the layout pilot's counts, from which every thread lays out the run (undefined on one shard) */
  readonly traffic: Traffic | undefined;
  readonly index: number;
  readonly tracing: boolean;
  readonly channels: Channels;
  /**
   * When nothing needs the main thread between windows (no trace), the last worker to finish a
   * window plans the next one itself; otherwise the coordinator does.
   */
  readonly selfCoordinated: boolean;
  /** spins before sleeping on a change: none when threads outnumber cores (spinning would steal the core another needs) */
  readonly spins: number;
  readonly windowing: { readonly lookaheadUs: number; readonly sliceUs: number; readonly limitUs: number };
  /** the work (µs of one thread, estimated by the layout pilot) a lookahead of the run holds; 0 when unknown */
  readonly lookaheadWorkUs: number;
  readonly fault?: ThreadFault;
  /** run --strict: the first strategy error ends the run */
  readonly strict?: boolean;
}

export type WindowPlan = { readonly state: 'run'; readonly watermarkUs: number; readonly sliceEndUs: number } | { readonly state: 'finished' | 'not_drained'; readonly nextUs: number };

/**
 * Plans the next window from what every shard reported. Within a window no shard receives
 * anything, so shard i can next hear from shard j at j's next event plus the lookahead, and an
 * answer to what i itself sends can come back no sooner than its own next event plus twice the
 * lookahead. It runs up to the earliest of those, and never past the next progress slice.
 */
export function planWindow(numbers: ShardNumbers, shards: number, w: ShardTask['windowing']): WindowPlan {
  const nexts = new Array<number>(shards);
  let next = Infinity;
  for (let i = 0; i < shards; i++) {
    nexts[i] = numbers.effectiveNextUs(i);
    next = Math.min(next, nexts[i]!);
  }
  if (next === Infinity) return { state: 'finished', nextUs: next };
  if (next > w.limitUs) return { state: 'not_drained', nextUs: next };
  const sliceEndUs = (Math.floor(next / w.sliceUs) + 1) * w.sliceUs;
  let watermarkUs = Infinity;
  for (let i = 0; i < shards; i++) {
    let others = Infinity;
    for (let j = 0; j < shards; j++) if (j !== i) others = Math.min(others, nexts[j]!);
    const horizon = Math.min(others + w.lookaheadUs, nexts[i]! + 2 * w.lookaheadUs, sliceEndUs);
    numbers.setHorizonUs(i, horizon);
    watermarkUs = Math.min(watermarkUs, horizon);
  }
  return { state: 'run', watermarkUs, sliceEndUs };
}

/** The latest virtual time any shard reached. */
export function latestNowUs(numbers: ShardNumbers, shards: number): number {
  let now = 0;
  for (let i = 0; i < shards; i++) now = Math.max(now, numbers.read(i).nowUs);
  return now;
}

/**
 * Opens the next window (or ends the run) for every worker. Called by the coordinator, or by
 * the last worker to finish a window when the workers coordinate themselves.
 */
export function openNext(control: Int32Array, numbers: ShardNumbers, shards: number, plan: WindowPlan): void {
  if (plan.state !== 'run') {
    numbers.windowEndUs = latestNowUs(numbers, shards);
    if (plan.state === 'not_drained') Atomics.store(control, NOT_DRAINED, 1);
  }
  // An abort (from a failure, or the main thread going inline) is never overwritten.
  const current = Atomics.load(control, COMMAND);
  if (current !== Command.abort) Atomics.compareExchange(control, COMMAND, current, plan.state !== 'run' ? Command.finish : Command.run);
  Atomics.store(control, DONE, 0);
  Atomics.add(control, EPOCH, 1);
  Atomics.notify(control, EPOCH);
}

/** Tells every worker to stop (a failure somewhere), wherever it waits. */
export function abortAll(control: Int32Array): void {
  Atomics.store(control, COMMAND, Command.abort);
  for (const slot of [EPOCH, SIGNAL, SIGNAL + 1]) {
    Atomics.add(control, slot, 1);
    Atomics.notify(control, slot);
  }
}

/** Per-shard figures the coordinator reads after each window. */
export class ShardNumbers {
  private readonly f: Float64Array;
  private readonly stride: number;
  constructor(
    numbers: SharedArrayBuffer,
    private readonly shards: number,
  ) {
    this.f = new Float64Array(numbers);
    this.stride = FIXED_PER_SHARD + shards;
  }
  get windowEndUs(): number {
    return this.f[WINDOW_END]!;
  }
  set windowEndUs(v: number) {
    this.f[WINDOW_END] = v;
  }
  /** How far shard `shard` may run in the coming window. */
  horizonUs(shard: number): number {
    return this.f[1 + this.stride * shard]!;
  }
  setHorizonUs(shard: number, us: number): void {
    this.f[1 + this.stride * shard] = us;
  }
  write(shard: number, nextUs: number, nowUs: number, events: number, negotiations: number): void {
    const base = 2 + this.stride * shard;
    this.f[base] = nextUs;
    this.f[base + 1] = nowUs;
    this.f[base + 2] = events;
    this.f[base + 3] = negotiations;
  }
  /** Earliest delivery time `shard` sent to each shard in the last window (Infinity if none). */
  writeSent(shard: number, earliest: readonly number[]): void {
    const base = 1 + this.stride * shard + FIXED_PER_SHARD;
    for (let j = 0; j < this.shards; j++) this.f[base + j] = earliest[j]!;
  }
  /** When shard `shard` can next act: its own queue, or a delivery on its way to it. */
  effectiveNextUs(shard: number): number {
    let next = this.read(shard).nextUs;
    for (let i = 0; i < this.shards; i++) next = Math.min(next, this.f[1 + this.stride * i + FIXED_PER_SHARD + shard]!);
    return next;
  }
  read(shard: number): { nextUs: number; nowUs: number; events: number; negotiations: number } {
    const base = 2 + this.stride * shard;
    return { nextUs: this.f[base]!, nowUs: this.f[base + 1]!, events: this.f[base + 2]!, negotiations: this.f[base + 3]! };
  }
}

const DELIVERY = 1;
const TRACE = 2;
const HEADER = 4; // int32 byte length of the records that follow
const encoder = new TextEncoder();

/** Writes records into one outbox half. */
export class OutboxWriter {
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private offset = HEADER;

  constructor(buffer: SharedArrayBuffer) {
    this.view = new DataView(buffer);
    this.bytes = new Uint8Array(buffer);
  }

  /** Writes a length-prefixed UTF-8 text at `at`; the offset after it, or -1 if it does not fit. */
  private text(json: string, at: number): number {
    if (at + 4 > this.bytes.length) return -1;
    const { written, read } = encoder.encodeInto(json, this.bytes.subarray(at + 4));
    if (read !== json.length) return -1;
    this.view.setUint32(at, written);
    return at + 4 + written;
  }

  private overflow(): never {
    throw new RangeError(`a window produced more than ${this.bytes.length} bytes of cross-shard traffic`);
  }

  delivery(targetShard: number, d: RemoteDelivery): void {
    if (!this.tryDelivery(targetShard, d)) this.overflow();
  }

  /** Writes one delivery if it fits; false (and nothing published) if it does not. */
  tryDelivery(targetShard: number, d: RemoteDelivery): boolean {
    const at = this.offset;
    if (at + 26 > this.bytes.length) return false;
    const v = this.view;
    v.setUint8(at, DELIVERY);
    v.setUint8(at + 1, targetShard);
    v.setFloat64(at + 2, d.t);
    v.setFloat64(at + 10, d.s);
    v.setUint32(at + 18, d.fromId);
    v.setUint32(at + 22, d.toId);
    const end = this.text(JSON.stringify(d.message), at + 26);
    if (end < 0) return false;
    this.offset = end;
    return true;
  }

  /** True when nothing has been written. */
  get empty(): boolean {
    return this.offset === HEADER;
  }

  trace(l: KeyedTraceLine): void {
    const at = this.offset;
    if (at + 41 > this.bytes.length) this.overflow();
    const v = this.view;
    v.setUint8(at, TRACE);
    v.setFloat64(at + 1, l.t);
    v.setFloat64(at + 9, l.p);
    v.setFloat64(at + 17, l.o);
    v.setFloat64(at + 25, l.s);
    v.setFloat64(at + 33, l.n);
    const end = this.text(JSON.stringify(l.line), at + 41);
    if (end < 0) this.overflow();
    this.offset = end;
  }

  /** Publishes the records written (the header holds their length). */
  close(): void {
    this.view.setInt32(0, this.offset - HEADER);
  }
}

/** Reads the records of one outbox half. */
export function readOutbox(
  buffer: SharedArrayBuffer,
  visit: { shard?: number; delivery?(d: RemoteDelivery): void; trace?(l: KeyedTraceLine): void },
): void {
  const view = new DataView(buffer);
  const end = HEADER + view.getInt32(0);
  let at = HEADER;
  const json = (from: number): [unknown, number] => {
    const len = view.getUint32(from);
    const text = Buffer.from(buffer, from + 4, len).toString('utf8');
    return [JSON.parse(text), from + 4 + len];
  };
  while (at < end) {
    const kind = view.getUint8(at);
    if (kind === DELIVERY) {
      const target = view.getUint8(at + 1);
      const wanted = visit.delivery !== undefined && (visit.shard === undefined || target === visit.shard);
      const t = view.getFloat64(at + 2);
      const s = view.getFloat64(at + 10);
      const fromId = view.getUint32(at + 18);
      const toId = view.getUint32(at + 22);
      if (wanted) {
        const [message, next] = json(at + 26);
        visit.delivery!({ t, s, fromId, toId, message: message as RemoteDelivery['message'] });
        at = next;
      } else {
        at = at + 26 + 4 + view.getUint32(at + 26);
      }
    } else if (kind === TRACE) {
      if (visit.trace) {
        const [line, next] = json(at + 41);
        visit.trace({ t: view.getFloat64(at + 1), p: view.getFloat64(at + 9), o: view.getFloat64(at + 17), s: view.getFloat64(at + 25), n: view.getFloat64(at + 33), line: line as KeyedTraceLine['line'] });
        at = next;
      } else {
        at = at + 41 + 4 + view.getUint32(at + 41);
      }
    } else {
      throw new Error(`corrupt outbox record kind ${kind} at ${at}`);
    }
  }
}
