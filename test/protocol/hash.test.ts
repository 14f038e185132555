import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash, createHmac } from 'node:crypto';
import { canonicalJson, hmacSha256, mandateSignature, transactionHash } from '../../src/protocol/hash.js';
import { quotePayload, withChange } from './fixtures.js';

/** A deep copy of a JSON value with the keys of every object in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    // fromEntries keeps a "__proto__" key as an own property, as JSON.parse does
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  }
  return value;
}

describe('canonicalJson (RFC 8785)', () => {
  it('sorts object keys and drops whitespace', () => {
    expect(canonicalJson({ b: 2, a: 1, c: { z: [3, 1], y: null } })).toBe('{"a":1,"b":2,"c":{"y":null,"z":[3,1]}}');
  });

  it('writes numbers the way ECMAScript does', () => {
    expect(canonicalJson([1.0, 174.38, 1e21, 0.000001, -0])).toBe('[1,174.38,1e+21,0.000001,0]');
  });

  it('sorts keys by UTF-16 code units', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, é: 4 })).toBe('{"B":2,"a":3,"b":1,"é":4}');
  });

  it('refuses a value with no JSON representation', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});

describe('transactionHash', () => {
  it('is sha256 over the canonical JSON, written sha256:<64 hex>', () => {
    const expected = createHash('sha256').update('{"quote_id":"q1","total":174.38}').digest('hex');
    expect(transactionHash({ total: 174.38, quote_id: 'q1' })).toBe(`sha256:${expected}`);
    expect(transactionHash(quotePayload())).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('does not depend on the order of keys', () => {
    const quote = quotePayload();
    const reordered = reverseKeys(quote);
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(quote));
    expect(transactionHash(reordered)).toBe(transactionHash(quote));
  });

  it('does not depend on the order of keys, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(transactionHash(reverseKeys(value))).toBe(transactionHash(value));
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['the total changes by one cent', ['totals', 'total'], 174.39],
    ['the quantity changes', ['items', 0, 'quantity'], 2],
    ['the sku changes', ['items', 0, 'sku'], 'WH-PRO-002'],
    ['the quote id changes', ['quote_id'], 'quote_abc124'],
    ['a field is added', ['note'], 'hello'],
    ['a field is removed', ['delivery_estimate'], undefined],
  ] as [string, (string | number)[], unknown][])('changes when %s', (_name, path, value) => {
    expect(transactionHash(withChange(quotePayload(), path, value))).not.toBe(transactionHash(quotePayload()));
  });

  it('changes when array elements swap places', () => {
    const two = withChange(quotePayload(), ['items', 1], { ...quotePayload().items[0]!, sku: 'WH-LITE-001' });
    const swapped = withChange(two, ['items'], [...two.items].reverse());
    expect(transactionHash(swapped)).not.toBe(transactionHash(two));
  });
});

describe('hmacSha256', () => {
  it('gives the bytes of node:crypto HMAC-SHA256 for any key length and message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 150 }), fc.string({ unit: 'grapheme', maxLength: 300 }), (key, message) => {
        expect(hmacSha256(key, message)).toBe(createHmac('sha256', key).update(message, 'utf8').digest('base64url'));
      }),
      { numRuns: 300 },
    );
  });

  it('matches RFC 4231 test case 2', () => {
    const mac = hmacSha256(new TextEncoder().encode('Jefe'), 'what do ya want for nothing?');
    expect(Buffer.from(mac, 'base64url').toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});

describe('mandateSignature', () => {
  const key = new Uint8Array(32).fill(1);
  const hash = transactionHash(quotePayload());

  it('is deterministic base64url of 32 bytes', () => {
    const sig = mandateSignature(key, 'mandate_xyz789', hash);
    expect(sig).toBe(mandateSignature(new Uint8Array(32).fill(1), 'mandate_xyz789', hash));
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is the HMAC of the mandate id and the hash on two lines, with one key for messages of any length in turn', () => {
    const reference = (k: Uint8Array, id: string, h: string) => createHmac('sha256', k).update(`${id}\n${h}`, 'utf8').digest('base64url');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.string({ maxLength: 80 })), { minLength: 1, maxLength: 6 }), (calls) => {
        for (const [id, h] of calls) expect(mandateSignature(key, id, h)).toBe(reference(key, id, h));
      }),
      { numRuns: 200 },
    );
    expect(mandateSignature(key, 'mandate_é', hash)).toBe(reference(key, 'mandate_é', hash));
    expect(mandateSignature(key, 'm'.repeat(2000), hash)).toBe(reference(key, 'm'.repeat(2000), hash));
  });

  it('changes with the key, the mandate and the transaction hash', () => {
    const sig = mandateSignature(key, 'mandate_xyz789', hash);
    expect(mandateSignature(new Uint8Array(32).fill(2), 'mandate_xyz789', hash)).not.toBe(sig);
    expect(mandateSignature(key, 'mandate_xyz780', hash)).not.toBe(sig);
    expect(mandateSignature(key, 'mandate_xyz789', transactionHash(withChange(quotePayload(), ['totals', 'total'], 174.39)))).not.toBe(sig);
  });
});
