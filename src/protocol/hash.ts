/** Transaction hashes over RFC 8785 canonical JSON, and mandate proofs bound to them. */
import { createHmac, hash } from 'node:crypto';
import { canonicalJson } from './canonical.js';

export { canonicalJson } from './canonical.js';

/** `sha256:<hex>` of the canonical JSON of `value` (e.g. an accepted quote's payload). */
export function transactionHash(value: unknown): string {
  return `sha256:${hash('sha256', canonicalJson(value), 'hex')}`;
}

/** HMAC-SHA256 proof that the holder of `mandateKey` authorised `transactionHashText`, base64url. */
export function mandateSignature(mandateKey: Uint8Array, mandateId: string, transactionHashText: string): string {
  return createHmac('sha256', mandateKey).update(`${mandateId}\n${transactionHashText}`).digest('base64url');
}
