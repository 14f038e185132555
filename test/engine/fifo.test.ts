import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Fifo } from '../../src/engine/fifo.js';

describe('Fifo', () => {
  it('is empty at first', () => {
    const q = new Fifo<number>();
    expect(q.length).toBe(0);
    expect(q.shift()).toBeUndefined();
  });

  it('returns items in the order they were pushed', () => {
    const q = new Fifo<string>();
    q.push('a');
    q.push('b');
    q.push('c');
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual(['a', 'b', 'c', undefined]);
    expect(q.length).toBe(0);
  });

  it('grows past its initial capacity', () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 1_000; i++) q.push(i);
    expect(q.length).toBe(1_000);
    const out = Array.from({ length: 1_000 }, () => q.shift());
    expect(out).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
  });

  it('keeps order when it grows while wrapped around', () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 6; i++) q.push(i);
    for (let i = 0; i < 5; i++) expect(q.shift()).toBe(i);
    // head is now near the end of the buffer: these pushes wrap, then force growth
    for (let i = 6; i < 30; i++) q.push(i);
    expect(q.length).toBe(25);
    const out: number[] = [];
    for (let x = q.shift(); x !== undefined; x = q.shift()) out.push(x);
    expect(out).toEqual(Array.from({ length: 25 }, (_, i) => i + 5));
  });

  it('keeps falsy items', () => {
    const q = new Fifo<number | null | string>();
    q.push(0);
    q.push(null);
    q.push('');
    expect(q.length).toBe(3);
    expect([q.shift(), q.shift(), q.shift()]).toEqual([0, null, '']);
  });

  it('behaves like an array under any mix of pushes and shifts', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof({ arbitrary: fc.integer(), weight: 3 }, { arbitrary: fc.constant<'shift'>('shift'), weight: 2 }), { maxLength: 500 }), (ops) => {
        const q = new Fifo<number>();
        const model: number[] = [];
        for (const op of ops) {
          if (op === 'shift') expect(q.shift()).toBe(model.shift());
          else {
            q.push(op);
            model.push(op);
          }
          expect(q.length).toBe(model.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
