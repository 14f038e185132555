import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumberedTable, trailingNumber } from '../../src/engine/numbered-table.js';

describe('NumberedTable', () => {
  it('answers as a map by number would, through adds, deletes, gaps and compactions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 5 }), fc.nat({ max: 300 })), { maxLength: 600 }),
        (steps) => {
          const table = new NumberedTable<string>();
          const model = new Map<number, string>();
          let next = 1;
          for (const [adding, gap, pick] of steps) {
            if (adding || model.size === 0) {
              next += gap;
              table.add(next, `v${next}`);
              model.set(next, `v${next}`);
              next++;
            } else {
              // Mostly the oldest, as negotiations and quotes end, sometimes any.
              const keys = [...model.keys()];
              const key = pick % 4 === 0 ? keys[pick % keys.length]! : keys[0]!;
              expect(table.delete(key)).toBe(true);
              model.delete(key);
            }
            expect(table.size).toBe(model.size);
            expect(table.oldest()).toBe([...model.values()][0]);
          }
          expect(table.values()).toEqual([...model.values()]);
          for (let k = 0; k <= next + 2; k++) expect(table.get(k)).toBe(model.get(k));
          expect(table.delete(next + 5)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('starts over from any number once empty, and refuses a number not above those held', () => {
    const table = new NumberedTable<number>();
    table.add(10, 10);
    table.add(12, 12);
    expect(() => table.add(11, 11)).toThrow(/entry number 11 is not above those already held/);
    expect(() => table.add(-1, -1)).toThrow(RangeError);
    table.delete(10);
    table.delete(12);
    table.add(3, 3);
    expect(table.get(3)).toBe(3);
    expect(table.get(12)).toBeUndefined();
    table.clear();
    expect(table.size).toBe(0);
    expect(table.values()).toEqual([]);
  });

  it('keeps its array about as long as what is live when entries go in the order they came', () => {
    const table = new NumberedTable<number>();
    for (let k = 1; k <= 100_000; k++) {
      table.add(k, k);
      if (k > 10) table.delete(k - 10);
    }
    expect(table.size).toBe(10);
    expect((table as unknown as { slots: unknown[] }).slots.length).toBeLessThan(200);
    expect(table.values()).toEqual(Array.from({ length: 10 }, (_, i) => 99_991 + i));
  });
});

describe('trailingNumber', () => {
  it.each([
    ['conv_buyer-1_1', 1],
    ['conv_buyer-1_10250', 10250],
    ['q_northwind-store-7_0', 0],
    ['conv_1_2', 2],
    ['42', 42],
  ])('reads %s as %s', (id, n) => {
    expect(trailingNumber(id)).toBe(n);
  });

  it.each(['conv_buyer-1_', 'conv_buyer-1_07', '', 'conv_buyer-1_1x'])('finds no number in %j', (id) => {
    expect(trailingNumber(id)).toBe(-1);
  });
});
