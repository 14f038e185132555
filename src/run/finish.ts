/**
 * The end of a run: the shards' outcomes merged into the deterministic results, the budgets
 * checked against them, and the reporters told.
 */
import { DealChecker } from '../checkers/deals.js';
import { SettlementChecker } from '../checkers/settlement.js';
import { buildLimitBands } from '../metrics/bands.js';
import { MetricsCollector } from '../metrics/collector.js';
import { PERCENTILE_TABLE } from '../metrics/latency.js';
import { buildResults, metricValues, type MarketSummary, type Results } from '../metrics/results.js';
import { buildStrategies } from '../metrics/strategies.js';
import { buildExposure, buildTimeseries, openIntervals, timeseriesBucketUs } from '../metrics/timeseries.js';
import { formatMinor } from '../protocol/money.js';
import { budgetHolds, type Budget } from '../scenario/budgets.js';
import type { BudgetResult, Reporter, RunResult } from '../simulation.js';
import type { BreakerReport, SharedWorld } from './shard.js';

/** What one shard hands back at the end of a run. */
export interface ShardOutcome {
  readonly metrics: MetricsCollector;
  readonly checker: DealChecker;
  readonly settlement: SettlementChecker;
  readonly breakers: BreakerReport[];
  readonly events: number;
}

/** What finishing a run reads of the world: no directory, keys or mandates. */
export type FinishingWorld = Pick<SharedWorld, 'plan' | 'layout' | 'market' | 'faults'>;

/** Merges the shards' outcomes (in shard order; every merge is order-independent) into the run's result; the first shard's records take in the others'. */
export function finishRun(world: FinishingWorld, outcomes: readonly ShardOutcome[], endUs: number, reporters: readonly Reporter[]): RunResult {
  const { plan, market, layout } = world;
  // The first shard's records take in the others': merged into new ones, they were copied whole,
  // which cost a run of one shard (every inline run) time and memory for nothing.
  const first = outcomes[0];
  const metrics = first?.metrics ?? new MetricsCollector();
  const checker = first?.checker ?? new DealChecker();
  const settlementChecker = first?.settlement ?? new SettlementChecker();
  for (let i = 1; i < outcomes.length; i++) {
    const o = outcomes[i]!;
    metrics.merge(o.metrics);
    checker.merge(o.checker, endUs);
    settlementChecker.merge(o.settlement);
  }
  const finding = checker.finish(endUs);
  const settled = plan.settlement ? settlementChecker.finish(endUs, world.faults?.untilUs ?? 0, plan.settlement.saga_bound) : undefined;
  const marketSummary: MarketSummary[] = plan.market.categories.map((c) => {
    let min = Infinity;
    let max = -Infinity;
    for (let t = 0; t <= endUs; t += plan.market.tick) {
      const p = market.referencePriceMinor(c.name, t);
      min = Math.min(min, p);
      max = Math.max(max, p);
    }
    return {
      category: c.name,
      start_price: formatMinor(Math.round(market.referencePriceMinor(c.name, 0))),
      end_price: formatMinor(Math.round(market.referencePriceMinor(c.name, endUs))),
      min_price: formatMinor(Math.round(min)),
      max_price: formatMinor(Math.round(max)),
    };
  });
  const results = buildResults({
    scenario: plan.name,
    seed: plan.seed,
    endUs,
    events: outcomes.reduce((n, o) => n + o.events, 0),
    metrics,
    regimes: market.timeline.regimes,
    topPairs: plan.report.top_pairs,
    inDoubt: finding.inDoubt,
    breakers: outcomes.flatMap((o) => o.breakers),
    market: marketSummary,
    sagas: settled,
    faults: world.faults,
    agentName: (id) => layout.agents[id]?.party.identifier ?? `#${id}`,
    ...riskResults(world, metrics, endUs),
    signing: plan.security.signing,
    audit: plan.security.audit,
    strategies: buildStrategies(
      metrics,
      [...plan.buyers.map((b) => ({ name: b.strategy.name, role: 'buyer' as const, organisation: b.organisation })), ...plan.stores.map((st) => ({ name: st.strategy.name, role: 'store' as const, organisation: st.organisation }))],
      (id) => {
        const a = layout.agents[id];
        if (a === undefined || (a.role !== 'buyer' && a.role !== 'store')) return undefined;
        const party = a.role === 'buyer' ? plan.buyers[a.planIndex]! : plan.stores[a.planIndex]!;
        return { name: party.strategy.name, role: a.role, organisation: a.organisation };
      },
    ),
  });
  const budgets = evaluateBudgets(plan.budgets, results);
  const latencyPercentiles = { percentiles: [...PERCENTILE_TABLE], negotiation_us: metrics.negotiationLatency.percentiles(), settlement_us: metrics.settlementLatency.percentiles() };
  const result: RunResult = { results, budgets, passed: budgets.every((b) => b.passed), latencyPercentiles, limitBands: buildLimitBands(plan, market, endUs) };
  for (const r of reporters) r.onEnd?.(result);
  return result;
}

/** Halts of the session, exposure against its limits, and the time series. */
function riskResults(world: FinishingWorld, metrics: MetricsCollector, endUs: number) {
  const { plan, market } = world;
  const halts = market.halts.filter((h) => h.startUs <= endUs);
  const byOrg = new Map<string, { timeUs: number; to: string }[]>();
  for (const t of [...metrics.breakerTransitions].sort((a, b) => a.timeUs - b.timeUs)) {
    const list = byOrg.get(t.organisation) ?? [];
    list.push(t);
    byOrg.set(t.organisation, list);
  }
  return {
    halts: halts.map((h) => ({ kind: h.kind, category: h.category, start_us: h.startUs, end_us: h.endUs, move: h.move })),
    exposure: buildExposure(plan, endUs, metrics.exposurePeaks, metrics.exposureLasts),
    timeseries: {
      bucket_us: timeseriesBucketUs(plan),
      buckets: buildTimeseries({ plan, market, halts, endUs, byBucket: metrics.byBucket, breakers: [...byOrg.values()].map((l) => openIntervals(l, endUs)) }),
    },
  };
}

/** Checks each budget against the run's metric values. */
export function evaluateBudgets(budgets: readonly Budget[], results: Results): BudgetResult[] {
  const values = metricValues(results);
  return budgets.map((b) => {
    const value = values.get(b.metric);
    return { expression: b.expression, metric: b.metric, value: value ?? null, passed: budgetHolds(b, value) };
  });
}
