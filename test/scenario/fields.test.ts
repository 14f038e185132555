/** The field types of a scenario: durations, rates, money and distributions of durations. */
import { describe, expect, it } from 'vitest';
import { validate } from '../../src/scenario/load.js';
import { baseScenario, messageAt, planOf, problemPaths, problemsOf } from './fixtures.js';

describe('field values', () => {
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

  it('reads money given as text, and refuses a rate without its unit (12 is not taken for 12/s)', () => {
    const s = baseScenario();
    s.buyers[0].mandate.max_per_purchase = '600.50';
    expect(planOf(validate(s)).buyers[0]!.mandate.max_per_purchase).toBe(60_050);
    s.buyers[0].intent_rate = 12;
    expect(problemsOf(validate(s))).toEqual([{ path: 'buyers[0].intent_rate', message: 'expected a rate with its unit, like "6/m" or "0.5/s" (per ms, s, m, h or d) (not negative), got 12' }]);
    s.buyers[0].intent_rate = 0;
    expect(planOf(validate(s)).buyers[0]!.intent_rate).toBe(0);
  });
});

describe('wrong field values', () => {
  it('keeps its own hint for a duration given as a bare number', () => {
    const s = baseScenario();
    s.buyers[0].quote_timeout = 300;
    expect(messageAt(s, 'buyers[0].quote_timeout')).toMatch(/^expected a duration with a unit.*got number 300$/);
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

  it('rejects a misspelt distribution field', () => {
    const s = baseScenario();
    s.network.latency = { distribution: 'exponential', mean: '3ms', minimum: '1ms' };
    expect(problemPaths(s)).toEqual(['network.latency.minimum']);
  });
});
