import { describe, expect, it } from 'vitest';
import { validate } from '../../src/scenario/load.js';
import { ScenarioSchema } from '../../src/scenario/schema.js';
import { baseScenario, planOf, problemsOf } from './fixtures.js';

/** Validates `s` and returns the sorted paths of its problems. */
function problemPaths(s: unknown): string[] {
  return problemsOf(validate(s)).map((p) => p.path).sort();
}

function messageAt(s: unknown, path: string): string {
  const problem = problemsOf(validate(s)).find((p) => p.path === path);
  if (!problem) throw new Error(`no problem at ${path}`);
  return problem.message;
}

function withSecondCategory(s: Record<string, any>): Record<string, any> {
  s.market.categories.push({ name: 'speakers', reference_price: 80, skus: [{ sku: 'SPK-001', name: 'Bookshelf Speaker' }] });
  return s;
}

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

  it.each([
    ['a plain duration', '5ms', { kind: 'constant', valueUs: 5_000 }],
    ['a constant', { distribution: 'constant', value: '250us' }, { kind: 'constant', valueUs: 250 }],
    ['a uniform', { distribution: 'uniform', min: '1ms', max: '3ms' }, { kind: 'uniform', minUs: 1_000, maxUs: 3_000 }],
    ['an exponential', { distribution: 'exponential', mean: '3ms' }, { kind: 'exponential', meanUs: 3_000, minUs: 0 }],
    ['a lognormal', { distribution: 'lognormal', median: '2ms', p99: '12ms', min: '500us' }, { kind: 'lognormal', medianUs: 2_000, p99Us: 12_000, minUs: 500 }],
  ])('reads %s latency', (_name, spec, dist) => {
    const s = baseScenario();
    s.network.latency = spec;
    expect(planOf(validate(s)).network.latency).toEqual(dist);
  });

  it.each([
    ['boulware', 0.2],
    ['linear', 1],
    ['conceder', 3],
  ])('gives a %s strategy e = %s by default', (kind, e) => {
    const s = baseScenario();
    s.buyers[0].strategy = { kind, max_rounds: 5 };
    expect(planOf(validate(s)).buyers[0]!.strategy).toEqual({ kind, name: kind, e, options: {}, maxRounds: 5, deadlineUs: undefined });
  });

  it('keeps an explicit e that fits the kind', () => {
    const s = baseScenario();
    s.buyers[0].strategy = { kind: 'conceder', e: 2.5, max_rounds: 5, deadline: '1s' };
    expect(planOf(validate(s)).buyers[0]!.strategy).toEqual({ kind: 'conceder', name: 'conceder', e: 2.5, options: {}, maxRounds: 5, deadlineUs: 1_000_000 });
  });

  it('gives a buyer an opponent model with defaults, and none when it asks for none', () => {
    const s = baseScenario();
    s.buyers[0].strategy = { kind: 'linear', max_rounds: 5, opponent_model: {} };
    expect(planOf(validate(s)).buyers[0]!.strategy.opponentModel).toEqual({ floorSteps: 64, exponentSteps: 16, walkAway: 0.95 });
    s.buyers[0].strategy = { kind: 'boulware', max_rounds: 5, opponent_model: { floor_steps: 4096, exponent_steps: 8, walk_away: 1 } };
    expect(planOf(validate(s)).buyers[0]!.strategy).toEqual({ kind: 'boulware', name: 'boulware', e: 0.2, options: {}, maxRounds: 5, deadlineUs: undefined, opponentModel: { floorSteps: 4096, exponentSteps: 8, walkAway: 1 } });
    s.buyers[0].strategy = { kind: 'linear', max_rounds: 5 };
    expect('opponentModel' in planOf(validate(s)).buyers[0]!.strategy).toBe(false);
  });

  it('reads money given as text, and refuses a rate without its unit (12 is not taken for 12/s)', () => {
    const s = baseScenario();
    s.buyers[0].mandate.max_per_purchase = '600.50';
    expect(planOf(validate(s)).buyers[0]!.mandate.max_per_purchase).toBe(60_050);
    s.buyers[0].intent_rate = 12;
    expect(problemsOf(validate(s))).toEqual([{ path: 'buyers[0].intent_rate', message: 'expected a rate with its unit, like "6/m" or "0.5/s" (per ms, s, m, h or d) (not negative), got 12' }]);
    s.buyers[0].intent_rate = 0;
    expect(planOf(validate(s)).buyers[0]!.intent_rate).toBe(0);
  });

  it('refuses a budget on a saga or bond metric when there is no settlement to measure', () => {
    const s = baseScenario();
    s.budgets = ['negotiation.success_rate >= 0.5', 'sagas.settled >= 1', 'bonds.forfeited == 0'];
    expect(problemsOf(validate(s))).toEqual([
      { path: 'budgets[1]', message: 'sagas.settled has a value only with a settlement section (without one the budget would always breach)' },
      { path: 'budgets[2]', message: 'bonds.forfeited has a value only with a settlement section (without one the budget would always breach)' },
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

  it('accepts links between known organisations', () => {
    const s = baseScenario();
    s.network.links = [{ from: 'globex-procurement', to: 'acme-audio', latency: '20ms' }];
    const plan = planOf(validate(s));
    expect(plan.network.links[0]!.latency).toEqual({ kind: 'constant', valueUs: 20_000 });
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

  it('keeps its own hint for a duration given as a bare number', () => {
    const s = baseScenario();
    s.buyers[0].quote_timeout = 300;
    expect(messageAt(s, 'buyers[0].quote_timeout')).toMatch(/^expected a duration with a unit.*got number 300$/);
  });

  it('says a missing field is missing', () => {
    const s = baseScenario();
    delete s.buyers[0].quote_timeout;
    expect(problemPaths(s)).toEqual(['buyers[0].quote_timeout']);
    expect(messageAt(s, 'buyers[0].quote_timeout')).toMatch(/required field is missing/);
  });

  it.each([
    ['boulware', 1, 'below 1'],
    ['boulware', 3, 'below 1'],
    ['linear', 0.5, 'exactly 1'],
    ['conceder', 1, 'above 1'],
    ['conceder', 0.2, 'above 1'],
  ])('rejects a %s strategy with e = %s', (kind, e, want) => {
    const s = baseScenario();
    s.stores[0].strategy = { kind, e, max_rounds: 8 };
    expect(problemPaths(s)).toEqual(['stores[0].strategy.e']);
    expect(messageAt(s, 'stores[0].strategy.e')).toContain(want);
  });

  it('rejects an opponent model on a store, and bad model settings with their paths', () => {
    const s = baseScenario();
    s.stores[0].strategy.opponent_model = {};
    s.buyers[0].strategy.opponent_model = { floor_steps: 1, exponent_steps: 0, walk_away: 0, hypotheses: 9 };
    expect(problemPaths(s)).toEqual([
      'buyers[0].strategy.opponent_model.exponent_steps',
      'buyers[0].strategy.opponent_model.floor_steps',
      'buyers[0].strategy.opponent_model.hypotheses',
      'buyers[0].strategy.opponent_model.walk_away',
      'stores[0].strategy.opponent_model',
    ]);
    const t = baseScenario();
    t.buyers[0].strategy.opponent_model = { floor_steps: 65_536, exponent_steps: 32 };
    expect(messageAt(t, 'buyers[0].strategy.opponent_model.floor_steps')).toMatch(/at most 1,048,576 hypotheses/);
  });

  it('rejects a non-positive e and an unknown strategy kind', () => {
    const s = baseScenario();
    s.stores[0].strategy.e = -1;
    s.stores[1].strategy.kind = 'tit-for-tat';
    expect(problemPaths(s)).toEqual(['stores[0].strategy.e', 'stores[1].strategy.kind']);
  });

  it.each([
    ['a negative rate', '-12/m'],
    ['a negative number', -3],
    ['a rate without a unit', '12'],
    ['a rate per year', '12/y'],
    ['a boolean', true],
  ])('rejects %s as intent_rate', (_name, rate) => {
    const s = baseScenario();
    s.buyers[0].intent_rate = rate;
    expect(problemPaths(s)).toEqual(['buyers[0].intent_rate']);
    expect(messageAt(s, 'buyers[0].intent_rate')).toMatch(/rate/);
  });

  it.each([
    ['a negative mandate', ['buyers', 0, 'mandate', 'max_per_purchase'], -600],
    ['a negative mandate as text', ['buyers', 0, 'mandate', 'max_per_purchase'], '-600.00'],
    ['a mandate with three decimals', ['buyers', 0, 'mandate', 'max_per_purchase'], 600.005],
    ['a negative shipping fee', ['stores', 1, 'shipping'], -4.99],
    ['a zero reference price', ['market', 'categories', 0, 'reference_price'], 0],
    ['a reference price with a currency sign', ['market', 'categories', 0, 'reference_price'], '$150'],
  ] as [string, (string | number)[], unknown][])('rejects %s', (_name, path, value) => {
    const s = baseScenario();
    let node: any = s;
    for (const key of path.slice(0, -1)) node = node[key];
    node[path[path.length - 1]!] = value;
    const expected = path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
    expect(problemPaths(s)).toEqual([expected]);
  });

  it.each([
    ['a duration without a unit', '300'],
    ['a numeric duration', 300],
    ['a zero duration', '0s'],
    ['a negative duration', '-300ms'],
  ] as [string, unknown][])('rejects %s as quote_timeout', (_name, value) => {
    const s = baseScenario();
    s.buyers[0].quote_timeout = value;
    expect(problemPaths(s)).toEqual(['buyers[0].quote_timeout']);
  });

  it('rejects probabilities outside [0, 1], bad names and bad currencies', () => {
    const s = baseScenario();
    s.network.loss_probability = 1.5;
    s.name = 'quick start';
    s.currency = 'usd';
    s.stores[0].tax_rate = -0.1;
    expect(problemPaths(s)).toEqual(['currency', 'name', 'network.loss_probability', 'stores[0].tax_rate']);
  });

  it('rejects a lognormal whose p99 is not above its median', () => {
    const s = baseScenario();
    s.network.latency = { distribution: 'lognormal', median: '2ms', p99: '2ms' };
    s.stores[1].capacity.service_time = { distribution: 'lognormal', median: '8ms', p99: '2ms' };
    expect(problemPaths(s)).toEqual(['network.latency.p99', 'stores[1].capacity.service_time.p99']);
    expect(messageAt(s, 'network.latency.p99')).toMatch(/p99 must be greater than the median/);
  });

  it('rejects a uniform whose max is below its min', () => {
    const s = baseScenario();
    s.network.latency = { distribution: 'uniform', min: '5ms', max: '1ms' };
    expect(problemPaths(s)).toEqual(['network.latency.max']);
  });

  it('rejects a distribution of an unknown kind', () => {
    const s = baseScenario();
    s.network.latency = { distribution: 'pareto', scale: '1ms' };
    expect(problemPaths(s)).toEqual(['network.latency.distribution']);
  });

  it('names network.latency.median when a lognormal median is unparsable', () => {
    const s = baseScenario();
    s.network.latency = { distribution: 'lognormal', median: 'abc', p99: '12ms' };
    expect(problemPaths(s)).toEqual(['network.latency.median']);
    expect(messageAt(s, 'network.latency.median')).toMatch(/expected a duration with a unit/);
  });

  it('rejects a quantity range whose max is below its min', () => {
    const s = baseScenario();
    s.buyers[0].quantity = { min: 3, max: 2 };
    expect(problemPaths(s)).toEqual(['buyers[0].quantity.max']);
  });

  it('rejects an empty list of stores and of buyers', () => {
    const s = baseScenario();
    s.stores = [];
    s.buyers = [];
    expect(problemPaths(s)).toEqual(['buyers', 'stores']);
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

  it('rejects a misspelt distribution field', () => {
    const s = baseScenario();
    s.network.latency = { distribution: 'exponential', mean: '3ms', minimum: '1ms' };
    expect(problemPaths(s)).toEqual(['network.latency.minimum']);
  });
});

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
