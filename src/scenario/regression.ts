/**
 * Regression thresholds in the budget style, "negotiation.success_rate: -1%": the largest
 * relative change a comparison tolerates in the worse direction (the sign says which is worse).
 */
import { budgetMetricNames } from './budgets.js';

export interface RegressionThreshold {
  readonly expression: string;
  readonly metric: string;
  /** the worse direction and the tolerated relative change, as a fraction (0.01 for 1%) */
  readonly worse: 'up' | 'down';
  readonly tolerance: number;
}

/** Parses "metric: -1%" (a drop of more than 1% is a regression) or "metric: +10%". */
export function parseRegression(expression: string): RegressionThreshold | { error: string } {
  const m = /^\s*([a-z_][a-z0-9_.]*)\s*:\s*([+-])\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(expression);
  if (!m) return { error: `expected "<metric>: -N%" or "<metric>: +N%" (the largest change tolerated in the worse direction), e.g. "negotiation.success_rate: -1%"` };
  const [, metric, sign, amount] = m as unknown as [string, string, string, string];
  if (!budgetMetricNames().some((b) => b.name === metric)) return { error: `unknown metric "${metric}"` };
  const tolerance = Number(amount) / 100;
  if (!(tolerance >= 0 && tolerance <= 10)) return { error: `a tolerance from 0% to 1000%, got ${amount}%` };
  return { expression: expression.trim(), metric, worse: sign === '-' ? 'down' : 'up', tolerance };
}

