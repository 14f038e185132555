/**
 * k6-style budgets: "settlement_latency.p99 < 500ms", "negotiation.success_rate >= 0.85".
 * Parsed when the scenario is loaded; evaluated against the flat metric values of a run.
 */
import { ERROR_CODES } from '../protocol/codes.js';
import { parseDurationUs } from './units.js';

export type BudgetOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Budget {
  /** the expression as written */
  readonly expression: string;
  readonly metric: string;
  readonly operator: BudgetOperator;
  /** threshold in the metric's own unit (µs for durations) */
  readonly threshold: number;
}

const LATENCY_STATS = ['p50', 'p90', 'p99', 'max', 'mean'];
const DURATION_METRICS = new Set<string>([
  ...LATENCY_STATS.map((s) => `negotiation_latency.${s}`),
  ...LATENCY_STATS.map((s) => `settlement_latency.${s}`),
  'breaker.time_open',
  // measured on the wall clock at the gateway (report.json wallclock.external), not in virtual time
  ...LATENCY_STATS.map((s) => `external.reply_latency.${s}`),
  ...LATENCY_STATS.map((s) => `external.round_trip.${s}`),
]);

/** Budgets on wall-clock figures of external agents: evaluated by the command line after the run, beside the results. */
export function isWallclockMetric(metric: string): boolean {
  return metric.startsWith('external.');
}
/** Metrics that are fractions of one: the only ones a percentage may be written for. */
const RATIO_METRICS = new Set<string>(['negotiation.success_rate', 'exposure.peak_ratio']);
const PLAIN_METRICS = new Set<string>([
  'negotiation.success_rate',
  'negotiation.count',
  'negotiation.succeeded',
  'negotiation.failed',
  'negotiation.rounds.mean',
  'negotiation.rounds.max',
  'intents.held',
  'messages.total',
  'messages.delivered',
  'messages.dropped',
  'messages.invalid',
  'errors.total',
  'breaker.opens',
  'deals.in_doubt',
  'deals.count',
  'deals.buyer_surplus',
  'deals.store_surplus',
  'deals.price_to_reference',
  'sagas.settled',
  'sagas.compensated',
  'sagas.step_retries',
  'bonds.forfeited',
  'security.attempts',
  'security.accepted_hostile',
  ...ERROR_CODES.map((c) => `errors.${c}`),
  // risk controls (see src/metrics/results.ts)
  'halts.count',
  ...['level_1', 'level_2', 'level_3', 'limit_up', 'limit_down'].map((k) => `halts.${k}`),
  'exposure.peak_ratio',
  ...['breaker_open', 'exposure_limit', 'volatility'].map((r) => `held.${r}`),
  ...['capacity', 'open_value', 'counterparty_share', 'market_halted', 'outage'].map((r) => `refused.${r}`),
  ...['reply_timeouts', 'disconnects', 'malformed'].map((r) => `external.${r}`),
]);

/** Every metric name a budget may use, with whether it is a duration. */
export function budgetMetricNames(): { name: string; duration: boolean }[] {
  return [
    ...[...PLAIN_METRICS].map((name) => ({ name, duration: false })),
    ...[...DURATION_METRICS].map((name) => ({ name, duration: true })),
  ];
}

/** Parses one budget expression; returns the budget or a message saying what is wrong. */
export function parseBudget(expression: string): Budget | { error: string } {
  const m = /^\s*([a-z_][a-z0-9_.]*)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/.exec(expression);
  if (!m) return { error: `expected "<metric> <op> <value>", e.g. "settlement_latency.p99 < 500ms"` };
  const [, metric, operator, raw] = m as unknown as [string, string, BudgetOperator, string];
  const isDuration = DURATION_METRICS.has(metric);
  if (!isDuration && !PLAIN_METRICS.has(metric)) {
    return { error: `unknown metric "${metric}"` };
  }
  let threshold: number | null;
  if (isDuration) {
    threshold = parseDurationUs(raw);
    if (threshold === null) return { error: `"${metric}" is a duration: expected a value like 500ms, got "${raw}"` };
  } else {
    const m2 = /^(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)(%?)$/i.exec(raw);
    const ratio = RATIO_METRICS.has(metric);
    if (!m2) return { error: ratio ? `expected a number or a percentage like 85%, got "${raw}"` : `expected a number, got "${raw}"` };
    if (m2[2] && !ratio) return { error: `"${metric}" is not a rate, so it takes a number, not a percentage (got "${raw}")` };
    threshold = Number(m2[1]) / (m2[2] ? 100 : 1);
    if (!Number.isFinite(threshold)) return { error: `expected a finite number, got "${raw}"` };
    // A success rate is between 0 and 1 and counts are never negative: past those the budget could never hold, or always would.
    if (metric === 'negotiation.success_rate' && (threshold < 0 || threshold > 1)) return { error: `a success rate is between 0 and 1 (0% and 100%), got "${raw}"` };
    if (threshold < 0) return { error: `"${metric}" is never negative, got "${raw}"` };
  }
  return { expression: expression.trim(), metric, operator, threshold };
}

/** True when `value` satisfies the budget. A missing value (no samples) fails the budget. */
export function budgetHolds(budget: Budget, value: number | undefined): boolean {
  if (value === undefined || Number.isNaN(value)) return false;
  switch (budget.operator) {
    case '<':
      return value < budget.threshold;
    case '<=':
      return value <= budget.threshold;
    case '>':
      return value > budget.threshold;
    case '>=':
      return value >= budget.threshold;
    case '==':
      return value === budget.threshold;
    case '!=':
      return value !== budget.threshold;
  }
}

/** True when the metric is a duration in µs. */
export function isDurationMetric(metric: string): boolean {
  return DURATION_METRICS.has(metric);
}
