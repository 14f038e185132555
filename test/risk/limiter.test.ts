import { describe, expect, it } from 'vitest';
import { ExposureLimiter } from '../../src/risk/limiter.js';

const limiter = (over: Partial<{ maxOpenValueMinor: number; counterpartyShare: number; volatilityTightening: number }> = {}) =>
  new ExposureLimiter({ maxOpenValueMinor: 10_000, counterpartyShare: 1, volatilityTightening: 0, ...over });

describe('ExposureLimiter', () => {
  it('caps the value of open negotiations, not their number', () => {
    const l = limiter();
    expect(l.admit('a', 'buyer-1', 6_000, 100, 0, 0)).toBeNull();
    expect(l.admit('b', 'buyer-2', 4_001, 100, 0, 0)).toBe('open_value');
    expect(l.admit('c', 'buyer-2', 4_000, 100, 0, 0)).toBeNull();
    expect(l.openValueMinor(0)).toBe(10_000);
  });

  it('caps one counterparty at its share of the cap', () => {
    const l = limiter({ counterpartyShare: 0.25 });
    expect(l.admit('a', 'buyer-1', 2_000, 100, 0, 0)).toBeNull();
    expect(l.admit('b', 'buyer-1', 501, 100, 0, 0)).toBe('counterparty_share');
    expect(l.admit('c', 'buyer-2', 2_500, 100, 0, 0)).toBeNull();
  });

  it('tightens the cap as volatility rises', () => {
    const l = limiter({ volatilityTightening: 10 });
    expect(l.capMinor(0)).toBe(10_000);
    expect(l.capMinor(0.1)).toBe(5_000);
    expect(l.admit('a', 'buyer-1', 6_000, 100, 0.1, 0)).toBe('open_value');
    expect(l.admit('a', 'buyer-1', 6_000, 100, 0, 0)).toBeNull();
  });

  it('frees value on release, on a lower counter quote, and when quotes lapse', () => {
    const l = limiter();
    l.admit('a', 'buyer-1', 6_000, 100, 0, 0);
    l.admit('b', 'buyer-1', 4_000, 500, 0, 0);
    l.update('a', 5_000, 100);
    expect(l.openValueMinor(0)).toBe(9_000);
    l.release('b');
    expect(l.openValueMinor(0)).toBe(5_000);
    // 'a' is valid until 100: at 101 it no longer counts, so a large new one fits.
    expect(l.admit('c', 'buyer-2', 9_000, 500, 0, 50)).toBe('open_value');
    expect(l.admit('c', 'buyer-2', 9_000, 500, 0, 101)).toBeNull();
  });
});
