/**
 * Detached JWS (RFC 7515 appendix F) over RFC 8785 canonical JSON: the compact serialisation
 * `<protected header>..<signature>` with the payload left out, because the payload is the
 * message itself (without its `signature` member), canonicalised. ES256 and EdDSA (Ed25519).
 */
import { createPrivateKey, createPublicKey, sign as edSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../protocol/canonical.js';
import { es256KeyFromSeed, es256Sign, type Es256Key } from './es256.js';

export type SigningAlgorithm = 'es256' | 'eddsa';
export type JoseAlgorithm = 'ES256' | 'EdDSA';

export const JOSE_ALG: Record<SigningAlgorithm, JoseAlgorithm> = { es256: 'ES256', eddsa: 'EdDSA' };

/** A public key as a JWK (RFC 7517), with the members a JWK set in a profile carries. */
export interface PublicJwk {
  readonly kty: 'EC' | 'OKP';
  readonly crv: 'P-256' | 'Ed25519';
  readonly x: string;
  readonly y?: string;
  readonly kid: string;
  readonly alg: JoseAlgorithm;
  readonly use: 'sig';
}

/** A key pair that signs; its public half verifies through node:crypto. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: JoseAlgorithm;
  readonly jwk: PublicJwk;
  readonly publicKey: KeyObject;
  sign(data: string): Buffer;
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A signing key derived from 32 seed bytes, so the same seed always gives the same key. */
export function deriveSigningKey(algorithm: SigningAlgorithm, seed: Uint8Array, kid: string): SigningKey {
  if (algorithm === 'eddsa') {
    const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey(privateKey);
    const x = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
    return { kid, alg: 'EdDSA', jwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' }, publicKey, sign: (data) => edSign(null, Buffer.from(data), privateKey) };
  }
  const key: Es256Key = es256KeyFromSeed(seed);
  const jwk: PublicJwk = {
    kty: 'EC',
    crv: 'P-256',
    x: key.publicKey.subarray(1, 33).toString('base64url'),
    y: key.publicKey.subarray(33, 65).toString('base64url'),
    kid,
    alg: 'ES256',
    use: 'sig',
  };
  return { kid, alg: 'ES256', jwk, publicKey: publicKeyOf(jwk), sign: (data) => es256Sign(key, data) };
}

/** A node:crypto public key from a JWK. */
export function publicKeyOf(jwk: PublicJwk): KeyObject {
  const { kty, crv, x, y } = jwk;
  return createPublicKey({ key: y === undefined ? { kty, crv, x } : { kty, crv, x, y }, format: 'jwk' });
}

/** Verifies a raw JWS signature made with `alg` over `data`. */
export function verifyRaw(alg: JoseAlgorithm, publicKey: KeyObject, data: string, signature: Buffer): boolean {
  try {
    return alg === 'ES256'
      ? nodeVerify('sha256', Buffer.from(data), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)
      : nodeVerify(null, Buffer.from(data), publicKey, signature);
  } catch {
    return false;
  }
}

export interface JwsHeader {
  readonly alg: JoseAlgorithm;
  readonly kid: string;
}

/** The protected header, encoded once per key (it is the same for every message the key signs). */
export function encodeHeader(header: JwsHeader): string {
  return Buffer.from(JSON.stringify({ alg: header.alg, kid: header.kid })).toString('base64url');
}

/** `<header>..<signature>`: a detached compact JWS over `canonical` (already RFC 8785 JSON). */
export function signDetached(key: SigningKey, encodedHeader: string, canonical: string): string {
  const input = `${encodedHeader}.${Buffer.from(canonical).toString('base64url')}`;
  return `${encodedHeader}..${key.sign(input).toString('base64url')}`;
}

export interface ParsedJws {
  readonly header: JwsHeader;
  readonly encodedHeader: string;
  readonly signature: Buffer;
}

/** Splits a detached compact JWS; undefined when it is not one (or its header is unusable). */
export function parseDetached(jws: string): ParsedJws | undefined {
  const parts = jws.split('.');
  if (parts.length !== 3 || parts[1] !== '') return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Partial<JwsHeader>;
    if ((header.alg !== 'ES256' && header.alg !== 'EdDSA') || typeof header.kid !== 'string') return undefined;
    return { header: { alg: header.alg, kid: header.kid }, encodedHeader: parts[0]!, signature: Buffer.from(parts[2]!, 'base64url') };
  } catch {
    return undefined;
  }
}

/** True when `jws` is a valid detached signature by `publicKey` over `canonical`. */
export function verifyDetached(parsed: ParsedJws, publicKey: KeyObject, canonical: string): boolean {
  const input = `${parsed.encodedHeader}.${Buffer.from(canonical).toString('base64url')}`;
  return verifyRaw(parsed.header.alg, publicKey, input, parsed.signature);
}

/** An attached compact JWS over a JSON value (certificates and mandates are such tokens). */
export function signToken(key: SigningKey, claims: unknown): string {
  const header = encodeHeader({ alg: key.alg, kid: key.kid });
  const payload = Buffer.from(canonicalJson(claims)).toString('base64url');
  return `${header}.${payload}.${key.sign(`${header}.${payload}`).toString('base64url')}`;
}

/** The claims of an attached compact JWS if it verifies with `publicKey`, else undefined. */
export function verifyToken<T>(token: string, publicKey: KeyObject): T | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  let header: Partial<JwsHeader>;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Partial<JwsHeader>;
  } catch {
    return undefined;
  }
  if (header.alg !== 'ES256' && header.alg !== 'EdDSA') return undefined;
  if (!verifyRaw(header.alg, publicKey, `${parts[0]}.${parts[1]}`, Buffer.from(parts[2]!, 'base64url'))) return undefined;
  try {
    return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
