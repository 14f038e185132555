/**
 * What a receiving agent checks before it acts on a message: the detached signature (through
 * the sender organisation's JWK set), freshness of `timestamp`, the sender's nonce window, a
 * per-sender admission rate, and duplicate message ids. One verifier per agent; its state (seen
 * nonces and ids, rate buckets, quarantined senders) is that agent's alone.
 */
import type { ErrorCode } from '../protocol/codes.js';
import { canonicalJson } from '../protocol/canonical.js';
import type { CommerceMessage } from '../protocol/schemas.js';
import { virtualFromIso } from '../protocol/time.js';
import { parseDetached, verifyDetached } from './jws.js';
import type { KeyDirectory } from './keys.js';

export interface VerifierPolicy {
  readonly freshnessUs: number;
  readonly clockSkewUs: number;
  /** per-sender admission: tokens per µs and bucket size (undefined: no limit) */
  readonly senderRatePerUs: number | undefined;
  readonly senderBurst: number;
  /** stop trading with a sender once this share of its messages was rejected (after min_messages) */
  readonly quarantine: { readonly rejectionRate: number; readonly minMessages: number } | undefined;
}

/** Something the receiver remembers about a message id, e.g. the answer it gave. */
export interface SeenMessage {
  readonly expiresUs: number;
  reply?: () => void;
}

export type Verdict =
  | { readonly kind: 'accept'; readonly seen: SeenMessage; readonly canonical: string }
  | { readonly kind: 'reject'; readonly code: ErrorCode; readonly reason: string }
  | { readonly kind: 'duplicate'; readonly seen: SeenMessage }
  | { readonly kind: 'quarantined' };

interface Bucket {
  tokens: number;
  atUs: number;
}

interface SenderRecord {
  received: number;
  rejected: number;
}

/** The message as signed: every member except `signature`, canonicalised (RFC 8785). */
export function signingPayload(message: object): string {
  const { signature: _omit, ...rest } = message as { signature?: string };
  return canonicalJson(rest);
}

/** A signature checked ahead of delivery: the key it was checked with, the signed text, the outcome. */
interface CheckedAhead {
  readonly key: object;
  readonly signature: string;
  readonly canonical: string;
  readonly valid: boolean;
}

export class MessageVerifier {
  /** signatures checked ahead (prepare), by message */
  private readonly ahead = new WeakMap<object, CheckedAhead>();
  /** deliveries whose signature check came from prepare() */
  verifiedAhead = 0;
  private readonly nonces = new Map<string, number>();
  private readonly ids = new Map<string, SeenMessage>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly senders = new Map<string, SenderRecord>();
  private readonly quarantined = new Set<string>();
  private checks = 0;

  constructor(
    private readonly keys: KeyDirectory,
    private readonly policy: VerifierPolicy,
    private readonly epochMs: number,
    private readonly organisationOf: (identifier: string) => string | undefined,
  ) {}

  /** True once this verifier stopped trading with `sender`. */
  isQuarantined(sender: string): boolean {
    return this.quarantined.has(sender);
  }

  /**
   * Checks, ahead of its delivery at `atUs`, the signature of a message that passed validation,
   * with the key the delivery will resolve, and keeps the outcome: the cryptography is a pure
   * function of the message and the key, which judge() uses only if it resolves the same key
   * then. Freshness, nonces, rates and ids are checked on delivery, as always. True when it
   * checked a signature.
   */
  prepare(message: CommerceMessage, atUs: number): boolean {
    const { signature } = message as { signature?: string };
    if (typeof signature !== 'string' || this.ahead.has(message)) return false;
    const jws = parseDetached(signature);
    const organisation = this.organisationOf(message.from.identifier);
    if (jws === undefined || organisation === undefined) return false;
    const key = this.keys.resolve(organisation, jws.header.kid, atUs);
    if (key === undefined || key.subject !== message.from.identifier || key.alg !== jws.header.alg) return false;
    const canonical = signingPayload(message);
    this.ahead.set(message, { key, signature, canonical, valid: verifyDetached(jws, key.publicKey, canonical) });
    return true;
  }

  /**
   * Judges one message. Quarantine is kept per `source`, the agent the message came from (the
   * network knows it, whatever name the message claims; by default the claimed sender).
   */
  check(message: CommerceMessage, nowUs: number, source: string = message.from.identifier): Verdict {
    if (++this.checks % 1024 === 0) this.sweep(nowUs);
    const sender = message.from.identifier;
    if (this.quarantined.has(source)) return { kind: 'quarantined' };
    const verdict = this.judge(message, sender, nowUs);
    const record = this.senders.get(source) ?? { received: 0, rejected: 0 };
    this.senders.set(source, record);
    record.received++;
    if (verdict.kind === 'reject') {
      record.rejected++;
      const q = this.policy.quarantine;
      if (q && record.received >= q.minMessages && record.rejected >= q.rejectionRate * record.received) this.quarantined.add(source);
    }
    return verdict;
  }

  private judge(message: CommerceMessage, sender: string, nowUs: number): Verdict {
    const { signature, nonce } = message as { signature?: string; nonce?: string };
    // Freshness first: it is cheap, and an old message would fail on a rotated-out key anyway.
    const sentUs = virtualFromIso(this.epochMs, message.timestamp);
    if (nowUs - sentUs > this.policy.freshnessUs) return reject('message_expired', `timestamp ${message.timestamp} is older than the freshness window`);
    if (sentUs - nowUs > this.policy.clockSkewUs) return reject('message_expired', `timestamp ${message.timestamp} is in the future`);
    if (typeof signature !== 'string') return reject('signature_invalid', 'message is not signed');
    const jws = parseDetached(signature);
    if (jws === undefined) return reject('signature_invalid', 'signature is not a detached JWS');
    const organisation = this.organisationOf(sender);
    const key = organisation === undefined ? undefined : this.keys.resolve(organisation, jws.header.kid, nowUs);
    if (key === undefined) return reject('key_not_found', `key ${jws.header.kid} is not in the JWK set of ${organisation ?? 'an unknown organisation'}`);
    if (key.subject !== sender || key.alg !== jws.header.alg) return reject('signature_invalid', `key ${jws.header.kid} is not certified for ${sender}`);
    const ahead = this.ahead.get(message);
    let canonical: string;
    let valid: boolean;
    if (ahead !== undefined && ahead.key === key && ahead.signature === signature) {
      ({ canonical, valid } = ahead);
      this.ahead.delete(message);
      this.verifiedAhead++;
    } else {
      canonical = signingPayload(message);
      valid = verifyDetached(jws, key.publicKey, canonical);
    }
    if (!valid) return reject('signature_invalid', 'signature does not verify');
    if (typeof nonce !== 'string' || nonce === '') return reject('replay_detected', 'message carries no nonce');
    const nonceKey = `${sender}\n${nonce}`;
    if (this.nonces.has(nonceKey)) return reject('replay_detected', `nonce ${nonce} was already used by ${sender}`);
    const expiresUs = nowUs + this.policy.freshnessUs + this.policy.clockSkewUs;
    this.nonces.set(nonceKey, expiresUs);
    const idKey = `${sender}\n${message.id}`;
    const known = this.ids.get(idKey);
    if (known !== undefined) return { kind: 'duplicate', seen: known };
    if (!this.admit(sender, nowUs)) return reject('rate_limited', `${sender} sends faster than the per-sender limit`);
    const seen: SeenMessage = { expiresUs };
    this.ids.set(idKey, seen);
    return { kind: 'accept', seen, canonical };
  }

  /** Token bucket per sender. */
  private admit(sender: string, nowUs: number): boolean {
    const rate = this.policy.senderRatePerUs;
    if (rate === undefined) return true;
    let b = this.buckets.get(sender);
    if (b === undefined) {
      b = { tokens: this.policy.senderBurst, atUs: nowUs };
      this.buckets.set(sender, b);
    }
    b.tokens = Math.min(this.policy.senderBurst, b.tokens + (nowUs - b.atUs) * rate);
    b.atUs = nowUs;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Forgets nonces and ids whose messages would now fail the freshness check anyway. */
  private sweep(nowUs: number): void {
    // Entries are inserted in time order, so the expired ones are at the front.
    for (const [k, expiresUs] of this.nonces) {
      if (expiresUs >= nowUs) break;
      this.nonces.delete(k);
    }
    for (const [k, seen] of this.ids) {
      if (seen.expiresUs >= nowUs) break;
      this.ids.delete(k);
    }
  }
}

function reject(code: ErrorCode, reason: string): Verdict {
  return { kind: 'reject', code, reason };
}
