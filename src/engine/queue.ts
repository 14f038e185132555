/**
 * The event queue: a binary min-heap ordered by (time, priority, origin, sequence). The key
 * never depends on thread scheduling or shard layout, so ties always resolve the same way.
 */

/** Something that receives events scheduled for it. */
export interface EventTarget {
  handle(kind: number, data: unknown): void;
}

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

/**
 * The heap keeps each event's time in a typed array beside it: sifting compares times almost
 * always, and reading them from one contiguous array spares a visit to every event object on
 * the path (a run keeps thousands of events pending, most of them long out of the cache).
 */
export class EventQueue {
  private heap: SimEvent[] = [];
  private times = new Float64Array(1024);

  get size(): number {
    return this.heap.length;
  }

  /**
   * Calls `visit` on pending events, roughly earliest first (heap order), until it returns true;
   * returns whether it did.
   */
  some(visit: (ev: SimEvent) => boolean): boolean {
    const heap = this.heap;
    for (let i = 0; i < heap.length; i++) if (visit(heap[i]!)) return true;
    return false;
  }

  /** The earliest event, without removing it. */
  peek(): SimEvent | undefined {
    return this.heap[0];
  }

  push(ev: SimEvent): void {
    const heap = this.heap;
    let i = heap.length;
    if (i === this.times.length) {
      const grown = new Float64Array(i * 2);
      grown.set(this.times);
      this.times = grown;
    }
    const times = this.times;
    const t = ev.t;
    heap.push(ev);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (t > pt || (t === pt && !eventBefore(ev, heap[parent]!))) break;
      heap[i] = heap[parent]!;
      times[i] = pt;
      i = parent;
    }
    heap[i] = ev;
    times[i] = t;
  }

  pop(): SimEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      const times = this.times;
      const lt = last.t;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n) {
          const rt = times[r]!;
          const ltime = times[l]!;
          if (rt < ltime || (rt === ltime && eventBefore(heap[r]!, heap[l]!))) c = r;
        }
        const ct = times[c]!;
        if (ct > lt || (ct === lt && !eventBefore(heap[c]!, last))) break;
        heap[i] = heap[c]!;
        times[i] = ct;
        i = c;
      }
      heap[i] = last;
      times[i] = lt;
    }
    return top;
  }
}
