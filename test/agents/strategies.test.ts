import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NegotiationState } from '../../src/agents/strategies/contract.js';
import { buyerOffer, concession, faratinLevel, progress, storeAsk } from '../../src/agents/strategies/time-dependent.js';

const BOULWARE = 0.2;
const LINEAR = 1;
const CONCEDER = 3;
const grid = Array.from({ length: 101 }, (_, i) => i / 100);

describe('concession', () => {
  it('concedes nothing at the start and everything at the end, for every tactic', () => {
    for (const e of [BOULWARE, LINEAR, CONCEDER]) {
      expect(concession(0, e)).toBe(0);
      expect(concession(1, e)).toBe(1);
    }
  });

  it('is monotone non-decreasing in t', () => {
    for (const e of [BOULWARE, 0.5, LINEAR, 2, CONCEDER]) {
      for (let i = 1; i < grid.length; i++) expect(concession(grid[i]!, e)).toBeGreaterThanOrEqual(concession(grid[i - 1]!, e));
      expect(concession(0.9, e)).toBeGreaterThan(concession(0.1, e));
    }
  });

  it('orders boulware below linear below conceder at mid progress', () => {
    const b = concession(0.5, BOULWARE);
    const l = concession(0.5, LINEAR);
    const c = concession(0.5, CONCEDER);
    expect(b).toBeLessThan(l);
    expect(l).toBeLessThan(c);
    expect(l).toBe(0.5);
    expect(b).toBeCloseTo(0.5 ** 5, 12);
    expect(c).toBeCloseTo(0.5 ** (1 / 3), 12);
  });

  it('keeps that order at every interior point', () => {
    for (const t of grid.slice(1, -1)) {
      expect(concession(t, BOULWARE)).toBeLessThan(concession(t, LINEAR));
      expect(concession(t, LINEAR)).toBeLessThan(concession(t, CONCEDER));
    }
  });

  it('clamps progress outside [0, 1]', () => {
    expect(concession(-0.5, LINEAR)).toBe(0);
    expect(concession(1.7, BOULWARE)).toBe(1);
    expect(concession(Number.POSITIVE_INFINITY, CONCEDER)).toBe(1);
  });
});

describe('progress', () => {
  it('is the larger of the time share and the round share', () => {
    expect(progress(500, 1_000, 1, 10)).toBe(0.5);
    expect(progress(100, 1_000, 5, 10)).toBe(0.5);
    expect(progress(300, 1_000, 2, 10)).toBe(0.3);
    expect(progress(100, 1_000, 4, 10)).toBe(0.4);
  });

  it('uses only rounds when there is no deadline (or a zero one)', () => {
    expect(progress(1e9, undefined, 3, 12)).toBe(0.25);
    expect(progress(1e9, 0, 3, 12)).toBe(0.25);
  });

  it('reaches 1 at whichever bound comes first', () => {
    expect(progress(1_000, 1_000, 0, 10)).toBe(1);
    expect(progress(0, 1_000, 10, 10)).toBe(1);
    expect(progress(0, 1_000, 0, 10)).toBe(0);
  });
});

describe('buyerOffer', () => {
  it('starts at the target and ends at the reservation', () => {
    expect(buyerOffer(8_000, 12_000, 0, LINEAR)).toBe(8_000);
    expect(buyerOffer(8_000, 12_000, 1, LINEAR)).toBe(12_000);
    expect(buyerOffer(8_000, 12_000, 0.5, LINEAR)).toBe(10_000);
  });

  it('stays within [target, reservation], rises with t and is an integer', () => {
    for (const e of [BOULWARE, LINEAR, CONCEDER]) {
      let prev = -Infinity;
      for (const t of [-1, ...grid, 2]) {
        const o = buyerOffer(8_001, 12_345, t, e);
        expect(Number.isInteger(o)).toBe(true);
        expect(o).toBeGreaterThanOrEqual(8_001);
        expect(o).toBeLessThanOrEqual(12_345);
        expect(o).toBeGreaterThanOrEqual(prev);
        prev = o;
      }
    }
  });

  it('offers more at mid progress as a conceder than as a boulware', () => {
    expect(buyerOffer(8_000, 12_000, 0.5, CONCEDER)).toBeGreaterThan(buyerOffer(8_000, 12_000, 0.5, BOULWARE));
  });
});

describe('storeAsk', () => {
  it('starts at the list total and ends at the floor', () => {
    expect(storeAsk(15_000, 11_000, 0, LINEAR)).toBe(15_000);
    expect(storeAsk(15_000, 11_000, 1, LINEAR)).toBe(11_000);
    expect(storeAsk(15_000, 11_000, 0.25, LINEAR)).toBe(14_000);
  });

  it('stays within [floor, list], falls with t and is an integer', () => {
    for (const e of [BOULWARE, LINEAR, CONCEDER]) {
      let prev = Infinity;
      for (const t of [-1, ...grid, 2]) {
        const a = storeAsk(15_003, 11_001, t, e);
        expect(Number.isInteger(a)).toBe(true);
        expect(a).toBeLessThanOrEqual(15_003);
        expect(a).toBeGreaterThanOrEqual(11_001);
        expect(a).toBeLessThanOrEqual(prev);
        prev = a;
      }
    }
  });

  it('asks more at mid progress as a boulware than as a conceder', () => {
    expect(storeAsk(15_000, 11_000, 0.5, BOULWARE)).toBeGreaterThan(storeAsk(15_000, 11_000, 0.5, LINEAR));
    expect(storeAsk(15_000, 11_000, 0.5, LINEAR)).toBeGreaterThan(storeAsk(15_000, 11_000, 0.5, CONCEDER));
  });
});

describe('faratinLevel', () => {
  it('is buyerOffer or storeAsk at the progress of the state, to the last bit', () => {
    const state = fc.record({
      role: fc.constantFrom('buyer', 'store'),
      aspiration: fc.integer({ min: 0, max: 10_000_000 }),
      reservation: fc.integer({ min: 0, max: 10_000_000 }),
      elapsedUs: fc.integer({ min: 0, max: 10_000_000 }),
      deadlineUs: fc.option(fc.integer({ min: 0, max: 5_000_000 }), { nil: undefined }),
      maxRounds: fc.integer({ min: 1, max: 40 }),
    });
    fc.assert(
      fc.property(state, fc.integer({ min: 0, max: 45 }), fc.constantFrom(0.2, 1, 3, 0.37, 7.5), (s, round, e) => {
        const t = progress(s.elapsedUs, s.deadlineUs, round, s.maxRounds);
        const expected = s.role === 'buyer' ? buyerOffer(s.aspiration, s.reservation, t, e) : Math.max(s.reservation, storeAsk(s.aspiration, s.reservation, t, e));
        expect(faratinLevel(s as unknown as NegotiationState, round, e)).toBe(expected);
      }),
      { numRuns: 3_000 },
    );
  });
});
