import { describe, expect, it } from 'vitest';
import { welcomeFrame } from '../../src/gateway/welcome.js';
import type { Party } from '../../src/protocol/schemas.js';
import { planOf } from '../plans.js';

const agent = (identifier: string, name: string): Party => ({ type: 'agent', identifier, name });

describe('welcomeFrame', () => {
  it('tells an external store its agents, the epoch, currency and the SKUs of its categories, and no mandate', () => {
    const plan = planOf('scenarios/external-store.yaml');
    const external = plan.external.find((e) => e.role === 'store')!;
    const frame = welcomeFrame(plan, external, [agent('agent:x-1', 'X one')]);
    expect(frame).toMatchObject({ type: 'a2a-sim.welcome', organisation: external.organisation, role: 'store', scenario: plan.name, seed: plan.seed, currency: plan.currency, clock: plan.external_clock });
    expect(frame.agents.map((a) => a.identifier)).toEqual(['agent:x-1']);
    expect(Date.parse(frame.start_time)).toBe(Date.parse(plan.start_time));
    const skus = plan.market.categories.filter((c) => external.categories.includes(c.name)).flatMap((c) => c.skus.map((k) => k.sku));
    expect(frame.skus.map((s) => s.sku)).toEqual(skus);
    expect(skus.length).toBeGreaterThan(0);
    expect(frame.mandate).toBeUndefined();
  });

  it('gives an external buyer its mandate, with the proof key simulated buyers use', () => {
    const plan = planOf('scenarios/external-buyer.yaml');
    const external = plan.external.find((e) => e.role === 'buyer')!;
    const buyer = plan.buyers.find((b) => b.organisation === external.organisation)!;
    const frame = welcomeFrame(plan, external, []);
    expect(frame.mandate).toEqual({ mandate_id: `mandate_${external.organisation}`, key: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), max_per_purchase: buyer.mandate.max_per_purchase / 100 });
    // The key depends on the seed and the organisation alone.
    expect(welcomeFrame(plan, external, []).mandate!.key).toBe(frame.mandate!.key);
    expect(welcomeFrame({ ...plan, seed: `${plan.seed}-other` }, external, []).mandate!.key).not.toBe(frame.mandate!.key);
  });
});
