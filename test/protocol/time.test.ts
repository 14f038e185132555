import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isoDate, isoTimestamp, virtualFromIso } from '../../src/protocol/time.js';

const epochMs = Date.parse('2025-01-15T10:30:00Z');
const US_PER_DAY = 86_400_000_000;

describe('isoTimestamp', () => {
  it.each([
    [0, '2025-01-15T10:30:00.000000Z'],
    [1, '2025-01-15T10:30:00.000001Z'],
    [999, '2025-01-15T10:30:00.000999Z'],
    [1_000, '2025-01-15T10:30:00.001000Z'],
    [1_234_567, '2025-01-15T10:30:01.234567Z'],
    [60_000_000, '2025-01-15T10:31:00.000000Z'],
    [13.5 * 3_600_000_000, '2025-01-16T00:00:00.000000Z'],
    [US_PER_DAY * 17 - 1, '2025-02-01T10:29:59.999999Z'],
  ])('virtual %s µs after the epoch is %s', (virtualUs, iso) => {
    expect(isoTimestamp(epochMs, virtualUs)).toBe(iso);
  });

  it('keeps the epoch’s own milliseconds', () => {
    expect(isoTimestamp(epochMs + 123, 456)).toBe('2025-01-15T10:30:00.123456Z');
  });

  it('matches Date for instants written in any order (the caches of days and seconds never answer stale)', () => {
    const reference = (virtualUs: number) => {
      const iso = new Date(epochMs + Math.floor(virtualUs / 1000)).toISOString();
      return `${iso.slice(0, -1)}${String(virtualUs % 1000).padStart(3, '0')}Z`;
    };
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 40 * US_PER_DAY }), { minLength: 1, maxLength: 40 }), (instants) => {
        for (const us of instants) expect(isoTimestamp(epochMs, us)).toBe(reference(us));
        for (const us of instants) expect(isoDate(epochMs, us)).toBe(reference(us).slice(0, 10));
      }),
      { numRuns: 300 },
    );
    // Seconds and days eight apart share a cache slot.
    for (const us of [0, 8_000_000, 0, 8 * US_PER_DAY, 0, 16_000_001]) expect(isoTimestamp(epochMs, us)).toBe(reference(us));
    // The last two instants are kept whole: the same instants again, in turn, then others.
    for (const us of [5, 5, 6, 5, 5, 1_000_005]) expect(isoTimestamp(epochMs, us)).toBe(reference(us));
    for (const us of [7, 3_000_007, 7, 3_000_007, 8, 7, 3_000_007, 8, 9, 8]) expect(isoTimestamp(epochMs, us)).toBe(reference(us));
    expect(isoTimestamp(epochMs + 1, 5)).toBe(reference(1005));
  });

  it('writes each instant from its own epoch when callers with different epochs interleave', () => {
    const epochs = [epochMs, Date.parse('1999-12-31T23:59:59.999Z'), 0, Date.parse('2030-06-01T00:00:00Z')];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...epochs), fc.nat({ max: 3 * US_PER_DAY })), { minLength: 1, maxLength: 30 }), (calls) => {
        for (const [epoch, us] of calls) {
          const iso = new Date(epoch + Math.floor(us / 1000)).toISOString();
          expect(isoTimestamp(epoch, us)).toBe(`${iso.slice(0, -1)}${String(us % 1000).padStart(3, '0')}Z`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('sorts as text in the same order as virtual time', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 * 365 * US_PER_DAY }), fc.nat({ max: 10 * 365 * US_PER_DAY }), (a, b) => {
        const ta = isoTimestamp(epochMs, a);
        const tb = isoTimestamp(epochMs, b);
        expect(Math.sign(ta < tb ? -1 : ta > tb ? 1 : 0)).toBe(Math.sign(a - b));
      }),
      { numRuns: 500 },
    );
  });
});

describe('isoDate', () => {
  it.each([
    [0, '2025-01-15'],
    [13.5 * 3_600_000_000 - 1, '2025-01-15'],
    [13.5 * 3_600_000_000, '2025-01-16'],
    [3 * US_PER_DAY, '2025-01-18'],
    [365 * US_PER_DAY, '2026-01-15'],
  ])('virtual %s µs after the epoch falls on %s', (virtualUs, date) => {
    expect(isoDate(epochMs, virtualUs)).toBe(date);
  });
});

describe('virtualFromIso', () => {
  it.each([
    ['2025-01-15T10:30:00Z', 0],
    ['2025-01-15T10:30:00.5Z', 500_000],
    ['2025-01-15T10:30:00.000001Z', 1],
    ['2025-01-15T10:30:01.234567Z', 1_234_567],
    ['2025-01-15T10:29:59.999999Z', -1],
    ['2025-01-15T11:30:00Z', 3_600_000_000],
  ])('%s is %s µs after the epoch', (iso, virtualUs) => {
    expect(virtualFromIso(epochMs, iso)).toBe(virtualUs);
  });

  it('round trips isoTimestamp at microsecond precision', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: -US_PER_DAY, max: 10 * 365 * US_PER_DAY }),
        (epochExtraMs, virtualUs) => {
          const epoch = epochMs + epochExtraMs;
          expect(virtualFromIso(epoch, isoTimestamp(epoch, virtualUs))).toBe(virtualUs);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
