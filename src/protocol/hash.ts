/** Transaction hashes over RFC 8785 canonical JSON, and mandate proofs bound to them. */
import { hash } from 'node:crypto';
import { canonicalJson } from './canonical.js';
import { canonicalBytes } from './canonical-bytes.js';

export { canonicalJson } from './canonical.js';

/**
 * Hashes already computed, by object. A message is never changed once sent (a fault that garbles
 * one garbles a copy), so a quote's payload has one hash however many times it is asked for: the
 * buyer's for its mandate proof and the store's to check that proof, and again for a resent
 * accept.
 */
const computed = new WeakMap<object, string>();

/**
 * `sha256:<hex>` of the canonical JSON of `value` (e.g. an accepted quote's payload), hashed from
 * its bytes as written (canonicalBytes) where it can be, without making the text.
 */
export function transactionHash(value: unknown): string {
  if (typeof value !== 'object' || value === null) return sha256Text(hash('sha256', canonicalJson(value), 'binary'));
  let text = computed.get(value);
  if (text === undefined) {
    text = sha256Text(hash('sha256', canonicalBytes(value) ?? canonicalJson(value), 'binary'));
    computed.set(value, text);
  }
  return text;
}

const HEX = '0123456789abcdef';
/** "sha256:" then room for 64 hex digits, as character codes */
const hashCodes = Array.from('sha256:' + '0'.repeat(64), (c) => c.charCodeAt(0));

/**
 * `sha256:<hex>` of a digest given as 32 one-byte characters ('binary'), made flat in one call:
 * the prefix joined to the hex text would be a rope that its first reader (the accept's
 * validation) flattens into a third string.
 */
function sha256Text(digest: string): string {
  for (let i = 0; i < 32; i++) {
    const b = digest.charCodeAt(i);
    hashCodes[7 + 2 * i] = HEX.charCodeAt(b >> 4);
    hashCodes[8 + 2 * i] = HEX.charCodeAt(b & 15);
  }
  return String.fromCharCode.apply(null, hashCodes);
}

/** HMAC-SHA256 proof that the holder of `mandateKey` authorised `transactionHashText`, base64url. */
export function mandateSignature(mandateKey: Uint8Array, mandateId: string, transactionHashText: string): string {
  const p = padsOf(mandateKey);
  // The message `${mandateId}\n${transactionHashText}` written in place, without making it.
  let at = SHA256_BLOCK;
  if (mandateId.length + transactionHashText.length + 1 <= SCRATCH_MESSAGE / 3) {
    at += p.inner.write(mandateId, at, 'utf8');
    p.inner[at++] = 0x0a;
    at += p.inner.write(transactionHashText, at, 'utf8');
    return hmacOf(p, at);
  }
  return hmacSha256(mandateKey, `${mandateId}\n${transactionHashText}`);
}

const SHA256_BLOCK = 64;
/** Room for a message after the inner key block; longer messages take a fresh buffer. */
const SCRATCH_MESSAGE = 1024;

/**
 * Per key, two buffers that start with the key XOR ipad and XOR opad (RFC 2104); each call
 * writes its message (inner) or the inner digest (outer) after them.
 */
interface Pads {
  readonly inner: Buffer;
  readonly outer: Buffer;
  /** the inner buffer up to the end of the last message, kept while messages are that long */
  view: Buffer | undefined;
}

const pads = new WeakMap<Uint8Array, Pads>();

function padsOf(key: Uint8Array): Pads {
  let p = pads.get(key);
  if (p === undefined) {
    const k = Buffer.alloc(SHA256_BLOCK);
    (key.length > SHA256_BLOCK ? hash('sha256', key, 'buffer') : Buffer.from(key)).copy(k);
    p = { inner: Buffer.alloc(SHA256_BLOCK + SCRATCH_MESSAGE), outer: Buffer.alloc(SHA256_BLOCK + 32), view: undefined };
    for (let i = 0; i < SHA256_BLOCK; i++) {
      p.inner[i] = k[i]! ^ 0x36;
      p.outer[i] = k[i]! ^ 0x5c;
    }
    pads.set(key, p);
  }
  return p;
}

/**
 * HMAC-SHA256 (RFC 2104) of `message` (UTF-8), base64url: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)) from
 * two one-shot hashes. The same bytes as createHmac, which builds a stream object per call
 * (about 4 µs here, against under 2).
 */
export function hmacSha256(key: Uint8Array, message: string): string {
  const p = padsOf(key);
  // A UTF-16 code unit takes at most three bytes of UTF-8.
  if (message.length * 3 <= SCRATCH_MESSAGE) return hmacOf(p, SHA256_BLOCK + p.inner.write(message, SHA256_BLOCK, 'utf8'));
  p.outer.write(hash('sha256', Buffer.concat([p.inner.subarray(0, SHA256_BLOCK), Buffer.from(message, 'utf8')]), 'binary'), SHA256_BLOCK, 'binary');
  return hash('sha256', p.outer, 'base64url');
}

/** The HMAC of the message written into `p.inner` up to `end`. */
function hmacOf(p: Pads, end: number): string {
  // Messages signed with one key are mostly of one length (a mandate id and a transaction hash).
  if (p.view?.length !== end) p.view = p.inner.subarray(0, end);
  p.outer.write(hash('sha256', p.view, 'binary'), SHA256_BLOCK, 'binary');
  return hash('sha256', p.outer, 'base64url');
}
