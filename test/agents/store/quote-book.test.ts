import { describe, expect, it } from 'vitest';
import { ORDER_RETENTION_US, QuoteBook, type ExecutedQuote, type QuoteState } from '../../../src/agents/store/quote-book.js';

const prefix = 'q_st_';
function quote(key: number, issuedUs: number, validUs = 1_000): QuoteState {
  return {
    conversationId: `c${key}`,
    buyer: 'agent:b',
    items: [],
    subtotal: 1,
    tax: 0,
    listMinor: 100,
    floorMinor: 90,
    deliveryEstimate: '2026-01-02',
    category: 'c',
    limiterKey: '',
    neg: undefined,
    quoteId: `${prefix}${key}`,
    key,
    payload: {} as QuoteState['payload'],
    totalMinor: 100,
    validUntilUs: issuedUs + validUs,
    round: 0,
    issuedUs,
  };
}

describe('quote book', () => {
  it('finds live quotes by id through any number of forgets, replacements and sweeps', () => {
    const book = new QuoteBook();
    const held = new Map<number, QuoteState>();
    const made: QuoteState[] = [];
    let x = 11;
    for (let key = 1; key <= 5000; key++) {
      x = (x * 48271) % 2147483647;
      const q = quote(key, key * 10);
      made[key] = q;
      const replaces = key > 1 && x % 3 === 0 ? made[key - 1] : undefined;
      if (replaces) book.forget(replaces);
      book.add(q);
      if (replaces) held.delete(key - 1);
      held.set(key, q);
      if (x % 5 === 0) {
        const gone = 1 + (x % key);
        book.forget(made[gone]!);
        held.delete(gone);
      }
      const expired: number[] = [];
      book.sweep(key * 10, (e) => expired.push(e.key));
      for (const k of expired) {
        expect(held.has(k)).toBe(true);
        held.delete(k);
      }
      if (key % 250 === 0) for (let k = 1; k <= key; k++) expect(book.get(`${prefix}${k}`)).toBe(held.get(k));
    }
    expect(book.get(`${prefix}0`)).toBeUndefined();
    expect(book.get(`${prefix}5001`)).toBeUndefined();
    expect(book.get('q_other_3')).toBeUndefined();
  });

  it('refuses to sweep a negotiation filed again under a new number without forgetting the old one', () => {
    const book = new QuoteBook();
    const q = quote(1, 0, 100);
    book.add(q);
    // The mistake forget-before-replace guards against: the key moves while the old slot still holds it.
    q.key = 2;
    q.quoteId = `${prefix}2`;
    book.add(q);
    expect(() => book.sweep(1_000, () => {})).toThrow(/not filed under its number/);
  });

  it('sweeps quotes in the order issued, stopping at the first not yet due', () => {
    const book = new QuoteBook();
    book.add(quote(1, 0, 100));
    book.add(quote(2, 0, 10_000));
    book.add(quote(3, 0, 100));
    const expired: number[] = [];
    book.sweep(1_000, (q) => expired.push(q.key));
    expect(expired).toEqual([1]);
    expect(book.get(`${prefix}3`)?.key).toBe(3);
  });

  it('keeps what a retried accept and the receipt need of an executed quote, by quote and by order id', () => {
    const book = new QuoteBook();
    const q = quote(1, 0);
    book.add(q);
    const confirmation = { order_id: 'o1' } as ExecutedQuote['confirmation'];
    const done = book.executedAs(q, confirmation);
    expect(done).toEqual({ quoteId: `${prefix}1`, key: 1, buyer: 'agent:b', validUntilUs: 1_000, confirmation, acknowledged: false });
    // No longer live: a counter naming it is told it was accepted, an accept gets the confirmation again.
    expect(book.get(`${prefix}1`)).toBeUndefined();
    expect(book.executedQuote(`${prefix}1`)).toBe(done);
    expect(book.order('o1')).toBe(done);
    // Kept ORDER_RETENTION_US past its validity, then forgotten.
    book.sweep(1_000 + ORDER_RETENTION_US, () => {});
    expect(book.order('o1')).toBe(done);
    book.sweep(1_001 + ORDER_RETENTION_US + 100_000, () => {});
    expect(book.order('o1')).toBeUndefined();
    expect(book.executedQuote(`${prefix}1`)).toBeUndefined();
    book.executedAs(quote(2, 0), { order_id: 'o2' } as ExecutedQuote['confirmation']);
    book.clear();
    expect(book.executedQuote(`${prefix}2`)).toBeUndefined();
    expect(book.get(`${prefix}1`)).toBeUndefined();
    book.add(quote(7, 0));
    expect(book.get(`${prefix}7`)?.key).toBe(7);
  });

  it('finds a quote by its own id only, not by another id ending in the same number', () => {
    const book = new QuoteBook();
    book.add(quote(4, 0));
    book.executedAs(quote(5, 0), { order_id: 'o5' } as ExecutedQuote['confirmation']);
    expect(book.get(['q', 'st', '4'].join('_'))?.key).toBe(4);
    for (const other of ['q_st_', 'q_st_04', 'q_st_4x', 'q_ot_4', 'q_st_-4', '4', `q_st_${'9'.repeat(16)}4`]) expect(book.get(other)).toBeUndefined();
    expect(book.executedQuote(`${prefix}5`)?.key).toBe(5);
    expect(book.executedQuote('q_ot_5')).toBeUndefined();
  });
});
