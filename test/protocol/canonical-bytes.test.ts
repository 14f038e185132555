import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/protocol/canonical.js';
import { canonicalBytes } from '../../src/protocol/canonical-bytes.js';
import { transactionHash } from '../../src/protocol/hash.js';
import { createHash } from 'node:crypto';
import { withKeysInOrder as sorted } from './fixtures.js';

/** canonicalBytes as text, or undefined when it leaves the value to canonicalJson. */
const written = (v: unknown): string | undefined => {
  const bytes = canonicalBytes(v);
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
};

describe('canonicalBytes', () => {
  it("writes canonicalJson's text as UTF-8, for trees with their keys in order", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const tree = sorted(value);
        const text = written(tree);
        // Only objects and arrays are written; a tree it leaves to canonicalJson is fine too.
        if (text !== undefined) expect(text).toBe(canonicalJson(tree));
        if (typeof tree === 'object' && tree !== null && text !== undefined) expect(Buffer.from(canonicalBytes(tree)!)).toEqual(Buffer.from(canonicalJson(tree), 'utf8'));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes every tree of sorted plain objects, arrays, finite numbers and well-formed strings', () => {
    const tree = { a: [1, -0, 1e21, 5e-324, 0.1, true, false, null], b: { c: 'é€😀\u2028\u007f\u0000"\\/', d: [] }, e: {} };
    expect(written(tree)).toBe(canonicalJson(tree));
    expect(written(tree)).toBe('{"a":[1,0,1e+21,5e-324,0.1,true,false,null],"b":{"c":"é€😀\u2028\u007f\\u0000\\"\\\\/","d":[]},"e":{}}');
  });

  it('writes strings of any code units as JSON.stringify does, and leaves lone surrogates to canonicalJson', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const text = written({ k: s, l: [s] });
        if ((s as unknown as { isWellFormed(): boolean }).isWellFormed()) expect(text).toBe(`{"k":${JSON.stringify(s)},"l":[${JSON.stringify(s)}]}`);
        else expect(text).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('writes numbers as ECMAScript does: amounts of cents, whole numbers and any other double', () => {
    const cents = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.constantFrom(1e15 - 1, 1e15, 1e15 + 1, -1e15 + 1, 99, 100, 101, 5, 50, 105));
    const amounts = cents.map((c) => c / 100);
    const doubles = fc.oneof(amounts, cents, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ min: -1e4, max: 1e4, noNaN: true }));
    fc.assert(
      fc.property(doubles, (v) => {
        expect(written({ a: v })).toBe(`{"a":${JSON.stringify(v)}}`);
      }),
      { numRuns: 20_000 },
    );
    for (const v of [0, -0, 0.01, 0.1, 0.07, 1659.2, 116.14, -1.5, 1e-7, 0.001, 9_999_999_999_999.99, 1e13, 123_456_789_012_345.67, 2 ** 53, 5e-324]) expect(written([v])).toBe(`[${JSON.stringify(v)}]`);
  });

  it('leaves to canonicalJson what it would write otherwise', () => {
    expect(written({ b: 1, a: 2 })).toBeUndefined();
    expect(written({ 9: 'a', 10: 'b' })).toBeUndefined();
    expect(written({ a: undefined })).toBeUndefined();
    expect(written([1, undefined])).toBeUndefined();
    expect(written({ a: Number.NaN })).toBeUndefined();
    expect(written({ a: { toJSON: () => 1 } })).toBeUndefined();
    expect(written({ a: Object.assign([1], { toJSON: () => 2 }) })).toBeUndefined();
    expect(written({ a: new Date(0) })).toBeUndefined();
    expect(written({ a: Object.create({ inherited: 1 }) as object })).toBeUndefined();
    expect(written('text')).toBeUndefined();
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(written(deep)).toBeUndefined();
    expect(canonicalJson(deep)).toBe(`${'['.repeat(70)}1${']'.repeat(70)}`);
  });

  it('grows its buffer for a long text, and writes the next value from the start', () => {
    const long = { a: 'x'.repeat(50_000), b: 'é'.repeat(20_000) };
    expect(written(long)).toBe(canonicalJson(long));
    expect(written({ a: 1 })).toBe('{"a":1}');
  });

  it('gives transaction hashes over the same bytes as the text', () => {
    const payload = { currency: 'USD', items: [{ name: 'Ünïcode "widget"', quantity: 2, sku: 'W-1', unit_price: 12.5 }], quote_id: 'q_s_1', totals: { total: 25 } };
    expect(transactionHash(payload)).toBe(`sha256:${createHash('sha256').update(canonicalJson(payload), 'utf8').digest('hex')}`);
    const unsorted = { b: 1, a: 2 };
    expect(transactionHash(unsorted)).toBe(`sha256:${createHash('sha256').update('{"a":2,"b":1}', 'utf8').digest('hex')}`);
  });
});
