import { describe, expect, it } from 'vitest';
import { formatDurationUs, parseDurationUs, parseMoneyMinor, parseRatePerUs } from '../../src/scenario/units.js';

describe('parseDurationUs', () => {
  it.each([
    ['250ms', 250_000],
    ['1.5s', 1_500_000],
    ['5m', 300_000_000],
    ['500us', 500],
    ['500µs', 500],
    ['2h', 7_200_000_000],
    ['7d', 604_800_000_000],
    ['0s', 0],
    ['0.5ms', 500],
    [' 2 s ', 2_000_000],
    ['1.25m', 75_000_000],
  ])('%j is %s µs', (text, us) => {
    expect(parseDurationUs(text)).toBe(us);
  });

  it('rounds to whole microseconds', () => {
    expect(parseDurationUs('1.0004ms')).toBe(1_000);
    expect(parseDurationUs('1.0006ms')).toBe(1_001);
  });

  it.each(['250', '', 'ms', '-5s', '5S', '5 sec', '1e3ms', '.5s', '5.s', '5ms5', '5 m s', '5y', '1,5s', '99999999999999d'])('rejects %j', (text) => {
    expect(parseDurationUs(text)).toBeNull();
  });
});

describe('formatDurationUs', () => {
  it.each([
    [0, '0s'],
    [500, '500µs'],
    [1_500, '1.5ms'],
    [250_000, '250ms'],
    [2_000_000, '2s'],
    [90_000_000, '1.5m'],
    [7_200_000_000, '2h'],
    [-1_500, '-1.5ms'],
    [1_234_567, '1.235s'],
  ])('%s µs reads as %s', (us, text) => {
    expect(formatDurationUs(us)).toBe(text);
  });

  it('reads back as the same duration', () => {
    for (const text of ['250ms', '1.5s', '5m', '500µs', '2h']) {
      const us = parseDurationUs(text)!;
      expect(parseDurationUs(formatDurationUs(us))).toBe(us);
    }
  });
});

describe('parseRatePerUs', () => {
  it.each([
    ['6/m', 6 / 60_000_000],
    ['12/m', 12 / 60_000_000],
    ['0.5/s', 0.5 / 1_000_000],
    ['100/h', 100 / 3_600_000_000],
    ['1/ms', 1 / 1_000],
    ['24/d', 24 / 86_400_000_000],
    [' 3 / s ', 3 / 1_000_000],
    [0, 0],
  ] as [string | number, number][])('%j is %s per µs', (value, perUs) => {
    expect(parseRatePerUs(value)).toBeCloseTo(perUs, 15);
  });

  it('turns 60/m and 1/s into the same rate', () => {
    expect(parseRatePerUs('60/m')).toBeCloseTo(parseRatePerUs('1/s')!, 15);
  });

  it.each(['-6/m', '6', '6/', '/m', '6/min', '6 per m', 'abc'] as (string | number)[])('rejects %j', (value) => {
    expect(parseRatePerUs(value)).toBeNull();
  });

  it.each([2, 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %s: a rate carries its unit', (value) => {
    expect(parseRatePerUs(value)).toBeNull();
  });
});

describe('parseMoneyMinor', () => {
  it.each([
    [249.99, 24999],
    ['249.99', 24999],
    [150, 15000],
    ['150', 15000],
    ['9.9', 990],
    [0, 0],
    ['-5', -500],
  ] as [string | number, number][])('%j is %s minor units', (value, minor) => {
    expect(parseMoneyMinor(value)).toBe(minor);
  });

  it.each([1.005, '1.005', 0.1 + 0.2, Number.NaN, Number.POSITIVE_INFINITY, '1,000', '$5', '', 'abc'] as (string | number)[])('rejects %j', (value) => {
    expect(parseMoneyMinor(value)).toBeNull();
  });
});
