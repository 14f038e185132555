/**
 * What an outside verifier needs, as the protocol publishes it: per organisation a profile with
 * its root key (which signs agent certificates and mandate tokens) and the JWK set of its agents'
 * keys, each key with its validity and its certificate; a new set on every rotation. From these
 * and a trace, any JOSE library verifies every message (docs/trust.md: "Verifying signatures outside the simulator").
 */
import type { PublicJwk } from './jws.js';
import type { KeyDirectory } from './keys.js';

/** An agent key as published: its JWK, when it may sign, and its certificate from the root key. */
export interface PublishedKey extends PublicJwk {
  /** the agent it belongs to */
  readonly sub: string;
  /** rotation epoch (0 before the first rotation) */
  readonly epoch: number;
  /** valid from (RFC 3339), as the certificate says */
  readonly nbf: string;
  /** valid until (RFC 3339): the next rotation plus the overlap, as the certificate says */
  readonly exp: string;
  /** compact JWS (a JWT) over {sub, org, kid, jwk, nbf, exp}, signed by the organisation's root key */
  readonly certificate: string;
}

/** One organisation's keys as its profile publishes them. */
export interface OrganisationKeys {
  readonly organisation: string;
  readonly role: string;
  /** signs the certificates of its agents' keys and its mandates' capability tokens */
  readonly root_key: PublicJwk;
  readonly keys: readonly PublishedKey[];
  /** buyer organisations: their mandates' capability tokens (JWTs signed by the root key) */
  readonly mandates?: readonly { readonly mandate_id: string; readonly token: string }[];
}

/** keys.json: every key any message of the run can have been signed with. */
export interface KeysDocument {
  readonly format: 'a2a-market-sim/keys@1';
  readonly algorithm: 'ES256' | 'EdDSA';
  /** µs between rotations (null: keys never rotate) */
  readonly rotation_us: number | null;
  /** µs the previous keys stay valid after a rotation */
  readonly overlap_us: number;
  readonly organisations: readonly OrganisationKeys[];
}

/** A trace line publishing an organisation's keys: at the start, and on each rotation its new ones. */
export interface KeysTraceLine {
  readonly vt_us: number;
  readonly event: 'keys';
  readonly keys: OrganisationKeys;
}

export interface PublishedOrganisation {
  readonly name: string;
  readonly role: string;
  readonly agents: readonly string[];
  readonly mandates?: readonly { readonly mandate_id: string; readonly token: string }[];
}

/** The keys of `organisations` for the rotation epochs `fromEpoch` to `toEpoch`. */
export class KeyPublisher {
  constructor(
    private readonly keys: KeyDirectory,
    readonly organisations: readonly PublishedOrganisation[],
  ) {}

  /** The rotation epoch at virtual time `atUs`. */
  epochAt(atUs: number): number {
    return this.keys.epochAt(atUs);
  }

  /** Virtual time at which `epoch` starts (Infinity when keys never rotate and epoch > 0). */
  epochStartUs(epoch: number): number {
    const rotation = this.keys.policy.rotationUs;
    if (rotation === undefined) return epoch === 0 ? 0 : Infinity;
    return epoch * rotation;
  }

  private agentKey(agent: string, epoch: number): PublishedKey {
    const certificate = this.keys.certificate(agent, epoch);
    const claims = JSON.parse(Buffer.from(certificate.split('.')[1]!, 'base64url').toString('utf8')) as { nbf: string; exp: string };
    return { ...this.keys.agentKey(agent, epoch).jwk, sub: agent, epoch, nbf: claims.nbf, exp: claims.exp, certificate };
  }

  /** One organisation's profile keys for epochs `fromEpoch`..`toEpoch`. */
  organisationKeys(org: PublishedOrganisation, fromEpoch: number, toEpoch: number): OrganisationKeys {
    const keys: PublishedKey[] = [];
    for (let epoch = fromEpoch; epoch <= toEpoch; epoch++) for (const agent of org.agents) keys.push(this.agentKey(agent, epoch));
    return { organisation: org.name, role: org.role, root_key: this.keys.rootKey(org.name).jwk, keys, ...(org.mandates ? { mandates: org.mandates } : {}) };
  }

  /** keys.json for a run that ended at `endUs`. */
  document(endUs: number): KeysDocument {
    const last = this.epochAt(endUs);
    return {
      format: 'a2a-market-sim/keys@1',
      algorithm: this.keys.policy.algorithm === 'eddsa' ? 'EdDSA' : 'ES256',
      rotation_us: this.keys.policy.rotationUs ?? null,
      overlap_us: this.keys.policy.overlapUs,
      organisations: this.organisations.map((o) => this.organisationKeys(o, 0, last)),
    };
  }

  /** The trace lines publishing every organisation's keys of `epoch`, at its start. */
  traceLines(epoch: number): KeysTraceLine[] {
    const vt = this.epochStartUs(epoch);
    return this.organisations.map((o) => ({ vt_us: vt, event: 'keys', keys: this.organisationKeys(o, epoch, epoch) }));
  }
}
