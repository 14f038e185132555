import { describe, expect, it } from 'vitest';
import { ExposureChecker } from '../../src/checkers/exposure.js';
import { InvariantViolation } from '../../src/engine/kernel.js';
import { ExposureBook } from '../../src/risk/exposure.js';

describe('ExposureBook', () => {
  it('admits open value up to the limit exactly, and no further', () => {
    const book = new ExposureBook(1_000, () => {});
    expect(book.tryOpen(700, 1)).toBe(true);
    expect(book.tryOpen(301, 2)).toBe(false);
    expect(book.tryOpen(300, 3)).toBe(true);
    expect(book.exposureMinor).toBe(1_000);
  });

  it('moves an accepted deal from open to unsettled value and frees what it did not use', () => {
    const book = new ExposureBook(1_000, () => {});
    book.tryOpen(800, 1);
    book.accepted(800, 650, 2);
    expect([book.openValueMinor, book.unsettledValueMinor]).toEqual([0, 650]);
    expect(book.tryOpen(350, 3)).toBe(true);
    expect(book.tryOpen(1, 4)).toBe(false);
    book.closeUnsettled(650, 5);
    book.closeOpen(350, 6);
    expect(book.exposureMinor).toBe(0);
  });

  it('reports every change to its observer', () => {
    const seen: [number, number][] = [];
    const book = new ExposureBook(1_000, (x, t) => seen.push([t, x]));
    book.tryOpen(500, 10);
    book.tryOpen(600, 11); // refused: no change
    book.accepted(500, 400, 12);
    book.closeUnsettled(400, 13);
    expect(seen).toEqual([[10, 500], [12, 400], [13, 0]]);
  });
});

describe('ExposureChecker', () => {
  it('accepts exposure up to and at the limit, and keeps the peak', () => {
    const c = new ExposureChecker();
    c.observe('globex', 400, 1_000, 1);
    c.observe('globex', 1_000, 1_000, 2);
    c.observe('globex', 10, 1_000, 3);
    expect(c.peakMinor.get('globex')).toBe(1_000);
  });

  it('raises an invariant violation, with the virtual time, when exposure passes its limit', () => {
    const c = new ExposureChecker();
    expect(() => c.observe('globex', 1_001, 1_000, 77)).toThrow(InvariantViolation);
    try {
      c.observe('globex', 1_001, 1_000, 77);
    } catch (err) {
      expect((err as InvariantViolation).virtualUs).toBe(77);
      expect((err as Error).message).toMatch(/globex exposure 10\.01 exceeds its limit 10\.00/);
    }
  });

  it('raises one when exposure goes negative (value released twice)', () => {
    expect(() => new ExposureChecker().observe('globex', -1, 1_000, 5)).toThrow(/negative/);
  });

  it('fires through a book whose owner breaks the rule (a model bug)', () => {
    const c = new ExposureChecker();
    const book = new ExposureBook(1_000, (x, t) => c.observe('globex', x, 1_000, t));
    book.tryOpen(900, 1);
    // Accepting a deal worth more than its reservation would be a bug in the buyer.
    expect(() => book.accepted(900, 1_200, 2)).toThrow(InvariantViolation);
  });
});
