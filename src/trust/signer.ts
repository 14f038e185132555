/** The sending side: each outgoing message gets a nonce and a detached JWS by the agent's current key. */
import { hash } from 'node:crypto';
import type { CommerceMessage } from '../protocol/schemas.js';
import { encodeHeader, signDetached, type SigningKey } from './jws.js';
import type { KeyDirectory } from './keys.js';
import { signingPayload } from './verifier.js';

export class MessageSigner {
  private nonceSeq = 0;
  private readonly headers = new Map<string, string>();

  constructor(
    private readonly keys: KeyDirectory,
    readonly identifier: string,
    private readonly seed: string | number,
  ) {}

  /** The key this agent signs with at `atUs` (epoch offset: a negative one picks a rotated-out key). */
  keyAt(atUs: number, epochOffset = 0): SigningKey {
    return this.keys.agentKey(this.identifier, this.keys.epochAt(atUs) + epochOffset);
  }

  /** A fresh nonce: unpredictable without the seed, never repeated by this agent. */
  nextNonce(): string {
    return hash('sha256', `nonce\u0000${this.seed}\u0000${this.identifier}\u0000${++this.nonceSeq}`, 'base64url').slice(0, 22);
  }

  /** Adds `nonce` and `signature` to `message` (in place); returns the canonical payload that was signed. */
  seal(message: CommerceMessage, atUs: number, key: SigningKey = this.keyAt(atUs)): string {
    const m = message as CommerceMessage & { nonce?: string; signature?: string };
    m.nonce = this.nextNonce();
    delete m.signature;
    const canonical = signingPayload(m);
    let header = this.headers.get(key.kid);
    if (header === undefined) {
      header = encodeHeader({ alg: key.alg, kid: key.kid });
      this.headers.set(key.kid, header);
    }
    m.signature = signDetached(key, header, canonical);
    return canonical;
  }
}
