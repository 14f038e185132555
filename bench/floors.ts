/** Per-operation costs on this machine, each in a hot loop (in a run, caches and type mixes make them dearer). */
import { p256 } from '@noble/curves/nist.js';
import canonicalize from 'canonicalize';
import { EventQueue } from '../src/engine/queue.js';
import { AuditChain } from '../src/trust/audit.js';
import { canonicalJson } from '../src/protocol/canonical.js';
import { es256KeyFromSeed, es256Sign } from '../src/trust/es256.js';
import { KeyDirectory } from '../src/trust/keys.js';
import { MessageSigner } from '../src/trust/signer.js';
import { MessageVerifier } from '../src/trust/verifier.js';
import { transactionHash } from '../src/protocol/hash.js';
import { CommerceMessage } from '../src/protocol/schemas.js';
import { validateMessage } from '../src/protocol/validate.js';

export interface Floor {
  readonly operation: string;
  readonly us: number;
}

const quote = {
  type: 'a2a.commerce.quote',
  id: 'msg_store-1_123',
  from: { type: 'agent', identifier: 'agent:store-1', name: 'Store 1' },
  to: { type: 'agent', identifier: 'agent:buyer-1', name: 'Buyer 1' },
  conversation_id: 'conv_buyer-1_5',
  timestamp: '2025-01-15T10:30:00.123456Z',
  payload: {
    quote_id: 'q_store-1_9',
    valid_until: '2025-01-15T10:30:03.123456Z',
    currency: 'USD',
    items: [{ sku: 'WH-PRO-001', name: 'Pro Wireless Headphones', unit_price: 149.99, quantity: 1, availability: 'in_stock' }],
    totals: { subtotal: 149.99, shipping: 9.99, tax: 14.4, total: 174.38 },
    delivery_estimate: '2025-01-18',
  },
};

function perOp(n: number, f: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(n, 20_000); i++) f(i);
  const t = performance.now();
  for (let i = 0; i < n; i++) f(i);
  return ((performance.now() - t) * 1000) / n;
}

/** A store's signer and a verifier that accepts its messages, over one key directory, and the quote both work on. */
export function signingPair(algorithm: 'es256' | 'eddsa'): { signer: MessageSigner; verifier: MessageVerifier; quote: typeof quote } {
  const orgOf = (id: string) => (id === 'agent:store-1' ? 'store' : 'buyer');
  const keys = new KeyDirectory(1, { algorithm, rotationUs: undefined, overlapUs: 0 }, orgOf, (o) => [o === 'store' ? 'agent:store-1' : 'agent:buyer-1'], 0);
  const signer = new MessageSigner(keys, 'agent:store-1', 1);
  const verifier = new MessageVerifier(keys, { freshnessUs: 1e15, clockSkewUs: 1e15, senderRatePerUs: undefined, senderBurst: 1, quarantine: undefined }, Date.parse('2025-01-15T10:30:00Z'), orgOf);
  return { signer, verifier, quote };
}

/** Signing and verifying one quote envelope end to end (canonical JSON, nonce, JWS, key lookup). */
function signingFloors(algorithm: 'es256' | 'eddsa'): Floor[] {
  const { signer, verifier } = signingPair(algorithm);
  const messages = Array.from({ length: 4000 }, (_, i) => ({ ...structuredClone(quote), id: `msg_store-1_${i}` }) as never);
  for (const m of messages) signer.seal(m, 0);
  return [
    {
      operation: `sign a quote envelope, ${algorithm} (RFC 8785 + nonce + detached JWS)`,
      // Fresh envelopes made ahead (sealing adds a nonce and a signature), so the copying is not timed.
      us: (() => {
        const fresh = Array.from({ length: 8000 }, () => structuredClone(quote) as never);
        let next = 0;
        return perOp(4000, () => signer.seal(fresh[next++]!, 0));
      })(),
    },
    {
      operation: `verify a quote envelope, ${algorithm} (key lookup, JWS, freshness, nonce)`,
      // Past the first pass every nonce was seen, but the signature is checked before the nonce.
      us: perOp(4000, (i) => verifier.check(messages[i % messages.length]!, 0)),
    },
  ];
}

export function measureFloors(): Floor[] {
  const es256Key = es256KeyFromSeed(Buffer.from('bench'));
  const data = Buffer.from(JSON.stringify(quote));
  const chain = new AuditChain('agent:bench');
  const q = new EventQueue();
  const target = { handle() {} };
  return [
    { operation: 'validate a quote envelope: zod safeParse', us: perOp(200_000, () => CommerceMessage.safeParse(quote)) },
    { operation: 'validate a quote envelope: broker path (ajv + value rules)', us: perOp(200_000, () => validateMessage(quote)) },
    { operation: 'transaction hash (RFC 8785 + SHA-256)', us: perOp(50_000, () => transactionHash(quote.payload)) },
    { operation: 'RFC 8785 JSON of a quote envelope: canonicalize package', us: perOp(50_000, () => canonicalize(quote)) },
    { operation: 'RFC 8785 JSON of a quote envelope: protocol/canonical.ts', us: perOp(50_000, () => canonicalJson(quote)) },
    { operation: 'ES256 sign, deterministic (RFC 6979 + OpenSSL scalar multiplication)', us: perOp(2_000, () => es256Sign(es256Key, data)) },
    { operation: 'ES256 sign, @noble/curves (deterministic, pure JavaScript)', us: perOp(200, () => p256.sign(data, es256Key.dBytes)) },
    ...signingFloors('es256'),
    ...signingFloors('eddsa'),
    {
      operation: 'audit chain entry (digest, leaf, chain)',
      us: perOp(50_000, (i) => chain.append({ agent: 'agent:bench', seq: i, dir: 'sent', vt_us: i, message_id: `msg_${i}`, digest: 'ab'.repeat(32) })),
    },
    {
      operation: 'event queue push + pop (10k pending)',
      us: (() => {
        for (let i = 0; i < 10_000; i++) q.push({ t: i * 7, p: 0, o: 1, s: i, target, kind: 0, data: null });
        let s = 10_000;
        return perOp(500_000, () => {
          const e = q.pop()!;
          q.push({ t: e.t + 70_000, p: 0, o: 1, s: s++, target, kind: 0, data: null });
        });
      })(),
    },
  ];
}
