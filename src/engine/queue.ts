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

export class EventQueue {
  private heap: SimEvent[] = [];

  get size(): number {
    return this.heap.length;
  }

  /** The earliest event, without removing it. */
  peek(): SimEvent | undefined {
    return this.heap[0];
  }

  push(ev: SimEvent): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(ev);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!eventBefore(ev, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = ev;
  }

  pop(): SimEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && eventBefore(heap[r]!, heap[l]!) ? r : l;
        if (!eventBefore(heap[c]!, last)) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }
}
