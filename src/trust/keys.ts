/**
 * Agent identity. Every organisation has a root key; each of its agents holds, per rotation
 * epoch, a signing key and a certificate (agent id, organisation, public JWK, validity) signed by
 * the root key. The organisation's business profile publishes the JWK set of its agents' current
 * keys (and, for an overlap window after each rotation, the previous ones); verifiers resolve a
 * key id only through that set and check its certificate against the root key.
 *
 * Keys are derived from (seed, name, epoch), never drawn: a run is a pure function of its
 * scenario and seed, and every shard derives the same keys without exchanging them.
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isoTimestamp } from '../protocol/time.js';
import { deriveSigningKey, publicKeyOf, signToken, verifyToken, type JoseAlgorithm, type PublicJwk, type SigningAlgorithm, type SigningKey } from './jws.js';

export interface KeyPolicy {
  readonly algorithm: SigningAlgorithm;
  /** keys rotate every this many µs (undefined: never) */
  readonly rotationUs: number | undefined;
  /** how long after a rotation the previous key stays published */
  readonly overlapUs: number;
}

/** What a certificate says about an agent key. */
export interface AgentCertificate {
  readonly sub: string;
  readonly org: string;
  readonly kid: string;
  readonly jwk: PublicJwk;
  readonly nbf: string;
  readonly exp: string;
}

/** A key a verifier may use: published by the organisation, certified by its root key. */
export interface ResolvedKey {
  readonly subject: string;
  readonly alg: JoseAlgorithm;
  readonly publicKey: KeyObject;
}

/** `agent:acme-1#3` → the agent identifier and the epoch. */
export function parseKid(kid: string): { subject: string; epoch: number } | undefined {
  const hash = kid.lastIndexOf('#');
  if (hash <= 0) return undefined;
  const epoch = Number(kid.slice(hash + 1));
  return Number.isInteger(epoch) ? { subject: kid.slice(0, hash), epoch } : undefined;
}

function seedBytes(...parts: (string | number)[]): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}

export class KeyDirectory {
  private readonly roots = new Map<string, SigningKey>();
  private readonly agentKeys = new Map<string, SigningKey>();
  /** certificate check results by key id (a pure function of the key id, so safe to cache) */
  private readonly certified = new Map<string, ResolvedKey | null>();

  constructor(
    private readonly seed: string | number,
    readonly policy: KeyPolicy,
    /** the organisation of an agent identifier, or undefined for an unknown agent */
    private readonly organisationOf: (identifier: string) => string | undefined,
    /** agent identifiers of an organisation (for its published JWK set) */
    private readonly agentsOf: (organisation: string) => readonly string[],
    private readonly epochMs: number,
    /** organisations whose agents sign with keys of their own (external agents): their public JWKs */
    private readonly externalKeys: ReadonlyMap<string, readonly ExternalJwk[]> = new Map(),
  ) {}

  /**
   * The kid an external agent signs with, with the organisation's `index`-th key: a negative
   * epoch, so it never meets a derived key's.
   */
  static externalKid(identifier: string, index = 0): string {
    return `${identifier}#${-(index + 1)}`;
  }

  /** The rotation epoch at virtual time `atUs`. */
  epochAt(atUs: number): number {
    return this.policy.rotationUs === undefined ? 0 : Math.floor(atUs / this.policy.rotationUs);
  }

  /** True when the organisation's profile publishes keys of `epoch` at `atUs`. */
  published(epoch: number, atUs: number): boolean {
    const current = this.epochAt(atUs);
    if (epoch === current) return true;
    const rotation = this.policy.rotationUs;
    return rotation !== undefined && epoch === current - 1 && atUs - current * rotation < this.policy.overlapUs;
  }

  rootKey(organisation: string): SigningKey {
    let key = this.roots.get(organisation);
    if (key === undefined) {
      key = deriveSigningKey(this.policy.algorithm, seedBytes('root-key', this.seed, organisation), `org:${organisation}#root`);
      this.roots.set(organisation, key);
    }
    return key;
  }

  /** The signing key of agent `identifier` in `epoch` (anyone holding the seed can derive it: this is a simulator). */
  agentKey(identifier: string, epoch: number): SigningKey {
    const kid = `${identifier}#${epoch}`;
    let key = this.agentKeys.get(kid);
    if (key === undefined) {
      key = deriveSigningKey(this.policy.algorithm, seedBytes('agent-key', this.seed, identifier, epoch), kid);
      this.agentKeys.set(kid, key);
    }
    return key;
  }

  /** The certificate the organisation's root key issues for an agent key. */
  certificate(identifier: string, epoch: number): string {
    const organisation = this.organisationOf(identifier) ?? '';
    const key = this.agentKey(identifier, epoch);
    const rotation = this.policy.rotationUs;
    const fromUs = rotation === undefined ? 0 : epoch * rotation;
    const toUs = rotation === undefined ? 100 * 365 * 86_400_000_000 : (epoch + 1) * rotation + this.policy.overlapUs;
    const claims: AgentCertificate = {
      sub: identifier,
      org: organisation,
      kid: key.kid,
      jwk: key.jwk,
      nbf: isoTimestamp(this.epochMs, Math.max(0, fromUs)),
      exp: isoTimestamp(this.epochMs, toUs),
    };
    return signToken(this.rootKey(organisation), claims);
  }

  /** The JWK set an organisation's business profile publishes at `atUs`. */
  jwks(organisation: string, atUs: number): { keys: PublicJwk[] } {
    const current = this.epochAt(atUs);
    const keys: PublicJwk[] = [];
    const external = this.externalKeys.get(organisation);
    if (external !== undefined) {
      for (const agent of this.agentsOf(organisation)) {
        external.forEach((jwk, i) => keys.push({ ...jwk, kid: KeyDirectory.externalKid(agent, i), alg: jwkAlg(jwk), use: 'sig' } as PublicJwk));
      }
    }
    for (const epoch of [current - 1, current]) {
      if (epoch < 0 || !this.published(epoch, atUs)) continue;
      for (const agent of this.agentsOf(organisation)) keys.push(this.agentKey(agent, epoch).jwk);
    }
    return { keys };
  }

  /**
   * Resolves `kid` through the JWK set of `organisation` at `atUs`: undefined when the set does
   * not hold it (unknown agent, another organisation's agent, or a rotated-out key), or when its
   * certificate does not verify against the organisation's root key.
   */
  resolve(organisation: string, kid: string, atUs: number): ResolvedKey | undefined {
    const parsed = parseKid(kid);
    if (parsed !== undefined && parsed.epoch < 0) return this.resolveExternal(organisation, kid, parsed.subject, -parsed.epoch - 1);
    if (parsed === undefined || this.organisationOf(parsed.subject) !== organisation || !this.published(parsed.epoch, atUs)) return undefined;
    let resolved = this.certified.get(kid);
    if (resolved === undefined) {
      const claims = verifyToken<AgentCertificate>(this.certificate(parsed.subject, parsed.epoch), this.rootKey(organisation).publicKey);
      const key = this.agentKey(parsed.subject, parsed.epoch);
      resolved = claims && claims.kid === kid && claims.org === organisation ? { subject: claims.sub, alg: key.alg, publicKey: key.publicKey } : null;
      this.certified.set(kid, resolved);
    }
    return resolved ?? undefined;
  }

  /** An external agent's key: its organisation's public key, published for each of its agents. */
  private resolveExternal(organisation: string, kid: string, subject: string, index: number): ResolvedKey | undefined {
    const jwk = this.externalKeys.get(organisation)?.[index];
    if (jwk === undefined || this.organisationOf(subject) !== organisation) return undefined;
    let resolved = this.certified.get(kid);
    if (resolved === undefined) {
      resolved = { subject, alg: jwkAlg(jwk), publicKey: publicKeyOf(jwk as PublicJwk) };
      this.certified.set(kid, resolved);
    }
    return resolved ?? undefined;
  }
}

/** A public key of an external organisation, as its JWK file gives it. */
export interface ExternalJwk {
  readonly kty: 'EC' | 'OKP';
  readonly crv: 'P-256' | 'Ed25519';
  readonly x: string;
  readonly y?: string | undefined;
}

function jwkAlg(jwk: ExternalJwk): JoseAlgorithm {
  return jwk.kty === 'OKP' ? 'EdDSA' : 'ES256';
}
