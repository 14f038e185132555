/**
 * Figures per negotiation strategy: for each strategy of the scenario and the role it plays,
 * the organisations using it, the negotiations it took part in (those that reached a store),
 * how many succeeded, and how many it broke (strategy_error).
 */
import type { MetricsCollector } from './collector.js';
import { MetricsCollector as Collector } from './collector.js';
import type { StrategyErrorSample } from './strategy-errors.js';

export interface StrategySummary {
  readonly name: string;
  readonly role: 'buyer' | 'store';
  readonly organisations: string[];
  readonly negotiations: number;
  readonly succeeded: number;
  readonly success_rate: number | null;
  readonly errors: number;
}

export interface StrategiesResults {
  readonly by_strategy: StrategySummary[];
  /** negotiations a strategy broke, and the first of them (by virtual time) */
  readonly errors: { readonly total: number; readonly first: StrategyErrorSample[] };
}

/** Who plays which strategy: an agent's strategy name, role and organisation by agent id. */
export type StrategyOf = (agentId: number) => { readonly name: string; readonly role: 'buyer' | 'store'; readonly organisation: string } | undefined;

/** Every strategy of the scenario (in the order given), with its tallies. */
export function buildStrategies(metrics: MetricsCollector, strategies: readonly { name: string; role: 'buyer' | 'store'; organisation: string }[], strategyOf: StrategyOf): StrategiesResults {
  const key = (role: string, name: string) => `${role}\u0000${name}`;
  const rows = new Map<string, { name: string; role: 'buyer' | 'store'; organisations: string[]; negotiations: number; succeeded: number }>();
  for (const s of strategies) {
    const k = key(s.role, s.name);
    const row = rows.get(k) ?? { name: s.name, role: s.role, organisations: [], negotiations: 0, succeeded: 0 };
    if (!row.organisations.includes(s.organisation)) row.organisations.push(s.organisation);
    rows.set(k, row);
  }
  for (const [pair, tally] of metrics.byPair) {
    const { buyerId, storeId } = Collector.pairIds(pair);
    for (const who of [strategyOf(buyerId), strategyOf(storeId)]) {
      const row = who && rows.get(key(who.role, who.name));
      if (!row) continue;
      row.negotiations += tally.count;
      row.succeeded += tally.succeeded;
    }
  }
  const errors = metrics.strategyErrors;
  return {
    by_strategy: [...rows.values()].map((r) => ({
      ...r,
      success_rate: r.negotiations > 0 ? Math.round((r.succeeded / r.negotiations) * 1e6) / 1e6 : null,
      errors: errors.counts.get(`${r.role} ${r.name}`) ?? 0,
    })),
    errors: { total: errors.total, first: errors.first },
  };
}
