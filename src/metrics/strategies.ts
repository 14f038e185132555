/**
 * Figures per negotiation strategy: for each strategy of the scenario and the role it plays,
 * the organisations using it, the negotiations it took part in (those that reached a store),
 * how many succeeded, and how many it broke (strategy_error).
 */
import type { MetricsCollector } from './collector.js';
import { MetricsCollector as Collector } from './collector.js';
import { ScoreSums, type ScoreMeans } from './scores.js';
import type { StrategyErrorSample } from './strategy-errors.js';

export interface StrategySummary {
  readonly name: string;
  readonly role: 'buyer' | 'store';
  readonly organisations: string[];
  readonly negotiations: number;
  readonly succeeded: number;
  readonly success_rate: number | null;
  readonly errors: number;
  /** NegMAS's scores, averaged over its negotiations that both sides scored (when the scenario keeps scores) */
  readonly scores?: ScoreMeans;
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
  // Each agent's row, looked up once: a run has a tally per buyer and store that traded, and
  // every agent is in many of them.
  const rowOf = new Map<number, { negotiations: number; succeeded: number } | undefined>();
  const rowOfAgent = (agentId: number) => {
    if (rowOf.has(agentId)) return rowOf.get(agentId);
    const who = strategyOf(agentId);
    const row = who && rows.get(key(who.role, who.name));
    rowOf.set(agentId, row);
    return row;
  };
  const credit = (row: { negotiations: number; succeeded: number } | undefined, tally: { count: number; succeeded: number }) => {
    if (!row) return;
    row.negotiations += tally.count;
    row.succeeded += tally.succeeded;
  };
  metrics.byPair.forEach((tally, pair) => {
    credit(rowOfAgent(Collector.buyerOf(pair)), tally);
    credit(rowOfAgent(Collector.storeOf(pair)), tally);
  });
  const sums = new Map<string, ScoreSums>();
  if (metrics.scores) {
    for (const k of rows.keys()) sums.set(k, new ScoreSums());
    for (const n of metrics.scores.scored()) {
      const b = strategyOf(n.buyerId);
      const st = strategyOf(n.storeId);
      if (b) sums.get(key(b.role, b.name))?.add(n.buyer);
      if (st) sums.get(key(st.role, st.name))?.add(n.store);
    }
  }
  const errors = metrics.strategyErrors;
  return {
    by_strategy: [...rows.entries()].map(([k, r]) => ({
      ...r,
      success_rate: r.negotiations > 0 ? Math.round((r.succeeded / r.negotiations) * 1e6) / 1e6 : null,
      errors: errors.counts.get(`${r.role} ${r.name}`) ?? 0,
      ...(sums.has(k) ? { scores: sums.get(k)!.means() } : {}),
    })),
    errors: { total: errors.total, first: errors.first },
  };
}
