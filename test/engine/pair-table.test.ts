import { describe, expect, it } from 'vitest';
import { PairTable } from '../../src/engine/pair-table.js';

describe('PairTable', () => {
  it('finds every pair it was given, through many growths, and nothing else', () => {
    const t = new PairTable(4);
    const expected = new Map<string, number>();
    let value = 0;
    // Pairs that collide in structure: (a, b) and (b, a), rows and columns of a grid, large ids.
    for (let a = 0; a < 120; a++) {
      for (let b = 0; b < 120; b += 1 + (a % 7)) {
        t.add(a * 97, b, value);
        expected.set(`${a * 97},${b}`, value++);
      }
    }
    t.add(2_000_000_000, 1_999_999_999, value);
    expected.set('2000000000,1999999999', value++);
    expect(t.size).toBe(expected.size);
    for (const [key, v] of expected) {
      const [a, b] = key.split(',').map(Number) as [number, number];
      expect(t.get(a, b)).toBe(v);
    }
    expect(t.get(1, 0)).toBe(-1);
    expect(t.get(0, 1)).toBe(1);
    expect(t.get(97, 3)).toBe(-1);
    expect(t.get(1_999_999_999, 2_000_000_000)).toBe(-1);
  });

  it('refuses a pair it holds already, and pairs or values that are not 32-bit non-negative integers', () => {
    const t = new PairTable();
    t.add(3, 4, 0);
    expect(() => t.add(3, 4, 1)).toThrow(/already held/);
    expect(t.get(3, 4)).toBe(0);
    for (const [a, b, v] of [
      [-1, 0, 0],
      [0, -1, 0],
      [0, 0, -1],
      [1.5, 0, 0],
      [2 ** 31, 0, 0],
    ]) {
      expect(() => t.add(a!, b!, v!)).toThrow(RangeError);
    }
    expect(t.size).toBe(1);
  });
});
