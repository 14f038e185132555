/**
 * Deterministic ES256 (ECDSA on P-256 with SHA-256, RFC 6979 nonces), so that a signature is a
 * pure function of key and message and runs stay reproducible. OpenSSL's ECDSA in node:crypto
 * draws a random nonce; the RFC 6979 nonce is derived here with HMAC-SHA256 and the one scalar
 * multiplication is done by OpenSSL through ECDH (about 30 µs, against ~1 ms for a pure
 * JavaScript implementation). Tests hold the output to @noble/curves and to RFC 6979's vectors.
 * Signatures are low-S normalised, as @noble/curves makes them; any ES256 verifier accepts them.
 */
import { createECDH, createHash, hash, type ECDH } from 'node:crypto';

/** Order of the P-256 group. */
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_N = N >> 1n;

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
}

function to32(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

function mod(a: bigint): bigint {
  const r = a % N;
  return r < 0n ? r + N : r;
}

/** Bits a leading digit keeps: products of two stay exact in a double. */
const DIGIT_BITS = 26;
const SMALL = 1n << 53n;

/**
 * Inverse of `a` modulo N (N is prime, a is not 0 mod N), by Lehmer's extended Euclidean
 * algorithm (Knuth, TAOCP vol. 2, 4.5.2, algorithm L): the quotients are found from the leading
 * digits of the remainders in ordinary doubles, and the big numbers are updated once per run of
 * quotients rather than once per quotient, which saves most of the BigInt divisions that make
 * the plain algorithm cost ~45 µs here.
 */
export function invertModN(a: bigint): bigint {
  let u = N;
  let v = mod(a);
  if (v === 0n) throw new RangeError('0 has no inverse');
  // u ≡ x0·a and v ≡ x1·a (mod N) throughout.
  let x0 = 0n;
  let x1 = 1n;
  while (v !== 0n) {
    const m = v >= SMALL ? leadingDigitSteps(u, v) : undefined;
    if (m === undefined) {
      // Small remainders, or leading digits that decide nothing: one plain step.
      const q = u / v;
      [u, v] = [v, u - q * v];
      [x0, x1] = [x1, x0 - q * x1];
    } else {
      const [a1, b1, c1, d1] = m;
      [u, v] = [a1 * u + b1 * v, c1 * u + d1 * v];
      [x0, x1] = [a1 * x0 + b1 * x1, c1 * x0 + d1 * x1];
    }
  }
  return mod(x0);
}

/**
 * The run of Euclid quotients that the leading digits of u > v determine, as the matrix
 * [[A, B], [C, D]] taking (u, v) to the remainders after it; undefined when they determine none.
 */
function leadingDigitSteps(u: bigint, v: bigint): [bigint, bigint, bigint, bigint] | undefined {
  const shift = BigInt(Math.max(0, Math.floor(Math.log2(Number(u))) + 1 - DIGIT_BITS));
  let uh = Number(u >> shift);
  let vh = Number(v >> shift);
  let A = 1;
  let B = 0;
  let C = 0;
  let D = 1;
  while (vh + C !== 0 && vh + D !== 0) {
    const q = Math.floor((uh + A) / (vh + C));
    if (q !== Math.floor((uh + B) / (vh + D))) break;
    [A, C] = [C, A - q * C];
    [B, D] = [D, B - q * D];
    [uh, vh] = [vh, uh - q * vh];
  }
  return B === 0 ? undefined : [BigInt(A), BigInt(B), BigInt(C), BigInt(D)];
}

/** A P-256 signing key: the private scalar and its public point (uncompressed, 65 bytes). */
export interface Es256Key {
  readonly d: bigint;
  readonly dBytes: Buffer;
  readonly publicKey: Buffer;
}

let ecdh: ECDH | undefined;
function curve(): ECDH {
  ecdh ??= createECDH('prime256v1');
  return ecdh;
}

/** The key whose private scalar is derived from `seed` bytes (reduced into [1, N-1]). */
export function es256KeyFromSeed(seed: Uint8Array): Es256Key {
  return es256KeyFromScalar((toBigInt(createHash('sha256').update(seed).digest()) % (N - 1n)) + 1n);
}

/** The key with private scalar `d` (1 ≤ d < N). */
export function es256KeyFromScalar(d: bigint): Es256Key {
  if (d < 1n || d >= N) throw new RangeError('private scalar out of range');
  const dBytes = to32(d);
  const e = curve();
  e.setPrivateKey(dBytes);
  return { d, dBytes, publicKey: e.getPublicKey() };
}

const IPAD = Buffer.alloc(64, 0x36);
const OPAD = Buffer.alloc(64, 0x5c);

/**
 * HMAC-SHA256 (RFC 2104) for a 32-byte key from two one-shot hashes: creating a node:crypto Hmac
 * object costs ~10 µs here, and RFC 6979 needs seven of them per signature.
 */
function hmacSha256(key: Buffer, message: Buffer): Buffer {
  const inner = Buffer.alloc(64 + message.length);
  const outer = Buffer.alloc(64 + 32);
  for (let i = 0; i < 64; i++) {
    const b = i < key.length ? key[i]! : 0;
    inner[i] = b ^ IPAD[i]!;
    outer[i] = b ^ OPAD[i]!;
  }
  message.copy(inner, 64);
  hash('sha256', inner, 'buffer').copy(outer, 64);
  return hash('sha256', outer, 'buffer');
}

/** RFC 6979 section 3.2 nonce candidates for key `x` and message hash `h1` (qlen = hlen = 256). */
function* nonces(x: Buffer, h1: Buffer): Generator<bigint> {
  let v: Buffer = Buffer.alloc(32, 1);
  let k: Buffer = Buffer.alloc(32, 0);
  const hmac = (key: Buffer, ...parts: Buffer[]) => hmacSha256(key, Buffer.concat(parts));
  k = hmac(k, v, Buffer.of(0), x, h1);
  v = hmac(k, v);
  k = hmac(k, v, Buffer.of(1), x, h1);
  v = hmac(k, v);
  for (;;) {
    v = hmac(k, v);
    const candidate = toBigInt(v);
    if (candidate >= 1n && candidate < N) yield candidate;
    k = hmac(k, v, Buffer.of(0));
    v = hmac(k, v);
  }
}

/** ES256 signature (r ‖ s, 64 bytes, the JWS encoding) of `message`. */
export function es256Sign(key: Es256Key, message: Uint8Array | string): Buffer {
  const digest = hash('sha256', message, 'buffer');
  const z = toBigInt(digest);
  const h1 = to32(z % N);
  const e = curve();
  for (const k of nonces(key.dBytes, h1)) {
    e.setPrivateKey(to32(k));
    const point = e.getPublicKey();
    const r = mod(toBigInt(point.subarray(1, 33)));
    if (r === 0n) continue;
    let s = mod(invertModN(k) * (z + r * key.d));
    if (s === 0n) continue;
    if (s > HALF_N) s = N - s;
    return Buffer.concat([to32(r), to32(s)]);
  }
  throw new Error('unreachable');
}
