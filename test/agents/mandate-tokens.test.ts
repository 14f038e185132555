import { describe, expect, it } from 'vitest';
import { MandateRegistry, MandateSpending, mandateScope, type Mandate } from '../../src/agents/mandates.js';
import { Market } from '../../src/market/market.js';
import { layOut } from '../../src/run/layout.js';
import { sharedWorld } from '../../src/run/shard.js';
import { validate } from '../../src/scenario/load.js';
import type { SimulationPlan } from '../../src/scenario/schema.js';
import { DRAIN_HORIZON_US, runSimulation } from '../../src/simulation.js';
import { verifyToken } from '../../src/trust/jws.js';
import { planOf } from '../plans.js';
import { loadScenarioData } from '../e2e/helpers.js';

/** quickstart for 20 s, with the buyers' mandate replaced. */
function withMandate(mandate: Record<string, unknown>, extra: Record<string, unknown> = {}): SimulationPlan {
  const data = loadScenarioData('scenarios/quickstart.yaml');
  data.duration = '20s';
  data.budgets = [];
  data.buyers[0].mandate = { max_per_purchase: 600, ...mandate };
  Object.assign(data, extra);
  const r = validate(data);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}

describe('mandates as capability tokens', () => {
  it('travel as a JWS signed by the organisation root key, with their limits as claims', () => {
    const plan = withMandate({ categories: ['headphones'], approval_threshold: 300, approval: { delay: '1s', timeout: '2s' }, budget: { amount: 1000, period: '1h' } });
    const world = sharedWorld(plan, layOut(plan, 1), new Market(plan, plan.duration + DRAIN_HORIZON_US));
    const m = world.mandates.forOrganisation('globex-procurement');
    const claims = verifyToken<Record<string, unknown>>(m.token!, world.trust.keys.rootKey('globex-procurement').publicKey);
    expect(claims).toMatchObject({ mandate_id: 'mandate_globex-procurement', max_per_purchase: 600, approval_threshold: 300, categories: ['headphones'], budget: { amount: 1000 } });
    expect(verifyToken(m.token!, world.trust.keys.rootKey('acme-audio').publicKey)).toBeUndefined();
    expect(world.mandates.tokenValid(m)).toBe(true);
    const forged: Mandate = { ...m, token: m.token!.replace(/\.[^.]+\./, `.${Buffer.from('{"mandate_id":"x"}').toString('base64url')}.`) };
    expect(new MandateRegistry(plan, world.trust.keys).tokenValid(forged)).toBe(false);
  });

  it('limit scope and validity', () => {
    const base = { mandateId: 'm', organisation: 'o', maxPerPurchaseMinor: 100, key: new Uint8Array(32), validFromUs: 10, validUntilUs: 100 };
    expect(mandateScope(base, 5, 'a', 'shop')).toBe('mandate_expired');
    expect(mandateScope(base, 100, 'a', 'shop')).toBe('mandate_expired');
    expect(mandateScope(base, 50, 'a', 'shop')).toBeUndefined();
    expect(mandateScope({ ...base, categories: ['b'] }, 50, 'a', 'shop')).toBe('mandate_scope_mismatch');
    expect(mandateScope({ ...base, excludedCategories: ['a'] }, 50, 'a', 'shop')).toBe('mandate_scope_mismatch');
    expect(mandateScope({ ...base, merchants: ['other'] }, 50, 'a', 'shop')).toBe('mandate_scope_mismatch');
    expect(mandateScope({ ...base, excludedMerchants: ['shop'] }, 50, 'a', 'shop')).toBe('mandate_scope_mismatch');
  });

  it('keep a budget per period, released when a purchase fails', () => {
    const m: Mandate = { mandateId: 'm', organisation: 'o', maxPerPurchaseMinor: 100, key: new Uint8Array(32), validFromUs: 0, validUntilUs: Infinity, budget: { amountMinor: 250, periodUs: 1000 } };
    const s = new MandateSpending();
    s.add(m, 10, 200);
    expect(s.fits(m, 20, 60)).toBe(false);
    expect(s.fits(m, 20, 50)).toBe(true);
    s.release(m, 10, 200);
    expect(s.fits(m, 20, 250)).toBe(true);
    s.add(m, 30, 250);
    expect(s.fits(m, 1000, 250)).toBe(true);
  });
});

describe('mandates checked by stores and respected by buyers, in a run', () => {
  const outcomes = (p: SimulationPlan) => runSimulation(p).results;

  it('a merchant outside the mandate answers mandate_scope_mismatch', () => {
    const r = outcomes(withMandate({ merchants: ['soundwave-supply'] }));
    expect(r.errors.by_code.mandate_scope_mismatch).toBeGreaterThan(0);
    expect(r.negotiation.succeeded).toBeGreaterThan(0);
  });

  it('an expired mandate answers mandate_expired', () => {
    const r = outcomes(withMandate({ valid_for: '8s' }));
    expect(r.errors.by_code.mandate_expired).toBeGreaterThan(0);
  });

  it('a budget per period stops the organisation buying beyond it', () => {
    const r = outcomes(withMandate({ budget: { amount: 600, period: '1h' } }));
    expect(Number(r.settlement.value)).toBeLessThanOrEqual(600);
    expect(r.negotiation.outcomes.mandate_exceeded).toBeGreaterThan(0);
  });

  it('above the approval threshold a simulated human approves, or times out', () => {
    const fast = outcomes(withMandate({ approval_threshold: 150, approval: { delay: '50ms', timeout: '1s' } }));
    expect(fast.negotiation.outcomes.approval_timeout).toBe(0);
    expect(fast.errors.by_code.approval_required ?? 0).toBe(0);
    expect(fast.negotiation.succeeded).toBeGreaterThan(0);
    const slow = outcomes(withMandate({ approval_threshold: 150, approval: { delay: { distribution: 'uniform', min: '500ms', max: '3s' }, timeout: '1s' } }));
    expect(slow.negotiation.outcomes.approval_timeout).toBeGreaterThan(0);
  });

  it('an accept above the threshold without approval is refused with approval_required', () => {
    const plan = withMandate({}, {
      adversaries: [{ kind: 'mandate_exceeder', rate: '30/m', mandate: { max_per_purchase: 10_000, approval_threshold: 1, approval: { delay: '1s', timeout: '2s' } } }],
    });
    const r = outcomes(plan);
    expect(r.security.hostile_rejections.mandate_exceeder).toEqual({ approval_required: r.security.attempts.mandate_exceeder });
    expect(r.security.accepted_hostile_total).toBe(0);
  });
});

describe('scenario files', () => {
  it('hostile-agents parses with its adversaries', () => {
    expect(planOf('scenarios/hostile-agents.yaml').adversaries).toHaveLength(7);
  });
});
