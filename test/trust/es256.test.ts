import { p256 } from '@noble/curves/nist.js';
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { es256KeyFromScalar, es256KeyFromSeed, es256Sign, invertModN } from '../../src/trust/es256.js';

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

describe('deterministic ES256', () => {
  it('gives the signature @noble/curves gives (RFC 6979, low S) for many keys and messages', () => {
    for (let i = 0; i < 40; i++) {
      const key = es256KeyFromSeed(Buffer.from(`seed-${i}`));
      const message = Buffer.from(`message ${i} `.repeat(i + 1));
      const ours = es256Sign(key, message);
      expect(Buffer.from(p256.sign(message, key.dBytes)).toString('hex')).toBe(ours.toString('hex'));
      expect(Buffer.from(p256.getPublicKey(key.dBytes, false)).equals(key.publicKey)).toBe(true);
    }
  });

  it('matches the P-256 / SHA-256 vector of RFC 6979 appendix A.2.5 (message "sample")', () => {
    const key = es256KeyFromScalar(0xc9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721n);
    const sig = es256Sign(key, 'sample');
    const r = BigInt(`0x${sig.subarray(0, 32).toString('hex')}`);
    const s = BigInt(`0x${sig.subarray(32).toString('hex')}`);
    expect(r).toBe(0xefd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716n);
    // the RFC's s is the high one; low-S normalisation gives N − s
    expect(s).toBe(N - 0xf7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8n);
    expect(key.publicKey.subarray(1, 33).toString('hex').toUpperCase()).toBe('60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6');
  });

  it('is the same signature every time, and OpenSSL verifies it', () => {
    const key = es256KeyFromSeed(Buffer.from('k'));
    const a = es256Sign(key, 'hello');
    expect(es256Sign(key, 'hello').equals(a)).toBe(true);
    const pub = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: key.publicKey.subarray(1, 33).toString('base64url'), y: key.publicKey.subarray(33).toString('base64url') }, format: 'jwk' });
    expect(verify('sha256', Buffer.from('hello'), { key: pub, dsaEncoding: 'ieee-p1363' }, a)).toBe(true);
    expect(verify('sha256', Buffer.from('hellp'), { key: pub, dsaEncoding: 'ieee-p1363' }, a)).toBe(false);
  });
});

describe('inverse modulo the P-256 group order', () => {
  const N = p256.Point.CURVE().n;

  it('gives a·a⁻¹ ≡ 1 for any a, and the same as the plain extended Euclid', () => {
    const plain = (a: bigint): bigint => {
      let [r0, r1, t0, t1] = [N, a % N, 0n, 1n];
      while (r1 !== 0n) {
        const q = r0 / r1;
        [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
      }
      return ((t0 % N) + N) % N;
    };
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: N - 1n }), (a) => {
        const inverse = invertModN(a);
        expect((inverse * a) % N).toBe(1n);
        expect(inverse).toBe(plain(a));
      }),
      { numRuns: 2000 },
    );
    // Edges: the smallest and largest values, powers of two and values around the double range.
    for (const a of [1n, 2n, N - 1n, N - 2n, 1n << 255n, (1n << 53n) - 1n, 1n << 53n, N >> 1n]) expect((invertModN(a) * a) % N).toBe(1n);
    expect(() => invertModN(N)).toThrow(RangeError);
  });
});
