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

/** Modular inverse by the extended Euclidean algorithm (N is prime, a is not 0 mod N). */
function invert(a: bigint): bigint {
  let [r0, r1] = [N, mod(a)];
  let [t0, t1] = [0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return mod(t0);
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
  const digest = createHash('sha256').update(message).digest();
  const z = toBigInt(digest);
  const h1 = to32(z % N);
  const e = curve();
  for (const k of nonces(key.dBytes, h1)) {
    e.setPrivateKey(to32(k));
    const point = e.getPublicKey();
    const r = mod(toBigInt(point.subarray(1, 33)));
    if (r === 0n) continue;
    let s = mod(invert(k) * (z + r * key.d));
    if (s === 0n) continue;
    if (s > HALF_N) s = N - s;
    return Buffer.concat([to32(r), to32(s)]);
  }
  throw new Error('unreachable');
}
