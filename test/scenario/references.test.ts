/** Cross-references: what the sections of a scenario must agree on. */
import { describe, expect, it } from 'vitest';
import { validate } from '../../src/scenario/load.js';
import { baseScenario, planOf, problemPaths, problemsOf } from './fixtures.js';

function withSecondCategory(s: Record<string, any>): Record<string, any> {
  s.market.categories.push({ name: 'speakers', reference_price: 80, skus: [{ sku: 'SPK-001', name: 'Bookshelf Speaker' }] });
  return s;
}

describe('cross-references', () => {
  it('rejects a buyer category no market defines, once (not again as a category no store sells)', () => {
    const s = baseScenario();
    s.buyers[0].categories = ['speakers'];
    const problems = problemsOf(validate(s));
    expect(problems.map((p) => p.path)).toEqual(['buyers[0].categories[0]']);
    expect(problems[0]!.message).toBe('unknown category "speakers" (market.categories has headphones)');
  });

  it('rejects a store category no market defines', () => {
    const s = baseScenario();
    s.stores[1].categories = ['headphones', 'speakers'];
    expect(problemPaths(s)).toEqual(['stores[1].categories[1]']);
  });

  it('rejects a buyer whose categories no store sells', () => {
    const s = withSecondCategory(baseScenario());
    s.buyers[0].categories = ['speakers'];
    expect(problemPaths(s)).toEqual(['buyers[0].categories']);
  });

  it('rejects an organisation used twice, among stores or across stores and buyers', () => {
    const s = baseScenario();
    s.stores[1].organisation = 'acme-audio';
    s.buyers[0].organisation = 'acme-audio';
    const problems = problemsOf(validate(s));
    expect(problems.map((p) => p.path).sort()).toEqual(['buyers[0].organisation', 'stores[1].organisation']);
    expect(problems[0]!.message).toContain('duplicate organisation "acme-audio"');
  });

  it('rejects duplicate categories and SKUs', () => {
    const s = baseScenario();
    s.market.categories.push({ name: 'headphones', reference_price: 10, skus: [{ sku: 'WH-PRO-001', name: 'Copy' }] });
    expect(problemPaths(s)).toEqual(['market.categories[1].name', 'market.categories[1].skus[0].sku']);
  });

  it('rejects stock of an unknown SKU and of a category the store does not sell', () => {
    const s = withSecondCategory(baseScenario());
    s.stores[0].stock['WH-PRO-009'] = 5;
    s.stores[1].stock['SPK-001'] = 5;
    const problems = problemsOf(validate(s));
    expect(problems.map((p) => p.path).sort()).toEqual(['stores[0].stock.WH-PRO-009', 'stores[1].stock.SPK-001']);
    expect(problems.find((p) => p.path === 'stores[1].stock.SPK-001')!.message).toContain('does not sell');
  });

  it('rejects margins in the wrong order', () => {
    const s = baseScenario();
    s.stores[0].floor_margin = 0.3;
    s.buyers[0].target_margin = 0.4;
    expect(problemPaths(s)).toEqual(['buyers[0].target_margin', 'stores[0].floor_margin']);
  });

  it('rejects links to unknown organisations', () => {
    const s = baseScenario();
    s.network.links = [{ from: 'nobody', to: 'acme-audio' }, { from: 'acme-audio', to: 'nowhere' }];
    expect(problemPaths(s)).toEqual(['network.links[0].from', 'network.links[1].to']);
  });

  it('lists every cross-reference problem at once', () => {
    const s = baseScenario();
    s.stores[1].organisation = 'acme-audio';
    s.buyers[0].categories = ['headphones', 'speakers'];
    s.stores[0].stock['NOPE-1'] = 1;
    s.network.links = [{ from: 'ghost', to: 'acme-audio' }];
    expect(problemPaths(s)).toEqual(['buyers[0].categories[1]', 'network.links[0].from', 'stores[0].stock.NOPE-1', 'stores[1].organisation']);
  });

  it('lists cross-reference problems together with type problems', () => {
    const s = baseScenario();
    s.buyers[0].strategy.e = 'x';
    s.buyers[0].categories = ['speakers'];
    expect(problemPaths(s)).toEqual(expect.arrayContaining(['buyers[0].strategy.e', 'buyers[0].categories[0]']));
  });

  it('refuses a budget on a saga or bond metric when there is no settlement to measure', () => {
    const s = baseScenario();
    s.budgets = ['negotiation.success_rate >= 0.5', 'sagas.settled >= 1', 'bonds.forfeited == 0'];
    expect(problemsOf(validate(s))).toEqual([
      { path: 'budgets[1]', message: 'sagas.settled has a value only with a settlement section (without one the budget would always breach)' },
      { path: 'budgets[2]', message: 'bonds.forfeited has a value only with a settlement section (without one the budget would always breach)' },
    ]);
  });

  it('refuses a budget on a wall-clock figure of external agents when the scenario has none', () => {
    const s = baseScenario() as Record<string, any>;
    s.budgets = ['negotiation.success_rate >= 0.5', 'external.reply_latency.p99 < 20ms', 'external.disconnects == 0'];
    expect(problemsOf(validate(s))).toEqual([
      { path: 'budgets[1]', message: 'external.reply_latency.p99 has a value only with external organisations (without them the budget would always breach)' },
      { path: 'budgets[2]', message: 'external.disconnects has a value only with external organisations (without them the budget would always breach)' },
    ]);
  });

  it('refuses a saga bound that one retry of a step would already break', () => {
    const s = baseScenario() as Record<string, any>;
    s.settlement = { step_timeout: '1s', retry_backoff_max: '4s', saga_bound: '5s', funding: { buyer_cash: 1000 } };
    expect(problemsOf(validate(s))).toEqual([{ path: 'settlement.saga_bound', message: 'must be longer than step_timeout + retry_backoff_max (5s): one retry of a refused or lost step already takes that long' }]);
    s.settlement.saga_bound = '5001ms';
    expect(planOf(validate(s)).settlement!.saga_bound).toBe(5_001_000);
    // retry_backoff_max defaults to 5s
    s.settlement = { step_timeout: '1s', saga_bound: '6s', funding: { buyer_cash: 1000 } };
    expect(problemsOf(validate(s))).toEqual([{ path: 'settlement.saga_bound', message: 'must be longer than step_timeout + retry_backoff_max (6s): one retry of a refused or lost step already takes that long' }]);
  });

  it('refuses a buyer whose dearest purchase would pass the largest exact amount', () => {
    const s = baseScenario();
    s.market.categories[0].reference_price = 1_000_000_000;
    s.buyers[0].quantity = { min: 1, max: 1000 };
    expect(problemsOf(validate(s)).map((p) => [p.path, p.message.replace(/could come to [^(]*/, 'could come to X ')])).toEqual([
      ['buyers[0].quantity.max', 'a purchase could come to X (1000 units at up to 1,430,000,000.00), past the largest amount the simulator keeps exact (10,000,000,000.00)'],
    ]);
    s.buyers[0].quantity = { min: 1, max: 3 };
    expect(planOf(validate(s)).buyers[0]!.quantity.max).toBe(3);
  });

  it('accepts links between known organisations', () => {
    const s = baseScenario();
    s.network.links = [{ from: 'globex-procurement', to: 'acme-audio', latency: '20ms' }];
    const plan = planOf(validate(s));
    expect(plan.network.links[0]!.latency).toEqual({ kind: 'constant', valueUs: 20_000 });
  });

  it('rejects an empty list of stores and of buyers', () => {
    const s = baseScenario();
    s.stores = [];
    s.buyers = [];
    expect(problemPaths(s)).toEqual(['buyers', 'stores']);
  });
});
