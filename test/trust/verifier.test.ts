import { describe, expect, it } from 'vitest';
import type { CommerceMessage } from '../../src/protocol/schemas.js';
import { isoTimestamp } from '../../src/protocol/time.js';
import { KeyDirectory, parseKid } from '../../src/trust/keys.js';
import { MessageSigner } from '../../src/trust/signer.js';
import { MessageVerifier, type VerifierPolicy } from '../../src/trust/verifier.js';

const EPOCH_MS = Date.parse('2025-01-15T10:30:00Z');
const ORGS: Record<string, string[]> = { buyers: ['agent:b-1', 'agent:b-2'], stores: ['agent:s-1'], mallory: ['agent:m-1'] };
const orgOf = (id: string) => Object.keys(ORGS).find((o) => ORGS[o]!.includes(id));

function directory(algorithm: 'es256' | 'eddsa' = 'es256', rotationUs?: number) {
  return new KeyDirectory(7, { algorithm, rotationUs, overlapUs: 1_000_000 }, orgOf, (o) => ORGS[o] ?? [], EPOCH_MS);
}

const POLICY: VerifierPolicy = { freshnessUs: 30_000_000, clockSkewUs: 2_000_000, senderRatePerUs: undefined, senderBurst: 5, quarantine: undefined };

function intent(from: string, atUs: number, id = 'msg_1'): CommerceMessage {
  return {
    type: 'a2a.commerce.intent',
    id,
    from: { type: 'agent', identifier: from, name: from },
    to: { type: 'agent', identifier: 'agent:s-1', name: 'store' },
    conversation_id: 'conv_1',
    timestamp: isoTimestamp(EPOCH_MS, atUs),
    payload: { intent: 'purchase', items: [{ sku: 'A', quantity: 1 }] },
  };
}

function setup(policy: VerifierPolicy = POLICY, algorithm: 'es256' | 'eddsa' = 'es256', rotationUs?: number) {
  const keys = directory(algorithm, rotationUs);
  const verifier = new MessageVerifier(keys, policy, EPOCH_MS, orgOf);
  const signer = (id: string) => new MessageSigner(keys, id, 7);
  return { keys, verifier, signer };
}

describe('MessageVerifier', () => {
  it.each(['es256', 'eddsa'] as const)('accepts a message signed by the sender (%s)', (alg) => {
    const { verifier, signer } = setup(POLICY, alg);
    const m = intent('agent:b-1', 1_000);
    signer('agent:b-1').seal(m, 1_000);
    expect(verifier.check(m, 5_000).kind).toBe('accept');
  });

  it('rejects an unsigned message, a garbled signature and an edited message with signature_invalid', () => {
    const { verifier, signer } = setup();
    expect(verifier.check(intent('agent:b-1', 0), 10)).toMatchObject({ kind: 'reject', code: 'signature_invalid' });
    const garbled = intent('agent:b-1', 0, 'msg_2');
    (garbled as { signature?: string }).signature = 'not-a-jws';
    expect(verifier.check(garbled, 10)).toMatchObject({ kind: 'reject', code: 'signature_invalid' });
    const edited = intent('agent:b-1', 0, 'msg_3') as CommerceMessage & { payload: { items: { quantity: number }[] } };
    signer('agent:b-1').seal(edited, 0);
    edited.payload.items[0]!.quantity = 9;
    expect(verifier.check(edited, 10)).toMatchObject({ kind: 'reject', code: 'signature_invalid' });
  });

  it('answers key_not_found for an impersonator (own key, another organisation) and a colleague key is not certified for the claimed agent', () => {
    const { keys, verifier, signer } = setup();
    const claimed = intent('agent:b-1', 0);
    signer('agent:m-1').seal(claimed, 0);
    expect(verifier.check(claimed, 10)).toMatchObject({ kind: 'reject', code: 'key_not_found' });
    const colleague = intent('agent:b-1', 0, 'msg_2');
    signer('agent:b-2').seal(colleague, 0, keys.agentKey('agent:b-2', 0));
    expect(verifier.check(colleague, 10)).toMatchObject({ kind: 'reject', code: 'signature_invalid' });
  });

  it('resolves keys only while the profile publishes them: rotation with an overlap window', () => {
    const { keys, verifier, signer } = setup(POLICY, 'es256', 10_000_000);
    expect(keys.jwks('buyers', 0).keys.map((k) => k.kid)).toEqual(['agent:b-1#0', 'agent:b-2#0']);
    expect(keys.jwks('buyers', 10_500_000).keys.map((k) => parseKid(k.kid)!.epoch)).toEqual([0, 0, 1, 1]);
    expect(keys.jwks('buyers', 11_500_000).keys.map((k) => parseKid(k.kid)!.epoch)).toEqual([1, 1]);
    const s = signer('agent:b-1');
    const inOverlap = intent('agent:b-1', 9_999_000, 'msg_a');
    s.seal(inOverlap, 9_999_000);
    expect(verifier.check(inOverlap, 10_400_000).kind).toBe('accept');
    const stale = intent('agent:b-1', 25_000_000, 'msg_b');
    s.seal(stale, 25_000_000, s.keyAt(25_000_000, -2));
    expect(verifier.check(stale, 25_000_100)).toMatchObject({ kind: 'reject', code: 'key_not_found' });
  });

  it('rejects stale and future timestamps with message_expired', () => {
    const { verifier, signer } = setup();
    const s = signer('agent:b-1');
    const old = intent('agent:b-1', 0, 'msg_old');
    s.seal(old, 0);
    expect(verifier.check(old, 30_000_001)).toMatchObject({ kind: 'reject', code: 'message_expired' });
    const future = intent('agent:b-1', 5_000_000, 'msg_future');
    s.seal(future, 5_000_000);
    expect(verifier.check(future, 2_999_999)).toMatchObject({ kind: 'reject', code: 'message_expired' });
  });

  it('rejects a byte-for-byte replay with replay_detected, and answers a retransmission (same id, new nonce) as a duplicate', () => {
    const { verifier, signer } = setup();
    const s = signer('agent:b-1');
    const m = intent('agent:b-1', 0);
    s.seal(m, 0);
    expect(verifier.check(m, 10).kind).toBe('accept');
    expect(verifier.check(structuredClone(m), 20)).toMatchObject({ kind: 'reject', code: 'replay_detected' });
    const again = intent('agent:b-1', 100);
    s.seal(again, 100);
    expect(verifier.check(again, 110).kind).toBe('duplicate');
  });

  it('limits each sender to its rate and quarantines a sender whose messages are mostly rejected', () => {
    const { verifier, signer } = setup({ ...POLICY, senderRatePerUs: 1 / 1_000_000, senderBurst: 2, quarantine: { rejectionRate: 0.5, minMessages: 4 } });
    const s = signer('agent:b-1');
    const verdicts = [1, 2, 3, 4, 5].map((i) => {
      const m = intent('agent:b-1', i, `msg_${i}`);
      s.seal(m, i);
      return verifier.check(m, i + 10);
    });
    expect(verdicts.map((v) => (v.kind === 'reject' ? v.code : v.kind))).toEqual(['accept', 'accept', 'rate_limited', 'rate_limited', 'quarantined']);
    expect(verifier.isQuarantined('agent:b-1')).toBe(true);
    expect(verifier.isQuarantined('agent:b-2')).toBe(false);
  });

  it('quarantines where forged messages come from, not the agent whose name they claim', () => {
    const { verifier, signer } = setup({ ...POLICY, quarantine: { rejectionRate: 0.5, minMessages: 4 } });
    // agent:b-2 sends unsigned messages under agent:b-1's name: every one is rejected
    const forged = [1, 2, 3, 4].map((i) => verifier.check(intent('agent:b-1', i, `forged_${i}`), i + 10, 'agent:b-2'));
    expect(forged.every((v) => v.kind === 'reject')).toBe(true);
    expect(verifier.isQuarantined('agent:b-2')).toBe(true);
    expect(verifier.isQuarantined('agent:b-1')).toBe(false);
    // agent:b-1's own messages still go through
    const own = intent('agent:b-1', 5, 'own_5');
    signer('agent:b-1').seal(own, 5);
    expect(verifier.check(own, 15, 'agent:b-1').kind).toBe('accept');
  });
});

describe('KeyDirectory', () => {
  it('derives the same keys from the same seed, other keys from another seed', () => {
    const a = directory().agentKey('agent:b-1', 0).jwk;
    expect(directory().agentKey('agent:b-1', 0).jwk).toEqual(a);
    expect(new KeyDirectory(8, { algorithm: 'es256', rotationUs: undefined, overlapUs: 0 }, orgOf, (o) => ORGS[o] ?? [], EPOCH_MS).agentKey('agent:b-1', 0).jwk).not.toEqual(a);
  });

  it('resolves a key only through the JWK set of the agent organisation', () => {
    const keys = directory();
    expect(keys.resolve('buyers', 'agent:b-1#0', 0)?.subject).toBe('agent:b-1');
    expect(keys.resolve('stores', 'agent:b-1#0', 0)).toBeUndefined();
    expect(keys.resolve('buyers', 'agent:nobody#0', 0)).toBeUndefined();
    expect(keys.resolve('buyers', 'garbage', 0)).toBeUndefined();
  });
});
