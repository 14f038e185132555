import { describe, expect, it } from 'vitest';
import { InvariantViolation, Kernel, Priority, type Entity } from '../../src/engine/kernel.js';
import type { EventTarget } from '../../src/engine/queue.js';

/** A target that records (time, kind, data) for every event it handles. */
function recorder(kernel: Kernel) {
  const seen: [number, number, unknown][] = [];
  const target: EventTarget = {
    handle(kind, data) {
      seen.push([kernel.nowUs, kind, data]);
    },
  };
  return { seen, target };
}

function entity(id: number): Entity {
  return { id, seq: 0 };
}

describe('Kernel.schedule', () => {
  it('refuses an event in the past with an InvariantViolation carrying the virtual time', () => {
    const kernel = new Kernel();
    const { target } = recorder(kernel);
    const origin = entity(1);
    kernel.schedule(100, Priority.timer, origin, target, 0, null);
    kernel.runUntil(1_000);
    expect(kernel.nowUs).toBe(100);
    let caught: unknown;
    try {
      kernel.schedule(99, Priority.timer, origin, target, 0, null);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvariantViolation);
    expect((caught as InvariantViolation).virtualUs).toBe(100);
    expect((caught as InvariantViolation).name).toBe('InvariantViolation');
    expect(kernel.pending).toBe(0);
  });

  it('refuses times that are not safe integers', () => {
    const kernel = new Kernel();
    const { target } = recorder(kernel);
    for (const t of [1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1, -1]) {
      expect(() => kernel.schedule(t, Priority.timer, entity(1), target, 0, null), String(t)).toThrow(InvariantViolation);
    }
    expect(kernel.pending).toBe(0);
  });

  it('accepts an event at the current time', () => {
    const kernel = new Kernel();
    const { seen, target } = recorder(kernel);
    const origin = entity(1);
    const chained: EventTarget = {
      handle() {
        kernel.schedule(kernel.nowUs, Priority.timer, origin, target, 2, 'same time');
      },
    };
    kernel.schedule(50, Priority.timer, origin, chained, 1, null);
    expect(kernel.runUntil(51)).toBe(2);
    expect(seen).toEqual([[50, 2, 'same time']]);
  });

  it('gives each event of an entity the next sequence number', () => {
    const kernel = new Kernel();
    const { target } = recorder(kernel);
    const origin = entity(7);
    for (let i = 0; i < 5; i++) kernel.schedule(10, Priority.timer, origin, target, i, null);
    expect(origin.seq).toBe(5);
    const other = { id: 8, seq: 40 };
    kernel.schedule(10, Priority.timer, other, target, 0, null);
    expect(other.seq).toBe(41);
    expect(origin.seq).toBe(5);
  });

  it('does not consume a sequence number for a refused event', () => {
    const kernel = new Kernel();
    const { target } = recorder(kernel);
    const origin = entity(1);
    expect(() => kernel.schedule(-5, Priority.timer, origin, target, 0, null)).toThrow(InvariantViolation);
    expect(origin.seq).toBe(0);
  });
});

describe('Kernel.runUntil', () => {
  it('runs the events with time before the end, leaving those at or after it', () => {
    const kernel = new Kernel();
    const { seen, target } = recorder(kernel);
    const origin = entity(1);
    for (const t of [0, 10, 99, 100, 150]) kernel.schedule(t, Priority.timer, origin, target, t, null);
    expect(kernel.runUntil(100)).toBe(3);
    expect(seen.map(([t]) => t)).toEqual([0, 10, 99]);
    expect(kernel.pending).toBe(2);
    expect(kernel.nextTimeUs()).toBe(100);
    expect(kernel.runUntil(100)).toBe(0);
    expect(kernel.runUntil(101)).toBe(1);
    expect(kernel.runUntil(Number.POSITIVE_INFINITY)).toBe(1);
    expect(kernel.eventsProcessed).toBe(5);
    expect(kernel.nextTimeUs()).toBe(Number.POSITIVE_INFINITY);
  });

  it('sets the clock to each event’s time while it is handled', () => {
    const kernel = new Kernel();
    const { seen, target } = recorder(kernel);
    kernel.schedule(30, Priority.timer, entity(1), target, 1, 'b');
    kernel.schedule(20, Priority.timer, entity(1), target, 0, 'a');
    kernel.runUntil(1_000);
    expect(seen).toEqual([
      [20, 0, 'a'],
      [30, 1, 'b'],
    ]);
  });

  it('runs events that handlers schedule inside the window, and keeps later ones', () => {
    const kernel = new Kernel();
    const { seen, target } = recorder(kernel);
    const origin = entity(1);
    const echo: EventTarget = {
      handle(kind) {
        kernel.schedule(kernel.nowUs + 40, Priority.timer, origin, target, kind, null);
      },
    };
    kernel.schedule(10, Priority.timer, origin, echo, 1, null);
    kernel.schedule(70, Priority.timer, origin, echo, 2, null);
    expect(kernel.runUntil(100)).toBe(3);
    expect(seen.map(([t, kind]) => [t, kind])).toEqual([[50, 1]]);
    expect(kernel.nextTimeUs()).toBe(110);
  });

  it('orders equal times by priority, then origin id, then sequence', () => {
    const kernel = new Kernel();
    const { seen, target } = recorder(kernel);
    const a = entity(2);
    const b = entity(1);
    kernel.schedule(5, Priority.timer, b, target, 0, 'b timer');
    kernel.schedule(5, Priority.timer, a, target, 0, 'a timer 1');
    kernel.schedule(5, Priority.timer, a, target, 0, 'a timer 2');
    kernel.schedule(5, Priority.delivery, a, target, 0, 'a delivery');
    kernel.schedule(5, Priority.delivery, b, target, 0, 'b delivery');
    kernel.runUntil(6);
    expect(seen.map(([, , d]) => d)).toEqual(['b delivery', 'a delivery', 'b timer', 'a timer 1', 'a timer 2']);
  });

  it('gives the same order whatever order equal-time events from different entities are scheduled in', () => {
    const run = (ids: number[]) => {
      const kernel = new Kernel();
      const { seen, target } = recorder(kernel);
      for (const id of ids) kernel.schedule(5, Priority.delivery, { id, seq: 3 }, target, id, null);
      kernel.runUntil(6);
      return seen.map(([, kind]) => kind);
    };
    expect(run([3, 1, 2])).toEqual([1, 2, 3]);
    expect(run([2, 3, 1])).toEqual([1, 2, 3]);
  });

  it('does nothing on an empty queue', () => {
    const kernel = new Kernel();
    expect(kernel.runUntil(1_000)).toBe(0);
    expect(kernel.nowUs).toBe(0);
    expect(kernel.nextTimeUs()).toBe(Number.POSITIVE_INFINITY);
  });
});
