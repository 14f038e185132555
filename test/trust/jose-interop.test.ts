/**
 * Interoperability: signatures taken from a real trace verify with jose, an independent JOSE
 * implementation, given only the sender organisation's published JWK set and the RFC 8785 JSON
 * of the message (computed by the canonicalize package, not by the simulator's own writer).
 */
import canonicalize from 'canonicalize';
import { flattenedVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import type { TraceLine } from '../../src/broker/trace.js';
import { Market } from '../../src/market/market.js';
import { layOut } from '../../src/run/layout.js';
import { sharedWorld } from '../../src/run/shard.js';
import { DRAIN_HORIZON_US, runSimulation } from '../../src/simulation.js';
import { planOf } from '../plans.js';

interface Signed {
  from: { identifier: string };
  signature: string;
  [k: string]: unknown;
}

function signedMessagesOf(signing: 'es256' | 'eddsa') {
  const base = planOf('scenarios/quickstart.yaml');
  const plan = { ...base, duration: 10_000_000, security: { ...base.security, signing, key_rotation: 4_000_000, key_overlap: 1_000_000 } };
  const lines: TraceLine[] = [];
  runSimulation(plan, { reporters: [{ onTrace: (l) => lines.push(JSON.parse(JSON.stringify(l)) as TraceLine) }] });
  const layout = layOut(plan, 1);
  const world = sharedWorld(plan, layout, new Market(plan, plan.duration + DRAIN_HORIZON_US));
  const delivered = lines.filter((l) => l.event === 'delivered').map((l) => ({ at: l.vt_us, message: (l as { message: unknown }).message as Signed }));
  const profiles = lines.flatMap((l) => (l.event === 'discovery' ? l.discovery.profiles : []));
  return { delivered, world, layout, profiles };
}

describe.each(['es256', 'eddsa'] as const)('%s signatures from a trace', (signing) => {
  const { delivered, world, layout, profiles } = signedMessagesOf(signing);

  it('stores publish their JWK set in the business profile buyers discover, and jose verifies with it', async () => {
    const profile = profiles[0]!;
    expect(profile.signing_keys!.map((k) => k.kid)).toContain(`${profile.agent}#0`);
    const first = delivered.find((d) => d.message.from.identifier === profile.agent)!;
    const header = JSON.parse(Buffer.from(first.message.signature.split('.')[0]!, 'base64url').toString()) as { alg: string; kid: string };
    const jwk = profile.signing_keys!.find((k) => k.kid === header.kid)!;
    const { signature: _s, ...unsigned } = first.message;
    const key = await importJWK(jwk as unknown as Parameters<typeof importJWK>[0], header.alg);
    const parts = first.message.signature.split('.');
    await expect(flattenedVerify({ protected: parts[0]!, payload: Buffer.from(canonicalize(unsigned)!).toString('base64url'), signature: parts[2]! }, key)).resolves.toBeDefined();
  });

  it('verify with jose against the published JWK set, and fail once a byte of the message changes', async () => {
    expect(delivered.length).toBeGreaterThan(100);
    // Every 7th message: all types, both sides, several rotation epochs.
    const sample = delivered.filter((_, i) => i % 7 === 0);
    const kids = new Set<string>();
    for (const { at, message } of sample) {
      const [protectedHeader, empty, signature] = message.signature.split('.');
      expect(empty).toBe('');
      const header = JSON.parse(Buffer.from(protectedHeader!, 'base64url').toString()) as { alg: string; kid: string };
      expect(header.alg).toBe(signing === 'es256' ? 'ES256' : 'EdDSA');
      kids.add(header.kid);
      const organisation = layout.byIdentifier.get(message.from.identifier)!.organisation;
      const jwk = world.trust.keys.jwks(organisation, at).keys.find((k) => k.kid === header.kid);
      expect(jwk, `${header.kid} published at ${at}`).toBeDefined();
      const key = await importJWK(jwk as unknown as Parameters<typeof importJWK>[0], header.alg);
      const { signature: _s, ...unsigned } = message;
      const payload = Buffer.from(canonicalize(unsigned)!).toString('base64url');
      const result = await flattenedVerify({ protected: protectedHeader!, payload, signature: signature! }, key);
      expect(result.protectedHeader?.kid).toBe(header.kid);
      const altered = Buffer.from(canonicalize({ ...unsigned, conversation_id: `${String(unsigned.conversation_id)}x` })!).toString('base64url');
      await expect(flattenedVerify({ protected: protectedHeader!, payload: altered, signature: signature! }, key)).rejects.toThrow();
    }
    expect([...kids].some((k) => k.endsWith('#0')) && [...kids].some((k) => k.endsWith('#2'))).toBe(true);
  });
});
