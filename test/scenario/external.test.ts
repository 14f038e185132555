import { describe, expect, it } from 'vitest';
import { validate } from '../../src/scenario/load.js';
import { parseBudget } from '../../src/scenario/budgets.js';
import { baseScenario, planOf, problemsOf } from './fixtures.js';

function problems(s: unknown): { path: string; message: string }[] {
  return problemsOf(validate(s)).map((p) => ({ path: p.path, message: p.message }));
}

function withExternal(entry: Record<string, unknown>): any {
  const s = baseScenario();
  s.security = { signing: 'off' };
  s.external = [{ organisation: 'outside', role: 'store', agents: 2, categories: [s.market.categories[0].name], ...entry }];
  return s;
}

describe('external organisations in a scenario', () => {
  it('stand in the store list after the simulated ones, with defaults', () => {
    const s = withExternal({ think_time: { distribution: 'uniform', min: '1ms', max: '3ms' } });
    const plan = planOf(validate(s));
    expect(plan.external_clock).toBe('virtual');
    expect(plan.external[0]).toMatchObject({ organisation: 'outside', role: 'store', agents: 2, capabilities: ['negotiation', 'multi-item'], reply_timeout: 2_000_000, think_time: { kind: 'uniform', minUs: 1000, maxUs: 3000 } });
    expect(plan.stores.at(-1)).toMatchObject({ organisation: 'outside', agents: 2, strategy: { name: 'external' } });
    expect(plan.stores).toHaveLength(s.stores.length + 1);
  });

  it('a buyer gets a mandate and may be the only buyer', () => {
    const s = withExternal({ role: 'buyer', mandate: { max_per_purchase: 250 } });
    s.buyers = [];
    const plan = planOf(validate(s));
    expect(plan.buyers).toHaveLength(1);
    expect(plan.buyers[0]).toMatchObject({ organisation: 'outside', intent_rate: 0, mandate: { max_per_purchase: 25_000 } });
  });

  it('lists every problem with its path', () => {
    const s = withExternal({ role: 'seller', categories: ['nope'], agents: 0, capabilities: ['teleport'], reply_timeout: 'soon' });
    s.security = { signing: 'es256' };
    s.external.push({ organisation: s.stores[0].organisation, role: 'store', agents: 1, categories: [s.market.categories[0].name] });
    expect(problems(s).map((p) => p.path).sort()).toEqual(
      ['external[0].agents', 'external[0].capabilities[0]', 'external[0].categories[0]', 'external[0].key', 'external[0].reply_timeout', 'external[0].role', 'external[1].key', 'external[1].organisation'].sort(),
    );
  });

  it('with signing on, takes the public key inline (jwks) as well as from a file', () => {
    const s = withExternal({ jwks: [{ kty: 'EC', crv: 'P-256', x: 'abc', y: 'def' }] });
    s.security = { signing: 'es256' };
    expect(planOf(validate(s)).external[0]!.jwks).toEqual([{ kty: 'EC', crv: 'P-256', x: 'abc', y: 'def' }]);
  });

  it('refuses a clock other than virtual or realtime, a scale that is not positive, and no store at all', () => {
    const s = withExternal({ role: 'buyer' });
    s.stores = [];
    s.external_clock = 'wallclock';
    s.realtime_scale = 0;
    expect(problems(s).map((p) => p.path).sort()).toEqual(['external_clock', 'realtime_scale', 'stores']);
    const realtime = withExternal({ role: 'store' });
    Object.assign(realtime, { external_clock: 'realtime', realtime_scale: 2 });
    expect(planOf(validate(realtime))).toMatchObject({ external_clock: 'realtime', realtime_scale: 2 });
  });

  it('run beside a settlement section and hostile agents; a crash of theirs is refused (it is a process outside)', () => {
    const s = withExternal({});
    s.settlement = { step_timeout: '250ms', saga_bound: '30s', funding: { buyer_cash: 1000 } };
    s.adversaries = [{ kind: 'flooder', rate: '1/s' }];
    const plan = planOf(validate(s));
    expect(plan.settlement).toBeDefined();
    expect(plan.adversaries).toHaveLength(1);
    s.faults = { crashes: [{ organisation: 'outside', at: '10s', downtime: '1s' }] };
    expect(problems(s)).toEqual([{ path: 'faults.crashes[0].organisation', message: expect.stringContaining('outside is an external organisation') }]);
  });

  it('run inline whatever workers says: a scenario with threads and no lookahead is not refused for them', () => {
    const s = withExternal({});
    s.workers = 2;
    s.network = { latency: { distribution: 'lognormal', median: '2ms', p99: '12ms' } };
    expect(planOf(validate(s)).workers).toBe(2);
    s.external = [];
    expect(problems(s).map((p) => p.path)).toEqual(['workers']);
  });

  it('has wall-clock budgets on the gateway figures', () => {
    expect(parseBudget('external.reply_latency.p99 < 20ms')).toMatchObject({ metric: 'external.reply_latency.p99', threshold: 20_000 });
    expect(parseBudget('external.round_trip.p50 <= 1s')).toMatchObject({ threshold: 1_000_000 });
    expect(parseBudget('external.disconnects == 0')).toMatchObject({ threshold: 0 });
  });
});
