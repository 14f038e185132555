import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue, eventBefore, type EventTarget, type SimEvent } from '../../src/engine/queue.js';

const target: EventTarget = { handle() {} };

function ev(t: number, p: number, o: number, s: number, kind = 0): SimEvent {
  return { t, p, o, s, target, kind, data: undefined };
}

function byKey(a: SimEvent, b: SimEvent): number {
  return a.t - b.t || a.p - b.p || a.o - b.o || a.s - b.s;
}

const key = (e: SimEvent) => [e.t, e.p, e.o, e.s];

/** Events with small coordinates, so ties on time, priority and origin are common; keys are unique. */
const eventsArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.constantFrom(10, 20, 30), fc.integer({ min: 0, max: 4 })), { maxLength: 200 })
  .map((rows) => rows.map(([t, p, o], i) => ev(t, p, o, i, i)));

describe('eventBefore', () => {
  it('orders by time, then priority, then origin, then sequence', () => {
    expect(eventBefore(ev(1, 99, 99, 99), ev(2, 0, 0, 0))).toBe(true);
    expect(eventBefore(ev(2, 0, 0, 0), ev(1, 99, 99, 99))).toBe(false);
    expect(eventBefore(ev(5, 10, 99, 99), ev(5, 20, 0, 0))).toBe(true);
    expect(eventBefore(ev(5, 10, 1, 99), ev(5, 10, 2, 0))).toBe(true);
    expect(eventBefore(ev(5, 10, 1, 3), ev(5, 10, 1, 4))).toBe(true);
    expect(eventBefore(ev(5, 10, 1, 4), ev(5, 10, 1, 3))).toBe(false);
  });

  it('is strict: an event is not before itself', () => {
    const e = ev(5, 10, 1, 3);
    expect(eventBefore(e, e)).toBe(false);
  });
});

describe('EventQueue', () => {
  it('is empty at first', () => {
    const q = new EventQueue();
    expect(q.size).toBe(0);
    expect(q.peek()).toBeUndefined();
    expect(q.pop()).toBeUndefined();
  });

  it('pops a small example in key order', () => {
    const q = new EventQueue();
    const events = [ev(5, 20, 0, 0), ev(5, 10, 3, 1), ev(1, 20, 9, 2), ev(5, 10, 2, 7), ev(5, 10, 2, 3), ev(0, 99, 0, 4)];
    for (const e of events) q.push(e);
    expect(q.size).toBe(6);
    const out: number[][] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(key(e));
    expect(out).toEqual([
      [0, 99, 0, 4],
      [1, 20, 9, 2],
      [5, 10, 2, 3],
      [5, 10, 2, 7],
      [5, 10, 3, 1],
      [5, 20, 0, 0],
    ]);
    expect(q.size).toBe(0);
  });

  it('pops everything in the order of a sorted array', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        const q = new EventQueue();
        for (const e of events) q.push(e);
        const popped: SimEvent[] = [];
        for (let e = q.pop(); e; e = q.pop()) popped.push(e);
        expect(popped).toEqual([...events].sort(byKey));
      }),
      { numRuns: 300 },
    );
  });

  it('always pops the smallest pending event when pushes and pops interleave', () => {
    fc.assert(
      fc.property(eventsArb, fc.array(fc.boolean(), { maxLength: 400 }), (events, pops) => {
        const q = new EventQueue();
        const model: SimEvent[] = [];
        let next = 0;
        for (const pop of pops) {
          if (pop || next >= events.length) {
            model.sort(byKey);
            expect(q.peek()).toEqual(model[0]);
            expect(q.pop()).toEqual(model.shift());
          } else {
            q.push(events[next]!);
            model.push(events[next]!);
            next++;
          }
          expect(q.size).toBe(model.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('orders ties at the edges of the packed key by the full key', () => {
    const cases: [SimEvent, SimEvent][] = [
      [ev(0, 0, 0, 2 ** 28), ev(0, 0, 1, 0)],
      [ev(0, 0, 0, 2 ** 28 - 1), ev(0, 0, 1, 0)],
      [ev(0, 0, 2 ** 20 - 1, 5), ev(0, 1, 0, 0)],
      [ev(0, 0, 2 ** 20, 0), ev(0, 1, 0, 0)],
      [ev(0, 31, 0, 9), ev(0, 32, 0, 0)],
      [ev(0, 10, 7, 2 ** 40), ev(0, 10, 8, 0)],
    ];
    for (const [first, second] of cases) {
      for (const order of [[first, second], [second, first]]) {
        const q = new EventQueue();
        for (const e of order) q.push(e);
        expect(q.pop()).toEqual(first);
        expect(q.pop()).toEqual(second);
      }
    }
  });

  it('orders ties the same whether their keys fit one packed number or not (priorities, origins and sequences on both sides of the limits)', () => {
    const big = fc.tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom(0, 10, 31, 32, 40),
      fc.constantFrom(0, 1, 2 ** 20 - 1, 2 ** 20, 2 ** 20 + 5, 2 ** 31),
      fc.constantFrom(0, 1, 2 ** 28 - 2, 2 ** 28 - 1, 2 ** 28, 2 ** 40),
    );
    fc.assert(
      fc.property(fc.uniqueArray(big, { selector: ([t, p, o, s]) => `${t}/${p}/${o}/${s}`, maxLength: 300 }), fc.array(fc.boolean(), { maxLength: 600 }), (rows, pops) => {
        const events = rows.map(([t, p, o, s], i) => ev(t, p, o, s, i));
        const q = new EventQueue();
        const model: SimEvent[] = [];
        let next = 0;
        for (const pop of [...pops, ...events.map(() => false), ...events.map(() => true)]) {
          if (pop) {
            model.sort(byKey);
            expect(q.pop()).toEqual(model.shift());
          } else if (next < events.length) {
            q.push(events[next]!);
            model.push(events[next]!);
            next++;
          }
        }
        expect(q.size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the order while it grows past its first thousands of pending events', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.constantFrom(10, 20)), { minLength: 2500, maxLength: 5000 }), (rows) => {
        const events = rows.map(([t, p], i) => ev(t, p, i % 7, i));
        const q = new EventQueue();
        for (const e of events) q.push(e);
        const popped: SimEvent[] = [];
        for (let e = q.pop(); e; e = q.pop()) popped.push(e);
        expect(popped.map(key)).toEqual([...events].sort(byKey).map(key));
      }),
      { numRuns: 20 },
    );
  });

  it('gives back the very target and data that were pushed, and lets them go once taken', () => {
    const q = new EventQueue();
    const data = { payload: 'x' };
    q.push({ ...ev(1, 1, 1, 1), data });
    const slot = q.take();
    expect(q.target(slot)).toBe(target);
    expect(q.dataOf(slot)).toBe(data);
    q.release(slot);
    expect(q.dataOf(slot)).toBeUndefined();
    expect(q.take()).toBe(-1);
  });

  it('reuses released slots: a long run of pushes and pops keeps as many slots as events ever pending at once', () => {
    const q = new EventQueue();
    for (let i = 0; i < 100_000; i++) {
      q.push(ev(i, 10, i % 3, i));
      if (i % 2 === 1) q.pop();
      if (i % 2 === 1) q.pop();
    }
    expect(q.size).toBe(0);
    expect((q as unknown as { used: number }).used).toBeLessThanOrEqual(2);
  });
});
