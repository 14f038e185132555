import { describe, expect, it } from 'vitest';
import { validate } from '../../src/scenario/load.js';
import { baseScenario, planOf, problemsOf } from './fixtures.js';

function problems(s: unknown): { path: string; message: string }[] {
  return problemsOf(validate(s)).map((p) => ({ path: p.path, message: p.message }));
}

describe('security, adversaries and mandates in a scenario', () => {
  it('defaults: ES256 signing, no rotation, 30 s freshness, audit trail on, no adversaries', () => {
    const plan = planOf(validate(baseScenario()));
    expect(plan.security).toMatchObject({ signing: 'es256', freshness: 30_000_000, clock_skew: 2_000_000, audit: true, sender_burst: 20 });
    expect(plan.security.key_rotation).toBeUndefined();
    expect(plan.adversaries).toEqual([]);
  });

  it('reads every field', () => {
    const s = baseScenario();
    s.security = { signing: 'eddsa', key_rotation: '10m', key_overlap: '5s', freshness: '20s', clock_skew: '1s', sender_rate: '50/s', sender_burst: 100, audit: false, quarantine: { rejection_rate: 0.5, min_messages: 10 } };
    s.adversaries = [{ kind: 'forger', rate: '6/m' }, { kind: 'flooder', organisation: 'mallory', rate: '10/s', start: '5s', categories: [s.market.categories[0].name] }];
    s.buyers[0].mandate = { max_per_purchase: 600, budget: { amount: 5000, period: '1h' }, approval_threshold: 400, approval: { delay: '2s', timeout: '10s' }, valid_for: '1h', merchants: [s.stores[0].organisation] };
    const plan = planOf(validate(s));
    expect(plan.security).toMatchObject({ signing: 'eddsa', key_rotation: 600_000_000, key_overlap: 5_000_000, sender_burst: 100, audit: false, quarantine: { rejection_rate: 0.5, min_messages: 10 } });
    expect(plan.security.sender_rate).toBeCloseTo(50e-6, 12);
    expect(plan.adversaries[1]).toMatchObject({ kind: 'flooder', organisation: 'mallory', start: 5_000_000 });
    expect(plan.buyers[0]!.mandate).toMatchObject({ budget: { amount: 500_000, period: 3_600_000_000 }, approval_threshold: 40_000, approval: { timeout: 10_000_000 } });
  });

  it('lists every bad value with its path', () => {
    const s = baseScenario();
    s.security = { signing: 'rsa', freshness: '0s', key_rotation: 'soon', sender_burst: -1, audit: 'yes', quarantine: { rejection_rate: 2, min_messages: 1 }, colour: 'red' };
    s.adversaries = [{ kind: 'thief', rate: '1/m' }, { kind: 'forger', rate: 'fast', categories: ['nope'] }];
    s.buyers[0].mandate = { max_per_purchase: 600, approval_threshold: 100, merchants: ['nobody'], budget: { amount: -1, period: '1h' } };
    const paths = problems(s).map((p) => p.path).sort();
    expect(paths).toEqual(
      [
        'adversaries[0].kind',
        'adversaries[1].categories[0]',
        'adversaries[1].rate',
        'buyers[0].mandate.approval',
        'buyers[0].mandate.budget.amount',
        'buyers[0].mandate.merchants[0]',
        'security.audit',
        'security.colour',
        'security.freshness',
        'security.key_rotation',
        'security.quarantine.rejection_rate',
        'security.sender_burst',
        'security.signing',
      ].sort(),
    );
    const byPath = new Map(problems(s).map((p) => [p.path, p.message]));
    expect(byPath.get('security.signing')).toMatch(/es256, eddsa or off/);
    expect(byPath.get('adversaries[0].kind')).toMatch(/forger, replayer, impersonator, stale_key, mandate_exceeder, tamperer, flooder/);
    expect(byPath.get('security.colour')).toMatch(/unknown field "colour"/);
  });

  it('refuses an adversary organisation named like an honest one', () => {
    const s = baseScenario();
    s.adversaries = [{ kind: 'forger', organisation: s.buyers[0].organisation, rate: '1/m' }];
    expect(problems(s).map((p) => p.path)).toEqual(['adversaries[0].organisation']);
  });
});
