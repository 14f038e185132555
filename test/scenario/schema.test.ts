import { describe, expect, it } from 'vitest';
import { validate } from '../../src/scenario/load.js';
import { ScenarioSchema } from '../../src/scenario/schema.js';
import { baseScenario, messageAt, planOf, problemPaths, problemsOf } from './fixtures.js';

describe('a valid scenario', () => {
  it('validates the base scenario', () => {
    expect(ScenarioSchema.safeParse(baseScenario()).success).toBe(true);
  });

  it('fills in defaults', () => {
    const s = baseScenario();
    delete s.seed;
    delete s.currency;
    delete s.budgets;
    const plan = planOf(validate(s));
    expect(plan.seed).toBe(1);
    expect(plan.currency).toBe('USD');
    expect(plan.start_time).toBe('2025-01-15T10:30:00Z');
    expect(plan.budgets).toEqual([]);
    expect(plan.report).toEqual({ top_pairs: 10 });
    expect(plan.network.links).toEqual([]);
    expect(plan.network.corrupt_probability).toBe(0);
    expect(plan.market.volatility_window).toBe(30_000_000);
    expect(plan.stores[0]!.capacity.queue_limit).toBe(1_000);
    expect(plan.buyers[0]!.accept_retries).toBe(2);
    expect(plan.market.regimes[0]!.drift_per_minute).toBe(0);
    expect(plan.market.categories[0]!.skus[0]!.price_factor).toBe(1);
  });

  it('accepts a seed written as a string', () => {
    const s = baseScenario();
    s.seed = 'nightly-ci';
    expect(planOf(validate(s)).seed).toBe('nightly-ci');
  });

  it.each([-5, 1.5, '-3', '1.5', '42', 'hello world', ''])('refuses the seed %j, saying what a seed may be', (seed) => {
    const s = baseScenario();
    s.seed = seed;
    expect(problemsOf(validate(s))).toEqual([{ path: 'seed', message: 'expected a non-negative integer or a word of letters, digits, ".", "_" or "-" (with at least one letter)' }]);
  });

  it('says what a number out of bounds should have been, in its own words', () => {
    const s = baseScenario();
    s.network.loss_probability = 1.5;
    s.buyers[0].agents = 0;
    const messages = problemsOf(validate(s)).map((p) => `${p.path}: ${p.message}`);
    expect(messages).toContain('network.loss_probability: expected a number <= 1, got 1.5');
    expect(messages).toContain('buyers[0].agents: expected a number > 0, got 0');
  });

  it('refuses values a run could not keep: endless rates, amounts past exact arithmetic, far starts, floors above the middle', () => {
    const s = baseScenario();
    s.buyers[0].intent_rate = `${'9'.repeat(400)}/ms`;
    s.stores[0].shipping = 900719925474.09;
    s.market.categories[0].skus[1].price_factor = 1e308;
    s.start_time = '9999-12-31T23:59:59Z';
    s.network.latency = { distribution: 'lognormal', median: '2ms', p99: '12ms', min: '5ms' };
    s.stores[0].capacity.service_time = { distribution: 'exponential', mean: '2ms', min: '3ms' };
    const problems = problemsOf(validate(s));
    expect(problems.map((p) => p.path).sort()).toEqual(
      ['buyers[0].intent_rate', 'market.categories[0].skus[1].price_factor', 'network.latency.min', 'start_time', 'stores[0].capacity.service_time.min', 'stores[0].shipping'].sort(),
    );
    expect(problems.find((p) => p.path === 'stores[0].shipping')!.message).toBe('expected an amount of at most 10,000,000,000.00, got 900719925474.09');
  });

  it('refuses worker threads in the file when the network has no lookahead, as run --workers does', () => {
    const s = baseScenario();
    s.workers = 2;
    s.network.latency = '0ms';
    expect(problemsOf(validate(s)).map((p) => p.path)).toEqual(['workers']);
    s.workers = 1;
    expect(planOf(validate(s)).workers).toBe(1);
  });

  it('refuses a link or a partition from an organisation to itself, two regimes of one name, and a duration past 100000d', () => {
    const s = baseScenario();
    s.network.links = [{ from: 'acme-audio', to: 'acme-audio', latency: '5ms' }];
    s.market.regimes = [
      { name: 'calm', duration: '1m', volatility_per_minute: 0.01 },
      { name: 'calm', duration: '1m', volatility_per_minute: 0.02 },
    ];
    s.duration = '9999999999h';
    const problems = problemsOf(validate(s));
    expect(problems.find((p) => p.path === 'network.links[0].to')?.message).toMatch(/to itself carries no message/);
    expect(problems.find((p) => p.path === 'market.regimes[1].name')?.message).toBe('duplicate regime "calm" (results are reported by regime)');
    expect(problems.find((p) => p.path === 'duration')?.message).toBe('expected a duration of at most 100000d, got "9999999999h"');
  });

  it('reports an empty or wrong category list once, without follow-on stock problems, and non-finite numbers as such', () => {
    const s = baseScenario();
    s.stores[0].categories = [];
    s.buyers[0].budget_margin = -Infinity;
    expect(problemsOf(validate(s))).toEqual([
      { path: 'stores[0].categories', message: 'expected at least 1 entry, got 0' },
      { path: 'buyers[0].budget_margin', message: 'expected a finite number, got -Infinity' },
    ]);
    s.stores[0].categories = 'headphones';
    expect(problemsOf(validate(s)).map((p) => p.path)).toEqual(['stores[0].categories', 'buyers[0].budget_margin']);
  });
});

describe('wrong types and values', () => {
  it('names buyers[0].strategy.e when e is not a number', () => {
    const s = baseScenario();
    s.buyers[0].strategy.e = 'x';
    expect(problemPaths(s)).toEqual(['buyers[0].strategy.e']);
  });

  it('says what type was expected and what was given', () => {
    const s = baseScenario();
    s.buyers[0].strategy.e = 'x';
    expect(messageAt(s, 'buyers[0].strategy.e')).toBe('expected a number, got the string "x"');
  });

  it('says a missing field is missing', () => {
    const s = baseScenario();
    delete s.buyers[0].quote_timeout;
    expect(problemPaths(s)).toEqual(['buyers[0].quote_timeout']);
    expect(messageAt(s, 'buyers[0].quote_timeout')).toMatch(/required field is missing/);
  });

  it('rejects probabilities outside [0, 1], bad names and bad currencies', () => {
    const s = baseScenario();
    s.network.loss_probability = 1.5;
    s.name = 'quick start';
    s.currency = 'usd';
    s.stores[0].tax_rate = -0.1;
    expect(problemPaths(s)).toEqual(['currency', 'name', 'network.loss_probability', 'stores[0].tax_rate']);
  });

  it('rejects a quantity range whose max is below its min', () => {
    const s = baseScenario();
    s.buyers[0].quantity = { min: 3, max: 2 };
    expect(problemPaths(s)).toEqual(['buyers[0].quantity.max']);
  });

  it('rejects a bad budget, naming its index', () => {
    const s = baseScenario();
    s.budgets.push('settlement_latency.p99 < 1000', 'foo.bar > 1');
    expect(problemPaths(s)).toEqual(['budgets[2]', 'budgets[3]']);
    expect(messageAt(s, 'budgets[3]')).toContain('unknown metric "foo.bar"');
  });

  it('rejects something that is not a scenario at all', () => {
    for (const value of [null, 'quickstart', 42, []]) expect(problemPaths(value)).toEqual(['']);
  });
});

describe('unknown fields', () => {
  it('lists every unknown field with its full path', () => {
    const s = baseScenario();
    s.colour = 'blue';
    s.market.categories[0].skus[0].colour = 'black';
    s.buyers[0].strategy.greed = 1;
    s.buyers[0].breaker.threshold = 0.5;
    const problems = problemsOf(validate(s));
    expect(problems.map((p) => p.path).sort()).toEqual([
      'buyers[0].breaker.threshold',
      'buyers[0].strategy.greed',
      'colour',
      'market.categories[0].skus[0].colour',
    ]);
    expect(problems.find((p) => p.path === 'colour')!.message).toBe('unknown field "colour"');
  });
});

describe('many problems at once', () => {
  it('lists every problem, each once, with its path', () => {
    const s = baseScenario();
    s.buyers[0].strategy.e = 'x';
    s.buyers[0].intent_rate = '-12/m';
    s.buyers[0].mandate.max_per_purchase = -1;
    s.stores[0].shipping = 9.999;
    s.network.latency = { distribution: 'lognormal', median: '12ms', p99: '2ms' };
    s.market.tick = '1 second';
    s.stores[1].favourite = true;
    expect(problemPaths(s)).toEqual([
      'buyers[0].intent_rate',
      'buyers[0].mandate.max_per_purchase',
      'buyers[0].strategy.e',
      'market.tick',
      'network.latency.p99',
      'stores[0].shipping',
      'stores[1].favourite',
    ]);
  });
});
