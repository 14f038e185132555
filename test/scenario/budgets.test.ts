import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/protocol/codes.js';
import { budgetHolds, budgetMetricNames, isDurationMetric, parseBudget, type Budget, type BudgetOperator } from '../../src/scenario/budgets.js';

function parsed(expression: string): Budget {
  const result = parseBudget(expression);
  if ('error' in result) throw new Error(`"${expression}" did not parse: ${result.error}`);
  return result;
}

function errorOf(expression: string): string {
  const result = parseBudget(expression);
  if (!('error' in result)) throw new Error(`"${expression}" parsed, expected an error`);
  return result.error;
}

describe('parseBudget', () => {
  it.each([
    ['settlement_latency.p99 < 500ms', 'settlement_latency.p99', '<', 500_000],
    ['negotiation_latency.p50 <= 1.5s', 'negotiation_latency.p50', '<=', 1_500_000],
    ['breaker.time_open < 5m', 'breaker.time_open', '<', 300_000_000],
    ['settlement_latency.max<250us', 'settlement_latency.max', '<', 250],
    ['negotiation.success_rate >= 0.85', 'negotiation.success_rate', '>=', 0.85],
    ['negotiation.success_rate >= 85%', 'negotiation.success_rate', '>=', 0.85],
    ['negotiation.success_rate > 12.5%', 'negotiation.success_rate', '>', 0.125],
    ['negotiation.rounds.mean <= 4.5', 'negotiation.rounds.mean', '<=', 4.5],
    ['errors.out_of_stock == 0', 'errors.out_of_stock', '==', 0],
    ['deals.in_doubt != 1', 'deals.in_doubt', '!=', 1],
    ['  messages.dropped < 10  ', 'messages.dropped', '<', 10],
  ] as [string, string, BudgetOperator, number][])('%j → %s %s %s', (expression, metric, operator, threshold) => {
    const budget = parsed(expression);
    expect(budget.metric).toBe(metric);
    expect(budget.operator).toBe(operator);
    expect(budget.threshold).toBeCloseTo(threshold, 12);
    expect(budget.expression).toBe(expression.trim());
  });

  it('reads every known metric', () => {
    for (const { name, duration } of budgetMetricNames()) {
      const budget = parsed(`${name} < ${duration ? '1s' : '1'}`);
      expect(budget.threshold).toBe(duration ? 1_000_000 : 1);
      expect(isDurationMetric(name)).toBe(duration);
    }
  });

  it('has a counter metric for every error code', () => {
    const names = new Set(budgetMetricNames().map((m) => m.name));
    for (const code of ERROR_CODES) expect(names.has(`errors.${code}`), code).toBe(true);
  });

  it('rejects an unknown metric, naming it', () => {
    expect(errorOf('settlement_latency.p95 < 500ms')).toContain('unknown metric "settlement_latency.p95"');
    expect(errorOf('success_rate >= 0.85')).toContain('unknown metric "success_rate"');
    expect(errorOf('errors.ITEM_UNAVAILABLE == 0')).toMatch(/expected/);
  });

  it('rejects a duration metric without a duration unit', () => {
    expect(errorOf('settlement_latency.p99 < 500')).toMatch(/duration/);
    expect(errorOf('settlement_latency.p99 < 50%')).toMatch(/duration/);
    expect(errorOf('settlement_latency.p99 < fast')).toMatch(/duration/);
  });

  it('rejects a threshold that is not a number or percentage', () => {
    expect(errorOf('negotiation.success_rate >= high')).toMatch(/number/);
    expect(errorOf('negotiation.success_rate >= abc%')).toMatch(/percentage/);
    expect(errorOf('negotiation.count < Infinity')).toMatch(/number/);
  });

  it.each([
    'negotiation.success_rate',
    '>= 0.85',
    'negotiation.success_rate => 0.85',
    'negotiation.success_rate = 0.85',
    'negotiation.success_rate >= 0.8 5',
    'Negotiation.success_rate >= 0.85',
    '',
  ])('rejects the malformed expression %j', (expression) => {
    expect(errorOf(expression)).toMatch(/expected "<metric> <op> <value>"/);
  });

  it('rejects a missing threshold', () => {
    expect(errorOf('negotiation.success_rate >=')).toBeTruthy();
    expect(errorOf('negotiation.success_rate <')).toBeTruthy();
  });

  it('takes a percentage only on a rate', () => {
    expect(errorOf('errors.total < 5%')).toMatch(/"errors.total" is not a rate, so it takes a number, not a percentage/);
    expect(errorOf('negotiation.rounds.mean <= 50%')).toMatch(/not a rate/);
    expect(parsed('exposure.peak_ratio <= 80%').threshold).toBe(0.8);
  });

  it('refuses a threshold that could never hold or always would', () => {
    expect(errorOf('negotiation.success_rate >= 200%')).toBe('a success rate is between 0 and 1 (0% and 100%), got "200%"');
    expect(errorOf('negotiation.success_rate >= 1.5')).toMatch(/between 0 and 1/);
    expect(errorOf('negotiation.count >= -5')).toBe('"negotiation.count" is never negative, got "-5"');
    expect(errorOf('negotiation.count < 1e400')).toBe('expected a finite number, got "1e400"');
  });

  it('rejects a bare "%" threshold instead of reading it as 0', () => {
    expect(errorOf('negotiation.success_rate >= %')).toMatch(/expected a number or a percentage/);
  });
});

describe('budgetHolds', () => {
  const table: [BudgetOperator, [number, boolean][]][] = [
    ['<', [[9, true], [10, false], [11, false]]],
    ['<=', [[9, true], [10, true], [11, false]]],
    ['>', [[9, false], [10, false], [11, true]]],
    ['>=', [[9, false], [10, true], [11, true]]],
    ['==', [[9, false], [10, true], [11, false]]],
    ['!=', [[9, true], [10, false], [11, true]]],
  ];

  for (const [operator, rows] of table) {
    it.each(rows)(`value %s against "${operator} 10" holds: %s`, (value, holds) => {
      expect(budgetHolds(parsed(`negotiation.count ${operator} 10`), value)).toBe(holds);
    });

    it(`a missing or NaN value fails "${operator}"`, () => {
      const budget = parsed(`negotiation.count ${operator} 10`);
      expect(budgetHolds(budget, undefined)).toBe(false);
      expect(budgetHolds(budget, Number.NaN)).toBe(false);
    });
  }

  it('compares durations in µs', () => {
    const budget = parsed('settlement_latency.p99 < 500ms');
    expect(budgetHolds(budget, 499_999)).toBe(true);
    expect(budgetHolds(budget, 500_000)).toBe(false);
  });

  it('compares percentages as fractions', () => {
    const budget = parsed('negotiation.success_rate >= 85%');
    expect(budgetHolds(budget, 0.85)).toBe(true);
    expect(budgetHolds(budget, 0.849)).toBe(false);
  });
});
