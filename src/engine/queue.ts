/**
 * The event queue: a binary min-heap ordered by (time, priority, origin, sequence). The key
 * never depends on thread scheduling or shard layout, so ties always resolve the same way.
 *
 * Events are not objects: each lives in a numbered slot of parallel arrays (its key in typed
 * arrays, its target and data in plain ones), and the heap orders slot numbers. A run keeps
 * thousands of events pending, timers among them for seconds of virtual time; as objects they
 * were most of what each scavenge had to copy, and one allocation per event.
 */

/** Something that receives events scheduled for it. */
export interface EventTarget {
  handle(kind: number, data: unknown): void;
}

/** An event as a value (for tests, and the convenience forms push() and pop()). */
export interface SimEvent {
  /** virtual time, integer µs */
  readonly t: number;
  /** lower runs first among events at the same time */
  readonly p: number;
  /** id of the entity that scheduled the event */
  readonly o: number;
  /** that entity's sequence number, which only grows */
  readonly s: number;
  readonly target: EventTarget;
  readonly kind: number;
  readonly data: unknown;
}

/** Strict ordering of two events by their key. */
export function eventBefore(a: SimEvent, b: SimEvent): boolean {
  if (a.t !== b.t) return a.t < b.t;
  if (a.p !== b.p) return a.p < b.p;
  if (a.o !== b.o) return a.o < b.o;
  return a.s < b.s;
}

const INITIAL_SLOTS = 1024;

const TWO_20 = 2 ** 20;
const TWO_28 = 2 ** 28;

export class EventQueue {
  /** slot numbers in heap order, and the time and packed tie key (see add) of each heap position beside it */
  private heap = new Int32Array(INITIAL_SLOTS);
  private times = new Float64Array(INITIAL_SLOTS);
  private ties = new Float64Array(INITIAL_SLOTS);
  private count = 0;
  // per slot: the event's key and what it carries
  private slotTime = new Float64Array(INITIAL_SLOTS);
  private slotPriority = new Int32Array(INITIAL_SLOTS);
  private slotOrigin = new Float64Array(INITIAL_SLOTS);
  private slotSequence = new Float64Array(INITIAL_SLOTS);
  private slotKind = new Float64Array(INITIAL_SLOTS);
  private targets: (EventTarget | undefined)[] = [];
  private data: unknown[] = [];
  /** slots released, to be used again (a stack) */
  private free = new Int32Array(INITIAL_SLOTS);
  private freeCount = 0;
  /** slots ever handed out */
  private used = 0;

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event, or Infinity when there is none. */
  nextTime(): number {
    return this.count === 0 ? Infinity : this.times[0]!;
  }

  /** Adds an event. */
  add(t: number, p: number, o: number, s: number, target: EventTarget, kind: number, data: unknown): void {
    const slot = this.freeCount > 0 ? this.free[--this.freeCount]! : this.newSlot();
    this.slotTime[slot] = t;
    this.slotPriority[slot] = p;
    this.slotOrigin[slot] = o;
    this.slotSequence[slot] = s;
    this.slotKind[slot] = kind;
    this.targets[slot] = target;
    this.data[slot] = data;
    if (this.count === this.heap.length) this.growHeap();
    const heap = this.heap;
    const times = this.times;
    const ties = this.ties;
    // (priority, origin, sequence) as one number that orders as the three do, when they fit in 53
    // bits (priority < 32, origin < 2^20, sequence < 2^28); else -1, and the three are compared.
    // Events at one time are many when negotiations run in step: the heap then compares ties at
    // every level, and one number kept beside the times costs a read where the three cost six,
    // from arrays indexed by slot that are all over memory. (Computed here: returned from a call
    // that was not inlined, the number was boxed, 16 bytes per event.)
    const tie = p >= 0 && p < 32 && o >= 0 && o < TWO_20 && s >= 0 && s < TWO_28 ? (p * TWO_20 + o) * TWO_28 + s : -1;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (t > pt) break;
      if (t === pt) {
        const parentTie = ties[parent]!;
        if (tie >= 0 && parentTie >= 0 ? tie > parentTie : !this.before(slot, heap[parent]!)) break;
      }
      heap[i] = heap[parent]!;
      times[i] = pt;
      ties[i] = ties[parent]!;
      i = parent;
    }
    heap[i] = slot;
    times[i] = t;
    ties[i] = tie;
  }

  /**
   * Removes the earliest event and returns its slot, or -1 when there is none. Its fields stay
   * readable (time(), target()…) until release(slot), which the taker must call.
   */
  take(): number {
    if (this.count === 0) return -1;
    const heap = this.heap;
    const times = this.times;
    const ties = this.ties;
    const top = heap[0]!;
    const n = --this.count;
    if (n > 0) {
      const last = heap[n]!;
      const lt = times[n]!;
      const lastTie = ties[n]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n) {
          const rt = times[r]!;
          const ltime = times[l]!;
          if (rt < ltime) c = r;
          else if (rt === ltime) {
            const rTie = ties[r]!;
            const lTie = ties[l]!;
            if (rTie >= 0 && lTie >= 0 ? rTie < lTie : this.before(heap[r]!, heap[l]!)) c = r;
          }
        }
        const ct = times[c]!;
        if (ct > lt) break;
        if (ct === lt) {
          const cTie = ties[c]!;
          if (cTie >= 0 && lastTie >= 0 ? cTie > lastTie : !this.before(heap[c]!, last)) break;
        }
        heap[i] = heap[c]!;
        times[i] = ct;
        ties[i] = ties[c]!;
        i = c;
      }
      heap[i] = last;
      times[i] = lt;
      ties[i] = lastTie;
    }
    return top;
  }

  time(slot: number): number {
    return this.slotTime[slot]!;
  }

  priority(slot: number): number {
    return this.slotPriority[slot]!;
  }

  origin(slot: number): number {
    return this.slotOrigin[slot]!;
  }

  sequence(slot: number): number {
    return this.slotSequence[slot]!;
  }

  target(slot: number): EventTarget {
    return this.targets[slot]!;
  }

  kind(slot: number): number {
    return this.slotKind[slot]!;
  }

  dataOf(slot: number): unknown {
    return this.data[slot];
  }

  /** Gives a taken slot back (what it held is let go). */
  release(slot: number): void {
    this.targets[slot] = undefined;
    this.data[slot] = undefined;
    if (this.freeCount === this.free.length) this.free = grown(this.free);
    this.free[this.freeCount++] = slot;
  }

  /** Adds an event given as a value. */
  push(ev: SimEvent): void {
    this.add(ev.t, ev.p, ev.o, ev.s, ev.target, ev.kind, ev.data);
  }

  /** The earliest event as a value, without removing it. */
  peek(): SimEvent | undefined {
    return this.count === 0 ? undefined : this.eventAt(this.heap[0]!);
  }

  /** Removes the earliest event and returns it as a value. */
  pop(): SimEvent | undefined {
    const slot = this.take();
    if (slot < 0) return undefined;
    const ev = this.eventAt(slot);
    this.release(slot);
    return ev;
  }

  /**
   * Calls `visit` on pending events, roughly earliest first (heap order), until it returns true;
   * returns whether it did.
   */
  some(visit: (target: EventTarget, kind: number, data: unknown, t: number) => boolean): boolean {
    for (let i = 0; i < this.count; i++) {
      const slot = this.heap[i]!;
      if (visit(this.targets[slot]!, this.slotKind[slot]!, this.data[slot], this.slotTime[slot]!)) return true;
    }
    return false;
  }

  private eventAt(slot: number): SimEvent {
    return { t: this.slotTime[slot]!, p: this.slotPriority[slot]!, o: this.slotOrigin[slot]!, s: this.slotSequence[slot]!, target: this.targets[slot]!, kind: this.slotKind[slot]!, data: this.data[slot] };
  }

  /** Strict order of two slots' events by key, their times being equal or not. */
  private before(a: number, b: number): boolean {
    const ta = this.slotTime[a]!;
    const tb = this.slotTime[b]!;
    if (ta !== tb) return ta < tb;
    const pa = this.slotPriority[a]!;
    const pb = this.slotPriority[b]!;
    if (pa !== pb) return pa < pb;
    const oa = this.slotOrigin[a]!;
    const ob = this.slotOrigin[b]!;
    if (oa !== ob) return oa < ob;
    return this.slotSequence[a]! < this.slotSequence[b]!;
  }

  private newSlot(): number {
    const slot = this.used++;
    if (slot === this.slotTime.length) {
      this.slotTime = grown(this.slotTime);
      this.slotPriority = grown(this.slotPriority);
      this.slotOrigin = grown(this.slotOrigin);
      this.slotSequence = grown(this.slotSequence);
      this.slotKind = grown(this.slotKind);
    }
    return slot;
  }

  private growHeap(): void {
    this.heap = grown(this.heap);
    this.times = grown(this.times);
    this.ties = grown(this.ties);
  }
}

/** A typed array twice as long, starting with the values of `a`. */
function grown<T extends Int32Array | Float64Array>(a: T): T {
  const bigger = new (a.constructor as new (n: number) => T)(a.length * 2);
  bigger.set(a);
  return bigger;
}
