import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/simulation.js';
import { planOf } from '../plans.js';

describe('hostile agents against the trust layer', () => {
  const plan = planOf('scenarios/hostile-agents.yaml');
  const short = { ...plan, duration: 25_000_000, adversaries: plan.adversaries.filter((a) => a.kind !== 'flooder') };

  it('get through when signing is off: the checks are what stops them', () => {
    const off = runSimulation({ ...short, security: { ...short.security, signing: 'off' } }).results.security;
    expect(off.attempts_total).toBeGreaterThan(0);
    expect(off.accepted_hostile.forger).toBeGreaterThan(0);
    expect(off.accepted_hostile.impersonator).toBeGreaterThan(0);
    expect(off.accepted_hostile.replayer).toBeGreaterThan(0);
  });

  it.each(['es256', 'eddsa'] as const)('are all refused with %s', (signing) => {
    const s = runSimulation({ ...short, security: { ...short.security, signing } }).results.security;
    expect(s.attempts_total).toBeGreaterThan(20);
    expect(s.accepted_hostile_total).toBe(0);
    expect(s.honest_rejections).toEqual({});
  });

  it('are quarantined once most of their messages are rejected', () => {
    const s = runSimulation({ ...short, security: { ...short.security, quarantine: { rejection_rate: 0.5, min_messages: 3 } } }).results.security;
    expect(s.quarantined.map((q) => q.agent)).toContain('agent:hostile-1-forger-1');
    expect(s.quarantined.every((q) => q.agent.startsWith('agent:hostile-'))).toBe(true);
    expect(s.quarantined_messages).toBeGreaterThan(0);
    expect(s.accepted_hostile_total).toBe(0);
  });
});

describe('counterparty risk', () => {
  it('flags a store whose quotes are far above the market, and no other', () => {
    const plan = planOf('scenarios/quickstart.yaml');
    const stores = plan.stores.map((st, i) => (i === 0 ? { ...st, margin: 1.2, floor_margin: 1.0 } : st));
    const r = runSimulation({ ...plan, duration: 20_000_000, stores }).results.security;
    const flagged = r.anomalies.map((a) => a.agent);
    expect(flagged).toEqual(['agent:acme-audio-1', 'agent:acme-audio-2']);
    expect(r.anomalies[0]!.price_outliers).toBe(r.anomalies[0]!.quotes);
  });
});
