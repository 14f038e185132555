import { describe, expect, it } from 'vitest';
import { MandateRegistry } from '../../src/agents/mandates.js';
import { mandateSignature, transactionHash } from '../../src/protocol/hash.js';
import { validate } from '../../src/scenario/load.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';
import { minimalBuyer } from '../plans.js';

function plan(seed: string | number = 1): SimulationPlan {
  const buyer = (organisation: string, max: number) => minimalBuyer({ organisation, mandate: { max_per_purchase: max } });
  const r = validate({
    name: 'mandates-unit',
    seed,
    duration: '1s',
    market: { categories: [{ name: 'widgets', reference_price: 10, skus: [{ sku: 'W-1', name: 'Widget' }] }], regimes: [{ name: 'calm', duration: '1s', volatility_per_minute: 0 }] },
    network: { latency: '1ms' },
    stores: [
      {
        organisation: 'acme',
        agents: 1,
        categories: ['widgets'],
        margin: 0.2,
        floor_margin: 0.05,
        quote_validity: '5s',
        stock: { 'W-1': 10 },
        strategy: { kind: 'linear', max_rounds: 3 },
        capacity: { servers: 1, service_time: '1ms' },
      },
    ],
    buyers: [buyer('globex', 600), buyer('initech', 99.99)],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}

const hashA = transactionHash({ quote_id: 'q_1', totals: { total: 12.5 } });
const hashB = transactionHash({ quote_id: 'q_1', totals: { total: 12.49 } });

describe('MandateRegistry', () => {
  it('issues one mandate per buyer organisation with its limit in minor units', () => {
    const reg = new MandateRegistry(plan());
    expect(reg.forOrganisation('globex')).toMatchObject({ mandateId: 'mandate_globex', organisation: 'globex', maxPerPurchaseMinor: 60_000 });
    expect(reg.get('mandate_initech')?.maxPerPurchaseMinor).toBe(9_999);
    expect(reg.get('mandate_acme')).toBeUndefined();
    expect(() => reg.forOrganisation('acme')).toThrow(/no mandate for acme/);
  });

  it('verifies a signature over the hash it was made for', () => {
    const reg = new MandateRegistry(plan());
    const m = reg.forOrganisation('globex');
    const sig = reg.sign(m, hashA);
    expect(reg.verify('mandate_globex', hashA, sig)).toBe(true);
  });

  it('rejects the signature for a different transaction hash', () => {
    const reg = new MandateRegistry(plan());
    const sig = reg.sign(reg.forOrganisation('globex'), hashA);
    expect(reg.verify('mandate_globex', hashB, sig)).toBe(false);
  });

  it("rejects one organisation's signature presented under another mandate", () => {
    const reg = new MandateRegistry(plan());
    const sig = reg.sign(reg.forOrganisation('globex'), hashA);
    expect(reg.verify('mandate_initech', hashA, sig)).toBe(false);
    expect(reg.sign(reg.forOrganisation('initech'), hashA)).not.toBe(sig);
  });

  it('rejects an unknown mandate and a tampered signature', () => {
    const reg = new MandateRegistry(plan());
    const sig = reg.sign(reg.forOrganisation('globex'), hashA);
    expect(reg.verify('mandate_nobody', hashA, sig)).toBe(false);
    const tampered = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(reg.verify('mandate_globex', hashA, tampered)).toBe(false);
    expect(reg.verify('mandate_globex', hashA, '')).toBe(false);
  });

  it('signs as the HMAC of mandate and hash, whatever it signed or checked before', () => {
    const reg = new MandateRegistry(plan());
    const globex = reg.forOrganisation('globex');
    const initech = reg.forOrganisation('initech');
    // More hashes than the registry keeps signatures of, each signed under both mandates in turn.
    for (let i = 0; i < 1500; i++) {
      const hash = transactionHash({ quote_id: `q_${i % 700}`, totals: { total: 1 + (i % 3) } });
      for (const m of i % 2 ? [globex, initech] : [initech, globex]) {
        const expected = mandateSignature(m.key, m.mandateId, hash);
        expect(reg.sign(m, hash)).toBe(expected);
        expect(reg.verify(m.mandateId, hash, expected)).toBe(true);
        expect(reg.verify(m === globex ? initech.mandateId : globex.mandateId, hash, expected)).toBe(false);
      }
    }
  });

  it('tells apart hashes that share a slot of its kept signatures, and texts of any length', () => {
    const reg = new MandateRegistry(plan());
    const m = reg.forOrganisation('globex');
    // The same first hex digits, different after them; then texts too short to have them.
    const texts = ['sha256:abcd' + '0'.repeat(60), 'sha256:abcd' + '1'.repeat(60), 'sha256:abcd' + '0'.repeat(60), 'sha', '', 'sha256:'];
    for (let round = 0; round < 2; round++) {
      for (const text of texts) {
        const expected = mandateSignature(m.key, m.mandateId, text);
        expect(reg.sign(m, text)).toBe(expected);
        expect(reg.verify(m.mandateId, text, expected)).toBe(true);
      }
    }
  });

  it('derives keys from the seed: another run cannot forge this one', () => {
    const one = new MandateRegistry(plan(1));
    const two = new MandateRegistry(plan(2));
    const sig = one.sign(one.forOrganisation('globex'), hashA);
    expect(two.verify('mandate_globex', hashA, sig)).toBe(false);
    const again = new MandateRegistry(plan(1));
    expect(again.verify('mandate_globex', hashA, sig)).toBe(true);
  });
});
