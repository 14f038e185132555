import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_MINOR,
  formatMinor,
  isWireMoney,
  parseDecimalMinor,
  roundMinor,
  toMinor,
  toWire,
} from '../../src/protocol/money.js';

describe('toMinor', () => {
  it.each([
    [249.99, 24999],
    [250, 25000],
    [250.0, 25000],
    [149.99, 14999],
    [14.4, 1440],
    [174.38, 17438],
    [0.01, 1],
    [0.1, 10],
    [0.3, 30],
    [1.01, 101],
    [-5.5, -550],
    [-0.01, -1],
    [0, 0],
  ])('converts %s to %s minor units', (wire, minor) => {
    expect(toMinor(wire)).toBe(minor);
  });

  it('normalises -0 to +0', () => {
    expect(Object.is(toMinor(-0), 0)).toBe(true);
  });

  it.each([
    ['0.1 + 0.2', 0.1 + 0.2],
    ['1.005', 1.005],
    ['0.001', 0.001],
    ['249.999', 249.999],
    ['-1.005', -1.005],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['above the safe range', (MAX_MINOR + 1) / 100],
    ['1e300', 1e300],
  ])('rejects %s', (_label, value) => {
    expect(isWireMoney(value)).toBe(false);
    expect(() => toMinor(value)).toThrow(RangeError);
  });

  it('accepts the largest amount and its negative', () => {
    expect(toMinor(MAX_MINOR / 100)).toBe(MAX_MINOR);
    expect(toMinor(-MAX_MINOR / 100)).toBe(-MAX_MINOR);
  });

  it('keeps every amount an exact integer', () => {
    expect(Number.isSafeInteger(MAX_MINOR * 100)).toBe(true);
  });
});

describe('toWire', () => {
  it.each([
    [17438, 174.38],
    [1, 0.01],
    [10, 0.1],
    [25000, 250],
    [-550, -5.5],
  ])('converts %s minor units to %s', (minor, wire) => {
    expect(toWire(minor)).toBe(wire);
  });

  it('normalises -0 to +0', () => {
    expect(Object.is(toWire(-0), 0)).toBe(true);
  });

  it.each([
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['one above the maximum', MAX_MINOR + 1],
    ['one below the minimum', -MAX_MINOR - 1],
  ])('rejects %s', (_label, minor) => {
    expect(() => toWire(minor)).toThrow(RangeError);
  });
});

describe('round trips', () => {
  it('every amount from 0.00 to 1000.00 survives decimal text → wire → minor → wire', () => {
    const failures: string[] = [];
    for (let minor = 0; minor <= 100_000; minor++) {
      const text = formatMinor(minor);
      const wire = Number(text);
      if (!isWireMoney(wire) || toMinor(wire) !== minor || toWire(minor) !== wire) failures.push(text);
    }
    expect(failures).toEqual([]);
  });

  it('minor → wire is the double nearest the two-place decimal, and converts back exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_MINOR, max: MAX_MINOR }), (minor) => {
        const wire = toWire(minor);
        expect(wire).toBe(Number(formatMinor(minor)));
        expect(toMinor(wire)).toBe(minor);
      }),
      { numRuns: 2000 },
    );
  });

  it('a decimal written with at most two places is wire money with the expected minor units', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.integer({ min: 0, max: 99 }),
        fc.boolean(),
        (whole, cents, negative) => {
          const text = `${negative ? '-' : ''}${whole}.${String(cents).padStart(2, '0')}`;
          const expected = (negative ? -1 : 1) * (whole * 100 + cents);
          expect(toMinor(Number(text))).toBe(expected === 0 ? 0 : expected);
          expect(parseDecimalMinor(text)).toBe(expected === 0 ? 0 : expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('an amount with a third decimal place is never wire money', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 }).filter((n) => n % 10 !== 0),
        (thousandths) => {
          expect(isWireMoney(thousandths / 1000)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('parseDecimalMinor', () => {
  it.each([
    ['249.5', 24950],
    ['249.50', 24950],
    ['1000', 100000],
    [' 12.30 ', 1230],
    ['0.05', 5],
    ['-0.05', -5],
    ['007.10', 710],
  ])('parses %j as %s', (text, minor) => {
    expect(parseDecimalMinor(text)).toBe(minor);
  });

  it('parses "-0" as +0', () => {
    expect(Object.is(parseDecimalMinor('-0'), 0)).toBe(true);
  });

  it.each(['1.005', '1,000.00', '', 'abc', '1.', '.5', '+1', '1e3', '12 .30', '0x10', '99999999999999999999'])('rejects %j', (text) => {
    expect(parseDecimalMinor(text)).toBeNull();
  });
});

describe('formatMinor', () => {
  it.each([
    [17438, '174.38'],
    [5, '0.05'],
    [0, '0.00'],
    [100000, '1000.00'],
    [-5, '-0.05'],
    [-17438, '-174.38'],
  ])('formats %s as %s', (minor, text) => {
    expect(formatMinor(minor)).toBe(text);
  });
});

describe('roundMinor', () => {
  it.each([
    [2.5, 3],
    [-2.5, -3],
    [2.4999, 2],
    [-2.4999, -2],
    [1440.0000001, 1440],
    [7, 7],
  ])('rounds %s half away from zero to %s', (amount, minor) => {
    expect(roundMinor(amount)).toBe(minor);
  });

  it('never returns -0', () => {
    expect(Object.is(roundMinor(-0.4), 0)).toBe(true);
  });
});
